"""Peer insights: an ambassador shares what they see in their peer group and reads what
became of their own; coordinators read them all and answer."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import action_url, resource
from cocora.api.filters import MomentFilter

from ..models import Ambassador, InsightKind, InsightStatus, InsightTheme, PeerInsight
from ..selectors.tasks import insight_queryset
from ..services.insights import insight_review, insight_share
from .access import StaffOrOwnViewSet
from .serializers import (
    InsightReviewInput,
    InsightShareInput,
    OwnInsightSerializer,
    StaffInsightSerializer,
)

ANSWER_DESCRIPTION = (
    "Coordinators and admins receive the staff shape (with the ambassador); an ambassador "
    "receives only their own insights, without any participant data."
)


def _answer(many: bool = False) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="PeerInsightAnswer",
        serializers=[StaffInsightSerializer, OwnInsightSerializer],
        resource_type_field_name=None,
        many=many,
    )


class InsightFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InsightStatus.choices)
    theme = django_filters.ChoiceFilter(choices=InsightTheme.choices)
    kind = django_filters.ChoiceFilter(choices=InsightKind.choices)
    ambassador = django_filters.NumberFilter(field_name="ambassador_id")
    created_since = MomentFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = PeerInsight
        fields = ["status", "theme", "kind", "ambassador", "created_since"]


@extend_schema(tags=["peer insights"])
class PeerInsightViewSet(StaffOrOwnViewSet):
    lookup_url_kwarg = "insight_id"
    permissions = {"create": "ambassador_home.view", "review": "ambassadors.manage"}
    staff_serializer_class = StaffInsightSerializer
    own_serializer_class = OwnInsightSerializer
    filterset_class = InsightFilter

    def staff_queryset(self) -> QuerySet[PeerInsight]:
        return insight_queryset(organisation=self.organisation)

    def own_queryset(self, ambassador: Ambassador) -> QuerySet[PeerInsight]:
        return insight_queryset(organisation=self.organisation, ambassador=ambassador)

    @extend_schema(
        summary="List peer insights",
        description="Newest first. " + ANSWER_DESCRIPTION,
        responses=_answer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="One peer insight",
        description=ANSWER_DESCRIPTION + " Another ambassador's insight is a 404.",
        responses=_answer(),
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Share an insight (ambassador)",
        description="What you see in your peer group (a need, a resource or expertise) and "
        "what you suggest, naming nobody.",
        request=InsightShareInput,
        responses={201: OwnInsightSerializer},
        examples=[
            OpenApiExample(
                "A need",
                request_only=True,
                value={
                    "theme": "leisure",
                    "kind": "need",
                    "observation": "There is nowhere to meet in the evening since the club closed.",
                    "suggestion": "Open the youth house on Thursday evenings.",
                },
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ambassador = self.own_ambassador_or_404()
        data = self.validated(InsightShareInput)
        insight = insight_share(
            organisation=self.organisation, ambassador=ambassador, actor=request.user, **data
        )
        return Response(self.answer(insight), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Answer a peer insight",
        description="Acknowledged, or acted on with a sentence on what was done; the "
        "ambassador sees the answer.",
        request=InsightReviewInput,
        responses=StaffInsightSerializer,
    )
    def review(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        insight = self.get_object()
        data = self.validated(InsightReviewInput)
        insight = insight_review(
            organisation=self.organisation, insight=insight, actor=request.user, **data
        )
        return Response(self.answer(insight))


urlpatterns = [
    *resource(
        "ambassadors/insights/", PeerInsightViewSet, id_name="insight_id", name="peer-insight"
    ),
    action_url(
        "ambassadors/insights/<int:insight_id>/review/",
        PeerInsightViewSet,
        {"post": "review"},
        name="peer-insight-review",
    ),
]
