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
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details or {},
    )
