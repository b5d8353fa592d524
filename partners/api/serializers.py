"""What the partners API sends and accepts. Output serializers are read-only and name their
fields; input serializers reject unknown fields; every write goes through a service."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cocora.api.serializers import (
    InputSerializer,
    OrgObjectField,
    PlausibleDateField,
    PlausibleDateTimeField,
)
from cocora.organisations.models import Membership
from programmes.models import Activity, Cohort, Module, Participant, Programme

from ..models import (
    Agreement,
    CheckOutcome,
    CollaborationActivity,
    CollaborationKind,
    Disclosure,
    FollowUp,
    InformationClass,
    InformedHow,
    IntegrityCheck,
    PartnerKind,
    PartnerOrganisation,
    PartnerStatus,
    Proposal,
    ProposalComment,
    ProposalKind,
    SharingLevel,
)
from ..selectors.partners import PartnerRow, ReviewFilter, matrix_from_rules
from ..services.checks import CheckState

# Dates outside these years are refused, as on the pages (partners/forms.py).


# -- partners ---------------------------------------------------------------------------------


class PartnerCheckSerializer(serializers.Serializer):
    """What the partner's latest integrity check means today."""

    state = serializers.ChoiceField(
        choices=[
            CheckState.NEVER_CHECKED,
            CheckState.NOT_PASSED,
            CheckState.REVIEW_OVERDUE,
            CheckState.PASSED,
        ],
        help_text="Only `passed` lets named information about young people go to this partner.",
    )
    review = serializers.ChoiceField(
        choices=list(ReviewFilter.CHOICES),
        help_text="The directory's review filter: overdue (or never checked, or not passed), "
        "due within 60 days, or fine.",
    )
    latest_check = serializers.IntegerField(allow_null=True, help_text="The check's id.")
    next_review_on = serializers.DateField(allow_null=True)


class PartnerSerializer(serializers.ModelSerializer):
    # Plain text: an address may be empty, which is no URI.
    website = serializers.CharField(read_only=True, help_text="A web address, or empty.")
    contact_count = serializers.IntegerField(read_only=True)
    agreement_count = serializers.IntegerField(read_only=True)
    check = serializers.SerializerMethodField()

    class Meta:
        model = PartnerOrganisation
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "communities_served",
            "languages",
            "address",
            "website",
            "contact_count",
            "agreement_count",
            "check",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PartnerCheckSerializer)
    def get_check(self, partner: PartnerOrganisation) -> dict[str, Any]:
        # The rows of this page, built by the view in one query for all partners shown.
        row: PartnerRow = self.context["partner_rows"][partner.pk]
        check = row.status.check
        return PartnerCheckSerializer(
            {
                "state": row.status.state,
                "review": row.review_state,
                "latest_check": check.pk if check else None,
                "next_review_on": check.next_review_on if check else None,
            }
        ).data


class PartnerInput(InputSerializer):
    """A partner organisation: what it is, whom it serves, and the state of the partnership."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PartnerKind.choices)
    status = serializers.ChoiceField(
        choices=PartnerStatus.choices,
        required=False,
        help_text="Pausing or ending a partnership suspends all sharing with it. New partners "
        "are prospective unless you say otherwise.",
    )
    communities_served = serializers.CharField(required=False, allow_blank=True)
    languages = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True, max_length=200)


# -- agreements and their sharing matrix ------------------------------------------------------


class MatrixCellSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=SharingLevel.choices)
    purpose = serializers.CharField()
    named = serializers.BooleanField(
        help_text="True for information about a named young person: it also needs a partner "
        "whose integrity check has passed."
    )


class MatrixCellInput(InputSerializer):
    """One cell of the sharing matrix: never, only with consent, or allowed, and for what."""

    level = serializers.ChoiceField(choices=SharingLevel.choices)
    purpose = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Left out: a new cell has none, a changed cell keeps its purpose.",
    )


# One entry per class of information, built from InformationClass so that a new class cannot be
# left out of the API.
MatrixSerializer = type(
    "MatrixSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The sharing matrix: every class of information, always all seven.",
        **{value: MatrixCellSerializer(label=label) for value, label in InformationClass.choices},
    },
)
MatrixInput = type(
    "MatrixInput",
    (InputSerializer,),
    {
        "__doc__": "Cells to set; classes left out keep their level (for a new agreement: the "
        "strict default: aggregate figures and programme materials allowed, confidential notes "
        "never, everything else only with consent).",
        **{
            value: MatrixCellInput(required=False, label=label)
            for value, label in InformationClass.choices
        },
    },
)


class AgreementSerializer(serializers.ModelSerializer):
    matrix = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "partner",
            "purpose",
            "starts_on",
            "review_on",
            "signed_for_us_by",
            "signed_for_partner_by",
            "signed_on",
            "matrix",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(MatrixSerializer)
    def get_matrix(self, agreement: Agreement) -> dict[str, Any]:
        # The prefetched rules (agreement_queryset): no query per agreement.
        return {
            row.information_class: {"level": row.level, "purpose": row.purpose, "named": row.named}
            for row in matrix_from_rules(agreement.rules.all())
        }


class AgreementChangeInput(InputSerializer):
    """The agreement's purpose, dates, signatories and sharing matrix."""

    purpose = serializers.CharField()
    starts_on = PlausibleDateField()
    review_on = PlausibleDateField(required=False, allow_null=True)
    signed_for_us_by = serializers.CharField(max_length=120, required=False, allow_blank=True)
    signed_for_partner_by = serializers.CharField(max_length=120, required=False, allow_blank=True)
    signed_on = PlausibleDateField(required=False, allow_null=True)
    matrix = MatrixInput(required=False)


