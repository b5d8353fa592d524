"""What the ambassadors API answers and accepts.

Two readers, two shapes. Coordinators and admins see which ambassador a task or an insight
belongs to. An ambassador reads only their own tasks and insights, and their shape carries no
participant data at all: no participant or ambassador ids, no names (not even a buddy's), no
contact details, no consent.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cocora.api.serializers import InputSerializer, OrgObjectField, PlausibleDateField
from programmes.models import Cohort, Participant

from ..models import (
    Ambassador,
    AmbassadorSettings,
    AmbassadorStatus,
    CheckIn,
    Debrief,
    InsightKind,
    InsightStatus,
    InsightTheme,
    OutreachTask,
    PeerInsight,
    TaskKind,
    Wellbeing,
)
from ..selectors.ambassadors import roster_row
from ..services.tasks import effective_caps

HOURS = {"max_digits": 4, "decimal_places": 1}

# -- ambassadors (staff) ----------------------------------------------------------------------


class AmbassadorSerializer(serializers.ModelSerializer):
    """One line of the roster. Needs ambassador_roster_queryset's annotations, and the
    organisation's caps in the context as "caps" (read once per request)."""

    name = serializers.CharField(source="participant.display_name", read_only=True)
    has_account = serializers.SerializerMethodField(
        help_text="Whether the ambassador has linked their own account."
    )
    effective_open_tasks_cap = serializers.SerializerMethodField(
        help_text="The cap that applies: the ambassador's own, else the organisation's."
    )
    effective_weekly_hours_cap = serializers.SerializerMethodField(
        help_text="The cap that applies: the ambassador's own, else the organisation's."
    )
    open_count = serializers.IntegerField(read_only=True, help_text="Assigned or in progress.")
    overdue_count = serializers.IntegerField(read_only=True)
    hours_this_month = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)
    last_checkin = serializers.DateField(read_only=True, allow_null=True)
    checkin_due = serializers.SerializerMethodField(
        help_text="When the next check-in is due; null unless the ambassador is active."
    )
    checkin_overdue = serializers.SerializerMethodField()
    last_debrief = serializers.DateField(read_only=True, allow_null=True)
    debrief_due = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The due date of the earliest debrief not yet held: no new task until then.",
    )

    class Meta:
        model = Ambassador
        fields = [
            "id",
            "participant",
            "name",
            "cohort",
            "status",
            "has_account",
            "active_since",
            "certified_on",
            "open_tasks_cap",
            "weekly_hours_cap",
            "cap_reason",
            "effective_open_tasks_cap",
            "effective_weekly_hours_cap",
            "open_count",
            "overdue_count",
            "hours_this_month",
            "last_checkin",
            "checkin_due",
            "checkin_overdue",
            "last_debrief",
            "debrief_due",
            "created_at",
        ]
        read_only_fields = fields

    def _row(self, obj: Ambassador) -> Any:
        rows = self.context.setdefault("_rows", {})
        if obj.pk not in rows:
            rows[obj.pk] = roster_row(obj, today=self.context["today"])
        return rows[obj.pk]

    def get_has_account(self, obj: Ambassador) -> bool:
        return obj.user_id is not None

    @extend_schema_field(OpenApiTypes.INT)
    def get_effective_open_tasks_cap(self, obj: Ambassador) -> int:
        return effective_caps(obj, self.context["organisation"], caps=self.context["caps"])[0]

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_effective_weekly_hours_cap(self, obj: Ambassador) -> Decimal:
        return effective_caps(obj, self.context["organisation"], caps=self.context["caps"])[1]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_checkin_due(self, obj: Ambassador) -> date | None:
        due: date | None = self._row(obj).checkin_due
        return due

    def get_checkin_overdue(self, obj: Ambassador) -> bool:
        return bool(self._row(obj).checkin_overdue)


class AmbassadorSettingsSerializer(serializers.ModelSerializer):
    # Null until an admin first changes the organisation's caps (the defaults apply).
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = AmbassadorSettings
        fields = ["open_tasks_cap", "weekly_hours_cap", "updated_at"]
        read_only_fields = fields


class PromoteInput(InputSerializer):
    participant = OrgObjectField(
        Participant, help_text="A participant who completed the Prevention Programme."
    )
    cohort = OrgObjectField(Cohort, help_text="An Ambassador Programme cohort for the training.")
    email = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=254,
        help_text="For the invitation; empty: the participant's address.",
    )


class AmbassadorStatusInput(InputSerializer):
    status = serializers.ChoiceField(choices=AmbassadorStatus.choices)


class CapRaiseInput(InputSerializer):
    open_tasks_cap = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="null: the organisation's cap applies.",
    )
    weekly_hours_cap = serializers.DecimalField(
        required=False,
        allow_null=True,
        default=None,
        help_text="null: the organisation's cap applies.",
        **HOURS,
    )
    reason = serializers.CharField(max_length=300)


class SettingsInput(InputSerializer):
    open_tasks_cap = serializers.IntegerField(required=False)
    weekly_hours_cap = serializers.DecimalField(required=False, **HOURS)


# -- outreach tasks -------------------------------------------------------------------------

_OWN_TASK_FIELDS = [
    "id",
    "kind",
    "title",
    "description",
    "due_on",
    "estimated_hours",
    "status",
    "is_overdue",
    "proposed_by_ambassador",
    "has_buddy",
    "coordinator_note",
    "peers_reached",
    "hours_spent",
    "what_worked",
    "what_was_hard",
    "difficult_moment",
    "completed_on",
    "reviewed_at",
    "created_at",
    "updated_at",
]


