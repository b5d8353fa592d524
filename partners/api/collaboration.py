"""The Collaborative Programme through the API: joint activities with partners and the
follow-ups agreed at them. Who came is counted, never named."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.filters import IdFilter, MomentFilter, YearFilter

from ..models import CollaborationActivity, CollaborationKind, FollowUp
from ..selectors.collaboration import (
    activity_ids_with_partner,
    collaboration_get_by_id,
    collaboration_queryset,
    follow_up_queryset,
)
from ..services import collaboration as services
from .serializers import (
    CollaborationActivityInput,
    CollaborationActivitySerializer,
    FollowUpInput,
    FollowUpSerializer,
)

COLLABORATION_PERMISSIONS = {"read": "collaboration.view", "write": "collaboration.manage"}


class CollaborationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CollaborationKind.choices)
    partner = IdFilter(method="filter_partner", help_text="Activities this partner took part in.")
    programme = IdFilter(field_name="programme_id")
    cohort = IdFilter(field_name="cohort_id")
    year = YearFilter(field_name="held_at")
    held_from = MomentFilter(field_name="held_at", lookup_expr="gte")
    held_before = MomentFilter(field_name="held_at", lookup_expr="lt")
    created_since = MomentFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = CollaborationActivity
        fields = [
            "kind",
            "partner",
            "programme",
            "cohort",
            "year",
            "held_from",
            "held_before",
            "created_since",
        ]

    def filter_partner(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(
            pk__in=activity_ids_with_partner(
                organisation=self.request.organisation,  # type: ignore[union-attr]
                partner_id=value,
            )
        )


ACTIVITY_EXAMPLE = {
    "kind": "dialogue",
    "title": "Dialogue on safety in the neighbourhood",
    "held_at": "2026-03-04T18:00:00",
    "place": "Community house",
    "partners": [12, 15],
    "community_members": 20,
    "professionals": 4,
    "agreed": "Meet again in May.",
}


@extend_schema(tags=["collaboration"])
class CollaborationViewSet(OrgViewSet):
    """Collaboration activities (dialogue meetings, joint events, co-facilitated sessions,
    planning meetings, community visits), newest first, with their partners. Attendance is two
    counts: community members and professionals."""

    permissions = COLLABORATION_PERMISSIONS
    serializer_class = CollaborationActivitySerializer
    filterset_class = CollaborationFilter

    def org_queryset(self) -> Any:
        return collaboration_queryset(organisation=self.organisation)

    def _one(self, activity_id: int, **status_code: Any) -> Response:
        activity = self.get_queryset().get(pk=activity_id)
        return Response(self.get_serializer(activity).data, **status_code)

    @extend_schema(summary="List collaboration activities")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Record a collaboration activity",
        description="At least one partner takes part. A cohort must belong to the programme, "
        "when both are given. Counts cannot be negative.",
        request=CollaborationActivityInput,
        responses={201: CollaborationActivitySerializer},
        examples=[OpenApiExample("A dialogue meeting", value=ACTIVITY_EXAMPLE, request_only=True)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CollaborationActivityInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        activity = services.collaboration_activity_create(
            organisation=self.organisation,
            partner_ids=[partner.pk for partner in fields.pop("partners")],
            actor=request.user,
            **fields,
        )
        return self._one(activity.pk, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One collaboration activity")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change a collaboration activity",
        description="Only the fields sent change; `partners`, when sent, replaces the partners "
        "taking part.",
        request=CollaborationActivityInput(partial=True),
        responses={200: CollaborationActivitySerializer},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        data = CollaborationActivityInput(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        partners = fields.pop("partners", None)
        services.collaboration_activity_update(
            organisation=self.organisation,
            activity=activity,
            partner_ids=None if partners is None else [partner.pk for partner in partners],
            actor=request.user,
            **fields,
        )
        return self._one(activity.pk)


# -- follow-ups -------------------------------------------------------------------------------


class FollowUpFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(
        field_name="done_at", lookup_expr="isnull", help_text="true: not done yet."
    )
    activity = IdFilter(field_name="activity_id")
    owner_partner = IdFilter(field_name="owner_partner_id")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = FollowUp
        fields = ["open", "activity", "owner_partner", "due_before"]


@extend_schema(tags=["collaboration"])
class ActivityFollowUpViewSet(OrgViewSet):
    """The follow-ups of one activity, the earliest due first."""

    permissions = COLLABORATION_PERMISSIONS
    serializer_class = FollowUpSerializer
    parent_kwarg = "collaboration_id"

    def load_parent(self, parent_id: int) -> Any:
        return collaboration_get_by_id(organisation=self.organisation, activity_id=parent_id)

    def org_queryset(self) -> Any:
        return follow_up_queryset(organisation=self.organisation, activity=self.parent)

    @extend_schema(summary="List an activity's follow-ups")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Add a follow-up",
        description="Owned by a member of the team (`owner`, a user id) or by a partner "
        "taking part in the activity (`owner_partner`).",
        request=FollowUpInput,
        responses={201: FollowUpSerializer},
        examples=[
            OpenApiExample(
                "Owned by a partner",
                value={
                    "description": "Send the minutes to everyone.",
                    "owner_partner": 12,
                    "due_on": "2026-03-20",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = FollowUpInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        follow_up = services.follow_up_create(
            organisation=self.organisation,
            activity=self.parent,
            description=fields["description"],
            due_on=fields["due_on"],
            owner=fields.get("owner"),
            owner_partner=fields.get("owner_partner"),
            actor=request.user,
        )
        follow_up = self.get_queryset().get(pk=follow_up.pk)
        return Response(self.get_serializer(follow_up).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["collaboration"])
class FollowUpViewSet(OrgViewSet):
    """Follow-ups of every activity, the earliest due first; `?open=true` for those not done."""

    permissions = COLLABORATION_PERMISSIONS
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    def org_queryset(self) -> Any:
        return follow_up_queryset(organisation=self.organisation)

    @extend_schema(summary="List follow-ups")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One follow-up")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Mark a follow-up done",
        description="Doing it twice changes nothing.",
        request=None,
        responses={200: FollowUpSerializer},
    )
    def done(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        follow_up = self.get_object()
        services.follow_up_complete(
            organisation=self.organisation, follow_up=follow_up, actor=request.user
        )
        return Response(self.get_serializer(follow_up).data)


urlpatterns = [
    *resource(
        "collaboration/", CollaborationViewSet, id_name="collaboration_id", name="collaboration"
    ),
    action_url(
        "collaboration/<int:collaboration_id>/follow-ups/",
        ActivityFollowUpViewSet,
        {"get": "list", "post": "create"},
        name="collaboration-follow-ups",
    ),
    *resource("follow-ups/", FollowUpViewSet, id_name="follow_up_id", name="follow-up"),
    action_url(
        "follow-ups/<int:follow_up_id>/done/",
        FollowUpViewSet,
        {"post": "done"},
        name="follow-up-done",
    ),
]
