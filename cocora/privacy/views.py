"""Data-protection pages: for admins, retention periods, what the next run would affect and the
erasure log; for everyone, without a login, the organisation's transparency page."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.organisations.models import Organisation
from cocora.organisations.views_base import OrgTemplateView, PublicOrgView

from .forms import retention_policies_form
from .models import RETENTION_RULES, RecordType
from .periods import period_display
from .registry import count_label
from .selectors import (
    erasure_record_list,
    retention_last_run,
    retention_periods,
    transparency_facts,
)
from .services import retention_policy_set, retention_preview


class RetentionSettingsView(OrgTemplateView):
    permission = "privacy.manage"
    template_name = "privacy/retention.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        periods = retention_periods(organisation=self.organisation)
        due = retention_preview(organisation=self.organisation)
        context["form"] = kwargs.get("form") or retention_policies_form(periods=periods)
        context["rows"] = [
            {
                "label": RecordType(record_type).label,
                "period": period_display(periods[record_type]),
                "counted_from": rule.counted_from,
                "is_default": periods[record_type].is_default,
                "due": due.get(record_type, 0),
                "by_owner": record_type == RecordType.AUDIT_EVENTS,
            }
            for record_type, rule in RETENTION_RULES.items()
        ]
        last_run = retention_last_run(organisation=self.organisation)
        context["last_run"] = last_run
        if last_run is not None:
            counts = last_run.details.get("counts", {})
            context["last_run_counts"] = [
                (RecordType(key).label if key in RecordType.values else key, value)
                for key, value in counts.items()
            ]
        context["erasures"] = [
            {
                "record": record,
                "counts": [(count_label(key), value) for key, value in record.counts.items()],
            }
            for record in erasure_record_list(organisation=self.organisation)
        ]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        periods = retention_periods(organisation=self.organisation)
        form = retention_policies_form(request.POST, periods=periods)
        if form.is_valid():
            changed = 0
            try:
                with transaction.atomic():  # all periods or none
                    for record_type in RETENTION_RULES:
                        policy = retention_policy_set(
                            organisation=self.organisation,
                            record_type=record_type,
                            period=form.cleaned_data[record_type],
                            actor=request.user,
                        )
                        changed += policy is not None
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                if changed:
                    messages.success(
                        request,
                        _("Saved. The next nightly run keeps to the new periods."),
                    )
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("retention_settings", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def page_languages(organisation: Organisation) -> list[tuple[str, Any]]:
    """The languages a public page offers: the organisation's own first, then the others."""
    languages: list[tuple[str, Any]] = list(settings.LANGUAGES)
    return sorted(languages, key=lambda item: item[0] != organisation.language)


class TransparencyView(PublicOrgView):
    """What the organisation keeps about young people, for how long, who sees it, which partners
    receive what, and whom to ask: public, no login, in the language the reader picks (a member
    reads it in their own). An unknown address is a 404 like any other."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        languages = page_languages(self.organisation)
        # The language picked on the page, else a signed-in reader's own, else the
        # organisation's.
        candidates = [request.GET.get("lang", "")]
        if request.user.is_authenticated:
            candidates.append(getattr(request, "LANGUAGE_CODE", ""))
        language = next(
            (code for code in candidates if code in dict(languages)), self.organisation.language
        )
        with translation.override(language):
            context = {
                "organisation": self.organisation,
                "facts": transparency_facts(organisation=self.organisation),
                "page_languages": languages,
                "language": language,
            }
            return render(request, "privacy/transparency.html", context)
