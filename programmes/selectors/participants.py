"""Reads of participants and their consent."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cocora.core.compiled import Param
from cocora.organisations.models import Organisation

from ..models import Consent, ConsentScope, Enrolment, EnrolmentStage, Participant
from ..services.consent import has_active_consent, participation_consent_missing


class ConsentState:
    COMPLETE = "complete"
    MISSING = "missing"


class ConsentLine(NamedTuple):
    """What the consent rules (services.consent) read of one consent, read as values: a list
    of hundreds of people builds no Consent objects for them."""

    participant_id: int
    scope: str
    given_by: str
    given_on: date
    expires_on: date | None
    withdrawn_at: datetime | None


class EnrolmentLine(NamedTuple):
    """A person's place in a cohort as lists show it: the cohort's name and the stage."""

    id: int
    cohort_id: int
    cohort_name: str
    stage: str
    joined_on: date


@dataclass
class ParticipantRow:
    participant: Participant
    missing: list[str]
    can_be_contacted: bool
    enrolments: list[EnrolmentLine] = field(default_factory=list)

    @property
    def consent_complete(self) -> bool:
        return not self.missing

    @property
    def cohorts(self) -> str:
        """Each cohort with the person's stage in it, e.g. "Spring group (enrolled)"."""
        # The stage's word from the choices, not get_stage_display(): Django rebuilds the
        # choices' dictionary on every call of that (a fifth of a 300-row export's time).
        return ", ".join(
            f"{e.cohort_name} ({EnrolmentStage(e.stage).label})" for e in self.enrolments
        )


# What a list of participants leaves unread: the encrypted contact and guardian details.
LIST_DEFERS = ("email", "phone", "guardian_name", "guardian_email", "guardian_phone")


def participant_queryset(
    *,
    organisation: Organisation | Param,
    search: str = "",
    cohort_id: int | None = None,
    stage: str = "",
    listing: bool = False,
) -> QuerySet[Participant]:
    """The participants matching the list's filters (name or code, cohort, stage), by name: one
    query, so that a caller may slice it into pages first; participant_rows adds their consent
    state and enrolments. `listing` reads only what a list shows (no contact details)."""
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
        # (nor decrypted).
        participants = participants.defer(*LIST_DEFERS)
    return participants.order_by("display_name", "code")


def participant_consent_lines(
    *, organisation: Organisation, participant_ids: Iterable[int] | QuerySet[Any]
) -> dict[int, list[ConsentLine]]:
    """The consents of these people (ids, or a query of them), by person, as the consent rules
    read them: one query."""
    if not isinstance(participant_ids, QuerySet):
        participant_ids = list(participant_ids)
    return consent_lines_by_person(
        Consent.objects.for_org(organisation)
        .filter(participant_id__in=participant_ids)
        .values_list(*ConsentLine._fields)
    )


def consent_lines_by_person(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[ConsentLine]]:
    """Consents read as `ConsentLine` values, by person."""
    lines: dict[int, list[ConsentLine]] = {}
    for values in rows:
        line = ConsentLine._make(values)
        lines.setdefault(line.participant_id, []).append(line)
    return lines


def participant_rows_enrolments(
    rows: list[ParticipantRow], *, organisation: Organisation
) -> list[ParticipantRow]:
    """Fills in the rows' enrolments, in the order they were made, with the cohorts' names: one
    query, none for no rows."""
    if not rows:
        return rows
    lines: dict[int, list[EnrolmentLine]] = {row.participant.pk: [] for row in rows}
    for participant_id, *values in (
        Enrolment.objects.for_org(organisation)
        .filter(participant_id__in=list(lines))
        .order_by("pk")
        .values_list("participant_id", "pk", "cohort_id", "cohort__name", "stage", "joined_on")
    ):
        lines[participant_id].append(EnrolmentLine._make(values))
    for row in rows:
        row.enrolments = lines[row.participant.pk]
    return rows


def participant_rows(
    participants: Iterable[Participant],
    *,
    organisation: Organisation,
    consent: str = "",
    today: date | None = None,
    enrolments: bool = True,
) -> list[ParticipantRow]:
    """Each participant with what their consent to take part still lacks, whether they may be
    contacted and (unless `enrolments` is false: a list filtered on consent reads every match
    but shows one page, see participant_rows_enrolments) their enrolments, keeping only those
    in the `consent` state when one is given. Two queries (consents, enrolments with the
    cohorts' names) whatever the number of people, none for nobody. Both are read as values:
    Django's prefetch cloned a queryset per person and built a model object per consent,
    enrolment and cohort, about 20 ms of CPU for a page of 200."""
    today = today or timezone.localdate()
    # A whole query of people (a list filtered on consent, the home page's gaps) names them to
    # the consents' query as a subquery: hundreds of ids bound one by one cost more to send
    # and to plan than the database takes to find them again. The two statements read the
    # data a moment apart: someone who leaves the query's filter in between (a place withdrawn
    # while the page is read) shows for that read as lacking consent, never as having it. The
    # query must select the people it lists (no union, slice or grouping): pass a list
    # otherwise.
    ids: list[int] | QuerySet[Any] | None = None
    if isinstance(participants, QuerySet) and not participants.query.is_sliced:
        ids = participants.values("pk")
    participants = list(participants)
    if not participants:
        return []
    consents = participant_consent_lines(
        organisation=organisation,
        participant_ids=[p.pk for p in participants] if ids is None else ids,
    )
    rows = []
    for participant in participants:
        terms = consents.get(participant.pk, ())
        missing = participation_consent_missing(
            participant, terms, organisation=organisation, today=today
        )
        if consent == ConsentState.COMPLETE and missing:
            continue
        if consent == ConsentState.MISSING and not missing:
            continue
        rows.append(
            ParticipantRow(
                participant=participant,
                missing=missing,
                can_be_contacted=has_active_consent(terms, scope=ConsentScope.CONTACT, today=today),
            )
        )
    if enrolments:
        participant_rows_enrolments(rows, organisation=organisation)
    return rows


def enrol_candidates(
    *, organisation: Organisation, cohort: Any, search: str = ""
) -> QuerySet[Participant]:
    """Who may be enrolled in `cohort`: the people matching the search (name or code) who hold
    no enrolment in it at any stage, by name, as a list shows them. One query, so that the
    enrol page reads one page of them (participant_rows adds their consent state)."""
    in_cohort = (
        Enrolment.objects.for_org(organisation).filter(cohort=cohort).values("participant_id")
    )
    return participant_queryset(organisation=organisation, search=search, listing=True).exclude(
        pk__in=in_cohort
    )


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
