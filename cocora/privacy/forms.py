from typing import Any

from django import forms
from django.utils.translation import gettext as _

from cocora.core.forms import StyledFormMixin

from .models import RETENTION_RULES, PeriodUnit, RecordType
from .periods import RetentionPeriod


def _period_field(record_type: str, period: RetentionPeriod) -> forms.IntegerField:
    rule = RETENTION_RULES[record_type]
    unit = _("months") if rule.unit == PeriodUnit.MONTHS else _("days")
    return forms.IntegerField(
        label=_("%(records)s, in %(unit)s")
        % {"records": RecordType(record_type).label, "unit": unit},
        min_value=rule.minimum,
        max_value=rule.maximum,
        initial=period.period,
        help_text=_(
            "Kept for this long %(counted_from)s. From %(minimum)s to %(maximum)s; "
            "the default is %(default)s."
        )
        % {
            "counted_from": rule.counted_from,
            "minimum": rule.minimum,
            "maximum": rule.maximum,
            "default": rule.default,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def retention_policies_form(*args: Any, periods: dict[str, RetentionPeriod]) -> forms.Form:
    """One period per record type, in that type's unit, within its bounds. Built per request:
    the labels are in the reader's language and the initial values are the periods in force."""
    fields = {t: _period_field(t, periods[t]) for t in RETENTION_RULES}
    form_class = type("RetentionPoliciesForm", (StyledFormMixin, forms.Form), fields)
    form: forms.Form = form_class(*args)
    return form
