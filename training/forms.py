"""Forms of the training pages: they read input, the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocora.core.forms import PlausibleDateField, StyledFormMixin
from programmes.models import ProgrammeKind

from .models import TrainedRole


class CourseForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the course"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, min_value=Decimal("0.1"), max_value=2000
    )
    roles = forms.MultipleChoiceField(
        label=_("For"),
        choices=TrainedRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    programme_kinds = forms.MultipleChoiceField(
        label=_("Qualifies for"),
        choices=ProgrammeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    refresher_months = forms.IntegerField(
        label=_("Refresher every (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("For example 6 after a train-the-trainer course. Empty: never."),
    )
    required_for_trainers = forms.BooleanField(
        label=_("Required for the trainers of these programmes"),
        required=False,
        help_text=_(
            "Assigning a trainer who lacks it (or let it lapse) to a cohort shows a warning."
        ),
    )


class RecordForm(StyledFormMixin, forms.Form):
    course = forms.TypedChoiceField(label=_("Course"), coerce=int)
    completed_on = PlausibleDateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=2000,
        required=False,
        help_text=_("Empty: the course's hours."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Trainers, coordinators and admins"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ambassadors = forms.TypedMultipleChoiceField(
        label=_("Ambassadors"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        courses: list[Any],
        members: list[Any],
        ambassadors: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [(c.pk, c.name) for c in courses]  # type: ignore[attr-defined]
        self.fields["members"].choices = [  # type: ignore[attr-defined]
            (m.pk, f"{m.user} ({m.get_role_display()})") for m in members
        ]
        self.fields["ambassadors"].choices = [(a.pk, str(a)) for a in ambassadors]  # type: ignore[attr-defined]