class OwnTaskSerializer(serializers.ModelSerializer):
    """A task as its own ambassador reads it: no participant data, not even the buddy's name."""

    is_overdue = serializers.BooleanField(read_only=True)
    has_buddy = serializers.SerializerMethodField()

    class Meta:
        model = OutreachTask
        fields = _OWN_TASK_FIELDS
        read_only_fields = fields

    def get_has_buddy(self, obj: OutreachTask) -> bool:
        return obj.buddy_id is not None


class StaffTaskSerializer(OwnTaskSerializer):
    """A task as coordinators read it: with the ambassador and the buddy."""

    ambassador_name = serializers.CharField(
        source="ambassador.participant.display_name", read_only=True
    )
    buddy_name = serializers.CharField(
        source="buddy.participant.display_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = OutreachTask
        fields = [*_OWN_TASK_FIELDS, "ambassador", "ambassador_name", "buddy", "buddy_name"]
        read_only_fields = fields


class TaskAssignInput(InputSerializer):
    ambassador = OrgObjectField(Ambassador)
    kind = serializers.ChoiceField(choices=TaskKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = PlausibleDateField()
    estimated_hours = serializers.DecimalField(default=Decimal("1"), **HOURS)
    buddy = OrgObjectField(Ambassador, required=False, allow_null=True, default=None)


class TaskUpdateInput(InputSerializer):
    """Only the fields sent are changed."""

    ambassador = OrgObjectField(
        Ambassador, required=False, help_text="Only while the task is assigned, not started."
    )
    kind = serializers.ChoiceField(choices=TaskKind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    due_on = PlausibleDateField(required=False)
    estimated_hours = serializers.DecimalField(required=False, **HOURS)
    buddy = OrgObjectField(Ambassador, required=False, allow_null=True)


class TaskProposeInput(InputSerializer):
    kind = serializers.ChoiceField(choices=TaskKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Please do not name anyone."
    )
    due_on = PlausibleDateField()
    estimated_hours = serializers.DecimalField(default=Decimal("1"), **HOURS)


class TaskReportInput(InputSerializer):
    """The report: how many peers were reached (a number, never names), the hours, and what
    worked and what was hard."""

    peers_reached = serializers.IntegerField(help_text="A number only, never names.")
    hours_spent = serializers.DecimalField(**HOURS)
    what_worked = serializers.CharField(required=False, allow_blank=True, default="")
    what_was_hard = serializers.CharField(required=False, allow_blank=True, default="")
    difficult_moment = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A difficult moment to talk about: a debrief is due within a week.",
    )


class EmptyInput(InputSerializer):
    """No fields."""


class NoteInput(InputSerializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="A word for the ambassador, who sees it.",
    )


class RequiredNoteInput(InputSerializer):
    note = serializers.CharField(
        max_length=500, help_text="Why, in a word for the ambassador, who sees it."
    )


# -- peer insights ----------------------------------------------------------------------------

_OWN_INSIGHT_FIELDS = [
    "id",
    "theme",
    "theme_other",
    "kind",
    "observation",
    "suggestion",
    "status",
    "response",
    "reviewed_at",
    "created_at",
]


class OwnInsightSerializer(serializers.ModelSerializer):
    """An insight as the ambassador who shared it reads it, with what became of it."""

    class Meta:
        model = PeerInsight
        fields = _OWN_INSIGHT_FIELDS
        read_only_fields = fields


class StaffInsightSerializer(serializers.ModelSerializer):
    ambassador_name = serializers.CharField(
        source="ambassador.participant.display_name", read_only=True
    )

    class Meta:
        model = PeerInsight
        fields = [*_OWN_INSIGHT_FIELDS, "ambassador", "ambassador_name"]
        read_only_fields = fields


class InsightShareInput(InputSerializer):
    theme = serializers.ChoiceField(choices=InsightTheme.choices)
    theme_other = serializers.CharField(
        required=False, allow_blank=True, default="", help_text='Only with the theme "other".'
    )
    kind = serializers.ChoiceField(choices=InsightKind.choices)
    # No max_length: the service refuses longer text with a message that gives the limit.
    observation = serializers.CharField(help_text="Up to 2,000 characters. Do not name anyone.")
    suggestion = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Up to 2,000 characters."
    )


# What a coordinator's answer can make of an insight.
INSIGHT_REVIEW_CHOICES = [
    (InsightStatus.ACKNOWLEDGED.value, InsightStatus.ACKNOWLEDGED.label),
    (InsightStatus.ACTED_ON.value, InsightStatus.ACTED_ON.label),
]


class InsightReviewInput(InputSerializer):
    status = serializers.ChoiceField(choices=INSIGHT_REVIEW_CHOICES)
    response = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="What was done; required for acted_on. The ambassador sees it.",
    )


# -- check-ins and debriefs (staff) --------------------------------------------------------------


class CheckInSerializer(serializers.ModelSerializer):
    ambassador_name = serializers.CharField(
        source="ambassador.participant.display_name", read_only=True
    )

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "ambassador",
            "ambassador_name",
            "held_on",
            "wellbeing",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class CheckInInput(InputSerializer):
    ambassador = OrgObjectField(Ambassador)
    held_on = PlausibleDateField()
    wellbeing = serializers.ChoiceField(choices=Wellbeing.choices)
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="For coordinators only."
    )


class DebriefSerializer(serializers.ModelSerializer):
    ambassador_name = serializers.CharField(
        source="ambassador.participant.display_name", read_only=True
    )

    class Meta:
        model = Debrief
        fields = [
            "id",
            "ambassador",
            "ambassador_name",
            "task",
            "due_on",
            "held_on",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class DebriefRecordInput(InputSerializer):
    held_on = PlausibleDateField()
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="For coordinators only."
    )
