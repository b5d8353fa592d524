"""Forms of the impact pages: they read input, the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocora.core.forms import PlausibleDateField, StyledFormMixin

from .metrics import metric_choices
from .models import Direction, IndicatorKind
from .outcomes import scale_choices


class ObjectiveForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class IndicatorForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    metric = forms.ChoiceField(
        label=_("What is counted (outputs)"),
        required=False,
        help_text=_("Counted from what is recorded: sessions, attendance, enrolments, tasks."),
    )
    scale = forms.ChoiceField(
        label=_("Questionnaire scale (outcomes)"),
        required=False,
        help_text=_("The mean change from before to after, for the same young people."),
    )
    direction = forms.ChoiceField(label=_("Target"), choices=Direction.choices)
    target = forms.DecimalField(
        label=_("Target value"),
        max_digits=10,
        decimal_places=2,
        help_text=_("A count, a rate in % (0 to 100), or a change in points on the scale."),
    )
    baseline = forms.DecimalField(
        label=_("Baseline (optional)"), max_digits=10, decimal_places=2, required=False
    )
    period_start = PlausibleDateField(
        label=_("Period starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = PlausibleDateField(
        label=_("Period ends on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—"), *metric_choices()]  # type: ignore[attr-defined]
        self.fields["scale"].choices = [("", "—"), *scale_choices()]  # type: ignore[attr-defined]


class ReportForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = PlausibleDateField(
        label=_("Period starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = PlausibleDateField(
        label=_("Period ends on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    narrative_md = forms.CharField(
        label=_("Narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What happened, what changed and what was learnt, in your words. Markdown: "
            "**bold**, lists, headings with ##."
        ),
    )