class AgreementCreateInput(AgreementChangeInput):
    """A partner's agreement: its purpose, dates, signatories and sharing matrix."""

    partner = OrgObjectField(PartnerOrganisation, help_text="The partner's id.")


def matrix_cells(matrix: dict[str, Any] | None) -> dict[str, tuple[str, str | None]]:
    """The matrix input as the services take it: {class: (level, purpose or None)}."""
    return {
        information_class: (cell["level"], cell.get("purpose"))
        for information_class, cell in (matrix or {}).items()
    }


# -- integrity checks -------------------------------------------------------------------------


class ChecklistSerializer(serializers.Serializer):
    governance_known = serializers.BooleanField()
    safeguarding_policy_seen = serializers.BooleanField()
    named_contact = serializers.BooleanField()
    code_of_conduct_agreed = serializers.BooleanField()
    no_conflicting_activities = serializers.BooleanField()


class ChecklistInput(InputSerializer):
    """What was checked; items left out were not."""

    governance_known = serializers.BooleanField(required=False)
    safeguarding_policy_seen = serializers.BooleanField(required=False)
    named_contact = serializers.BooleanField(required=False)
    code_of_conduct_agreed = serializers.BooleanField(required=False)
    no_conflicting_activities = serializers.BooleanField(required=False)


class IntegrityCheckSerializer(serializers.ModelSerializer):
    """A check without its notes: the notes are read one check at a time, and that is
    recorded."""

    checklist = serializers.SerializerMethodField()
    reviewer_name = serializers.SerializerMethodField()
    informed_how = serializers.ChoiceField(
        choices=InformedHow.choices,
        allow_blank=True,
        read_only=True,
        help_text="How the partner was told of the outcome; empty until recorded.",
    )

    class Meta:
        model = IntegrityCheck
        fields = [
            "id",
            "partner",
            "checked_on",
            "outcome",
            "checklist",
            "next_review_on",
            "informed_on",
            "informed_how",
            "reviewer",
            "reviewer_name",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ChecklistSerializer)
    def get_checklist(self, check: IntegrityCheck) -> dict[str, bool]:
        return {item: getattr(check, item) for item in IntegrityCheck.CHECKLIST}

    def get_reviewer_name(self, check: IntegrityCheck) -> str:
        # select_related("reviewer") in integrity_check_queryset.
        return check.reviewer.name if check.reviewer else ""  # type: ignore[attr-defined]


class IntegrityCheckDetailSerializer(IntegrityCheckSerializer):
    class Meta(IntegrityCheckSerializer.Meta):
        fields = [*IntegrityCheckSerializer.Meta.fields, "notes"]
        read_only_fields = fields


