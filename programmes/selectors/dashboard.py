"""Reads behind the home pages ("what needs me today") and the charts of the data that exists:
attendance over time, the enrolment funnel and the organisation's figures.

Every function costs a fixed number of queries, whatever the number of cohorts, people and
sessions. Figures that leave the cohort page go through cocora.core.suppression: a small
group of people is never shown as an exact number there.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, DateField, DateTimeField, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cocora.core.compiled import Param, compiled_read
from cocora.core.suppression import Cell, measure_cell, sequence_cells, threshold_for
from cocora.organisations.models import Membership, Organisation

from ..models import (
    PLACE_STAGES,
    Attendance,
    AttendanceStatus,
    Cohort,
    Consent,
    ConsentScope,
    Enrolment,
    EnrolmentStage,
    HandbookExport,
    Participant,
    Programme,
    Session,
    SessionStatus,
)
from ..services.consent import has_active_consent, participation_consent_missing
from .cohorts import (
    ABSENCE_FLAG_AFTER,
    HeldTimeline,
    _cohorts_seen_by,
    _in_scope,
    _per_scope,
    _scope_role,
    _session_list_of,
    last_counted_marks_of,
    session_list,
)
from .participants import (
    ConsentLine,
    ParticipantRow,
    consent_lines_by_person,
    participant_queryset,
)

UPCOMING_DAYS = 7
PRESENT = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
# The funnel's steps in order; a person counts in every step up to the furthest they reached.
FUNNEL_STAGES = (
    EnrolmentStage.APPLIED,
    EnrolmentStage.ENROLLED,
    EnrolmentStage.ACTIVE,
    EnrolmentStage.COMPLETED,
)
# The steps each current stage has passed through. Waiting and withdrawn people applied; we do
# not know how far a withdrawn person came, so they count as having applied only.
_REACHED: dict[str, tuple[str, ...]] = {
    EnrolmentStage.APPLIED: (EnrolmentStage.APPLIED,),
    EnrolmentStage.WAITLISTED: (EnrolmentStage.APPLIED,),
    EnrolmentStage.WITHDRAWN: (EnrolmentStage.APPLIED,),
    EnrolmentStage.ENROLLED: FUNNEL_STAGES[:2],
    EnrolmentStage.ACTIVE: FUNNEL_STAGES[:3],
    EnrolmentStage.COMPLETED: FUNNEL_STAGES,
}


def _running_cohorts_seen_by(
    *, organisation: Organisation | Param, role: str, user: int | Param, today: date | Param
) -> QuerySet[Cohort]:
    return _cohorts_seen_by(organisation=organisation, role=role, user=user).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today
    )


def _sessions_between(*, role: str) -> QuerySet[Session]:
    return (
        _session_list_of(organisation=Param("organisation"), role=role, user=Param("user"))
        .filter(
            starts_at__gte=Param("start", DateTimeField()),
            starts_at__lt=Param("end", DateTimeField()),
        )
        .exclude(status=SessionStatus.CANCELLED)
    )


_SESSIONS_BETWEEN = _per_scope(_sessions_between)


def sessions_next_days(
    *, organisation: Organisation, membership: Membership, now: datetime, days: int = UPCOMING_DAYS
) -> list[Session]:
    """The sessions of the coming `days` days in the cohorts this member may see, cancelled ones
    left out: one query, compiled once per process."""
    return _in_scope(
        _SESSIONS_BETWEEN,
        organisation=organisation,
        membership=membership,
        start=now,
        end=now + timedelta(days=days),
    )


def logs_to_write(
    *, organisation: Organisation, membership: Membership, now: datetime
) -> list[Session]:
    """Sessions of this member's cohorts that are over and not cancelled, with no log yet,
    latest first (while the session is fresh in mind): one query."""
    return list(
        session_list(organisation=organisation, membership=membership)
        .filter(ends_at__lt=now, log__isnull=True)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("-starts_at", "-pk")
    )


class _Holder(NamedTuple):
    """A person holding a place as the consent rules read them (`_GAP_FIELDS`, in order)."""

    id: int
    organisation_id: int
    display_name: str
    code: str
    birth_year: int | None


# What the card shows of a person lacking consent, in the order of the model's columns (the
# order in which `Participant.from_db` takes them).
_GAP_FIELDS = tuple(
    field.attname for field in Participant._meta.concrete_fields if field.attname in _Holder._fields
)


def _holding_a_place() -> QuerySet[Participant]:
    with_place = Enrolment.objects.for_org(Param("organisation")).filter(stage__in=PLACE_STAGES)
    return participant_queryset(organisation=Param("organisation")).filter(
        pk__in=with_place.values("participant_id")
    )


@compiled_read
def _holders() -> QuerySet[Participant, tuple[Any, ...]]:
    """Everyone holding a place in a cohort, by name, as `_Holder`s' values."""
    return _holding_a_place().values_list(*_GAP_FIELDS)


