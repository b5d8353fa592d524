"""Reads of the data-protection area: the periods in force, the erasure log, and the facts
that the transparency page and the consent form show."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Model

from cocora.audit.models import AuditEvent
from cocora.core.dates import organisation_today
from cocora.organisations.models import Organisation, Role
from cocora.organisations.permissions import roles_for

from .models import RETENTION_RULES, ErasureRecord, RetentionPolicy
from .periods import RetentionPeriod, period_display
from .transparency import (
    ACCESS_ACTIONS,
    NEVER_KEPT,
    RECORD_TYPE_WORDS,
    AccessFact,
    Contact,
    RetentionFact,
    TransparencyFacts,
    kept_providers,
    roles_in_words,
    sentence,
    sharing_providers,
    words_or,
)

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


def transparency_facts(
    *, organisation: Organisation, today: date | None = None
) -> TransparencyFacts:
    """Everything the organisation tells young people and guardians about their data, built from
    its settings, its retention periods, the permission map and what the apps register (see
    cocora.privacy.transparency). The one source of the transparency page, the consent form and
    the API. One query for the periods plus the apps' own (three for the partners' sharing)."""
    today = today or organisation_today(organisation)
    periods = retention_periods(organisation=organisation)
    seeing: set[Role] = set()
    access = []
    for action, text in ACCESS_ACTIONS:
        roles = roles_for(action)
        seeing |= roles
        access.append(
            AccessFact(
                action=action,
                roles=[str(role) for role in Role if role in roles],
                sentence=sentence(str(text) % {"who": roles_in_words(roles)}),
            )
        )
    return TransparencyFacts(
        organisation=organisation.name,
        slug=organisation.slug,
        digital_consent_age=organisation.digital_consent_age,
        kept=[item for kept in kept_providers.values() for item in kept(organisation=organisation)],
        never_kept=words_or([str(word) for word in NEVER_KEPT]),
        retention=[
            RetentionFact(
                record_type=record_type,
                what=str(RECORD_TYPE_WORDS[record_type]),
                period=period_display(periods[record_type]),
                counted_from=str(rule.counted_from),
            )
            for record_type, rule in RETENTION_RULES.items()
        ],
        access=access,
        no_access=roles_in_words(frozenset(Role) - seeing),
        partners=[
            partner
            for sharing in sharing_providers.values()
            for partner in sharing(organisation=organisation, today=today)
        ],
        emergency_sharing_by=roles_in_words(roles_for("disclosures.override")),
        requests_handled_by=roles_in_words(roles_for("privacy.manage")),
        contact=Contact(
            name=organisation.privacy_contact_name,
            email=organisation.privacy_contact_email,
            phone=organisation.privacy_contact_phone,
            address=organisation.privacy_contact_address,
            supervisory_authority=organisation.supervisory_authority,
        ),
    )
