"""Reads of the Collaborative Programme: activities over time and open follow-ups."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from cocora.organisations.models import Organisation

from ..models import CollaborationActivity, CollaborationPartner, FollowUp, PartnerOrganisation


def _partner_links(organisation: Organisation) -> Prefetch:
    return Prefetch(
        "partner_links",
        queryset=CollaborationPartner.objects.for_org(organisation)
        .select_related("partner")
        .order_by("partner__name"),
    )


def activity_ids_with_partner(*, organisation: Organisation, partner_id: int) -> QuerySet[Any]:
    """The ids of the activities a partner took part in, as a subquery."""
    return (
        CollaborationPartner.objects.for_org(organisation)
        .filter(partner_id=partner_id)
        .values("activity_id")
    )


def collaboration_queryset(
    *,
    organisation: Organisation,
    partner_id: int | None = None,
    kind: str = "",
    year: int | None = None,
) -> QuerySet[CollaborationActivity]:
    """Activities, newest first, with their partners, programme and cohort: two queries
    whatever the number of activities (activities, partner links with partners)."""
    activities: QuerySet[CollaborationActivity] = CollaborationActivity.objects.for_org(
        organisation
    )
    if partner_id:
        activities = activities.filter(
            pk__in=activity_ids_with_partner(organisation=organisation, partner_id=partner_id)
        )
    if kind:
        activities = activities.filter(kind=kind)
    if year:
        activities = activities.filter(held_at__year=year)
    return (
        activities.select_related("programme", "cohort")
        .prefetch_related(_partner_links(organisation))
        .order_by("-held_at", "-pk")
    )


def follow_up_queryset(
    *,
    organisation: Organisation,
    activity: CollaborationActivity | None = None,
    open_only: bool = False,
) -> QuerySet[FollowUp]:
    """Follow-ups, the earliest due first, with their activity and owners: one query."""
    follow_ups = FollowUp.objects.for_org(organisation).select_related(
        "activity", "owner", "owner_partner"
    )
    if activity is not None:
        follow_ups = follow_ups.filter(activity=activity)
    if open_only:
        follow_ups = follow_ups.filter(done_at__isnull=True)
    return follow_ups.order_by("due_on", "pk")


def follow_ups_open(*, organisation: Organisation) -> list[FollowUp]:
    """Open follow-ups, the earliest due first: one query."""
    return list(follow_up_queryset(organisation=organisation, open_only=True))


def collaboration_get_by_id(
    *, organisation: Organisation, activity_id: int
) -> CollaborationActivity | None:
    return CollaborationActivity.objects.for_org(organisation).filter(pk=activity_id).first()


def collaboration_get(
    *, organisation: Organisation, activity: CollaborationActivity
) -> dict[str, Any]:
    return {
        "partners": [
            link.partner
            for link in CollaborationPartner.objects.for_org(organisation)
            .filter(activity=activity)
            .select_related("partner")
            .order_by("partner__name")
        ],
        "follow_ups": list(
            FollowUp.objects.for_org(organisation)
            .filter(activity=activity)
            .select_related("owner", "owner_partner")
            .order_by("done_at", "due_on", "pk")
        ),
    }


def partner_activity_queryset(
    *, organisation: Organisation, partner: PartnerOrganisation
) -> QuerySet[CollaborationActivity]:
    """The activities a partner took part in, newest first (the id breaks ties, so that pages
    neither repeat nor skip one): one query, nothing prefetched."""
    return (
        CollaborationActivity.objects.for_org(organisation)
        .filter(pk__in=activity_ids_with_partner(organisation=organisation, partner_id=partner.pk))
        .order_by("-held_at", "-pk")
    )


# How many of a partner's activities the follow-up form offers in its list.
FOLLOW_UP_CHOICES = 50


@dataclass
class FollowUpChoices:
    """The activities the follow-up form offers, newest first, and whether older ones exist
    (each of those is offered from its own link on the partner's portal)."""

    activities: list[CollaborationActivity]
    more: bool


def activities_to_follow_up(
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    chosen_id: int | None = None,
    limit: int = FOLLOW_UP_CHOICES,
) -> FollowUpChoices:
    """The partner's latest `limit` activities, plus the one `chosen_id` names when it is an
    older one of theirs: any activity the partner took part in can get a follow-up, however
    old, while the form's list stays short. Two queries at most, whatever their number."""
    activities = partner_activity_queryset(organisation=organisation, partner=partner)
    latest = list(activities[: limit + 1])
    more = len(latest) > limit
    offered = latest[:limit]
    if chosen_id is not None and all(a.pk != chosen_id for a in offered):
        offered += list(activities.filter(pk=chosen_id))
    return FollowUpChoices(activities=offered, more=more)


def follow_ups_overdue(follow_ups: list[FollowUp], *, today: date) -> list[FollowUp]:
    return [f for f in follow_ups if f.due_on < today]
