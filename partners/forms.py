"""Forms of the partners app: they translate input; rules live in the services."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cocora.core.forms import PlausibleDateField, PlausibleDateTimeField, StyledFormMixin
from programmes.forms import DateInput, DateTimeInput
from programmes.models import ConsentGiver

from .models import (
    CheckOutcome,
    CollaborationKind,
    InformationClass,
    InformedHow,
    IntegrityCheck,
    PartnerKind,
    PartnerStatus,
    SharingLevel,
)


class PartnerForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=PartnerStatus.choices)
    communities_served = forms.CharField(
        label=_("Communities it serves"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("In the partner's own words."),
    )
    languages = forms.CharField(label=_("Languages"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")


class PartnerContactForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.CharField(label=_("Role"), max_length=120, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", "—"), *settings.LANGUAGES],
        required=False,
    )
    user = forms.TypedChoiceField(
        label=_("Sign-in account"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "A member with the partner role. They will see this partner's page and what its "
            "agreement allows, nothing about individual young people unless it was shared."
        ),
    )

    def __init__(self, *args: Any, accounts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *[(u.pk, str(u)) for u in accounts]]


class AgreementForm(StyledFormMixin, forms.Form):
    purpose = forms.CharField(
        label=_("Purpose of the cooperation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = PlausibleDateField(label=_("Starts on"), widget=DateInput())
    review_on = PlausibleDateField(label=_("Review on"), widget=DateInput(), required=False)
    signed_for_us_by = forms.CharField(label=_("Signed for us by"), max_length=120, required=False)
    signed_for_partner_by = forms.CharField(
        label=_("Signed for the partner by"), max_length=120, required=False
    )
    signed_on = PlausibleDateField(label=_("Signed on"), widget=DateInput(), required=False)

    def matrix_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"level_{v}"], self[f"purpose_{v}"]) for v in InformationClass.values]

    def matrix(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            v: (data[f"level_{v}"], data.get(f"purpose_{v}", "")) for v in InformationClass.values
        }


# One choice and one purpose per class of information: the sharing matrix. Added to the class
# (not per instance) so that StyledFormMixin styles them like every other field.
for _value, _label in InformationClass.choices:
    AgreementForm.base_fields[f"level_{_value}"] = forms.ChoiceField(
        label=_label, choices=SharingLevel.choices, widget=forms.RadioSelect
    )
    AgreementForm.base_fields[f"purpose_{_value}"] = forms.CharField(
        label=format_lazy("{} – {}", _("Purpose"), _label), max_length=300, required=False
    )


class IntegrityCheckForm(StyledFormMixin, forms.Form):
    checked_on = PlausibleDateField(label=_("Checked on"), widget=DateInput())
    checklist = forms.MultipleChoiceField(
        label=_("What was checked"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[
            (name, IntegrityCheck._meta.get_field(name).verbose_name)
            for name in IntegrityCheck.CHECKLIST
        ],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CheckOutcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Conditions agreed, documents seen. Stored encrypted."),
    )
    next_review_on = PlausibleDateField(
        label=_("Next review on"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for one year after the check."),
    )
    informed_on = PlausibleDateField(
        label=_("Partner informed on"),
        widget=DateInput(),
        required=False,
        help_text=_("When the partner was told that this check is done, and why."),
    )
    informed_how = forms.ChoiceField(
        label=_("Partner informed how"),
        choices=[("", "—"), *InformedHow.choices],
        required=False,
    )


class InformedForm(StyledFormMixin, forms.Form):
    informed_on = PlausibleDateField(
        label=_("Partner informed on"),
        widget=DateInput(),
        initial=timezone.localdate,
    )
    informed_how = forms.ChoiceField(label=_("Partner informed how"), choices=InformedHow.choices)


class DisclosureForm(StyledFormMixin, forms.Form):
    partner = forms.TypedChoiceField(label=_("Share with"), coerce=int)
    information_class = forms.ChoiceField(
        label=_("What is shared"), choices=InformationClass.choices
    )
    purpose = forms.CharField(
        label=_("Why it is shared"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted; partners do not see it."),
    )
    override_reason = forms.CharField(
        label=_("Override: the reason for sharing despite a missing basis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_(
            "Admins only, for example for someone's immediate safety. Leave empty unless the "
            "sharing was refused and it must still happen. Overrides are highlighted in the log."
        ),
    )

    def __init__(self, *args: Any, partners: list[Any], can_override: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [(p.pk, p.name) for p in partners]
        if not can_override:
            del self.fields["override_reason"]


class SharingConsentForm(StyledFormMixin, forms.Form):
    partner = forms.TypedChoiceField(
        label=_("Share with"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave at “any partner” for every partner whose agreement asks for consent."),
    )
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices)
    given_on = PlausibleDateField(
        label=_("Given on"),
        widget=DateInput(),
        initial=timezone.localdate,
    )

    def __init__(self, *args: Any, partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [
            ("", _("Any partner")),
            *[(p.pk, p.name) for p in partners],
        ]


class CollaborationForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CollaborationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = PlausibleDateTimeField(label=_("Date and time"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    partners = forms.TypedMultipleChoiceField(
        label=_("Partners taking part"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    programme = forms.TypedChoiceField(
        label=_("Programme"), coerce=int, empty_value=None, required=False
    )
    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int, empty_value=None, required=False)
    # The services refuse negative counts with a message; the form lets them through to say so.
    community_members = forms.IntegerField(
        label=_("Community members present"),
        initial=0,
        max_value=100000,
        help_text=_("A number, never names."),
    )
    professionals = forms.IntegerField(
        label=_("Professionals present"), initial=0, max_value=100000
    )
    agreed = forms.CharField(
        label=_("What was agreed"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(
        self,
        *args: Any,
        partners: list[Any],
        programmes: list[Any],
        cohorts: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].choices = [(p.pk, p.name) for p in partners]
        self.fields["programme"].choices = [("", "—"), *[(p.pk, p.title) for p in programmes]]
        self.fields["cohort"].choices = [("", "—"), *[(c.pk, c.name) for c in cohorts]]


class FollowUpForm(StyledFormMixin, forms.Form):
    description = forms.CharField(label=_("What is to be done"), max_length=300)
    owner = forms.TypedChoiceField(
        label=_("Owner in our team"), coerce=int, empty_value=None, required=False
    )
    owner_partner = forms.TypedChoiceField(
        label=_("Or owned by partner"), coerce=int, empty_value=None, required=False
    )
    due_on = PlausibleDateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args: Any, members: list[Any], partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *[(u.pk, str(u)) for u in members]]
        self.fields["owner_partner"].choices = [("", "—"), *[(p.pk, p.name) for p in partners]]


# -- proposals of partners --------------------------------------------------------------------


class ProposalReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Why do you propose it?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("About activities and ideas, never about a named young person."),
    )


class ProposalActivityFields(StyledFormMixin, forms.Form):
    collaboration_kind = forms.ChoiceField(label=_("Kind"), choices=CollaborationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = PlausibleDateTimeField(label=_("Date and time"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    programme = forms.TypedChoiceField(
        label=_("Programme"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, programmes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "—"), *[(p.pk, p.title) for p in programmes]]


class ProposalFollowUpFields(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("What is to be done"), max_length=200)
    due_on = PlausibleDateField(label=_("Due on"), widget=DateInput())


class ProposalCurriculumFields(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("Markdown, as in the handbook."),
    )


class ProposalActivityForm(ProposalActivityFields, ProposalReasonMixin):
    field_order = ["collaboration_kind", "title", "held_at", "place", "programme", "reason"]


class ProposalFollowUpForm(ProposalFollowUpFields, ProposalReasonMixin):
    follow_up_of = forms.TypedChoiceField(label=_("Follow-up of the activity"), coerce=int)

    field_order = ["follow_up_of", "title", "due_on", "reason"]

    def __init__(
        self, *args: Any, activities: list[Any], older: int | None = None, **kwargs: Any
    ) -> None:
        """`older`: the list holds only this many latest activities; older ones are chosen
        from the portal, where each activity links to this form."""
        super().__init__(*args, **kwargs)
        # Nothing chosen until the partner chooses (or the portal's link named one of theirs).
        self.fields["follow_up_of"].choices = [
            ("", _("Choose an activity")),
            *((a.pk, a.title) for a in activities),
        ]
        if older is not None:
            self.fields["follow_up_of"].help_text = _(
                "The %(count)d latest activities. For an older one, open “Our partnership” "
                "and choose “Propose a follow-up” beside it."
            ) % {"count": older}


class ProposalCurriculumForm(ProposalCurriculumFields, ProposalReasonMixin):
    field_order = ["title", "text", "reason"]


class DecisionNoteMixin(forms.Form):
    note = forms.CharField(
        label=_("Note to the partner"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class AcceptActivityForm(ProposalActivityFields, DecisionNoteMixin):
    field_order = ["collaboration_kind", "title", "held_at", "place", "programme", "note"]


class AcceptFollowUpForm(ProposalFollowUpFields, DecisionNoteMixin):
    field_order = ["title", "due_on", "note"]


class AcceptCurriculumForm(ProposalCurriculumFields, DecisionNoteMixin):
    field_order = ["title", "text", "note"]


class DeclineForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner reads it."),
    )


class ProposalCommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
