"""Forms of the programmes app: they translate input; rules live in the services."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocora.core.forms import PlausibleDateField, PlausibleDateTimeField, StyledFormMixin
from cocora.core.text import TextLimit

from .models import (
    AttendanceStatus,
    ConsentGiver,
    ConsentScope,
    EnrolmentStage,
    Participant,
)

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CohortForm(StyledFormMixin, forms.Form):
    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = PlausibleDateField(label=_("Starts on"), widget=DateInput())
    ends_on = PlausibleDateField(label=_("Ends on"), widget=DateInput(), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=5000, initial=15)
    coordinator = forms.TypedChoiceField(
        label=_("Coordinator"), coerce=int, empty_value=None, required=False
    )
    trainers = forms.TypedMultipleChoiceField(
        label=_("Trainers"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Trainers see and log only the cohorts they are assigned to."),
    )
    safe_space = forms.BooleanField(
        label=_("Safe space"),
        required=False,
        help_text=_(
            "Session logs of a safe-space cohort record group-level themes and climate only, "
            "never anything about a named person."
        ),
    )

    def __init__(
        self,
        *args: Any,
        programmes: list[Any],
        coordinators: list[Any],
        trainers: list[Any],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.pk, p.title) for p in programmes]
        self.fields["coordinator"].choices = [("", "—"), *[(u.pk, str(u)) for u in coordinators]]
        self.fields["trainers"].choices = [(u.pk, str(u)) for u in trainers]
        if editing:
            # A cohort keeps its programme: its sessions are linked to that curriculum.
            self.fields["programme"].disabled = True


class ParticipantForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Participant
        fields = [
            "display_name",
            "birth_year",
            "preferred_language",
            "email",
            "phone",
            "guardian_name",
            "guardian_email",
            "guardian_phone",
        ]
        help_texts = {
            "email": _("Used only while the person consents to be contacted."),
            "phone": _("Used only while the person consents to be contacted."),
        }
        # The model fields are encrypted text fields; the form still checks the addresses.
        field_classes = {"email": forms.EmailField, "guardian_email": forms.EmailField}

    def _post_clean(self) -> None:
        pass


class ConsentForm(StyledFormMixin, forms.Form):
    scope = forms.ChoiceField(label=_("What it covers"), choices=ConsentScope.choices)
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices)
    given_on = PlausibleDateField(
        label=_("Given on"),
        widget=DateInput(),
        initial=timezone.localdate,
    )
    expires_on = PlausibleDateField(label=_("Expires on"), widget=DateInput(), required=False)


class ParticipantBulkForm(StyledFormMixin, forms.Form):
    """What to do with the people chosen on the participant list: record a consent received on
    paper for each of them, or export them. The people themselves come as `participants` ids."""

    CONSENT = "consent"
    EXPORT = "export"

    action = forms.ChoiceField(choices=[(CONSENT, CONSENT), (EXPORT, EXPORT)])
    scope = forms.ChoiceField(
        label=_("What it covers"), choices=ConsentScope.choices, required=False
    )
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices, required=False)
    given_on = PlausibleDateField(
        label=_("Given on"), widget=DateInput(), initial=timezone.localdate, required=False
    )
    fmt = forms.ChoiceField(
        label=_("File format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = (
            ("scope", "given_by", "given_on") if data.get("action") == self.CONSENT else ("fmt",)
        )
        for name in needed:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        return data


class SessionRuleForm(StyledFormMixin, forms.Form):
    first_date = PlausibleDateField(label=_("First date"), widget=DateInput())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    every_n_weeks = forms.IntegerField(
        label=_("Every how many weeks"), min_value=1, max_value=8, initial=1
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=1, max_value=720, initial=120
    )
    count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=200,
        required=False,
        help_text=_("Give the number of sessions, or an end date."),
    )
    until = PlausibleDateField(label=_("Or until"), widget=DateInput(), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    link_modules = forms.BooleanField(
        label=_("Link the sessions to the curriculum's modules, in order"),
        required=False,
        initial=True,
    )


class SessionForm(StyledFormMixin, forms.Form):
    starts_at = PlausibleDateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = PlausibleDateTimeField(label=_("Ends at"), widget=DateTimeInput())
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    module = forms.TypedChoiceField(label=_("Module"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, modules: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", "—"), *[(m.pk, m.title) for m in modules]]


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=EnrolmentStage.choices)


class TrainersMessageForm(StyledFormMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=TextLimit.NAME)
    message = forms.CharField(
        label=_("Message"), max_length=TextLimit.SHORT, widget=forms.Textarea(attrs={"rows": 6})
    )


CLIMATE_CHOICES = [
    (1, _("1 – tense")),
    (2, _("2")),
    (3, _("3 – mixed")),
    (4, _("4")),
    (5, _("5 – open and trusting")),
]


class SessionLogForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    themes = forms.CharField(
        label=_("Themes the group raised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    group_climate = forms.TypedChoiceField(
        label=_("Group climate"),
        choices=CLIMATE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    activities = forms.TypedMultipleChoiceField(
        label=_("Activities covered"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    follow_ups = forms.CharField(
        label=_("Follow-ups for the team"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    confidential_note = forms.CharField(
        label=_("Confidential note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Only you and the cohort's coordinator can read this."),
    )

    def __init__(self, *args: Any, activities: list[Any], safe_space: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = [
            (a.pk, f"{a.module.title} · {a.title}") for a in activities
        ]
        if safe_space:
            # A safe-space log has no field that could hold a statement about a person.
            del self.fields["confidential_note"]


ATTENDANCE_CHOICES = AttendanceStatus.choices
LANGUAGE_CHOICES = settings.LANGUAGES


class CalendarForm(StyledFormMixin, forms.Form):
    """The calendar's GET form: week or month, a day in it, one trainer, one cohort."""

    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("week", _("Week")), ("month", _("Month"))],
    )
    day = PlausibleDateField(label=_("Around the day"), required=False, widget=DateInput())
    trainer = forms.TypedChoiceField(label=_("Trainer"), required=False, coerce=int)
    cohort = forms.TypedChoiceField(label=_("Cohort"), required=False, coerce=int)

    def __init__(self, *args: Any, trainers: Any = (), cohorts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        trainer_field: Any = self.fields["trainer"]
        trainer_field.choices = [("", _("All trainers"))] + [
            (user.pk, user.name or user.email) for user in trainers
        ]
        cohort_field: Any = self.fields["cohort"]
        cohort_field.choices = [("", _("All cohorts"))] + [
            (cohort.pk, cohort.name) for cohort in cohorts
        ]
