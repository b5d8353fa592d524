"""What the programmes app holds about a participant, for the data-protection framework in
`cocora.privacy`: their export, their erasure, and the retention of participants and session
logs. Discovered by `PrivacyConfig.ready`.

The export's shape is documented in docs/data-protection.md and, as a JSON Schema, in
programmes/schemas/participant_export.schema.json; change all three together.
"""

import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import Organisation
from cocora.privacy.models import ErasureReason, ErasureRecord, RecordType
from cocora.privacy.periods import RetentionPeriod
from cocora.privacy.registry import register
from cocora.privacy.services import subject_erase
from cocora.privacy.transparency import KeptItem
from cocora.privacy.transparency import register as register_facts

from .models import (
    Attendance,
    Cohort,
    Consent,
    Enrolment,
    Participant,
    Session,
    SessionLog,
    SessionStatus,
)

ERASED_NAME = _("Erased participant")
REDACTED = _("[removed]")
# Free-text fields of a session log: group-level by design, but a name can slip in.
LOG_TEXT_FIELDS = ("summary", "themes", "follow_ups", "confidential_note")
CONTACT_FIELDS = ("email", "phone", "guardian_name", "guardian_email", "guardian_phone")
# Name parts shorter than this are left alone: "Al" would hit too much unrelated text.
MIN_NAME_PART = 3


def _iso(value: date | datetime | None, tz: tzinfo) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value, tz).isoformat()
    return value.isoformat()


# --- export -------------------------------------------------------------------------------


def participant_export(*, organisation: Organisation, subject: Any) -> dict[str, Any]:
    """The participant's record, consents, and enrolments with attendance per session date.
    Session logs are about the group, not the person: they are not part of it. Four queries."""
    if not isinstance(subject, Participant):
        return {}
    tz = ZoneInfo(organisation.time_zone)
    participant = subject
    consents = Consent.objects.for_org(organisation).filter(participant=participant)
    enrolments = list(
        Enrolment.objects.for_org(organisation)
        .filter(participant=participant)
        .select_related("cohort", "cohort__programme")
        .order_by("joined_on", "pk")
    )
    attendance: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Attendance.objects.for_org(organisation)
        .filter(enrolment__in=[e.pk for e in enrolments])
        .select_related("session")
        .order_by("session__starts_at", "pk")
    ):
        attendance[row.enrolment_id].append(
            {
                "session_date": timezone.localtime(row.session.starts_at, tz).date().isoformat(),
                "starts_at": _iso(row.session.starts_at, tz),
                "status": row.status,
            }
        )
    return {
        "participant": {
            "code": participant.code,
            "display_name": participant.display_name,
            "birth_year": participant.birth_year,
            "email": participant.email,
            "phone": participant.phone,
            "guardian_name": participant.guardian_name,
            "guardian_email": participant.guardian_email,
            "guardian_phone": participant.guardian_phone,
            "preferred_language": participant.preferred_language,
            "created_at": _iso(participant.created_at, tz),
        },
        "consents": [
            {
                "scope": consent.scope,
                "given_by": consent.given_by,
                "given_on": _iso(consent.given_on, tz),
                "expires_on": _iso(consent.expires_on, tz),
                "withdrawn_at": _iso(consent.withdrawn_at, tz),
                "recorded_at": _iso(consent.recorded_at, tz),
            }
            for consent in consents.order_by("given_on", "pk")
        ],
        "enrolments": [
            {
                "cohort": {
                    "name": enrolment.cohort.name,
                    "programme": enrolment.cohort.programme.title,
                    "programme_kind": enrolment.cohort.programme.kind,
                    "starts_on": _iso(enrolment.cohort.starts_on, tz),
                    "ends_on": _iso(enrolment.cohort.ends_on, tz),
                },
                "stage": enrolment.stage,
                "joined_on": _iso(enrolment.joined_on, tz),
                "attendance": attendance[enrolment.pk],
            }
            for enrolment in enrolments
        ],
    }


# --- erasure ------------------------------------------------------------------------------


def _word(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)", re.IGNORECASE)


