"""Ambassadors for coordinators: the roster, starting the path, status, caps (admins), and the
care around them: check-ins and debriefs. Ambassadors themselves reach none of this."""

from functools import cached_property
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import action_url, resource

from ..models import (
    Ambassador,
    AmbassadorSettings,
    AmbassadorStatus,
    CheckIn,
    Debrief,
    Wellbeing,
)
from ..selectors.ambassadors import ambassador_roster_queryset, checkin_list, debrief_list
from ..services import ambassadors as services
from ..services import care
from ..services.promotion import ambassador_promote
from .access import AmbassadorsViewSet
from .serializers import (
    AmbassadorSerializer,
    AmbassadorSettingsSerializer,
    AmbassadorStatusInput,
    CapRaiseInput,
    CheckInInput,
    CheckInSerializer,
    DebriefRecordInput,
    DebriefSerializer,
    PromoteInput,
    SettingsInput,
)

VIEW, MANAGE, CAPS = "ambassadors.view", "ambassadors.manage", "ambassadors.caps"


class AmbassadorFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AmbassadorStatus.choices)
    cohort = django_filters.NumberFilter(field_name="cohort_id")
    debrief_pending = django_filters.BooleanFilter(
        field_name="debrief_due",
        lookup_expr="isnull",
        exclude=True,
        help_text="true: a debrief after a difficult moment is still to be held.",
    )
    has_overdue_tasks = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Ambassador
        fields = ["status", "cohort", "debrief_pending", "has_overdue_tasks"]

    def filter_overdue(self, queryset: Any, name: str, value: bool) -> Any:
        return queryset.filter(overdue_count__gt=0) if value else queryset.filter(overdue_count=0)


