"""Reads of cohorts, enrolments, sessions and attendance. A trainer sees only the cohorts they are
assigned to; admins and coordinators see all of the organisation's."""

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from cocora.core.compiled import CompiledRead, Param, Rows, compiled_read, compiled_variants
from cocora.organisations.models import Membership, Organisation, Role

from ..models import (
    PLACE_STAGES,
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortTrainer,
    Enrolment,
    EnrolmentStage,
    Session,
    SessionLog,
    SessionStatus,
)
from .sessions import TrainerClash, session_clashes

# Consecutive missed held sessions after which the cohort page suggests a check-in.
ABSENCE_FLAG_AFTER = 3


def _visible_cohorts(*, organisation: Organisation, membership: Membership) -> QuerySet[Cohort]:
    return _cohorts_seen_by(
        organisation=organisation, role=membership.role, user=membership.user_id
    )


def _cohorts_seen_by(
    *, organisation: Organisation | Param, role: str, user: int | Param
) -> QuerySet[Cohort]:
    """The cohorts a member with this role may see; the organisation and the user may be
    `Param`s of a compiled read."""
    cohorts = Cohort.objects.for_org(organisation)
    if role == Role.TRAINER:
        assigned = CohortTrainer.objects.for_org(organisation).filter(
            cohort=OuterRef("pk"), user_id=user
        )
        cohorts = cohorts.filter(Exists(assigned))
    elif role not in (Role.ADMIN, Role.COORDINATOR):
        cohorts = cohorts.none()
    return cohorts


def _scope_role(membership: Membership) -> str | None:
    """The role whose scope this member's reads take: a trainer's or the staff's (an admin's);
    None for a role that sees no cohort."""
    if membership.role == Role.TRAINER:
        return Role.TRAINER
    if membership.role in (Role.ADMIN, Role.COORDINATOR):
        return Role.ADMIN
    return None


def _per_scope(build: Callable[..., QuerySet[Any]]) -> dict[str, CompiledRead[Any]]:
    """A compiled read of `build(role=...)` for each scope (`_scope_role`)."""
    return compiled_variants(build, "role", (Role.ADMIN, Role.TRAINER))


def _in_scope(
    reads: dict[str, CompiledRead[Any]],
    *,
    organisation: Organisation,
    membership: Membership,
    **values: Any,
) -> list[Any]:
    """The read of this member's scope (`_per_scope`), for them; nothing, and no query, for a
    role that sees no cohort."""
    read = reads.get(_scope_role(membership) or "")
    if read is None:
        return []
    return read(organisation=organisation.pk, user=membership.user_id, **values)


def cohort_list(
    *, organisation: Organisation, membership: Membership, with_trainers: bool = False
) -> QuerySet[Cohort]:
    """The cohorts this member may see, with `places_taken` and `waiting`; with `with_trainers`,
    each cohort's `trainer_links` (and their users) come in one more query."""
    cohorts = (
        _visible_cohorts(organisation=organisation, membership=membership)
        .select_related("programme", "coordinator")
        .annotate(
            places_taken=Count("enrolments", filter=Q(enrolments__stage__in=PLACE_STAGES)),
            waiting=Count("enrolments", filter=Q(enrolments__stage=EnrolmentStage.WAITLISTED)),
        )
        .order_by("-starts_on", "name", "pk")
    )
    if with_trainers:
        cohorts = cohorts.prefetch_related(
            Prefetch(
                "trainer_links",
                queryset=CohortTrainer.objects.for_org(organisation)
                .select_related("user")
                .order_by("user__name", "user_id"),
            )
        )
    return cohorts


def _cohort_of_scope(*, role: str) -> QuerySet[Cohort]:
    return (
        _cohorts_seen_by(organisation=Param("organisation"), role=role, user=Param("user"))
        .select_related("programme", "coordinator")
        .filter(pk=Param("cohort"))[:1]
    )


