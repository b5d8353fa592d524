"""What the training API answers and takes."""

from datetime import date
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cocora.api.serializers import InputSerializer, OrgObjectField, PlausibleDateField
from cocora.core.ids import MAX_ID
from programmes.models import ProgrammeKind

from ..models import Course, TrainedRole, TrainingRecord
from ..selectors import Standing
from ..services import COURSE_FIELDS

# People recorded in one request: a course's participants, not a whole register.
MAX_RECORDED_AT_ONCE = 200


class CourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", *COURSE_FIELDS, "created_at"]
        read_only_fields = fields


class CourseChangeInput(InputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=Decimal("0.1"), max_value=2000, required=False
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=TrainedRole.choices), required=False, max_length=5
    )
    programme_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ProgrammeKind.choices), required=False, max_length=5
    )
    refresher_months = serializers.IntegerField(
        min_value=1, max_value=120, required=False, allow_null=True
    )
    required_for_trainers = serializers.BooleanField(required=False)


class CourseInput(CourseChangeInput):
    name = serializers.CharField(max_length=200)
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=Decimal("0.1"), max_value=2000
    )


class TrainingRecordSerializer(serializers.ModelSerializer):
    """A completion: `member` is a membership id (trainers, coordinators, admins), `ambassador`
    an ambassador id; one of them is null. `refresher_due` is computed from the course."""

    member = serializers.IntegerField(source="membership_id", read_only=True, allow_null=True)
    refresher_due = serializers.SerializerMethodField()

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "course",
            "member",
            "ambassador",
            "completed_on",
            "hours",
            "note",
            "refresher_due",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_refresher_due(self, record: TrainingRecord) -> date | None:
        from ..selectors import refresher_due

        return refresher_due(record)


class TrainingRecordInput(InputSerializer):
    course = OrgObjectField(Course)
    completed_on = PlausibleDateField()
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=MAX_RECORDED_AT_ONCE,
        help_text="Membership ids of trainers, coordinators or admins.",
    )
    ambassadors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=MAX_RECORDED_AT_ONCE,
        help_text="Ambassador ids.",
    )
    hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=2000,
        required=False,
        allow_null=True,
        help_text="The course's hours when left out.",
    )
    note = serializers.CharField(required=False, allow_blank=True)


class RefresherDueSerializer(serializers.ModelSerializer):
    """A person's latest completion of a course whose refresher is overdue (`state` lapsed) or
    due within 30 days (`due_soon`)."""

    member = serializers.IntegerField(source="membership_id", read_only=True, allow_null=True)
    refresher_due = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = TrainingRecord
        fields = ["id", "course", "member", "ambassador", "completed_on", "refresher_due", "state"]
        read_only_fields = fields

    def _standing(self, record: TrainingRecord) -> Standing:
        return self.context["standings"][record.pk]  # type: ignore[no-any-return]

    @extend_schema_field(serializers.DateField())
    def get_refresher_due(self, record: TrainingRecord) -> Any:
        return self._standing(record).due

    @extend_schema_field(serializers.ChoiceField(choices=["lapsed", "due_soon"]))
    def get_state(self, record: TrainingRecord) -> str:
        return self._standing(record).state
