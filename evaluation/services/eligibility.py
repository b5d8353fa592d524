"""Who may be asked: only people with active evaluation consent; below the organisation's age
of digital consent, that of a parent or guardian (the same age rule as participation)."""

from collections.abc import Iterable
from datetime import date

from cocora.organisations.models import Organisation
from programmes.models import ATTENDING_STAGES, Consent, ConsentGiver, ConsentScope, Participant
from programmes.services.consent import consent_is_active, participant_needs_guardian


def evaluation_consent_ok(
    participant: Participant,
    consents: Iterable[Consent],
    *,
    organisation: Organisation,
    today: date,
) -> bool:
    givers = {
        consent.given_by
        for consent in consents
        if consent.scope == ConsentScope.EVALUATION and consent_is_active(consent, today=today)
    }
    if participant_needs_guardian(participant, organisation=organisation, today=today):
        return ConsentGiver.GUARDIAN in givers
    return ConsentGiver.SELF in givers


def may_answer_stage(stage: str) -> bool:
    return stage in ATTENDING_STAGES