_COHORT_GET = _per_scope(_cohort_of_scope)


def cohort_get(*, organisation: Organisation, membership: Membership, cohort_id: Any) -> Cohort:
    """The cohort if this member may see it; 404 otherwise (the same answer as for a cohort of
    another organisation). One query, compiled once per process."""
    found = _in_scope(
        _COHORT_GET, organisation=organisation, membership=membership, cohort=cohort_id
    )
    if not found:
        raise Http404
    return found[0]  # type: ignore[no-any-return]


def enrolment_list(
    *, organisation: Organisation, membership: Membership, cohort: Cohort | None = None
) -> QuerySet[Enrolment]:
    """The enrolments of the cohorts this member may see (of one cohort, when given), with their
    participants, by name: one query."""
    visible = _visible_cohorts(organisation=organisation, membership=membership)
    enrolments = Enrolment.objects.for_org(organisation).filter(cohort__in=visible)
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    return enrolments.select_related("participant").order_by(
        "participant__display_name", "participant__code", "pk"
    )


def session_list(
    *, organisation: Organisation, membership: Membership, cohort: Cohort | None = None
) -> QuerySet[Session]:
    """The sessions of the cohorts this member may see (of one cohort, when given), in time
    order, with cohort, programme, coordinator and module joined: one query."""
    sessions = _session_list_of(
        organisation=organisation, role=membership.role, user=membership.user_id
    )
    return sessions if cohort is None else sessions.filter(cohort=cohort)


def _session_list_of(
    *, organisation: Organisation | Param, role: str, user: int | Param
) -> QuerySet[Session]:
    """`session_list` for a member with this role; the organisation and the user may be
    `Param`s of a compiled read."""
    return (
        _sessions_seen_by(organisation=organisation, role=role, user=user)
        .select_related("cohort", "cohort__programme", "cohort__coordinator", "module")
        .order_by("starts_at", "pk")
    )


def _sessions_seen_by(
    *, organisation: Organisation | Param, role: str, user: int | Param
) -> QuerySet[Session]:
    visible = _cohorts_seen_by(organisation=organisation, role=role, user=user)
    return Session.objects.for_org(organisation).filter(cohort__in=visible)


def _session_of_scope(*, role: str, with_log: bool) -> QuerySet[Session]:
    """What `session_get` reads, for a scope: the session, its cohort and module joined, not
    the module's text."""
    organisation = Param("organisation")
    sessions = _sessions_seen_by(organisation=organisation, role=role, user=Param("user")).filter(
        pk=Param("session")
    )
    if with_log:
        sessions = sessions.annotate(
            has_log=Exists(SessionLog.objects.for_org(organisation).filter(session=OuterRef("pk")))
        )
    return sessions.select_related("cohort", "module").defer(
        "module__objectives", "module__content_md"
    )[:1]


_SESSION_GET = {
    with_log: _per_scope(partial(_session_of_scope, with_log=with_log))
    for with_log in (False, True)
}


def session_get(
    *, organisation: Organisation, membership: Membership, session_id: Any, with_log: bool = False
) -> Session:
    """A session of a cohort this member may see, with its cohort and module joined: what the
    session pages show of them (names, ids, the module's title), not the module's text.
    `with_log` adds `has_log` (whether its session log was written). One query, compiled once
    per process; 404 for anything else."""
    found = _in_scope(
        _SESSION_GET[with_log], organisation=organisation, membership=membership, session=session_id
    )
    if not found:
        raise Http404
    return found[0]  # type: ignore[no-any-return]


@dataclass
class ParticipantProgress:
    enrolment: Enrolment
    held: int = 0
    attended: int = 0
    excused: int = 0
    consecutive_missed: int = 0

    @property
    def rate(self) -> float | None:
        return None if self.held == 0 else self.attended / self.held

    @property
    def rate_percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)

    @property
    def needs_check_in(self) -> bool:
        return self.consecutive_missed >= ABSENCE_FLAG_AFTER


