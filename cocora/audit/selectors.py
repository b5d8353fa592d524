"""Reads of the audit trail."""

from datetime import date, timedelta

from django.db import models
from django.db.models import QuerySet

from cocora.core.dates import day_start
from cocora.organisations.models import Organisation

from .models import AuditEvent

# What counts as seeing a record, for the "who has seen this" panel.
READ_ACTIONS = ("viewed", "exported", "downloaded", "printed")


def audit_events_for(
    *, organisation: Organisation, target: models.Model, limit: int = 25
) -> list[AuditEvent]:
    """The latest events about one record, with their actors: two queries at most."""
    return list(
        AuditEvent.objects.for_org(organisation)
        .filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def audit_event_list(
    *,
    organisation: Organisation,
    actor_id: int | None = None,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.for_org(organisation).select_related("actor")
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action__startswith=action)
    # Days in the organisation's time zone, as a range of moments: a condition on the column
    # itself, which the (organisation, occurred_at) index serves, unlike one on its date.
    if since:
        events = events.filter(occurred_at__gte=day_start(since, organisation.time_zone))
    if until:
        events = events.filter(
            occurred_at__lt=day_start(until + timedelta(days=1), organisation.time_zone)
        )
    return events.order_by("-occurred_at", "-pk")
