"""Reads of the Collaborative Programme: activities over time and open follow-ups."""

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


def collaboration_list(
    *,
    organisation: Organisation,
    partner_id: int | None = None,
    kind: str = "",
    year: int | None = None,
) -> list[CollaborationActivity]:
    """Activities, newest first, with their partners, programme and cohort: two queries
    whatever the number of activities (activities, partner links with partners)."""
    activities: QuerySet[CollaborationActivity] = CollaborationActivity.objects.for_org(
        organisation
    )
    if partner_id:
        activities = activities.filter(
            pk__in=CollaborationPartner.objects.for_org(organisation)
            .filter(partner_id=partner_id)
            .values("activity_id")
        )
    if kind:
        activities = activities.filter(kind=kind)
    if year:
        activities = activities.filter(held_at__year=year)
    return list(
        activities.select_related("programme", "cohort")
        .prefetch_related(_partner_links(organisation))
        .order_by("-held_at", "-pk")
    )


def follow_ups_open(*, organisation: Organisation) -> list[FollowUp]:
    """Open follow-ups, the earliest due first: one query."""
    return list(
        FollowUp.objects.for_org(organisation)
        .filter(done_at__isnull=True)
        .select_related("activity", "owner", "owner_partner")
        .order_by("due_on", "pk")
    )


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


def activities_of_partner(
    *, organisation: Organisation, partner: PartnerOrganisation
) -> list[CollaborationActivity]:
    return list(
        CollaborationActivity.objects.for_org(organisation)
        .filter(
            pk__in=CollaborationPartner.objects.for_org(organisation)
            .filter(partner=partner)
            .values("activity_id")
        )
        .prefetch_related(_partner_links(organisation))
        .order_by("-held_at")
    )


def follow_ups_overdue(follow_ups: list[FollowUp], *, today: date) -> list[FollowUp]:
    return [f for f in follow_ups if f.due_on < today]