@dataclass
class CohortOverview:
    """Everyone in a cohort: those holding (or who held) a place with their attendance, the
    waiting list, and the others (applied, withdrawn)."""

    cohort: Cohort
    sessions: list[Session]
    progress: list[ParticipantProgress]
    trainers: list[Any]
    waiting: list[Enrolment] = field(default_factory=list)
    other: list[Enrolment] = field(default_factory=list)
    clashes: dict[int, list[TrainerClash]] = field(default_factory=dict)


@compiled_read
def _trainer_links() -> QuerySet[CohortTrainer]:
    return (
        CohortTrainer.objects.for_org(Param("organisation"))
        .filter(cohort_id=Param("cohort"))
        .select_related("user")
        .order_by("user__name", "user_id")
    )


def cohort_trainers(*, organisation: Organisation, cohort: Cohort) -> list[Any]:
    """The users assigned to train this cohort, by name: one query."""
    return [link.user for link in _trainer_links(organisation=organisation.pk, cohort=cohort.pk)]


def cohort_overview(
    *, organisation: Organisation, cohort: Cohort, viewer: Membership | None
) -> CohortOverview:
    """The whole cohort at once (the weekly digest's absence flags; the cohort page reads a
    page of people instead, see `cohort_summary`), in six queries whatever the number of
    people and sessions: sessions, enrolments with participants, attendance totals per person
    (grouped in the database), trainers, trainers' clashes (none for a cohort nobody trains)
    and the cohort."""
    sessions = list(
        Session.objects.for_org(organisation)
        .filter(cohort=cohort)
        .select_related("module")
        .annotate(
            present_count=Count(
                "attendance",
                filter=Q(attendance__status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE]),
            )
        )
        .order_by("starts_at")
    )
    enrolments = list(
        Enrolment.objects.for_org(organisation)
        .filter(cohort=cohort)
        .select_related("participant")
        .order_by("participant__display_name", "participant__code")
    )
    totals = attendance_totals(organisation=organisation, cohorts=[cohort])
    trainers = cohort_trainers(organisation=organisation, cohort=cohort)
    timeline = HeldTimeline.of(s for s in sessions if s.status == SessionStatus.HELD)
    overview = CohortOverview(
        cohort=cohort,
        sessions=sessions,
        progress=[],
        trainers=trainers,
        clashes=session_clashes(
            organisation=organisation,
            sessions=sessions,
            viewer=viewer,
            trainer_ids=[user.pk for user in trainers],
        ),
    )
    for enrolment in enrolments:
        if enrolment.stage == EnrolmentStage.WAITLISTED:
            overview.waiting.append(enrolment)
            continue
        if enrolment.stage in (EnrolmentStage.APPLIED, EnrolmentStage.WITHDRAWN):
            overview.other.append(enrolment)
            continue
        overview.progress.append(participant_progress(enrolment, timeline=timeline, totals=totals))
    return overview


@dataclass(frozen=True)
class HeldTimeline:
    """A cohort's held sessions in time order, as their local days (when someone joined counts)
    and the moments they started (what came after someone's last attended session): two sorted
    lists that each person's progress is searched in."""

    days: list[date]
    starts: list[datetime]

    @classmethod
    def of(cls, held: Iterable[Session]) -> "HeldTimeline":
        held = list(held)
        return cls(
            [timezone.localtime(s.starts_at).date() for s in held], [s.starts_at for s in held]
        )

    def missed_in_a_row(self, joined_on: date, last_counted: datetime | None) -> int:
        """How many of these sessions someone who joined on `joined_on` missed since the last
        one they attended or were excused from (`last_counted`, None for never). A mark from
        before they joined changes nothing: it lies before the sessions counted anyway."""
        first = bisect_left(self.days, joined_on)
        since_last = bisect_right(self.starts, last_counted) if last_counted else 0
        return len(self.days) - max(first, since_last)


