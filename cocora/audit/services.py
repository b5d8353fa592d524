from collections.abc import Iterable
from typing import Any

from django.db import models

from cocora.organisations.models import Organisation

from .models import AuditEvent


def audit_record(
    *,
    organisation: Organisation,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Adds one line to the organisation's audit trail, in the caller's transaction."""
    return AuditEvent.objects.create(
        **_event_fields(organisation=organisation, actor=actor, action=action, target=target),
        details=details or {},
    )


def audit_record_many(
    *,
    organisation: Organisation,
    actor: Any,
    action: str,
    targets: Iterable[tuple[models.Model, dict[str, Any]]],
) -> list[AuditEvent]:
    """One line per (target, details) pair, in one insert whatever their number: a bulk write
    leaves the same trail on each record as one write at a time would."""
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            **_event_fields(organisation=organisation, actor=actor, action=action, target=target),
            details=details,
        )
        for target, details in targets
    )


def _event_fields(
    *, organisation: Organisation, actor: Any, action: str, target: models.Model | None
) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "actor": actor if actor is not None and actor.is_authenticated else None,
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
    }
