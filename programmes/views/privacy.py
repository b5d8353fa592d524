"""A participant's data, for admins acting on data-protection requests: the export (a readable
page, or JSON for portability) and the erasure."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Field
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cocora.core.errors import ApplicationError
from cocora.core.forms import StyledFormMixin
from cocora.organisations.views_base import OrgTemplateView
from cocora.privacy.models import ErasureReason
from cocora.privacy.selectors import erasure_record_for_subject
from cocora.privacy.services import subject_erase, subject_export

from ..models import (
    AttendanceStatus,
    ConsentGiver,
    ConsentScope,
    EnrolmentStage,
    Participant,
    ProgrammeKind,
)
from ..privacy_providers import participant_erasure_preview

EXPORT_FORMATS = ("html", "json")
PARTICIPANT_FIELDS = (
    "code",
    "display_name",
    "birth_year",
    "email",
    "phone",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "preferred_language",
)


def _label(choices: Any, value: str | None) -> str:
    """The readable name of a stored choice; an unknown one shows as stored."""
    if value is None:
        return ""
    return str(dict(choices.choices).get(value, value))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def export_display(document: dict[str, Any]) -> dict[str, Any]:
    """The export document, with readable names and real dates for the page. Built from the same
    document as the JSON download, so that both always say the same."""
    person = document["participant"]
    fields = []
    for name in PARTICIPANT_FIELDS:
        field = Participant._meta.get_field(name)
        assert isinstance(field, Field)
        value = person[name]
        if field.choices:
            value = _label(field, value)
        fields.append((field.verbose_name, value))
    return {
        "fields": fields,
        "created_at": _datetime(person["created_at"]),
        "consents": [
            {
                "scope": _label(ConsentScope, c["scope"]),
                "given_by": _label(ConsentGiver, c["given_by"]),
                "given_on": _date(c["given_on"]),
                "expires_on": _date(c["expires_on"]),
                "withdrawn_at": _datetime(c["withdrawn_at"]),
            }
            for c in document["consents"]
        ],
        "enrolments": [
            {
                "cohort": e["cohort"]["name"],
                "programme": e["cohort"]["programme"],
                "programme_kind": _label(ProgrammeKind, e["cohort"]["programme_kind"]),
                "starts_on": _date(e["cohort"]["starts_on"]),
                "ends_on": _date(e["cohort"]["ends_on"]),
                "stage": _label(EnrolmentStage, e["stage"]),
                "joined_on": _date(e["joined_on"]),
                "attendance": [
                    {
                        "session_date": _date(a["session_date"]),
                        "status": _label(AttendanceStatus, a["status"]),
                    }
                    for a in e["attendance"]
                ],
            }
            for e in document["enrolments"]
        ],
        "erasure": document["erasure"],
        "generated_at": _datetime(document["generated_at"]),
    }


class ParticipantDataExportView(OrgTemplateView):
    """Everything held about a participant, for an access or portability request. Each look is
    written to the audit trail; the page and the file are never cached."""

    permission = "privacy.manage"
    template_name = "programmes/privacy/export.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self.get_org_object(Participant, kwargs["participant_id"])
        fmt = request.GET.get("format", "html")
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(
                _("Unknown format %(format)s: choose html or json.") % {"format": fmt[:20]}
            )
        document = subject_export(
            organisation=self.organisation, subject=participant, actor=request.user, fmt=fmt
        )
        response: HttpResponse
        if fmt == "json":
            response = JsonResponse(
                document, json_dumps_params={"indent": 2, "ensure_ascii": False}
            )
            response["Content-Disposition"] = (
                f'attachment; filename="participant-{participant.code}.json"'
            )
        else:
            context = self.get_context_data(
                participant=participant, data=export_display(document), **kwargs
            )
            response = self.render_to_response(context)
        add_never_cache_headers(response)
        return response

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # Another organisation's id is a 404 whatever the method (as in OrgViewMixin), but a
        # refused method must not run the export: that would write an export to the trail.
        self.get_org_object(Participant, kwargs["participant_id"])
        return View.http_method_not_allowed(self, request, *args, **kwargs)


class ParticipantEraseForm(StyledFormMixin, forms.Form):
    confirm_code = forms.CharField(
        label=gettext_lazy("Type the participant's code to confirm"),
        max_length=32,
        help_text=gettext_lazy("The code is shown above, e.g. P-7KQ2MX."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args: Any, expected_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_code = expected_code

    def clean_confirm_code(self) -> str:
        typed = str(self.cleaned_data["confirm_code"]).strip().upper()
        if typed != self.expected_code.upper():
            raise forms.ValidationError(
                _("This is not the code %(code)s: type it exactly as shown.")
                % {"code": self.expected_code}
            )
        return typed


class ParticipantEraseView(OrgTemplateView):
    """Erasure on request: a page that says what goes and what stays, confirmed by typing the
    participant's code."""

    permission = "privacy.manage"
    template_name = "programmes/privacy/erase.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        participant = self.get_org_object(Participant, self.kwargs["participant_id"])
        context["participant"] = participant
        context["erasure"] = erasure_record_for_subject(
            organisation=self.organisation, subject=participant
        )
        context["preview"] = participant_erasure_preview(
            organisation=self.organisation, participant=participant
        )
        context["form"] = kwargs.get("form") or ParticipantEraseForm(expected_code=participant.code)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self.get_org_object(Participant, kwargs["participant_id"])
        form = ParticipantEraseForm(request.POST, expected_code=participant.code)
        if form.is_valid():
            try:
                subject_erase(
                    organisation=self.organisation,
                    subject=participant,
                    actor=request.user,
                    reason=ErasureReason.REQUEST,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "The data of %(code)s was erased. Their code, consents, enrolments and "
                        "attendance stay, anonymous, for the counts."
                    )
                    % {"code": participant.code},
                )
                return redirect(
                    "participant_detail",
                    org_slug=self.organisation.slug,
                    participant_id=participant.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)
