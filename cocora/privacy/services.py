"""Writes of the data-protection area: a person's export and erasure, retention periods and the
retention run. Every app's share of the work comes through `cocora.privacy.registry`.

Logs and audit details carry ids, codes and counts only, never what a person wrote or is called.
"""

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cocora.audit.models import AuditEvent
from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation, OrgScopedModel

from .models import RETENTION_RULES, ErasureReason, ErasureRecord, RecordType, RetentionPolicy
from .registry import each_provider, merge_counts
from .selectors import (
    RETENTION_APPLIED,
    audit_events_due_count,
    erasure_record_for_subject,
    retention_periods,
)

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "cocora.subject-export"
EXPORT_VERSION = 1
# The audit trail is append-only for the application's database role: the nightly run counts
# what is due and `manage.py privacy_purge_audit`, run as the owner role, removes it.
IN_APP_RECORD_TYPES = tuple(str(t) for t in RETENTION_RULES if t != RecordType.AUDIT_EVENTS)


def _check_subject(*, organisation: Organisation, subject: OrgScopedModel) -> str:
    if subject.organisation_id != organisation.pk:  # type: ignore[attr-defined]
        raise ApplicationError(_("This person belongs to another organisation."))
    code = getattr(subject, "code", "")
    if not code:
        raise TypeError(f"{subject._meta.label} has no pseudonymous code: it cannot be a subject.")
    return str(code)


@transaction.atomic
def subject_export(
    *, organisation: Organisation, subject: OrgScopedModel, actor: Any, fmt: str
) -> dict[str, Any]:
    """Everything the apps hold about one person, as one JSON-ready document (for access and
    portability requests). The export itself is written to the audit trail."""
    code = _check_subject(organisation=organisation, subject=subject)
    erasure = erasure_record_for_subject(organisation=organisation, subject=subject)
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.localtime(timezone.now()).isoformat(),
        "organisation": {"name": organisation.name, "slug": organisation.slug},
        "subject": {"type": subject._meta.label_lower, "code": code},
        "erasure": None
        if erasure is None
        else {"erased_at": erasure.erased_at.isoformat(), "reason": erasure.reason},
    }
    for name, export in each_provider("subject_export"):
        part = export(organisation=organisation, subject=subject)
        clash = set(part) & set(document)
        if clash:
            raise RuntimeError(f"Privacy provider {name!r} repeats sections {sorted(clash)}.")
        document.update(part)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="privacy.subject_exported",
        target=subject,
        details={"format": fmt},
    )
    return document


@transaction.atomic
def subject_erase(
    *,
    organisation: Organisation,
    subject: OrgScopedModel,
    actor: Any,
    reason: str = ErasureReason.REQUEST,
) -> ErasureRecord:
    """Anonymises a person in every app and removes their free text and contact data, keeping
    the rows that aggregate counts need. Writes the erasure log and the audit trail; cannot be
    undone."""
    code = _check_subject(organisation=organisation, subject=subject)
    if reason not in ErasureReason.values:
        raise ApplicationError(_("Choose why the data is erased."))
    # Lock the person's row: a second request or the nightly run waits, then finds the record.
    type(subject).objects.for_org(organisation).select_for_update().filter(pk=subject.pk).exists()
    previous = erasure_record_for_subject(organisation=organisation, subject=subject)
    if previous is not None:
        raise ApplicationError(
            _("This person's data was erased already, on %(date)s.")
            % {"date": date_format(timezone.localtime(previous.erased_at), "DATE_FORMAT")}
        )
    counts: dict[str, int] = {}
    for _name, erase in each_provider("subject_erase"):
        merge_counts(counts, erase(organisation=organisation, subject=subject, actor=actor))
    # Django admin's history keeps the object's text as it was ("Name (P-…)").
    counts["admin_history_scrubbed"] = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
    ).update(object_repr=code, change_message="")
    record = ErasureRecord.objects.create(
        organisation=organisation,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        subject_code=code,
        counts=counts,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="privacy.subject_erased",
        target=subject,
        details={"reason": reason, "erasure_id": record.pk, "counts": counts},
    )
    logger.info(
        "privacy: erased %s %s in organisation %s (%s)",
        record.subject_type,
        subject.pk,
        organisation.pk,
        reason,
    )
    return record


