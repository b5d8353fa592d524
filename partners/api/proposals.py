"""Partners' proposals through the API: a partner contact proposes and follows what became of
their proposals, staff accept (as proposed or changed) or decline with a reason, both comment.
The same rules as the pages: a partner contact sees only their own partner's proposals, and
trainers and ambassadors none."""

from typing import Any

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.filters import IdFilter, MomentFilter
from cocora.organisations.models import Role

from ..models import Proposal, ProposalKind, ProposalStatus
from ..selectors.proposals import (
    partnership_for,
    proposal_comment_queryset,
    proposal_get_visible,
    proposal_visible_queryset,
)
from ..services import proposals as services
from .serializers import (
    ProposalAcceptInput,
    ProposalCommentInput,
    ProposalCommentSerializer,
    ProposalDeclineInput,
    ProposalInput,
    ProposalSerializer,
)


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ProposalKind.choices)
    partner = IdFilter(field_name="partner_id")
    created_since = MomentFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Proposal
        fields = ["status", "kind", "partner", "created_since"]


PROPOSAL_EXAMPLE = {
    "kind": "activity",
    "title": "Parents' evening at the club",
    "collaboration_kind": "dialogue",
    "held_at": "2026-04-02T18:00:00",
    "place": "Clubhouse",
    "reason": "Parents asked for it.",
}


@extend_schema(tags=["proposals"])
class ProposalViewSet(OrgViewSet):
    """Proposals of partners, newest first. Staff see all; a partner contact those of their own
    partner organisation."""

    permissions = {
        "read": "proposals.view",
        "create": "proposals.propose",
        "accept": "proposals.decide",
        "decline": "proposals.decide",
    }
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter

    def org_queryset(self) -> Any:
        return proposal_visible_queryset(organisation=self.organisation, membership=self.membership)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        membership = getattr(self, "membership", None)
        if membership is not None and membership.role == Role.PARTNER:
            # The curriculum's accepted text only while the agreement shares the materials.
            context["materials"] = partnership_for(
                organisation=self.organisation, user=self.request.user
            ).materials
        return context

    def _one(self, proposal_id: int, **status_code: Any) -> Response:
        proposal = self.get_queryset().get(pk=proposal_id)
        return Response(self.get_serializer(proposal).data, **status_code)

    @extend_schema(summary="List proposals")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Make a proposal (partner contacts)",
        description="Needs an agreement in force with the partner; a change to the curriculum "
        "also needs the agreement to share the programmes' materials.",
        request=ProposalInput,
        responses={201: ProposalSerializer},
        examples=[OpenApiExample("An activity", value=PROPOSAL_EXAMPLE, request_only=True)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = dict(self.validated(ProposalInput))
        proposal = services.proposal_create(
            organisation=self.organisation, actor=request.user, **fields
        )
        return self._one(proposal.pk, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One proposal")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Accept a proposal",
        description="Creates the activity (the partner taking part) or the follow-up (owned by "
        "the partner), or writes the title and text into the curriculum. Fields sent change "
        "what is proposed first; a field that does not apply to the kind is a 400.",
        request=ProposalAcceptInput,
        responses={200: ProposalSerializer},
    )
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proposal = self.get_object()
        changes = dict(self.validated(ProposalAcceptInput))
        note = changes.pop("note", "")
        applies = set(services.ACCEPT_FIELDS[ProposalKind(proposal.kind)])
        wrong = sorted(set(changes) - applies)
        if wrong:
            raise exceptions.ValidationError(
                {name: [_("Does not apply to this kind of proposal.")] for name in wrong}
            )
        services.proposal_accept(
            organisation=self.organisation,
            proposal=proposal,
            actor=request.user,
            changes=changes,
            note=note,
        )
        return self._one(proposal.pk)

    @extend_schema(
        summary="Decline a proposal",
        description="With a reason the partner reads.",
        request=ProposalDeclineInput,
        responses={200: ProposalSerializer},
    )
    def decline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proposal = self.get_object()
        data = self.validated(ProposalDeclineInput)
        services.proposal_decline(
            organisation=self.organisation,
            proposal=proposal,
            actor=request.user,
            reason=data["reason"],
        )
        return self._one(proposal.pk)


@extend_schema(tags=["proposals"])
class ProposalCommentViewSet(OrgViewSet):
    """The thread of a proposal, oldest first: the partner's side and the organisation's."""

    permissions = {"read": "proposals.view", "write": "proposals.comment"}
    serializer_class = ProposalCommentSerializer
    parent_kwarg = "proposal_id"

    def load_parent(self, parent_id: int) -> Any:
        return proposal_get_visible(
            organisation=self.organisation, membership=self.membership, proposal_id=parent_id
        )

    def org_queryset(self) -> Any:
        return proposal_comment_queryset(organisation=self.organisation, proposal=self.parent)

    @extend_schema(summary="List a proposal's comments")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Comment on a proposal",
        request=ProposalCommentInput,
        responses={201: ProposalCommentSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ProposalCommentInput)
        comment = services.proposal_comment_add(
            organisation=self.organisation,
            proposal=self.parent,
            actor=request.user,
            text=data["text"],
        )
        comment = self.get_queryset().get(pk=comment.pk)
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    *resource("proposals/", ProposalViewSet, id_name="proposal_id", name="proposal"),
    action_url(
        "proposals/<int:proposal_id>/accept/",
        ProposalViewSet,
        {"post": "accept"},
        name="proposal-accept",
    ),
    action_url(
        "proposals/<int:proposal_id>/decline/",
        ProposalViewSet,
        {"post": "decline"},
        name="proposal-decline",
    ),
    action_url(
        "proposals/<int:proposal_id>/comments/",
        ProposalCommentViewSet,
        {"get": "list", "post": "create"},
        name="proposal-comments",
    ),
]
