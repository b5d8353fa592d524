"""Reads of the data-protection area: the periods in force and the erasure log."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Model

from cocora.audit.models import AuditEvent
from cocora.organisations.models import Organisation

from .models import RETENTION_RULES, ErasureRecord, RetentionPolicy
from .periods import RetentionPeriod

RETENTION_APPLIED = "privacy.retention_applied"


def retention_periods(*, organisation: Organisation) -> dict[str, RetentionPeriod]:
    """The period in force for every record type: the organisation's own, or the default. One
    query."""
    stored = dict(
        RetentionPolicy.objects.for_org(organisation).values_list("record_type", "period")
    )
    return {
        record_type: RetentionPeriod(
            record_type=record_type,
            period=stored.get(record_type, rule.default),
            unit=rule.unit,
            is_default=record_type not in stored,
        )
        for record_type, rule in RETENTION_RULES.items()
    }


def audit_events_due_count(
    *, organisation: Organisation, period: RetentionPeriod, now: datetime
) -> int:
    cutoff = period.cutoff(now, ZoneInfo(organisation.time_zone))
    return int(AuditEvent.objects.for_org(organisation).filter(occurred_at__lt=cutoff).count())


def retention_last_run(*, organisation: Organisation) -> AuditEvent | None:
    """The audit line of the latest retention run, if there was one."""
    event: AuditEvent | None = (
        AuditEvent.objects.for_org(organisation)
        .filter(action=RETENTION_APPLIED)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return event


def erasure_record_list(*, organisation: Organisation, limit: int = 50) -> list[ErasureRecord]:
    return list(
        ErasureRecord.objects.for_org(organisation)
        .select_related("actor")
        .order_by("-erased_at", "-pk")[:limit]
    )


def erasure_record_for_subject(
    *, organisation: Organisation, subject: Model
) -> ErasureRecord | None:
    record: ErasureRecord | None = (
        ErasureRecord.objects.for_org(organisation)
        .filter(subject_type=subject._meta.label_lower, subject_id=subject.pk)
        .first()
    )
    return record