def redaction_patterns(participant: Participant) -> list[re.Pattern[str]]:
    """What to remove from free text: the email addresses, the phone numbers however their
    digits are spaced, then the names (whole, then each part of three letters or more).
    Contacts go first, so that a name inside an email address does not break the address up."""
    patterns: list[re.Pattern[str]] = []
    for email in (participant.email, participant.guardian_email):
        if email:
            patterns.append(re.compile(re.escape(email.strip()), re.IGNORECASE))
    numbers = {
        number
        for phone in (participant.phone, participant.guardian_phone)
        for number in phone_variants(phone)
    }
    for number in sorted(numbers, key=len, reverse=True):
        spaced = r"[\s\-./()]*".join(number)
        patterns.append(re.compile(r"(?<![\d+])(?:(?:\+|00)[\s(]*)?" + spaced + r"(?!\d)"))
    names = [n.strip() for n in (participant.display_name, participant.guardian_name) if n]
    parts = {p for n in names for p in re.split(r"[\s,.;:()'\"-]+", n) if len(p) >= MIN_NAME_PART}
    # Longest first, so that "Amira Kaya" goes as one piece before "Amira" is looked for.
    for text in sorted({*names, *parts}, key=len, reverse=True):
        patterns.append(_word(text))
    return patterns


def phone_variants(phone: str) -> set[str]:
    """The digit sequences a phone number may be written as: in full, and for an international
    number (+45 20 30 40 50, 0049 171 …) also without its country code, with or without a
    national 0 in front. The country code is 1 to 3 digits; every split is tried."""
    digits = re.sub(r"\D", "", phone or "")
    international = phone.strip().startswith(("+", "00"))
    if phone.strip().startswith("00"):
        digits = digits[2:]
    variants = {digits} if len(digits) >= 6 else set()
    if international:
        for length in (1, 2, 3):
            national = digits[length:]
            if len(national) >= 6:
                variants |= {national, "0" + national}
    return variants


def redact(text: str, patterns: list[re.Pattern[str]], placeholder: str) -> str:
    for pattern in patterns:
        text = pattern.sub(placeholder, text)
    return text


def _logs_of_their_cohorts(organisation: Organisation, participant: Participant) -> QuerySet[Any]:
    cohorts = Enrolment.objects.for_org(organisation).filter(participant=participant)
    return SessionLog.objects.for_org(organisation).filter(
        session__cohort_id__in=cohorts.values("cohort_id")
    )


def participant_erase(*, organisation: Organisation, subject: Any, actor: Any) -> dict[str, int]:
    """Anonymises the participant (name, year of birth, contact, guardian and language cleared;
    the pseudonymous code stays) and removes their names and contact details from the session
    logs of their cohorts, confidential notes included. Consents, enrolments and attendance
    stay, so that counts stay right: they now belong to an anonymous person."""
    if not isinstance(subject, Participant):
        return {}
    participant = subject
    with translation.override(organisation.language):
        placeholder = str(REDACTED)
        erased_name = str(ERASED_NAME)
    patterns = redaction_patterns(participant)
    redacted = 0
    # Decrypted and compared in Python: the confidential note is encrypted at rest.
    for log in _logs_of_their_cohorts(organisation, participant).order_by("pk"):
        changed = []
        for field in LOG_TEXT_FIELDS:
            old = getattr(log, field)
            new = redact(old, patterns, placeholder) if old else old
            if new != old:
                setattr(log, field, new)
                changed.append(field)
        if changed:
            log.save(update_fields=changed)
            redacted += 1
    participant.display_name = erased_name
    participant.birth_year = None
    participant.preferred_language = ""
    for field in CONTACT_FIELDS:
        setattr(participant, field, "")
    # updated_at moves too: a system that syncs by `changed_since` learns of the erasure and
    # can erase its own copy.
    participant.save(
        update_fields=[
            "display_name",
            "birth_year",
            "preferred_language",
            *CONTACT_FIELDS,
            "updated_at",
        ]
    )
    enrolments = Enrolment.objects.for_org(organisation).filter(participant=participant)
    return {
        "participants_anonymised": 1,
        "session_logs_redacted": redacted,
        "consents_kept": Consent.objects.for_org(organisation)
        .filter(participant=participant)
        .count(),
        "enrolments_kept": enrolments.count(),
        "attendance_kept": Attendance.objects.for_org(organisation)
        .filter(enrolment__in=enrolments)
        .count(),
    }


def participant_erasure_preview(
    *, organisation: Organisation, participant: Participant
) -> dict[str, int]:
    """What an erasure would touch, for the confirmation page. Changes nothing."""
    enrolments = Enrolment.objects.for_org(organisation).filter(participant=participant)
    return {
        "session_logs": _logs_of_their_cohorts(organisation, participant).count(),
        "consents": Consent.objects.for_org(organisation).filter(participant=participant).count(),
        "enrolments": enrolments.count(),
        "attendance": Attendance.objects.for_org(organisation)
        .filter(enrolment__in=enrolments)
        .count(),
    }


# --- retention ----------------------------------------------------------------------------