@compiled_read
def _holders_consents() -> QuerySet[Consent, tuple[Any, ...]]:
    """Their consents to take part and to be contacted, as `ConsentLine`s' values."""
    return (
        Consent.objects.for_org(Param("organisation"))
        .filter(
            participant_id__in=_holding_a_place().values("pk"),
            scope__in=[ConsentScope.PARTICIPATION, ConsentScope.CONTACT],
        )
        .values_list(*ConsentLine._fields)
    )


def consent_gaps(*, organisation: Organisation, today: date) -> list[ParticipantRow]:
    """People holding a place in a cohort whose consent to take part is incomplete (their own,
    or a guardian's below the age of digital consent): two queries (the people, their
    consents), each compiled once per process. The home page names them and what is missing:
    their contact details and cohorts are not read. Most people have no gap: each is read as a
    row of values, and only those the card names become a Participant."""
    holders = [_Holder._make(values) for values in _holders(organisation=organisation.pk)]
    if not holders:
        return []
    # Read after the people, as participant_rows reads them: someone whose place is withdrawn
    # in between shows for this read as lacking consent, never as having it.
    consents = consent_lines_by_person(_holders_consents(organisation=organisation.pk))
    rows = []
    for holder in holders:
        terms = consents.get(holder.id, [])
        missing = participation_consent_missing(
            holder, terms, organisation=organisation, today=today
        )
        if missing:
            rows.append(
                ParticipantRow(
                    participant=Participant.from_db(DEFAULT_DB_ALIAS, _GAP_FIELDS, holder),
                    missing=missing,
                    can_be_contacted=has_active_consent(
                        terms, scope=ConsentScope.CONTACT, today=today
                    ),
                )
            )
    return rows


@dataclass(frozen=True)
class AbsenceFlag:
    """Someone holding a place who missed the last `consecutive_missed` held sessions of their
    cohort in a row."""

    enrolment_id: int
    cohort_id: int
    cohort_name: str
    display_name: str
    code: str
    consecutive_missed: int


def _held_sessions(*, role: str) -> QuerySet[Session]:
    return (
        Session.objects.for_org(Param("organisation"))
        .filter(cohort__in=_running(role), status=SessionStatus.HELD)
        .only("pk", "cohort_id", "starts_at")
        .order_by("starts_at", "pk")
    )


def _places(*, role: str) -> QuerySet[Enrolment, tuple[Any, ...]]:
    return (
        Enrolment.objects.for_org(Param("organisation"))
        .filter(cohort__in=_running(role), stage__in=PLACE_STAGES)
        .order_by("cohort__name", "cohort_id", "participant__display_name", "participant__code")
        .values_list(
            "pk",
            "cohort_id",
            "cohort__name",
            "participant__display_name",
            "participant__code",
            "joined_on",
        )
    )


def _last_counted(*, role: str) -> QuerySet[Attendance, tuple[int, datetime]]:
    return last_counted_marks_of(organisation=Param("organisation"), cohorts=_running(role))


def _running(role: str) -> QuerySet[Cohort]:
    """The running cohorts a member with this role sees, as a compiled read's subquery."""
    return _running_cohorts_seen_by(
        organisation=Param("organisation"),
        role=role,
        user=Param("user"),
        today=Param("today", DateField()),
    )


_ABSENCE_READS = {
    "held": _per_scope(_held_sessions),
    "places": _per_scope(_places),
    "last_counted": _per_scope(_last_counted),
}


