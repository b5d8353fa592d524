"""Participants: minimised records with a generated pseudonymous code."""

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation
from cocora.privacy.selectors import erasure_record_for_subject

from ..models import Participant

# No 0/O, 1/I/L: codes are read aloud and written by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
PARTICIPANT_FIELDS = (
    "display_name",
    "birth_year",
    "email",
    "phone",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "preferred_language",
)


def participant_codes_generate(*, organisation: Organisation, count: int) -> list[str]:
    """`count` new pseudonymous codes, unique in the organisation and among themselves.
    One query whatever the count."""
    existing = set(Participant.objects.for_org(organisation).values_list("code", flat=True))
    codes: list[str] = []
    while len(codes) < count:
        code = "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in existing:
            existing.add(code)
            codes.append(code)
    return codes


def participant_validate_birth_year(birth_year: int | None, *, today: date | None = None) -> None:
    if birth_year is None:
        return
    year = (today or timezone.localdate()).year
    if not year - 100 <= birth_year <= year - 5:
        raise ApplicationError(
            _("The year of birth %(year)s does not look right.") % {"year": birth_year},
            field="birth_year",
        )


@transaction.atomic
def participant_create(
    *, organisation: Organisation, display_name: str, actor: Any = None, **fields: Any
) -> Participant:
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown participant fields: {sorted(unknown)}")
    display_name = display_name.strip()
    if not display_name:
        raise ApplicationError(
            _("Give a name: a first name or a nickname is enough."), field="display_name"
        )
    participant_validate_birth_year(fields.get("birth_year"))
    (code,) = participant_codes_generate(organisation=organisation, count=1)
    participant = Participant.objects.create(
        organisation=organisation, display_name=display_name, code=code, **fields
    )
    audit_record(
        organisation=organisation, actor=actor, action="participant.created", target=participant
    )
    return participant


@transaction.atomic
def participant_update(
    *, organisation: Organisation, participant: Participant, actor: Any = None, **fields: Any
) -> Participant:
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown participant fields: {sorted(unknown)}")
    if participant.organisation_id != organisation.pk:
        raise ApplicationError(_("This participant belongs to another organisation."))
    if erasure_record_for_subject(organisation=organisation, subject=participant) is not None:
        # "gone": the record is there but may not be filled in again (a 409 in the API).
        raise ApplicationError(
            _("This person's record was erased on request; it cannot be filled in again."),
            code="gone",
        )
    if "display_name" in fields and not str(fields["display_name"]).strip():
        raise ApplicationError(
            _("Give a name: a first name or a nickname is enough."), field="display_name"
        )
    participant_validate_birth_year(fields.get("birth_year"))
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.save(update_fields=[*fields, "updated_at"])
    # Which fields changed, never their values.
    audit_record(
        organisation=organisation,
        actor=actor,
        action="participant.updated",
        target=participant,
        details={"fields": sorted(fields)},
    )
    return participant


def participant_record_viewed(
    *, organisation: Organisation, participant: Participant, actor: Any
) -> None:
    """Writes to the audit trail that `actor` looked at the participant's record: reading a
    young person's record is itself recorded, on the page and through the API alike."""
    audit_record(
        organisation=organisation, actor=actor, action="participant.viewed", target=participant
    )