class IntegrityCheckInput(InputSerializer):
    """A check of a partner: what was checked, the outcome, and the next review."""

    checked_on = PlausibleDateField()
    outcome = serializers.ChoiceField(choices=CheckOutcome.choices)
    checklist = ChecklistInput(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    next_review_on = PlausibleDateField(
        required=False,
        allow_null=True,
        help_text="Left out: one year after the check.",
    )
    informed_on = PlausibleDateField(required=False, allow_null=True)
    informed_how = serializers.ChoiceField(
        choices=InformedHow.choices, required=False, allow_blank=True
    )


class InformedInput(InputSerializer):
    """When and how the partner was told about the check."""

    informed_on = PlausibleDateField()
    informed_how = serializers.ChoiceField(choices=InformedHow.choices)


# -- collaboration activities and follow-ups --------------------------------------------------


class CollaborationActivitySerializer(serializers.ModelSerializer):
    """Who came is counts only: an activity names no participant."""

    partners = serializers.SerializerMethodField()

    class Meta:
        model = CollaborationActivity
        fields = [
            "id",
            "kind",
            "title",
            "held_at",
            "place",
            "partners",
            "programme",
            "cohort",
            "community_members",
            "professionals",
            "agreed",
            "created_at",
        ]
        read_only_fields = fields

    def get_partners(self, activity: CollaborationActivity) -> list[int]:
        # Prefetched partner links (collaboration_queryset), sorted by the partner's name.
        return [link.partner_id for link in activity.partner_links.all()]


class CollaborationActivityInput(InputSerializer):
    """A joint activity with partners. Who came is two counts, never names."""

    kind = serializers.ChoiceField(choices=CollaborationKind.choices)
    title = serializers.CharField(max_length=200)
    held_at = PlausibleDateTimeField(
        help_text="Without an offset, in the organisation's time zone.",
    )
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    partners = OrgObjectField(
        PartnerOrganisation,
        many=True,
        help_text="The ids of the partners taking part (at least one); a change replaces them.",
    )
    programme = OrgObjectField(Programme, required=False, allow_null=True)
    cohort = OrgObjectField(Cohort, required=False, allow_null=True)
    community_members = serializers.IntegerField(
        max_value=100000, required=False, help_text="A number, never names."
    )
    professionals = serializers.IntegerField(max_value=100000, required=False)
    agreed = serializers.CharField(required=False, allow_blank=True)


class FollowUpSerializer(serializers.ModelSerializer):
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "activity",
            "description",
            "owner",
            "owner_name",
            "owner_partner",
            "due_on",
            "done_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_owner_name(self, follow_up: FollowUp) -> str:
        # select_related("owner") in follow_up_queryset.
        return follow_up.owner.name if follow_up.owner else ""  # type: ignore[attr-defined]


class TeamMemberField(serializers.IntegerField):
    """The user id of a member of the organisation; anyone else is "no such person here".
    Whether that member may own the thing is the service's rule."""

    default_error_messages = {
        "no_member": _("There is no such member in this organisation."),
    }

    def to_internal_value(self, data: Any) -> Any:
        pk = super().to_internal_value(data)
        organisation = self.context.get("organisation")
        membership = (
            Membership.objects.for_org(organisation)
            .filter(user_id=pk)
            .select_related("user")
            .first()
            if organisation is not None and 0 < pk < 2**63
            else None
        )
        if membership is None:
            self.fail("no_member")
        return membership.user  # type: ignore[union-attr]  # fail() raises


class FollowUpInput(InputSerializer):
    """Something agreed at an activity that someone will do by a date."""

    description = serializers.CharField(max_length=300)
    due_on = PlausibleDateField()
    owner = TeamMemberField(
        required=False, allow_null=True, help_text="The user id of a member of the team."
    )
    owner_partner = OrgObjectField(
        PartnerOrganisation,
        required=False,
        allow_null=True,
        help_text="Or a partner taking part in the activity.",
    )


# -- disclosures ------------------------------------------------------------------------------


class DisclosureSerializer(serializers.ModelSerializer):
    """A disclosure by ids: no name of the young person, and not its purpose (read one
    disclosure at a time, which is recorded)."""

    is_override = serializers.BooleanField(read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "partner",
            "participant",
            "information_class",
            "basis",
            "is_override",
            "disclosed_by",
            "disclosed_at",
        ]
        read_only_fields = fields


class DisclosureDetailSerializer(DisclosureSerializer):
    class Meta(DisclosureSerializer.Meta):
        fields = [*DisclosureSerializer.Meta.fields, "purpose", "override_reason"]
        read_only_fields = fields


class DisclosureInput(InputSerializer):
    """What is shared about which young person, with which partner, and why."""

    partner = OrgObjectField(PartnerOrganisation)
    participant = OrgObjectField(Participant)
    information_class = serializers.ChoiceField(choices=InformationClass.choices)
    purpose = serializers.CharField(help_text="Why it is shared. Stored encrypted.")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Admins only: the reason for sharing although a basis is missing (for "
        "example someone's immediate safety). Used only when the sharing would be refused.",
    )


# -- proposals of partners --------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    """A partner's proposal and what became of it. Who proposed and who decided are not named:
    the partner's name and the two sides of the thread are enough."""

    partner_name = serializers.CharField(source="partner.name", read_only=True)
    collaboration_kind = serializers.CharField(
        read_only=True,
        help_text="For an activity: dialogue, joint_event, co_facilitated, planning or visit; "
        "empty for the other kinds.",
    )
    comment_count = serializers.IntegerField(read_only=True)
    applied_text = serializers.SerializerMethodField(
        help_text="The curriculum's text as accepted; empty for a partner whose agreement no "
        "longer shares the programmes' materials."
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "partner",
            "partner_name",
            "kind",
            "status",
            "title",
            "text",
            "reason",
            "collaboration_kind",
            "held_at",
            "place",
            "programme",
            "follow_up_of",
            "due_on",
            "module",
            "curriculum_activity",
            "decided_at",
            "decision_note",
            "edited",
            "created_activity",
            "created_follow_up",
            "applied_title",
            "applied_text",
            "comment_count",
            "created_at",
        ]
        read_only_fields = fields

    def get_applied_text(self, proposal: Proposal) -> str:
        return proposal.applied_text if self.context.get("materials", True) else ""


class ProposalInput(InputSerializer):
    """A partner contact's proposal for their own partner organisation. `kind` says which
    fields apply: an activity (`collaboration_kind`, `held_at`, optional `place` and
    `programme`), a follow-up (`follow_up_of`, an activity the partner took part in, and
    `due_on`), or a change to the curriculum (`module` or `curriculum_activity`, and `text`)."""

    kind = serializers.ChoiceField(choices=ProposalKind.choices)
    title = serializers.CharField(
        max_length=200,
        help_text="The activity's title, what the follow-up is, or the suggested title.",
    )
    reason = serializers.CharField(required=False, allow_blank=True)
    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Markdown."
    )
    collaboration_kind = serializers.ChoiceField(
        choices=CollaborationKind.choices, required=False, allow_blank=True
    )
    held_at = PlausibleDateTimeField(
        required=False,
        allow_null=True,
        help_text="Without an offset, in the organisation's time zone.",
    )
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    programme = OrgObjectField(Programme, required=False, allow_null=True)
    follow_up_of = OrgObjectField(CollaborationActivity, required=False, allow_null=True)
    due_on = PlausibleDateField(required=False, allow_null=True)
    module = OrgObjectField(Module, required=False, allow_null=True)
    curriculum_activity = OrgObjectField(Activity, required=False, allow_null=True)


class ProposalAcceptInput(InputSerializer):
    """Accept as proposed (an empty body), or change fields first: `title` for every kind;
    `collaboration_kind`, `held_at`, `place`, `programme` for an activity; `due_on` for a
    follow-up; `text` for a change to the curriculum."""

    title = serializers.CharField(max_length=200, required=False)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    collaboration_kind = serializers.ChoiceField(choices=CollaborationKind.choices, required=False)
    held_at = PlausibleDateTimeField(required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    programme = OrgObjectField(Programme, required=False, allow_null=True)
    due_on = PlausibleDateField(required=False)
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="A note to the partner."
    )


class ProposalDeclineInput(InputSerializer):
    reason = serializers.CharField(help_text="The partner reads it.")


class ProposalCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = ProposalComment
        fields = ["id", "from_partner", "author_name", "text", "created_at"]
        read_only_fields = fields

    def get_author_name(self, comment: ProposalComment) -> str:
        # select_related("author") in the selector.
        return comment.author.name if comment.author else ""  # type: ignore[attr-defined]


class ProposalCommentInput(InputSerializer):
    text = serializers.CharField()
