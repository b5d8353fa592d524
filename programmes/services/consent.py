"""Consent: who agreed to what, and whether it holds today.

Below the organisation's age of digital consent, taking part needs a guardian's consent *and* the
young person's own assent. Only a year of birth is stored, so age is judged conservatively: a
person counts as below the age until the year in which they are sure to have reached it, and an
unknown year of birth counts as below it.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record, audit_record_many
from cocora.core.dates import check_plausible_dates
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation
from cocora.privacy.models import ErasureRecord

from ..consent_hooks import run_hooks as run_consent_hooks
from ..models import Consent, ConsentGiver, ConsentScope, Participant


class ConsentTerms(Protocol):
    """What the rules below read of a consent: a Consent, or a list's row of its values."""

    @property
    def scope(self) -> str: ...
    @property
    def given_by(self) -> str: ...
    @property
    def given_on(self) -> date: ...
    @property
    def expires_on(self) -> date | None: ...
    @property
    def withdrawn_at(self) -> datetime | None: ...


class BornIn(Protocol):
    """What the rules below read of a person: a Participant, or a list's row of its values."""

    @property
    def birth_year(self) -> int | None: ...


def consent_is_active(consent: ConsentTerms, *, today: date) -> bool:
    return (
        consent.withdrawn_at is None
        and consent.given_on <= today
        and (consent.expires_on is None or consent.expires_on >= today)
    )


def participant_needs_guardian(
    participant: BornIn, *, organisation: Organisation, today: date
) -> bool:
    if participant.birth_year is None:
        return True
    # Born in year Y, someone is certainly N years old by the end of year Y + N; before their
    # birthday in that year they may still be N - 1.
    youngest_possible_age = today.year - participant.birth_year - 1
    return youngest_possible_age < organisation.digital_consent_age


def participation_consent_missing(
    participant: BornIn,
    consents: Iterable[ConsentTerms],
    *,
    organisation: Organisation,
    today: date | None = None,
) -> list[str]:
    """What is missing before the person may take part; an empty list when nothing is."""
    today = today or timezone.localdate()
    givers = {
        c.given_by
        for c in consents
        if c.scope == ConsentScope.PARTICIPATION and consent_is_active(c, today=today)
    }
    missing = []
    if participant_needs_guardian(participant, organisation=organisation, today=today):
        if ConsentGiver.GUARDIAN not in givers:
            missing.append(_("a parent's or guardian's consent"))
        if ConsentGiver.SELF not in givers:
            missing.append(_("the young person's own agreement"))
    elif ConsentGiver.SELF not in givers:
        missing.append(_("the young person's consent"))
    return missing


def has_active_consent(consents: Iterable[ConsentTerms], *, scope: str, today: date) -> bool:
    return any(c.scope == scope and consent_is_active(c, today=today) for c in consents)


@transaction.atomic
def consent_record(
    *,
    organisation: Organisation,
    participant: Participant,
    scope: str,
    given_by: str,
    given_on: date,
    expires_on: date | None = None,
    actor: object = None,
) -> Consent:
    if participant.organisation_id != organisation.pk:
        raise ApplicationError(_("This participant belongs to another organisation."))
    consent_check(scope=scope, given_by=given_by, given_on=given_on, expires_on=expires_on)
    consent = _consent_new(
        organisation=organisation,
        participant=participant,
        scope=scope,
        given_by=given_by,
        given_on=given_on,
        expires_on=expires_on,
        actor=actor,
    )
    consent.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="consent.recorded",
        target=consent,
        details={"scope": scope, "given_by": given_by},
    )
    return consent


def _consent_new(
    *,
    organisation: Organisation,
    participant: Participant,
    scope: str,
    given_by: str,
    given_on: date,
    expires_on: date | None,
    actor: object,
) -> Consent:
    """A consent not saved yet, recorded by `actor` when that is a person."""
    return Consent(
        organisation=organisation,
        participant=participant,
        scope=scope,
        given_by=given_by,
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def consent_check(*, scope: str, given_by: str, given_on: date, expires_on: date | None) -> None:
    """The rules of one consent's own fields, whoever it is for."""
    if scope not in ConsentScope.values:
        raise ApplicationError(_("Choose what the consent covers."), field="scope")
    if given_by not in ConsentGiver.values:
        raise ApplicationError(_("Choose who gave the consent."), field="given_by")
    check_plausible_dates(given_on=given_on, expires_on=expires_on)
    if given_on > timezone.localdate():
        raise ApplicationError(_("A consent cannot be given in the future."), field="given_on")
    if expires_on is not None and expires_on < given_on:
        raise ApplicationError(
            _("The consent expires before it was given: check the dates."), field="expires_on"
        )


@transaction.atomic
def consent_withdraw(
    *, organisation: Organisation, consent: Consent, actor: object = None
) -> Consent:
    """Withdraws a consent with immediate effect: from now on the person is left out of whatever
    the scope covered (messages, photos, surveys; for participation, active enrolment)."""
    if consent.organisation_id != organisation.pk:
        raise ApplicationError(_("This consent belongs to another organisation."))
    if consent.withdrawn_at is not None:
        # A second withdrawal is refused rather than repeated: it would move the withdrawal's
        # time and write a second line to the trail ("conflict": a 409 in the API).
        raise ApplicationError(_("This consent was withdrawn already."), code="conflict")
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="consent.withdrawn",
        target=consent,
        details={"scope": consent.scope},
    )
    if consent.scope == ConsentScope.PARTICIPATION:
        _withdraw_places_without_consent(organisation=organisation, consent=consent, actor=actor)
    run_consent_hooks(organisation=organisation, consent=consent, actor=actor)
    return consent