def absence_flags(
    *, organisation: Organisation, membership: Membership, today: date
) -> list[AbsenceFlag]:
    """People in the running cohorts this member may see who missed the last held sessions in a
    row (the cohort page's check-in flag), by cohort and name: three queries (held sessions,
    places, when each person last came; each compiled once per process), whatever the number of
    cohorts and people. The places are read as plain values, only what a flag shows: most
    people are not flagged, and none needs their encrypted contact columns read."""
    role = _scope_role(membership)
    if role is None:
        return []
    values = {"organisation": organisation.pk, "user": membership.user_id, "today": today}
    held: list[Session] = _ABSENCE_READS["held"][role](**values)
    if not held:
        return []
    held_by_cohort: dict[int, list[Session]] = defaultdict(list)
    for session in held:
        held_by_cohort[session.cohort_id].append(session)
    places = _ABSENCE_READS["places"][role](**values)
    last_counted = dict(_ABSENCE_READS["last_counted"][role](**values))
    timelines = {
        cohort_id: HeldTimeline.of(sessions) for cohort_id, sessions in held_by_cohort.items()
    }
    empty = HeldTimeline([], [])
    flagged = []
    for pk, cohort_id, cohort_name, display_name, code, joined_on in places:
        missed = timelines.get(cohort_id, empty).missed_in_a_row(joined_on, last_counted.get(pk))
        if missed >= ABSENCE_FLAG_AFTER:
            flagged.append(AbsenceFlag(pk, cohort_id, cohort_name, display_name, code, missed))
    return flagged


@dataclass
class AttendancePoint:
    day: date
    rate: Cell


@dataclass
class CohortAttendance:
    cohort_id: int
    cohort_name: str
    points: list[AttendancePoint] = field(default_factory=list)


def _running_attendance(*, role: str) -> QuerySet[Attendance, tuple[Any, ...]]:
    """Per held session of the running cohorts a member sees, in time order: its cohort, when
    it began, the people present or late and the people marked."""
    return (
        Attendance.objects.for_org(Param("organisation"))
        .filter(session__cohort__in=_running(role), session__status=SessionStatus.HELD)
        .values("session_id", "session__cohort_id", "session__cohort__name", "session__starts_at")
        .annotate(present=Count("pk", filter=Q(status__in=PRESENT)), marked=Count("pk"))
        .order_by("session__starts_at", "session_id")
        .values_list(
            "session__cohort_id", "session__cohort__name", "session__starts_at", "present", "marked"
        )
    )


_RUNNING_ATTENDANCE = _per_scope(_running_attendance)


def attendance_over_time(
    *, organisation: Organisation, membership: Membership, today: date, threshold: int
) -> list[CohortAttendance]:
    """The attendance rate of each held session of the running cohorts this member may see
    (present or late among the people marked), by cohort name, in time order: one grouped
    query, compiled once per process. A session with fewer people marked than `threshold`
    shows as suppressed (the organisation's threshold: the figures leave the cohort page)."""
    series: dict[int, CohortAttendance] = {}
    for cohort_id, cohort_name, starts_at, present, marked in _in_scope(
        _RUNNING_ATTENDANCE, organisation=organisation, membership=membership, today=today
    ):
        line = series.setdefault(cohort_id, CohortAttendance(cohort_id, cohort_name))
        line.points.append(_attendance_point(starts_at, present, marked, threshold=threshold))
    return sorted(series.values(), key=lambda line: (line.cohort_name, line.cohort_id))


def _attendance_point(
    starts_at: datetime, present: int, marked: int, *, threshold: int
) -> AttendancePoint:
    rate = round(100 * present / marked)
    return AttendancePoint(
        day=timezone.localtime(starts_at).date(),
        rate=measure_cell(rate, n=marked, threshold=threshold, decimals=0),
    )


def cohort_attendance_of(cohort: Cohort, sessions: Iterable[Session]) -> CohortAttendance | None:
    """`attendance_over_time` of one cohort for its own page (nothing suppressed: its readers
    see every mark anyway), from sessions the cohort page has read already with their
    `present_count` and `marked_count`: no query."""
    points = [
        _attendance_point(s.starts_at, s.present_count, s.marked_count, threshold=0)  # type: ignore[attr-defined]
        for s in sessions
        if s.status == SessionStatus.HELD and s.marked_count  # type: ignore[attr-defined]
    ]
    return CohortAttendance(cohort.pk, cohort.name, points) if points else None


