from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocora.core.forms import PlausibleDateTimeField, StyledFormMixin
from cocora.core.text import TextLimit
from programmes.forms import DateTimeInput

from .models import FamilyActivityKind
from .services import MAX_COUNT


class FamilyActivityForm(StyledFormMixin, forms.Form):
    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=FamilyActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TextLimit.NAME)
    starts_at = PlausibleDateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = PlausibleDateTimeField(label=_("Ends at"), widget=DateTimeInput())
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=TextLimit.LONG,
        help_text=_("About the activity, never about a named family."),
    )

    def __init__(self, *args: Any, cohorts: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cohorts is None:
            # A change keeps the cohort: the activity's guardians were invited from it.
            del self.fields["cohort"]
        else:
            self.fields["cohort"].choices = [(c.pk, c.name) for c in cohorts]


class CountsForm(StyledFormMixin, forms.Form):
    adults_attended = forms.IntegerField(
        label=_("Adults who came"),
        min_value=0,
        max_value=MAX_COUNT,
        help_text=_("A number, never names."),
    )
    young_people_attended = forms.IntegerField(
        label=_("Young people who came"), min_value=0, max_value=MAX_COUNT
    )


class InviteForm(forms.Form):
    """All the cohort's families that can be written to, or the ones ticked."""

    everyone = forms.BooleanField(required=False)
    participants = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = choices
