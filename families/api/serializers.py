from rest_framework import serializers

from cocora.api.serializers import InputSerializer, OrgObjectField, PlausibleDateTimeField
from cocora.core.text import TextLimit
from programmes.models import Cohort, Participant

from ..models import FamilyActivity, FamilyActivityKind, GuardianLink
from ..services import MAX_COUNT


class FamilyActivitySerializer(serializers.ModelSerializer):
    """Who came is two counts (empty until recorded), never names."""

    class Meta:
        model = FamilyActivity
        fields = [
            "id",
            "cohort",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "notes",
            "adults_attended",
            "young_people_attended",
            "counts_recorded_at",
            "created_at",
        ]
        read_only_fields = fields


class FamilyActivityInput(InputSerializer):
    cohort = OrgObjectField(Cohort, help_text="Only when planning: the cohort stays after.")
    kind = serializers.ChoiceField(choices=FamilyActivityKind.choices)
    title = serializers.CharField(max_length=TextLimit.NAME)
    starts_at = PlausibleDateTimeField(
        help_text="Without an offset, in the organisation's time zone."
    )
    ends_at = PlausibleDateTimeField()
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=TextLimit.LONG, required=False, allow_blank=True)


class FamilyActivityChangeInput(FamilyActivityInput):
    cohort = None  # type: ignore[assignment]


class CountsInput(InputSerializer):
    adults_attended = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    young_people_attended = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)


class InvitationInput(InputSerializer):
    participants = OrgObjectField(
        Participant,
        many=True,
        required=False,
        help_text="Whose guardians to invite; leave out to invite every family of the cohort "
        "that can be written to.",
    )


class InvitationResultSerializer(serializers.Serializer):
    invited = serializers.IntegerField(help_text="Guardians invited now.")
    already = serializers.IntegerField(help_text="Guardians invited before (not again).")
    unreachable = serializers.IntegerField(
        help_text="Families that cannot be written to (no email, no consent to contact, or a "
        "young person old enough to decide alone)."
    )


class GuardianLinkSerializer(serializers.ModelSerializer):
    """A guardian link's facts. The secret itself is never shown: it goes to the guardian by
    email only."""

    working = serializers.SerializerMethodField()

    class Meta:
        model = GuardianLink
        fields = [
            "id",
            "participant",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_opened_at",
            "working",
        ]
        read_only_fields = fields

    def get_working(self, link: GuardianLink) -> bool:
        from django.utils import timezone

        return link.revoked_at is None and link.expires_at > timezone.now()


class GuardianLinkInput(InputSerializer):
    participant = OrgObjectField(Participant, help_text="Whose guardian gets the link by email.")
