"""Reads of partners' proposals. Staff see every proposal; a partner contact only those of their
own partner organisation, and nothing at all before their account is linked to a contact."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from cocora.core.compiled import Param, aggregated, compiled_read
from cocora.core.dates import organisation_today
from cocora.organisations.models import Membership, Organisation, Role
from programmes.models import Activity, Module, Programme

from ..models import PartnerContact, Proposal, ProposalComment, ProposalStatus
from ..services.proposals import agreement_in_force, materials_allowed, proposing_contact


def proposal_queryset(
    *, organisation: Organisation, partner_id: int | None = None, status: str = ""
) -> QuerySet[Proposal]:
    """Proposals, the newest first, with everything a row names and the number of comments:
    one query whatever their number."""
    proposals = Proposal.objects.for_org(organisation)
    if partner_id is not None:
        proposals = proposals.filter(partner_id=partner_id)
    if status:
        proposals = proposals.filter(status=status)
    return (
        proposals.select_related(
            "partner",
            "proposed_by",
            "decided_by",
            "programme",
            "module",
            "curriculum_activity",
            "follow_up_of",
            "created_activity",
            "created_follow_up",
        )
        .annotate(comment_count=Count("comments"))
        .order_by("-created_at", "-pk")
    )


def proposal_visible_queryset(
    *, organisation: Organisation, membership: Membership, status: str = ""
) -> QuerySet[Proposal]:
    """The proposals the member may see: every one for staff, their own partner's for a
    partner contact, none for anyone else."""
    if membership.role == Role.PARTNER:
        contact = proposing_contact(organisation=organisation, user=membership.user)
        if contact is None:
            return Proposal.objects.for_org(organisation).none()
        return proposal_queryset(
            organisation=organisation, partner_id=contact.partner_id, status=status
        )
    if membership.role in (Role.ADMIN, Role.COORDINATOR):
        return proposal_queryset(organisation=organisation, status=status)
    return Proposal.objects.for_org(organisation).none()


def proposal_get_visible(
    *, organisation: Organisation, membership: Membership, proposal_id: int
) -> Proposal | None:
    return (
        proposal_visible_queryset(organisation=organisation, membership=membership)
        .filter(pk=proposal_id)
        .first()
    )


def proposal_comment_queryset(
    *, organisation: Organisation, proposal: Proposal
) -> QuerySet[ProposalComment]:
    """The thread, oldest first, with its authors: one query."""
    return (
        ProposalComment.objects.for_org(organisation)
        .filter(proposal=proposal)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def proposal_comment_position(*, organisation: Organisation, comment: ProposalComment) -> int:
    """Where `comment` stands in its thread, from 1 (oldest first, as the thread reads): the
    page that shows it, for a redirect after posting. One query."""
    return (
        proposal_comment_queryset(organisation=organisation, proposal=comment.proposal)
        .filter(
            Q(created_at__lt=comment.created_at)
            | Q(created_at=comment.created_at, pk__lte=comment.pk)
        )
        .count()
    )


@dataclass
class Waiting:
    count: int
    latest: list[Proposal]


def proposals_waiting(*, organisation: Organisation, limit: int = 5) -> Waiting:
    """Open proposals for the coordinators' home: two queries (the count, the latest), each
    compiled once per process, reading only what the panel names (title, kind, partner). The
    list's query joins nine tables and counts comments; PostgreSQL took some 6 ms to plan it
    under the row-level security policies, for five lines of a home page."""
    ((count,),) = _open_count(organisation=organisation.pk)
    return Waiting(count=count, latest=_open_latest.rows(organisation=organisation.pk)[:limit])


def _open() -> QuerySet[Proposal]:
    return Proposal.objects.for_org(Param("organisation")).filter(status=ProposalStatus.OPEN)


@compiled_read
def _open_count() -> QuerySet[Proposal, tuple[int]]:
    return aggregated(_open(), n=Count("pk"))


@compiled_read
def _open_latest() -> QuerySet[Proposal]:
    return (
        _open()
        .select_related("partner")
        .only("organisation_id", "kind", "title", "partner__organisation_id", "partner__name")
        .order_by("-created_at", "-pk")
    )


@dataclass
class Partnership:
    """What a partner contact may propose on: their partner, whether an agreement is in force,
    and whether it shares the programmes' materials (the curriculum)."""

    contact: PartnerContact | None
    in_force: bool
    materials: bool


def partnership_for(*, organisation: Organisation, user: Any) -> Partnership:
    contact = proposing_contact(organisation=organisation, user=user)
    if contact is None:
        return Partnership(contact=None, in_force=False, materials=False)
    agreement = agreement_in_force(
        organisation=organisation, partner=contact.partner, today=organisation_today(organisation)
    )
    return Partnership(
        contact=contact,
        in_force=agreement is not None,
        materials=materials_allowed(organisation=organisation, agreement=agreement),
    )


def curriculum_to_propose_on(*, organisation: Organisation) -> list[Programme]:
    """The current programmes with their modules and activities, in order: three queries
    whatever the size of the curriculum."""
    activities = Activity.objects.for_org(organisation).order_by("position", "pk")
    modules = (
        Module.objects.for_org(organisation)
        .prefetch_related(Prefetch("activities", queryset=activities))
        .order_by("position", "pk")
    )
    return list(
        Programme.objects.for_org(organisation)
        .filter(archived_at__isnull=True)
        .prefetch_related(Prefetch("modules", queryset=modules))
        .order_by("title", "pk")
    )
