"""Getting participant data in and out: the participant import and the cohort export."""

import base64
import json
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from cocora.core import crypto
from cocora.core.forms import StyledFormMixin
from cocora.organisations.views_base import OrgTemplateView, OrgViewMixin

from ..exports import EXPORT_FORMATS, cohort_export
from ..models import Cohort, Participant
from ..services.imports import (
    LANGUAGE_CODES,
    MAX_BYTES,
    MAX_MEGABYTES,
    MAX_ROWS,
    MERGED_FIELDS,
    ImportResult,
    participants_import,
    participants_import_template,
)


class ParticipantImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        # An empty file is reported by the import, in the same words as every other problem.
        allow_empty_file=True,
        help_text=gettext_lazy("A .csv or .xlsx file."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A .csv or .xlsx file, at most %(size)s MB and %(rows)s participants."
        ) % {"size": MAX_MEGABYTES, "rows": number_format(MAX_ROWS, force_grouping=True)}


def _participant_list_url(org_slug: str) -> str | None:
    # The participant list is another area's page; until it exists the import links nowhere.
    try:
        return reverse("participant_list", kwargs={"org_slug": org_slug})
    except NoReverseMatch:
        return None


class ParticipantImportView(OrgTemplateView):
    """Upload a spreadsheet of participants. Nothing is saved unless every row is right; a
    rejected file comes back with a table of what to fix, row by row."""

    permission = "participants.import"
    template_name = "programmes/io/participant_import.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ParticipantImportForm()
        context["result"] = kwargs.get("result")
        context["language_codes"] = ", ".join(LANGUAGE_CODES)
        context["max_rows"] = number_format(MAX_ROWS, force_grouping=True)
        context["max_megabytes"] = MAX_MEGABYTES
        context["participant_list_url"] = _participant_list_url(self.organisation.slug)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "checked_file" in request.POST:
            return self._decide(request)
        form = ParticipantImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough for the import to say the file is too large,
        # without holding all of a huge upload in memory.
        data = upload.read(MAX_BYTES + 1)
        name = upload.name or ""
        result = participants_import(
            organisation=self.organisation, uploaded_file_name=name, data=data, actor=request.user
        )
        if result.duplicates:
            token = _checked_file_keep(request, self.organisation.pk, name, data)
            return self._preview(result, token)
        return self._answer(request, result)

    def _decide(self, request: HttpRequest) -> HttpResponse:
        """The second step: the file checked before, with a decision for each likely duplicate."""
        token = request.POST["checked_file"]
        cache_key = _checked_file_key(request, self.organisation.pk, token)
        sealed = _checked_file_take(cache_key)
        if sealed is None:
            context = self.get_context_data()
            context["checked_file_gone"] = True
            return self.render_to_response(context, status=400)
        name, data = _checked_file_open(sealed)
        decisions: dict[int, str] = {}
        for key, value in request.POST.items():
            # ASCII digits only: int() refuses some of what str.isdigit allows ("row_²").
            if key.startswith("row_") and key[4:].isascii() and key[4:].isdigit():
                decisions[int(key[4:])] = value
        result = participants_import(
            organisation=self.organisation,
            uploaded_file_name=name,
            data=data,
            actor=request.user,
            decisions=decisions,
        )
        if not result.ok:
            # Nothing was saved: the file waits again, for the missing decisions or a retry.
            cache.set(cache_key, sealed, CHECKED_FILE_SECONDS)
        if result.duplicates:
            return self._preview(result, token, status=400, missing=True)
        return self._answer(request, result)

    def _preview(
        self, result: ImportResult, token: str, *, status: int = 200, missing: bool = False
    ) -> HttpResponse:
        context = self.get_context_data(form=ParticipantImportForm(), result=result)
        context.update(
            checked_file=token,
            decisions_missing=missing,
            merged_fields=[
                Participant._meta.get_field(name).verbose_name for name in MERGED_FIELDS
            ],
        )
        return self.render_to_response(context, status=status)

    def _answer(self, request: HttpRequest, result: ImportResult) -> HttpResponse:
        if not result.ok:
            return self.render_to_response(
                self.get_context_data(form=ParticipantImportForm(), result=result), status=400
            )
        message = ngettext(
            "%(count)s participant was imported.",
            "%(count)s participants were imported.",
            result.created,
        ) % {"count": result.created}
        if result.merged or result.skipped:
            # Two counts in one sentence: written as labels, so no plural form is needed.
            message += " " + _(
                "Merged into participants already here: %(merged)s. Rows skipped: %(skipped)s."
            ) % {"merged": result.merged, "skipped": result.skipped}
        messages.success(request, message)
        return redirect("participant_import", org_slug=self.organisation.slug)


# The checked file waits here between the preview and the decisions: in the cache, encrypted
# with the field keys (it holds names and contact details), for the person who uploaded it.
CHECKED_FILE_SECONDS = 30 * 60


def _checked_file_key(request: HttpRequest, organisation_id: int, token: str) -> str:
    return f"participant-import:{organisation_id}:{request.user.pk}:{token}"


def _checked_file_keep(request: HttpRequest, organisation_id: int, name: str, data: bytes) -> str:
    token = secrets.token_urlsafe(16)
    sealed = crypto.encrypt(json.dumps([name, base64.b64encode(data).decode("ascii")]))
    cache.set(_checked_file_key(request, organisation_id, token), sealed, CHECKED_FILE_SECONDS)
    return token


def _checked_file_take(key: str) -> Any:
    """The sealed file, taken out of the cache: of two submits of the same preview (a double
    click, two tabs) only the one whose delete removed it imports; the other finds it gone."""
    sealed = cache.get(key)
    if sealed is None or not cache.delete(key):
        return None
    return sealed


def _checked_file_open(sealed: Any) -> tuple[str, bytes]:
    name, encoded = json.loads(crypto.decrypt(sealed))
    return name, base64.b64decode(encoded)


class ParticipantImportTemplateView(OrgViewMixin, View):
    """The empty spreadsheet to fill in: just the header row."""

    permission = "participants.import"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse(
            participants_import_template(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="participants-template.csv"'},
        )


class CohortExportView(OrgViewMixin, View):
    """A cohort's participants and attendance as CSV or XLSX. Logged in the audit trail."""

    permission = "participants.export"
    # Not HEAD: it would run the export, and log it, for nothing.
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cohort = self.get_org_object(Cohort, kwargs["cohort_id"])
        fmt = kwargs["fmt"]
        if fmt not in EXPORT_FORMATS:
            raise Http404
        export = cohort_export(
            organisation=self.organisation, cohort=cohort, fmt=fmt, actor=request.user
        )
        return export.response()

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # Another organisation's cohort is a 404 whatever the method, so that ids say nothing.
        # Only the lookup: running the whole GET, as the base class does, would build an export
        # and write an audit line for a file nobody receives.
        self.get_org_object(Cohort, kwargs["cohort_id"])
        return View.http_method_not_allowed(self, request, *args, **kwargs)
