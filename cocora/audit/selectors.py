"""Reads of the audit trail."""

from datetime import date
from typing import Any

from django.db import models
from django.db.models import QuerySet

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
    if since:
        events = events.filter(occurred_at__date__gte=since)
    if until:
        events = events.filter(occurred_at__date__lte=until)
    return events.order_by("-occurred_at", "-pk")


def audit_action_prefixes(*, organisation: Organisation) -> list[str]:
    """The kinds of event recorded so far (the part before the dot), for the filter."""
    actions: Any = (
        AuditEvent.objects.for_org(organisation).values_list("action", flat=True).distinct()
    )
    return sorted({a.split(".")[0] for a in actions})
