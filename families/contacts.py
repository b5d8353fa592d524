"""Whom the organisation may write to about a participant's family: the same rule as the
session reminders of programmes. A guardian is written to only where the young person is below
the organisation's age of digital consent, a guardian's email is known, and a consent to
contact is active; a withdrawn contact consent stops every email at once."""

from datetime import date

from cocora.organisations.models import Organisation
from programmes.models import ConsentScope, Participant
from programmes.services.consent import has_active_consent, participant_needs_guardian


def guardian_reachable(
    participant: Participant, *, organisation: Organisation, today: date
) -> bool:
    """Expects the participant's contact consents prefetched (`consents`)."""
    return bool(
        participant.guardian_email
        and participant_needs_guardian(participant, organisation=organisation, today=today)
        and has_active_consent(participant.consents.all(), scope=ConsentScope.CONTACT, today=today)
    )


def guardian_language(participant: Participant, *, organisation: Organisation) -> str:
    """The family's language: the young person's preferred one, else the organisation's."""
    return participant.preferred_language or organisation.language
