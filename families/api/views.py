"""Family activities, their counts and guardians' invitations, and guardians' links through the
API, under /api/v1/o/<org_slug>/. The same services and roles as the pages: trainers read the
activities of their cohorts; staff plan, invite, record and send links. A link's secret is
never in an answer: it goes to the guardian by email only."""

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.filters import IdFilter, MomentFilter

from .. import services
from ..models import FamilyActivity, FamilyActivityKind, GuardianLink
from ..selectors import family_activity_queryset
from .serializers import (
    CountsInput,
    FamilyActivityChangeInput,
    FamilyActivityInput,
    FamilyActivitySerializer,
    GuardianLinkInput,
    GuardianLinkSerializer,
    InvitationInput,
    InvitationResultSerializer,
)

FAMILY_PERMISSIONS = {"read": "families.view", "write": "families.manage"}
LINK_PERMISSIONS = {"read": "guardian_links.manage", "write": "guardian_links.manage"}


class FamilyActivityFilter(django_filters.FilterSet):
    cohort = IdFilter(field_name="cohort_id")
    kind = django_filters.ChoiceFilter(choices=FamilyActivityKind.choices)
    starts_from = MomentFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = MomentFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = FamilyActivity
        fields = ["cohort", "kind", "starts_from", "starts_before"]


@extend_schema(tags=["families"])
class FamilyActivityViewSet(OrgViewSet):
    """Family activities of the cohorts (parents' evenings, mothers' groups, dialogue
    meetings), newest first. Trainers see those of their own cohorts."""

    permissions = FAMILY_PERMISSIONS
    serializer_class = FamilyActivitySerializer
    filterset_class = FamilyActivityFilter

    def org_queryset(self) -> Any:
        return family_activity_queryset(organisation=self.organisation, membership=self.membership)

    def _one(self, activity_id: int, **status_code: Any) -> Response:
        return Response(
            self.get_serializer(self.get_queryset().get(pk=activity_id)).data, **status_code
        )

    @extend_schema(summary="List family activities")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Plan a family activity",
        request=FamilyActivityInput,
        responses={201: FamilyActivitySerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = dict(self.validated(FamilyActivityInput))
        activity = services.family_activity_create(
            organisation=self.organisation,
            cohort=fields.pop("cohort"),
            actor=request.user,
            **fields,
        )
        return self._one(activity.pk, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One family activity")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change a family activity",
        description="Only the fields sent change; the cohort stays.",
        request=FamilyActivityChangeInput(partial=True),
        responses={200: FamilyActivitySerializer},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        fields = dict(self.validated(FamilyActivityChangeInput, partial=True))
        services.family_activity_update(
            organisation=self.organisation, activity=activity, actor=request.user, **fields
        )
        return self._one(activity.pk)

    @extend_schema(
        summary="Record who came",
        description="Two counts, never names; once the activity has begun.",
        request=CountsInput,
        responses={200: FamilyActivitySerializer},
    )
    def counts(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        services.family_activity_counts_record(
            organisation=self.organisation,
            activity=activity,
            actor=request.user,
            **self.validated(CountsInput),
        )
        return self._one(activity.pk)

    @extend_schema(
        summary="Invite guardians by email",
        description="Every family of the cohort that can be written to, or those of the "
        "participants given; before the activity begins. Nobody is invited twice.",
        request=InvitationInput,
        responses={200: InvitationResultSerializer},
    )
    def invite(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        data = self.validated(InvitationInput)
        chosen = data.get("participants")
        result = services.guardians_invite(
            organisation=self.organisation,
            activity=activity,
            participant_ids=None if chosen is None else [p.pk for p in chosen],
            actor=request.user,
        )
        return Response(InvitationResultSerializer(result).data)


class GuardianLinkFilter(django_filters.FilterSet):
    participant = IdFilter(field_name="participant_id")

    class Meta:
        model = GuardianLink
        fields = ["participant"]


@extend_schema(tags=["families"])
class GuardianLinkViewSet(OrgViewSet):
    """Guardians' personal links, newest first: when each was sent, until when it works,
    whether it was opened. Staff only."""

    permissions = LINK_PERMISSIONS
    serializer_class = GuardianLinkSerializer
    filterset_class = GuardianLinkFilter

    def org_queryset(self) -> Any:
        return GuardianLink.objects.for_org(self.organisation).order_by("-created_at", "-pk")

    @extend_schema(summary="List guardian links")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Send a guardian a new link",
        description="Emails the guardian a new link; an older link of the same child stops "
        "working. Refused when the guardian cannot be written to.",
        request=GuardianLinkInput,
        responses={201: GuardianLinkSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(GuardianLinkInput)
        link = services.guardian_link_send(
            organisation=self.organisation, participant=data["participant"], actor=request.user
        )
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One guardian link")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Stop a guardian link",
        description="At once; doing it twice changes nothing.",
        request=None,
        responses={200: GuardianLinkSerializer},
    )
    def revoke(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        link = services.guardian_link_revoke(
            organisation=self.organisation, link=self.get_object(), actor=request.user
        )
        return Response(self.get_serializer(link).data)


urlpatterns = [
    *resource(
        "family-activities/",
        FamilyActivityViewSet,
        id_name="family_activity_id",
        name="family-activity",
    ),
    action_url(
        "family-activities/<int:family_activity_id>/counts/",
        FamilyActivityViewSet,
        {"post": "counts"},
        name="family-activity-counts",
    ),
    action_url(
        "family-activities/<int:family_activity_id>/invitations/",
        FamilyActivityViewSet,
        {"post": "invite"},
        name="family-activity-invitations",
    ),
    *resource(
        "guardian-links/", GuardianLinkViewSet, id_name="guardian_link_id", name="guardian-link"
    ),
    action_url(
        "guardian-links/<int:guardian_link_id>/revoke/",
        GuardianLinkViewSet,
        {"post": "revoke"},
        name="guardian-link-revoke",
    ),
]
