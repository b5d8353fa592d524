"""Outreach tasks: the coordinators' board and the ambassador's own tasks, one resource.

Coordinators list, assign, change and decide (approve, decline, review, cancel). An ambassador
reads only their own tasks, proposes one, starts their own and reports it done: the same moves
as on the task page, through the same services, which decide who may do what.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import action_url, resource
from cocora.api.filters import MomentFilter

from ..models import Ambassador, OutreachTask, TaskKind, TaskStatus
from ..selectors.tasks import DueFilter, task_board, tasks_due, tasks_of
from ..services import tasks as services
from .access import StaffOrOwnViewSet
from .serializers import (
    EmptyInput,
    NoteInput,
    OwnTaskSerializer,
    RequiredNoteInput,
    StaffTaskSerializer,
    TaskAssignInput,
    TaskProposeInput,
    TaskReportInput,
    TaskUpdateInput,
)

MANAGE = "ambassadors.manage"
OWN = "ambassador_home.view"

TASK_ANSWER_DESCRIPTION = (
    "Coordinators and admins receive the staff shape (with the ambassador and the buddy); an "
    "ambassador receives only their own tasks, without any participant data."
)


def _answer(many: bool = False) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="OutreachTaskAnswer",
        serializers=[StaffTaskSerializer, OwnTaskSerializer],
        resource_type_field_name=None,
        many=many,
    )


class TaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices)
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices)
    ambassador = django_filters.NumberFilter(field_name="ambassador_id")
    due = django_filters.ChoiceFilter(
        choices=[
            (DueFilter.OVERDUE, _("Overdue")),
            (DueFilter.WEEK, _("Due in the next 7 days")),
            (DueFilter.LATER, _("Due later")),
        ],
        method="filter_due",
        help_text="overdue (open, past the due date), week (due in the next 7 days) or later.",
    )
    changed_since = MomentFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = OutreachTask
        fields = ["status", "kind", "ambassador", "due", "changed_since"]

    def filter_due(self, queryset: QuerySet[OutreachTask], name: str, value: str) -> Any:
        return tasks_due(queryset, due=value)


@extend_schema(tags=["outreach tasks"])
class OutreachTaskViewSet(StaffOrOwnViewSet):
    lookup_url_kwarg = "task_id"
    permissions = {
        "create": MANAGE,
        "partial_update": MANAGE,
        "approve": MANAGE,
        "decline": MANAGE,
        "review": MANAGE,
        "cancel": MANAGE,
        "propose": OWN,
        "start": OWN,
        "complete": OWN,
    }
    staff_serializer_class = StaffTaskSerializer
    own_serializer_class = OwnTaskSerializer
    filterset_class = TaskFilter

    def staff_queryset(self) -> QuerySet[OutreachTask]:
        return task_board(organisation=self.organisation)

    def own_queryset(self, ambassador: Ambassador) -> QuerySet[OutreachTask]:
        return tasks_of(organisation=self.organisation, ambassador=ambassador)

    @extend_schema(
        summary="List outreach tasks",
        description="By due date. " + TASK_ANSWER_DESCRIPTION,
        responses=_answer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="One outreach task",
        description=TASK_ANSWER_DESCRIPTION + " Another ambassador's task is a 404.",
        responses=_answer(),
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Assign a task",
        description=(
            "A coordinator gives an ambassador a task. Refused with 409 `cap` beyond the "
            "ambassador's cap on open tasks or on estimated hours in the task's week, and with "
            "409 `debrief` while a debrief after a difficult moment is outstanding."
        ),
        request=TaskAssignInput,
        responses={201: StaffTaskSerializer},
        examples=[
            OpenApiExample(
                "A peer conversation",
                request_only=True,
                value={
                    "ambassador": 12,
                    "kind": "peer_conversation",
                    "title": "Talk to the basketball group about the youth council",
                    "due_on": "2025-05-16",
                    "estimated_hours": 1.5,
                },
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(TaskAssignInput)
        task = services.task_assign(organisation=self.organisation, actor=request.user, **data)
        return Response(self.answer(task), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a task",
        description=(
            "Only the fields sent change, on a proposed, assigned or in-progress task. An open "
            "task stays within the caps (409 `cap`); only an assigned task that has not "
            "started can go to another ambassador."
        ),
        request=TaskUpdateInput,
        responses=StaffTaskSerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        changes = self.validated(TaskUpdateInput)
        task = services.task_update(
            organisation=self.organisation, task=task, changes=dict(changes), actor=request.user
        )
        return Response(self.answer(task))

    @extend_schema(
        summary="Propose a task (ambassador)",
        description="An ambassador proposes a task of their own; a coordinator approves or "
        "declines it.",
        request=TaskProposeInput,
        responses={201: OwnTaskSerializer},
    )
    def propose(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ambassador = self.own_ambassador_or_404()
        data = self.validated(TaskProposeInput)
        task = services.task_propose(
            organisation=self.organisation, ambassador=ambassador, actor=request.user, **data
        )
        return Response(self.answer(task), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Start your task (ambassador)",
        description="The ambassador starts their own assigned task.",
        request=EmptyInput,
        responses=OwnTaskSerializer,
    )
    def start(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        self.validated(EmptyInput)
        task = services.task_start(organisation=self.organisation, task=task, actor=request.user)
        return Response(self.answer(task))

    @extend_schema(
        summary="Report your task done (ambassador)",
        description=(
            "The ambassador's report on their own task in progress: peers reached as a number "
            "(never names), hours, what worked and what was hard. A difficult moment opens a "
            "debrief due within 7 days."
        ),
        request=TaskReportInput,
        responses=OwnTaskSerializer,
        examples=[
            OpenApiExample(
                "A report",
                request_only=True,
                value={
                    "peers_reached": 8,
                    "hours_spent": 2,
                    "what_worked": "Starting with their own questions.",
                    "what_was_hard": "",
                    "difficult_moment": False,
                },
            )
        ],
    )
    def complete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        data = self.validated(TaskReportInput)
        task = services.task_complete(
            organisation=self.organisation, task=task, actor=request.user, **data
        )
        return Response(self.answer(task))

    def _decide(self, service: Any, input_class: Any) -> Response:
        task = self.get_object()
        data = self.validated(input_class)
        task = service(
            organisation=self.organisation, task=task, note=data["note"], actor=self.request.user
        )
        return Response(self.answer(task))

    @extend_schema(
        summary="Approve a proposed task",
        description="It becomes an assigned task, within the ambassador's caps (409 `cap`).",
        request=NoteInput,
        responses=StaffTaskSerializer,
    )
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._decide(services.task_approve, NoteInput)

    @extend_schema(
        summary="Decline a proposed task",
        description="With a word of explanation, which the ambassador sees.",
        request=RequiredNoteInput,
        responses=StaffTaskSerializer,
    )
    def decline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._decide(services.task_decline, RequiredNoteInput)

    @extend_schema(
        summary="Mark a done task reviewed",
        description="The coordinator has read the report; the note is feedback the "
        "ambassador sees.",
        request=NoteInput,
        responses=StaffTaskSerializer,
    )
    def review(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._decide(services.task_review, NoteInput)

    @extend_schema(
        summary="Cancel a task",
        description="A proposed or open task, with a word of explanation the ambassador sees.",
        request=RequiredNoteInput,
        responses=StaffTaskSerializer,
    )
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._decide(services.task_cancel, RequiredNoteInput)


_TASK = "ambassadors/tasks/<int:task_id>/"

urlpatterns = [
    action_url(
        "ambassadors/tasks/propose/",
        OutreachTaskViewSet,
        {"post": "propose"},
        name="outreach-task-propose",
    ),
    *resource("ambassadors/tasks/", OutreachTaskViewSet, id_name="task_id", name="outreach-task"),
    *[
        action_url(
            f"{_TASK}{action}/",
            OutreachTaskViewSet,
            {"post": action},
            name=f"outreach-task-{action}",
        )
        for action in ("start", "complete", "approve", "decline", "review", "cancel")
    ],
]
