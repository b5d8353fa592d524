"""Data-protection pages for admins: retention periods, what the next run would affect, and the
erasure log."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.organisations.views_base import OrgTemplateView

from .forms import retention_policies_form
from .models import RETENTION_RULES, PeriodUnit, RecordType
from .periods import RetentionPeriod
from .registry import count_label
from .selectors import erasure_record_list, retention_last_run, retention_periods
from .services import retention_policy_set, retention_preview


def period_display(period: RetentionPeriod) -> str:
    if period.unit == PeriodUnit.DAYS:
        return ngettext("%(count)s day", "%(count)s days", period.period) % {"count": period.period}
    return ngettext("%(count)s month", "%(count)s months", period.period) % {"count": period.period}


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
