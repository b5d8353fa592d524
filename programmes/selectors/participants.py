"""Reads of participants and their consent."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cocora.organisations.models import Organisation

from ..models import Consent, ConsentScope, Enrolment, EnrolmentStage, Participant
from ..services.consent import has_active_consent, participation_consent_missing


class ConsentState:
    COMPLETE = "complete"
    MISSING = "missing"


@dataclass
class ParticipantRow:
    participant: Participant
    missing: list[str]
    can_be_contacted: bool

    @property
    def consent_complete(self) -> bool:
        return not self.missing

    @property
    def cohorts(self) -> str:
        """Each cohort with the person's stage in it, e.g. "Spring group (enrolled)"."""
        # The stage's word from the choices, not get_stage_display(): Django rebuilds the
        # choices' dictionary on every call of that (a fifth of a 300-row export's time).
        return ", ".join(
            f"{e.cohort.name} ({EnrolmentStage(e.stage).label})"
            for e in self.participant.enrolments.all()
        )


# What a list of participants leaves unread: the encrypted contact and guardian details.
LIST_DEFERS = ("email", "phone", "guardian_name", "guardian_email", "guardian_phone")
# What the consent state (participation_consent_missing, has_active_consent) reads.
CONSENT_STATE_FIELDS = (
    "organisation",
    "participant",
    "scope",
    "given_by",
    "given_on",
    "expires_on",
    "withdrawn_at",
)
# What lists show of an enrolment: its cohort's name and the stage (and the API's fields).
ENROLMENT_LIST_FIELDS = (
    "organisation",
    "participant",
    "cohort",
    "cohort__name",
    "stage",
    "joined_on",
)


def participant_queryset(
    *,
    organisation: Organisation,
    search: str = "",
    cohort_id: int | None = None,
    stage: str = "",
    listing: bool = False,
) -> QuerySet[Participant]:
    """The participants matching the list's filters (name or code, cohort, stage), by name, with
    their consents and enrolments (and cohorts) prefetched: three queries however many rows are
    read, so that a caller may slice it into pages first. `listing` reads only what a list
    shows (no contact details)."""
    participants: QuerySet[Participant] = Participant.objects.for_org(organisation)
    if search:
        participants = participants.filter(
            Q(display_name__icontains=search) | Q(code__icontains=search)
        )
    if cohort_id or stage:
        enrolments = Enrolment.objects.for_org(organisation)
        if cohort_id:
            enrolments = enrolments.filter(cohort_id=cohort_id)
        if stage:
            enrolments = enrolments.filter(stage=stage)
        participants = participants.filter(pk__in=enrolments.values("participant_id"))
    if listing:
        # A list shows no contact or guardian details: their encrypted columns are not read
        # (nor decrypted), nor the consent and enrolment columns no list shows.
        participants = participants.defer(*LIST_DEFERS)
        consents = Consent.objects.for_org(organisation).only(*CONSENT_STATE_FIELDS)
        enrolments = (
            Enrolment.objects.for_org(organisation)
            .select_related("cohort")
            .only(*ENROLMENT_LIST_FIELDS)
        )
    else:
        consents = Consent.objects.for_org(organisation)
        enrolments = Enrolment.objects.for_org(organisation).select_related("cohort")
    return participants.prefetch_related(
        Prefetch("consents", queryset=consents), Prefetch("enrolments", queryset=enrolments)
    ).order_by("display_name", "code")


def participant_rows(
    participants: Iterable[Participant],
    *,
    organisation: Organisation,
    consent: str = "",
    today: date | None = None,
) -> list[ParticipantRow]:
    """Each participant with what their consent to take part still lacks and whether they may
    be contacted, keeping only those in the `consent` state when one is given. No queries of
    its own: it reads what participant_queryset prefetched."""
    today = today or timezone.localdate()
    rows = []
    for participant in participants:
        consents = participant.consents.all()
        missing = participation_consent_missing(
            participant, consents, organisation=organisation, today=today
        )
        row = ParticipantRow(
            participant=participant,
            missing=missing,
            can_be_contacted=has_active_consent(consents, scope=ConsentScope.CONTACT, today=today),
        )
        if consent == ConsentState.COMPLETE and missing:
            continue
        if consent == ConsentState.MISSING and not missing:
            continue
        rows.append(row)
    return rows


def participant_list(
    *,
    organisation: Organisation,
    search: str = "",
    cohort_id: int | None = None,
    stage: str = "",
    consent: str = "",
    today: date | None = None,
) -> list[ParticipantRow]:
    """The participant list with its filters: three queries whatever the number of rows."""
    participants = participant_queryset(
        organisation=organisation, search=search, cohort_id=cohort_id, stage=stage
    )
    return participant_rows(participants, organisation=organisation, consent=consent, today=today)


def consent_list(*, organisation: Organisation, participant: Participant) -> QuerySet[Consent]:
    """A participant's consents, by scope and newest first, with who recorded them."""
    return (
        Consent.objects.for_org(organisation)
        .filter(participant=participant)
        .select_related("recorded_by")
        .order_by("scope", "-given_on", "-pk")
    )


def participant_detail(*, organisation: Organisation, participant: Participant) -> dict[str, Any]:
    today = timezone.localdate()
    consents = list(consent_list(organisation=organisation, participant=participant))
    enrolments = list(
        Enrolment.objects.for_org(organisation)
        .filter(participant=participant)
        .select_related("cohort", "cohort__programme")
    )
    return {
        "consents": consents,
        "enrolments": enrolments,
        "missing": participation_consent_missing(
            participant, consents, organisation=organisation, today=today
        ),
        "today": today,
    }


def contact_recipients(
    *, organisation: Organisation, cohort_id: int, today: date | None = None
) -> list[Participant]:
    """The people of a cohort whom messages may reach: holding a place or completed, with an
    email or phone, and an active consent to contact. A withdrawn consent takes them off at
    once. Two queries whatever the size of the cohort."""
    from ..models import ATTENDING_STAGES

    today = today or timezone.localdate()
    participants = (
        Participant.objects.for_org(organisation)
        .filter(
            pk__in=Enrolment.objects.for_org(organisation)
            .filter(cohort_id=cohort_id, stage__in=ATTENDING_STAGES)
            .values("participant_id")
        )
        .exclude(email="", phone="")
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.for_org(organisation).filter(scope=ConsentScope.CONTACT),
            )
        )
        .order_by("display_name")
    )
    return [
        p
        for p in participants
        if has_active_consent(p.consents.all(), scope=ConsentScope.CONTACT, today=today)
    ]