# How many enrolments one read of `attendance_totals` names: a page of the cohort page's
# people. Fewer are padded by repeating the last, so that the read is the same at every call.
TOTALS_SLOTS = 25


def attendance_totals(
    *,
    organisation: Organisation,
    cohorts: Iterable[Cohort | int] | QuerySet[Cohort] = (),
    enrolment_ids: Iterable[int] | None = None,
) -> dict[int, dict[str, Any]]:
    """Per enrolment of these cohorts, or of these enrolments (a page of people), one grouped
    row: how many held sessions since they joined they attended (present or late) or were
    excused from, and when they last came or were excused. One query whatever the number of
    people and sessions (enrolments: one per `TOTALS_SLOTS` of them, compiled once per
    process); no mark is read into Python one by one.

    Enrolments are asked for by their ids alone: their marks are of their own cohort's
    sessions. Naming the cohort too made PostgreSQL's plan for the prepared statement (the
    same for every cohort) walk every mark of every held session of a large cohort to find a
    page's people (docs/performance.md)."""
    if enrolment_ids is None:
        marks = _held_marks(organisation).filter(session__cohort__in=cohorts)
        return {row["enrolment_id"]: row for row in _totals_of(marks)}
    ids = list(enrolment_ids)
    totals = {}
    for start in range(0, len(ids), TOTALS_SLOTS):
        chunk = ids[start : start + TOTALS_SLOTS]
        slots = {f"enrolment_{i}": chunk[min(i, len(chunk) - 1)] for i in range(TOTALS_SLOTS)}
        for row in _totals_of_enrolments(organisation=organisation.pk, **slots):
            totals[row["enrolment_id"]] = row
    return totals


def _held_marks(organisation: Organisation | Param) -> QuerySet[Attendance]:
    """The marks of held sessions since each one's enrolment joined."""
    return Attendance.objects.for_org(organisation).filter(
        session__status=SessionStatus.HELD,
        session__starts_at__date__gte=F("enrolment__joined_on"),
    )


def _totals_of(marks: QuerySet[Attendance]) -> QuerySet[Attendance, dict[str, Any]]:
    ok = [AttendanceStatus.PRESENT, AttendanceStatus.LATE]
    counted = [*ok, AttendanceStatus.EXCUSED]
    return (
        marks.order_by()
        .values("enrolment_id")
        .annotate(
            attended=Count("pk", filter=Q(status__in=ok)),
            excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
            last_counted=Max("session__starts_at", filter=Q(status__in=counted)),
        )
    )


@compiled_read
def _totals_of_enrolments() -> QuerySet[Attendance, dict[str, Any]]:
    slots = [Param(f"enrolment_{i}") for i in range(TOTALS_SLOTS)]
    # `enrolment__id`: the lookup of a key column takes values that are expressions.
    return _totals_of(_held_marks(Param("organisation")).filter(enrolment__id__in=slots))


def participant_progress(
    enrolment: Enrolment, *, timeline: HeldTimeline, totals: dict[int, dict[str, Any]]
) -> ParticipantProgress:
    """One person's attendance over their cohort's held sessions since they joined, from
    `attendance_totals`; no queries. Missed: absent, or not marked at a held session, since
    the last one attended or excused."""
    row = totals.get(enrolment.pk, {})
    return ParticipantProgress(
        enrolment=enrolment,
        held=len(timeline.days) - bisect_left(timeline.days, enrolment.joined_on),
        attended=row.get("attended", 0),
        excused=row.get("excused", 0),
        consecutive_missed=timeline.missed_in_a_row(enrolment.joined_on, row.get("last_counted")),
    )