def _withdraw_places_without_consent(
    *, organisation: Organisation, consent: Consent, actor: object
) -> None:
    """Without participation consent nobody keeps a place: their enrolments in a place stage
    move to withdrawn (the history stays)."""
    from ..models import PLACE_STAGES, Enrolment, EnrolmentStage

    participant = consent.participant
    remaining = Consent.objects.for_org(organisation).filter(participant=participant)
    if not participation_consent_missing(participant, remaining, organisation=organisation):
        return
    places = Enrolment.objects.for_org(organisation).filter(
        participant=participant, stage__in=PLACE_STAGES
    )
    for enrolment in places:
        enrolment.stage = EnrolmentStage.WITHDRAWN
        enrolment.save(update_fields=["stage", "stage_changed_at"])
        audit_record(
            organisation=organisation,
            actor=actor,
            action="enrolment.stage_changed",
            target=enrolment,
            details={"to": EnrolmentStage.WITHDRAWN, "reason": "consent withdrawn"},
        )


# The most people one bulk action takes: a page of the participant list is 100, the API may
# send more; the limit keeps one request's transaction and audit insert bounded.
BULK_MAX = 500


def participants_for_bulk(
    *, organisation: Organisation, participant_ids: Iterable[int]
) -> list[Participant]:
    """The chosen people of the organisation, with their consents, by name (two queries). An id
    that is not one of the organisation's people is refused, whether it exists elsewhere or
    not, so that ids reveal nothing."""
    ids = sorted(set(participant_ids))
    if not ids:
        raise ApplicationError(_("Choose at least one person."), field="participants")
    if len(ids) > BULK_MAX:
        raise ApplicationError(
            _("Choose at most %(max)s people at once.") % {"max": BULK_MAX}, field="participants"
        )
    participants = list(
        Participant.objects.for_org(organisation)
        .filter(pk__in=ids)
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.for_org(organisation)))
        .order_by("display_name", "code", "pk")
    )
    if len(participants) != len(ids):
        raise ApplicationError(
            _("Some of the chosen people were not found: reload the list and choose again."),
            field="participants",
        )
    return participants


def _names(participants: Iterable[Participant]) -> str:
    return ", ".join(f"{p.display_name} ({p.code})" for p in participants)


@transaction.atomic
def consent_record_many(
    *,
    organisation: Organisation,
    participant_ids: Iterable[int],
    scope: str,
    given_by: str,
    given_on: date,
    expires_on: date | None = None,
    actor: object = None,
) -> list[Consent]:
    """Records the same consent (received on paper, say) for several people at once. Everyone
    is checked first: if anyone already holds that consent in force or was erased on request,
    nothing is recorded. Five queries whatever the number of people; one audit line each."""
    consent_check(scope=scope, given_by=given_by, given_on=given_on, expires_on=expires_on)
    participants = participants_for_bulk(organisation=organisation, participant_ids=participant_ids)
    erased = set(
        ErasureRecord.objects.for_org(organisation)
        .filter(
            subject_type=Participant._meta.label_lower,
            subject_id__in=[p.pk for p in participants],
        )
        .values_list("subject_id", flat=True)
    )
    today = timezone.localdate()
    holding = [
        p
        for p in participants
        if p.pk not in erased
        and any(
            c.scope == scope and c.given_by == given_by and consent_is_active(c, today=today)
            for c in p.consents.all()
        )
    ]
    problems = []
    if erased:
        problems.append(
            _("Erased on request: %(names)s.")
            % {"names": _names(p for p in participants if p.pk in erased)}
        )
    if holding:
        problems.append(_("Already holding this consent: %(names)s.") % {"names": _names(holding)})
    if problems:
        raise ApplicationError(
            _("Nothing was recorded. %(problems)s Leave them out and try again.")
            % {"problems": " ".join(problems)},
            field="participants",
        )
    consents = Consent.objects.bulk_create(
        _consent_new(
            organisation=organisation,
            participant=participant,
            scope=scope,
            given_by=given_by,
            given_on=given_on,
            expires_on=expires_on,
            actor=actor,
        )
        for participant in participants
    )
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="consent.recorded",
        targets=(
            (consent, {"scope": scope, "given_by": given_by, "bulk": True}) for consent in consents
        ),
    )
    return consents