def ended_cohorts(*, organisation: Organisation, before: datetime) -> QuerySet[Any]:
    """Cohorts that ended before the moment: by their end date, or, without one, by the end of
    their last session that was not cancelled. A cohort with neither has not ended."""
    last_session_end = Subquery(
        Session.objects.for_org(organisation)
        .filter(cohort=OuterRef("pk"))
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("-ends_at")
        .values("ends_at")[:1]
    )
    return (
        Cohort.objects.for_org(organisation)
        .annotate(last_session_end=last_session_end)
        .filter(Q(ends_on__lt=before.date()) | Q(ends_on__isnull=True, last_session_end__lt=before))
    )


def participants_due(
    *, organisation: Organisation, policies: Mapping[str, RetentionPeriod], now: datetime
) -> QuerySet[Participant]:
    """Participants past their period: every cohort they were in ended before the cut-off (or,
    never enrolled, their record is older than it), and they are not erased already."""
    cutoff = policies[RecordType.PARTICIPANTS].cutoff(now, ZoneInfo(organisation.time_zone))
    ended = ended_cohorts(organisation=organisation, before=cutoff)
    enrolments = Enrolment.objects.for_org(organisation).filter(participant=OuterRef("pk"))
    erased = ErasureRecord.objects.for_org(organisation).filter(
        subject_type=Participant._meta.label_lower, subject_id=OuterRef("pk")
    )
    return (
        Participant.objects.for_org(organisation)
        .filter(~Exists(erased))
        .filter(~Exists(enrolments.exclude(cohort_id__in=ended.values("pk"))))
        .filter(Exists(enrolments) | Q(created_at__lt=cutoff))
    )


def session_logs_due(
    *, organisation: Organisation, policies: Mapping[str, RetentionPeriod], now: datetime
) -> QuerySet[Any]:
    cutoff = policies[RecordType.SESSION_LOGS].cutoff(now, ZoneInfo(organisation.time_zone))
    return SessionLog.objects.for_org(organisation).filter(session__starts_at__lt=cutoff)


def retention_due(
    *, organisation: Organisation, policies: Mapping[str, RetentionPeriod], now: datetime
) -> dict[str, int]:
    return {
        RecordType.PARTICIPANTS: participants_due(
            organisation=organisation, policies=policies, now=now
        ).count(),
        RecordType.SESSION_LOGS: session_logs_due(
            organisation=organisation, policies=policies, now=now
        ).count(),
    }


def retention_apply(
    *, organisation: Organisation, policies: Mapping[str, RetentionPeriod], now: datetime
) -> dict[str, int]:
    """Anonymises the participants past their period exactly as an erasure does (each gets an
    erasure record with the reason "retention"), then deletes the session logs past theirs
    (with the activities they list)."""
    due = list(participants_due(organisation=organisation, policies=policies, now=now))
    for participant in due:
        subject_erase(
            organisation=organisation,
            subject=participant,
            actor=None,
            reason=ErasureReason.RETENTION,
        )
    _total, deleted = session_logs_due(
        organisation=organisation, policies=policies, now=now
    ).delete()
    return {
        RecordType.PARTICIPANTS: len(due),
        RecordType.SESSION_LOGS: deleted.get(SessionLog._meta.label, 0),
    }


register(
    "programmes",
    subject_export=participant_export,
    subject_erase=participant_erase,
    retention_due=retention_due,
    retention_apply=retention_apply,
    count_labels={
        "participants_anonymised": _("participant records anonymised"),
        "session_logs_redacted": _("session logs with the name removed"),
        "consents_kept": _("consents kept"),
        "enrolments_kept": _("enrolments kept"),
        "attendance_kept": _("attendance records kept"),
    },
)


def kept_about_participants(*, organisation: Organisation) -> list[KeptItem]:
    """What the programmes keep about a young person, for the transparency page and the consent
    form. Follows the Participant model: change both together. No query."""
    age = {"age": organisation.digital_consent_age}
    record = RecordType.PARTICIPANTS
    return [
        KeptItem(
            gettext("Your first name or a nickname, and a code instead of your name."), record
        ),
        KeptItem(gettext("The year you were born."), record),
        KeptItem(
            gettext("Your email or phone number, only if you agree that we contact you."),
            record,
            only_with_consent=True,
        ),
        KeptItem(
            gettext(
                "If you are younger than %(age)s: the name and contact of a parent or guardian."
            )
            % age,
            record,
        ),
        KeptItem(gettext("Your consents, and when they were given or withdrawn."), record),
        KeptItem(gettext("The groups you are in, and which sessions you came to."), record),
        KeptItem(
            gettext(
                "Notes about how each session went for the group. In safe-space sessions these "
                "notes never say anything about one person."
            ),
            RecordType.SESSION_LOGS,
        ),
    ]


register_facts("programmes", kept=kept_about_participants)