def last_counted_marks_of(
    *,
    organisation: Organisation | Param,
    cohorts: Iterable[Cohort | int] | QuerySet[Cohort],
) -> QuerySet[Attendance, tuple[int, datetime]]:
    """Per enrolment of these cohorts, when they last attended (present or late) or were
    excused at a held session, as (enrolment id, when) pairs: one grouped query over the marks
    and their sessions. What `attendance_totals` reads besides (the counts since each person
    joined) needs every mark compared with its enrolment's joined day; a run of missed sessions
    does not (`HeldTimeline.missed_in_a_row`)."""
    return (
        Attendance.objects.for_org(organisation)
        .filter(
            session__cohort__in=cohorts,
            session__status=SessionStatus.HELD,
            status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED],
        )
        .order_by()
        .values("enrolment_id")
        .annotate(last=Max("session__starts_at"))
        .values_list("enrolment_id", "last")
    )


def sessions_upcoming(
    *, organisation: Organisation, cohort: Cohort, today: date
) -> QuerySet[Session]:
    return (
        Session.objects.for_org(organisation)
        .filter(cohort=cohort, starts_at__date__gte=today)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
    )


def enrolments_prefetch(organisation: Organisation) -> Prefetch:
    return Prefetch("enrolments", queryset=Enrolment.objects.for_org(organisation))


def attendance_marks(
    *, organisation: Organisation, cohort: Cohort, enrolment_ids: Iterable[int]
) -> dict[tuple[int, int], str]:
    """The marks of these enrolments at the cohort's sessions, keyed by (enrolment, session):
    one query for a page of the attendance grid."""
    return {
        (enrolment_id, session_id): status
        for enrolment_id, session_id, status in Attendance.objects.for_org(organisation)
        .filter(session__cohort=cohort, enrolment_id__in=list(enrolment_ids))
        .values_list("enrolment_id", "session_id", "status")
    }


# SECTION: the compact cohort page

# Where each stage sits on the cohort page: those holding (or who held) a place, then the
# waiting list, then applications and withdrawals.
PROGRESS_STAGES = (EnrolmentStage.ENROLLED, EnrolmentStage.ACTIVE, EnrolmentStage.COMPLETED)
ENROLMENT_ROW_FIELDS = (
    "organisation_id",
    "cohort_id",
    "participant_id",
    "stage",
    "joined_on",
    "stage_changed_at",
    "participant__organisation_id",
    "participant__display_name",
    "participant__code",
)


@dataclass
class CohortSummary:
    """What the cohort page shows besides its page of people: the sessions (with how many
    were marked and present at each), the trainers and their clashes, and how many people are
    at each stage."""

    cohort: Cohort
    sessions: list[Session]
    trainers: list[Any]
    stage_counts: dict[str, int]
    clashes: dict[int, list[TrainerClash]] = field(default_factory=dict)

    @property
    def session_rows(self) -> list[tuple[Session, list[TrainerClash]]]:
        return [(s, self.clashes.get(s.pk, [])) for s in self.sessions]

    @property
    def held(self) -> list[Session]:
        return [s for s in self.sessions if s.status == SessionStatus.HELD]

    @property
    def held_count(self) -> int:
        return len(self.held)

    @property
    def timeline(self) -> "HeldTimeline":
        return HeldTimeline.of(self.held)

    @property
    def places_taken(self) -> int:
        return sum(self.stage_counts.get(stage, 0) for stage in PLACE_STAGES)

    @property
    def waiting_count(self) -> int:
        return self.stage_counts.get(EnrolmentStage.WAITLISTED, 0)

    def people_count(self, stages: Iterable[str]) -> int:
        return sum(self.stage_counts.get(stage, 0) for stage in stages)