@transaction.atomic
def retention_policy_set(
    *, organisation: Organisation, record_type: str, period: int, actor: Any
) -> RetentionPolicy | None:
    """Sets the organisation's period for one record type; returns None when nothing changed."""
    rule = RETENTION_RULES.get(record_type)
    if rule is None:
        raise ApplicationError(_("Unknown kind of record."), field="record_type")
    if not isinstance(period, int) or not rule.minimum <= period <= rule.maximum:
        raise ApplicationError(
            _("Choose a period from %(minimum)s to %(maximum)s.")
            % {"minimum": rule.minimum, "maximum": rule.maximum},
            field=record_type,
        )
    current = retention_periods(organisation=organisation)[record_type]
    if current.period == period:
        return None
    policy, _created = RetentionPolicy.objects.update_or_create(
        organisation=organisation,
        record_type=record_type,
        defaults={
            "period": period,
            "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="privacy.retention_changed",
        target=policy,
        details={"record_type": record_type, "from": current.period, "to": period},
    )
    return policy


def retention_preview(*, organisation: Organisation, now: datetime | None = None) -> dict[str, int]:
    """How many records of each type the next run would anonymise or delete, with audit events
    due for the owner's purge. Changes nothing."""
    now = now or timezone.now()
    policies = retention_periods(organisation=organisation)
    counts = dict.fromkeys(map(str, RETENTION_RULES), 0)
    for _name, due in each_provider("retention_due"):
        merge_counts(counts, due(organisation=organisation, policies=policies, now=now))
    counts[str(RecordType.AUDIT_EVENTS)] += audit_events_due_count(
        organisation=organisation, period=policies[RecordType.AUDIT_EVENTS], now=now
    )
    return counts


@transaction.atomic
def retention_run(*, organisation: Organisation, now: datetime | None = None) -> dict[str, int]:
    """Anonymises or deletes what is past its period, in every app; returns the counts by record
    type (what `retention_preview` announced, audit events aside) and records them in the audit
    trail."""
    now = now or timezone.now()
    policies = retention_periods(organisation=organisation)
    counts = dict.fromkeys(IN_APP_RECORD_TYPES, 0)
    for _name, apply in each_provider("retention_apply"):
        merge_counts(counts, apply(organisation=organisation, policies=policies, now=now))
    audit_due = audit_events_due_count(
        organisation=organisation, period=policies[RecordType.AUDIT_EVENTS], now=now
    )
    audit_record(
        organisation=organisation,
        actor=None,
        action=RETENTION_APPLIED,
        details={"counts": counts, "audit_events_due": audit_due},
    )
    return counts


@transaction.atomic
def audit_events_purge(
    *, organisation: Organisation, now: datetime | None = None, dry_run: bool = False
) -> int:
    """Deletes the organisation's audit events older than its audit period; returns how many.
    The application's database role may not delete audit events (the trail is append-only for
    it): this runs from `manage.py privacy_purge_audit` as the owner role. The purge itself is
    recorded in the trail."""
    now = now or timezone.now()
    period = retention_periods(organisation=organisation)[RecordType.AUDIT_EVENTS]
    cutoff = period.cutoff(now, ZoneInfo(organisation.time_zone))
    due = AuditEvent.objects.for_org(organisation).filter(occurred_at__lt=cutoff)
    if dry_run:
        return int(due.count())
    # AuditEvent has no dependants: this is one DELETE, whatever the number of rows.
    deleted, _per_model = due.delete()
    audit_record(
        organisation=organisation,
        actor=None,
        action="privacy.audit_purged",
        details={"count": deleted, "before": cutoff.isoformat()},
    )
    return int(deleted)