@dataclass
class ProgrammeFunnel:
    programme_id: int
    title: str
    steps: list[Cell]


@compiled_read
def _stages_per_programme() -> QuerySet[Enrolment, dict[str, Any]]:
    return (
        Enrolment.objects.for_org(Param("organisation"))
        .values("cohort__programme_id", "cohort__programme__title", "stage")
        .annotate(n=Count("pk"))
        .order_by("cohort__programme__title", "cohort__programme_id")
    )


def enrolment_funnel(*, organisation: Organisation) -> list[ProgrammeFunnel]:
    """Per programme, how many enrolments reached each step: applied, enrolled, active,
    completed. One grouped query, compiled once per process. The steps count the same people,
    so they are suppressed as a sequence: no step, and no difference between two shown steps,
    is a small group."""
    threshold = threshold_for(organisation)
    rows = _stages_per_programme(organisation=organisation.pk)
    counts: dict[int, dict[str, int]] = {}
    titles: dict[int, str] = {}
    for row in rows:
        programme_id = row["cohort__programme_id"]
        titles[programme_id] = row["cohort__programme__title"]
        steps = counts.setdefault(programme_id, dict.fromkeys(FUNNEL_STAGES, 0))
        for step in _REACHED.get(row["stage"], ()):
            steps[step] += row["n"]
    return [
        ProgrammeFunnel(
            programme_id=programme_id,
            title=titles[programme_id],
            steps=sequence_cells([steps[s] for s in FUNNEL_STAGES], threshold=threshold),
        )
        for programme_id, steps in counts.items()
    ]


@dataclass
class OrganisationFigures:
    participants: Cell
    ever_enrolled: Cell
    completed: Cell
    running_cohorts: int
    programmes: int
    sessions_held_30_days: int


def organisation_figures(*, organisation: Organisation, today: date) -> OrganisationFigures:
    """The admin's figures: people (registered, ever enrolled, completed a cohort) and the
    organisation's activity. Two queries. The people figures are nested (each contains the
    next), so they are suppressed as a sequence: a difference between two shown figures is
    never a small group either."""
    enrolments = Enrolment.objects.for_org(organisation).filter(participant=OuterRef("pk"))
    people = Participant.objects.for_org(organisation).aggregate(
        total=Count("pk"),
        enrolled=Count(
            "pk",
            filter=Q(
                Exists(
                    enrolments.filter(
                        stage__in=(
                            EnrolmentStage.ENROLLED,
                            EnrolmentStage.ACTIVE,
                            EnrolmentStage.COMPLETED,
                        )
                    )
                )
            ),
        ),
        completed=Count("pk", filter=Q(Exists(enrolments.filter(stage=EnrolmentStage.COMPLETED)))),
    )
    total, enrolled, completed = sequence_cells(
        [people["total"], people["enrolled"], people["completed"]],
        threshold=threshold_for(organisation),
    )
    running = Q(cohorts__starts_on__lte=today) & (
        Q(cohorts__ends_on__isnull=True) | Q(cohorts__ends_on__gte=today)
    )
    activity = Programme.objects.for_org(organisation).aggregate(
        programmes=Count("pk", distinct=True),
        running=Count("cohorts", filter=running, distinct=True),
        held=Count(
            "cohorts__sessions",
            filter=Q(
                cohorts__sessions__status=SessionStatus.HELD,
                cohorts__sessions__starts_at__date__gte=today - timedelta(days=30),
            ),
            distinct=True,
        ),
    )
    return OrganisationFigures(
        participants=total,
        ever_enrolled=enrolled,
        completed=completed,
        running_cohorts=activity["running"],
        programmes=activity["programmes"],
        sessions_held_30_days=activity["held"],
    )


def handbook_exports_recent(*, organisation: Organisation, limit: int = 5) -> list[HandbookExport]:
    """The latest handbook exports with their programme, newest first: one query."""
    return list(
        HandbookExport.objects.for_org(organisation)
        .select_related("programme")
        .order_by("-requested_at", "-pk")[:limit]
    )