@compiled_read
def _sessions_counted() -> QuerySet[Session]:
    """A cohort's sessions with their module, each with its marks counted (`marked_count`)
    and those present or late among them (`present_count`)."""
    organisation = Param("organisation")
    ok = [AttendanceStatus.PRESENT, AttendanceStatus.LATE]
    # Each session's marks counted by a subquery on its own rows (the attendance index by
    # session), not by grouping every mark of the cohort with the session's and module's
    # columns: a third of the time at 300 people.
    marks = (
        Attendance.objects.for_org(organisation)
        .filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
    )
    return (
        Session.objects.for_org(organisation)
        .filter(cohort_id=Param("cohort"))
        .select_related("module")
        .annotate(
            present_count=Coalesce(
                Subquery(marks.filter(status__in=ok).annotate(n=Count("pk")).values("n")), 0
            ),
            marked_count=Coalesce(Subquery(marks.annotate(n=Count("pk")).values("n")), 0),
        )
        .order_by("starts_at", "pk")
    )


@compiled_read
def _stage_counts() -> QuerySet[Enrolment, tuple[str, int]]:
    return (
        Enrolment.objects.for_org(Param("organisation"))
        .filter(cohort_id=Param("cohort"))
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )


def cohort_summary(
    *, organisation: Organisation, cohort: Cohort, viewer: Membership | None
) -> CohortSummary:
    """Four queries whatever the number of people and sessions: sessions with their marks
    counted, enrolments counted by stage, trainers (these three compiled once per process),
    and the trainers' clashes (none for a cohort nobody trains)."""
    sessions = _sessions_counted(organisation=organisation.pk, cohort=cohort.pk)
    stage_counts = dict(_stage_counts(organisation=organisation.pk, cohort=cohort.pk))
    trainers = cohort_trainers(organisation=organisation, cohort=cohort)
    return CohortSummary(
        cohort=cohort,
        sessions=sessions,
        trainers=trainers,
        stage_counts=stage_counts,
        clashes=session_clashes(
            organisation=organisation,
            sessions=sessions,
            viewer=viewer,
            trainer_ids=[user.pk for user in trainers],
        ),
    )


def _people(*, stages: tuple[str, ...]) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.for_org(Param("organisation"))
        .filter(cohort_id=Param("cohort"), stage__in=list(stages))
        .select_related("participant")
        # Only what a row shows of the person: the encrypted contact columns stay out of the
        # sort of the whole cohort that picks the page.
        .only(*ENROLMENT_ROW_FIELDS)
        .annotate(
            place_order=Case(
                When(stage__in=PROGRESS_STAGES, then=Value(0)),
                When(stage=EnrolmentStage.WAITLISTED, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("place_order", "participant__display_name", "participant__code", "pk")
    )


# Staff see everyone (the waiting list, applications and withdrawals too); trainers and the
# grid those who hold or held a place.
_PEOPLE = compiled_variants(_people, "stages", (tuple(EnrolmentStage.values), PROGRESS_STAGES))


def cohort_people(
    *, organisation: Organisation, cohort: Cohort, stages: Iterable[str]
) -> Rows[Enrolment]:
    """The cohort's enrolments at these stages (every stage, or `PROGRESS_STAGES`) with their
    participants: those holding a place first, then the waiting list, then the rest, each by
    name. A page of them is one query, compiled once per process; `people_progress` adds their
    attendance with one more."""
    return _PEOPLE[tuple(stages)].rows(organisation=organisation.pk, cohort=cohort.pk)  # type: ignore[no-any-return]


def people_progress(
    enrolments: Iterable[Enrolment], *, organisation: Organisation, timeline: HeldTimeline
) -> list[ParticipantProgress]:
    """A page of `cohort_people` with each person's attendance: one grouped query for the
    page (`attendance_totals`). Those waiting, applying or withdrawn have none to show."""
    enrolments = list(enrolments)
    holding = [e for e in enrolments if e.stage in PROGRESS_STAGES]
    totals = (
        attendance_totals(organisation=organisation, enrolment_ids=[e.pk for e in holding])
        if holding
        else {}
    )
    return [
        participant_progress(e, timeline=timeline, totals=totals)
        if e.stage in PROGRESS_STAGES
        else ParticipantProgress(enrolment=e)
        for e in enrolments
    ]