@extend_schema(tags=["ambassadors"])
class AmbassadorViewSet(AmbassadorsViewSet):
    """The roster: each ambassador with their tasks, hours, check-ins, debriefs and caps."""

    lookup_url_kwarg = "ambassador_id"
    permissions = {"read": VIEW, "create": MANAGE, "partial_update": MANAGE, "caps": CAPS}
    serializer_class = AmbassadorSerializer
    filterset_class = AmbassadorFilter

    @cached_property
    def today(self) -> Any:
        return timezone.localdate()

    def org_queryset(self) -> QuerySet[Ambassador]:
        return ambassador_roster_queryset(organisation=self.organisation, today=self.today)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "organisation", None) is not None:
            # The organisation's caps, read once for every row.
            context["caps"] = self.organisation_caps
            context["today"] = self.today
        return context

    @cached_property
    def organisation_caps(self) -> AmbassadorSettings:
        return services.caps_for(self.organisation)

    @extend_schema(summary="List ambassadors")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One ambassador")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Start the ambassador path",
        description=(
            "For a participant who completed the Prevention Programme, with the ambassador "
            "consent recorded: creates the ambassador (in training), invites them to an "
            "account with the ambassador role and enrols them in the chosen Ambassador "
            "Programme cohort."
        ),
        request=PromoteInput,
        responses={201: AmbassadorSerializer},
        examples=[
            OpenApiExample(
                "Promote",
                request_only=True,
                value={"participant": 41, "cohort": 7, "email": "sam@example.org"},
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(PromoteInput)
        ambassador = ambassador_promote(organisation=self.organisation, actor=request.user, **data)
        return Response(self.answer(ambassador), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an ambassador's status",
        description=(
            "In training, active, paused or alumni. Becoming active the first time needs the "
            "training cohort completed; it sets the certification date and starts check-ins."
        ),
        request=AmbassadorStatusInput,
        responses=AmbassadorSerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ambassador = self.get_object()
        data = self.validated(AmbassadorStatusInput)
        ambassador = services.ambassador_change_status(
            organisation=self.organisation,
            ambassador=ambassador,
            status=data["status"],
            actor=request.user,
        )
        return Response(self.answer(ambassador))

    @extend_schema(
        summary="Raise an ambassador's caps (admins)",
        description=(
            "Above the organisation's caps, with a reason; a cap left out or null returns to "
            "the organisation's. Both caps are set by each call."
        ),
        request=CapRaiseInput,
        responses=AmbassadorSerializer,
        examples=[
            OpenApiExample(
                "Raise",
                request_only=True,
                value={
                    "open_tasks_cap": 5,
                    "weekly_hours_cap": 6,
                    "reason": "Runs the summer festival stand with two other ambassadors.",
                },
            )
        ],
    )
    def caps(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ambassador = self.get_object()
        data = self.validated(CapRaiseInput)
        ambassador = services.ambassador_cap_raise(
            organisation=self.organisation, ambassador=ambassador, actor=request.user, **data
        )
        return Response(self.answer(ambassador))


@extend_schema(tags=["ambassadors"])
class AmbassadorSettingsViewSet(AmbassadorsViewSet):
    """The organisation's protection from overload (admins)."""

    permissions = {"read": CAPS, "write": CAPS}
    serializer_class = AmbassadorSettingsSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        summary="The organisation's caps",
        description="Open tasks and hours per week per ambassador; defaults apply until an "
        "admin changes them (updated_at null).",
    )
    def show(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(services.caps_for(self.organisation)).data)

    @extend_schema(
        summary="Change the organisation's caps",
        description="A cap left out keeps its value.",
        request=SettingsInput,
        responses=AmbassadorSettingsSerializer,
    )
    def change(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(SettingsInput)
        current = services.caps_for(self.organisation)
        row = services.ambassador_settings_update(
            organisation=self.organisation,
            open_tasks_cap=data.get("open_tasks_cap", current.open_tasks_cap),
            weekly_hours_cap=data.get("weekly_hours_cap", current.weekly_hours_cap),
            actor=request.user,
        )
        return Response(self.get_serializer(row).data)


class CheckInFilter(django_filters.FilterSet):
    ambassador = django_filters.NumberFilter(field_name="ambassador_id")
    wellbeing = django_filters.ChoiceFilter(choices=Wellbeing.choices)
    held_since = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")

    class Meta:
        model = CheckIn
        fields = ["ambassador", "wellbeing", "held_since"]


@extend_schema(tags=["ambassadors"])
class CheckInViewSet(AmbassadorsViewSet):
    """Check-ins with ambassadors: how they are doing. Notes are for coordinators only."""

    lookup_url_kwarg = "checkin_id"
    permissions = {"read": VIEW, "create": MANAGE}
    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter

    def org_queryset(self) -> QuerySet[CheckIn]:
        return checkin_list(organisation=self.organisation)

    @extend_schema(summary="List check-ins", description="Newest first.")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One check-in")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Record a check-in",
        description="Twice in an active ambassador's first month, then monthly.",
        request=CheckInInput,
        responses={201: CheckInSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(CheckInInput)
        checkin = care.checkin_record(organisation=self.organisation, actor=request.user, **data)
        return Response(self.answer(checkin), status=status.HTTP_201_CREATED)


class DebriefFilter(django_filters.FilterSet):
    ambassador = django_filters.NumberFilter(field_name="ambassador_id")
    task = django_filters.NumberFilter(field_name="task_id")
    pending = django_filters.BooleanFilter(
        field_name="held_on", lookup_expr="isnull", help_text="true: not held yet."
    )

    class Meta:
        model = Debrief
        fields = ["ambassador", "task", "pending"]


@extend_schema(tags=["ambassadors"])
class DebriefViewSet(AmbassadorsViewSet):
    """Debriefs after a difficult moment in a task, due within seven days. Until one is
    recorded the ambassador gets no new task."""

    lookup_url_kwarg = "debrief_id"
    permissions = {"read": VIEW, "record": MANAGE}
    serializer_class = DebriefSerializer
    filterset_class = DebriefFilter

    def org_queryset(self) -> QuerySet[Debrief]:
        return debrief_list(organisation=self.organisation)

    @extend_schema(summary="List debriefs", description="By due date.")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One debrief")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Record a debrief",
        description="The debrief was held: the ambassador can be given tasks again.",
        request=DebriefRecordInput,
        responses=DebriefSerializer,
    )
    def record(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        debrief = self.get_object()
        data = self.validated(DebriefRecordInput)
        debrief = care.debrief_record(
            organisation=self.organisation, debrief=debrief, actor=request.user, **data
        )
        return Response(self.answer(debrief))


urlpatterns = [
    action_url(
        "ambassadors/caps/",
        AmbassadorSettingsViewSet,
        {"get": "show", "patch": "change"},
        name="ambassador-settings",
    ),
    *resource("ambassadors/check-ins/", CheckInViewSet, id_name="checkin_id", name="checkin"),
    *resource("ambassadors/debriefs/", DebriefViewSet, id_name="debrief_id", name="debrief"),
    action_url(
        "ambassadors/debriefs/<int:debrief_id>/record/",
        DebriefViewSet,
        {"post": "record"},
        name="debrief-record",
    ),
    *resource("ambassadors/", AmbassadorViewSet, id_name="ambassador_id", name="ambassador"),
    action_url(
        "ambassadors/<int:ambassador_id>/caps/",
        AmbassadorViewSet,
        {"post": "caps"},
        name="ambassador-caps",
    ),
]
