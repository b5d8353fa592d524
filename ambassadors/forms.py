"""Forms of the ambassadors app: they translate input; the rules live in the services."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocora.core.forms import PlausibleDateField, StyledFormMixin

from .models import (
    AmbassadorStatus,
    InsightKind,
    InsightStatus,
    InsightTheme,
    TaskKind,
    TaskStatus,
    Wellbeing,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _hours_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    # No min_value here: the services refuse negative hours with a message that says so.
    return forms.DecimalField(
        label=label,
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        **kwargs,
    )


class PromoteForm(StyledFormMixin, forms.Form):
    cohort = forms.TypedChoiceField(label=_("Ambassador Programme cohort"), coerce=int)
    email = forms.EmailField(
        label=_("Email for their invitation"),
        required=False,
        help_text=_("They receive an invitation to their own account with the ambassador role."),
    )

    def __init__(self, *args: Any, cohorts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "—"), *((c.pk, c.name) for c in cohorts)]


class TaskAssignForm(StyledFormMixin, forms.Form):
    ambassador = forms.TypedChoiceField(label=_("Ambassador"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = PlausibleDateField(label=_("Due on"), widget=DateInput())
    estimated_hours = _hours_field(_("Estimated hours"), initial=Decimal("1"))
    buddy = forms.TypedChoiceField(
        label=_("Buddy (optional)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, ambassadors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(a.pk, a.participant.display_name) for a in ambassadors]
        self.fields["ambassador"].choices = [("", "—"), *choices]
        self.fields["buddy"].choices = [("", _("No buddy")), *choices]


class TaskProposeForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    title = forms.CharField(label=_("What do you want to do?"), max_length=200)
    description = forms.CharField(
        label=_("A few words more"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Please do not name anyone."),
    )
    due_on = PlausibleDateField(label=_("By when"), widget=DateInput())
    estimated_hours = _hours_field(_("Hours you expect it to take"), initial=Decimal("1"))


class TaskReportForm(StyledFormMixin, forms.Form):
    peers_reached = forms.IntegerField(
        label=_("How many peers did you reach?"),
        help_text=_("A number only, never names."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    hours_spent = _hours_field(_("Hours spent"))
    what_worked = forms.CharField(
        label=_("What worked"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_was_hard = forms.CharField(
        label=_("What was hard"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    difficult_moment = forms.BooleanField(
        label=_("There was a difficult moment I want to talk about"),
        required=False,
        help_text=_("Your coordinator will meet you for a debrief within a week."),
    )


class TaskDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("start", "approve", "decline", "review", "cancel")]
    )
    note = forms.CharField(required=False, max_length=500)


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", ""), *TaskStatus.choices], required=False)
    ambassador = forms.IntegerField(required=False, min_value=1)
    due = forms.ChoiceField(
        choices=[("", ""), ("overdue", ""), ("week", ""), ("later", "")], required=False
    )


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AmbassadorStatus.choices)


class CapRaiseForm(StyledFormMixin, forms.Form):
    open_tasks_cap = forms.IntegerField(label=_("Open tasks"), required=False, min_value=1)
    weekly_hours_cap = _hours_field(_("Hours per week"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class SettingsForm(StyledFormMixin, forms.Form):
    open_tasks_cap = forms.IntegerField(label=_("Open tasks per ambassador"), min_value=1)
    weekly_hours_cap = _hours_field(_("Hours per week per ambassador"))


class CheckInForm(StyledFormMixin, forms.Form):
    held_on = PlausibleDateField(label=_("Held on"), widget=DateInput())
    wellbeing = forms.ChoiceField(
        label=_("How are they doing?"), choices=Wellbeing.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes (coordinators only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DebriefForm(StyledFormMixin, forms.Form):
    held_on = PlausibleDateField(label=_("Held on"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes (coordinators only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InsightForm(StyledFormMixin, forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=InsightTheme.choices)
    theme_other = forms.CharField(
        label=_("Other theme"), required=False, help_text=_("Only if you chose “Other”.")
    )
    kind = forms.ChoiceField(
        label=_("What did you notice?"), choices=InsightKind.choices, widget=forms.RadioSelect
    )
    # No max_length here: the service refuses longer text with a message that gives the limit.
    observation = forms.CharField(
        label=_("What you see"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Up to 2,000 characters. Do not name anyone."),
    )
    suggestion = forms.CharField(
        label=_("Your suggestion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Up to 2,000 characters."),
    )


class InsightReviewForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("What became of it"),
        choices=[
            (InsightStatus.ACKNOWLEDGED, InsightStatus.ACKNOWLEDGED.label),
            (InsightStatus.ACTED_ON, InsightStatus.ACTED_ON.label),
        ],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Your answer to the ambassador"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
