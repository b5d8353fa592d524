"""Reads of cohorts, enrolments, sessions and attendance. A trainer sees only the cohorts they are
assigned to; admins and coordinators see all of the organisation's."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

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
    SessionStatus,
)
from .sessions import TrainerClash, session_clashes

# Consecutive missed held sessions after which the cohort page suggests a check-in.
ABSENCE_FLAG_AFTER = 3


def _visible_cohorts(*, organisation: Organisation, membership: Membership) -> QuerySet[Cohort]:
    cohorts = Cohort.objects.for_org(organisation)
    if membership.role == Role.TRAINER:
        assigned = CohortTrainer.objects.for_org(organisation).filter(
            cohort=OuterRef("pk"), user_id=membership.user_id
        )
        cohorts = cohorts.filter(Exists(assigned))
    elif membership.role not in (Role.ADMIN, Role.COORDINATOR):
        cohorts = cohorts.none()
    return cohorts


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


def cohort_get(*, organisation: Organisation, membership: Membership, cohort_id: Any) -> Cohort:
    """The cohort if this member may see it; 404 otherwise (the same answer as for a cohort of
    another organisation)."""
    cohort = (
        _visible_cohorts(organisation=organisation, membership=membership)
        .select_related("programme", "coordinator")
        .filter(pk=cohort_id)
        .first()
    )
    if cohort is None:
        raise Http404
    return cohort


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
    visible = _visible_cohorts(organisation=organisation, membership=membership)
    sessions = Session.objects.for_org(organisation).filter(cohort__in=visible)
    if cohort is not None:
        sessions = sessions.filter(cohort=cohort)
    return sessions.select_related(
        "cohort", "cohort__programme", "cohort__coordinator", "module"
    ).order_by("starts_at", "pk")


def session_get(*, organisation: Organisation, membership: Membership, session_id: Any) -> Session:
    session = (
        session_list(organisation=organisation, membership=membership).filter(pk=session_id).first()
    )
    if session is None:
        raise Http404
    return session


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
    cohort: Cohort
    sessions: list[Session]
    progress: list[ParticipantProgress]
    trainers: list[Any]
    waiting: list[Enrolment] = field(default_factory=list)
    other: list[Enrolment] = field(default_factory=list)
    clashes: dict[int, list[TrainerClash]] = field(default_factory=dict)

    @property
    def session_rows(self) -> list[tuple[Session, list[TrainerClash]]]:
        """Each session with the other sessions its trainers are booked into at that time."""
        return [(s, self.clashes.get(s.pk, [])) for s in self.sessions]

    @property
    def places_taken(self) -> int:
        return sum(1 for p in self.progress if p.enrolment.stage in PLACE_STAGES)

    @property
    def held_count(self) -> int:
        return sum(1 for s in self.sessions if s.status == SessionStatus.HELD)


def cohort_overview(
    *, organisation: Organisation, cohort: Cohort, viewer: Membership | None
) -> CohortOverview:
    """Everything the cohort page shows, in six queries whatever the number of people and
    sessions: sessions, enrolments with participants, attendance, trainers, trainers' clashes
    (and the cohort)."""
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
    marks: dict[tuple[int, int], str] = {
        (a.session_id, a.enrolment_id): a.status
        for a in Attendance.objects.for_org(organisation)
        .filter(session__cohort=cohort)
        .only("session_id", "enrolment_id", "status")
    }
    trainers = [
        link.user
        for link in CohortTrainer.objects.for_org(organisation)
        .filter(cohort=cohort)
        .select_related("user")
        .order_by("user__name")
    ]
    held = [s for s in sessions if s.status == SessionStatus.HELD]
    overview = CohortOverview(
        cohort=cohort,
        sessions=sessions,
        progress=[],
        trainers=trainers,
        clashes=session_clashes(organisation=organisation, sessions=sessions, viewer=viewer),
    )
    for enrolment in enrolments:
        if enrolment.stage == EnrolmentStage.WAITLISTED:
            overview.waiting.append(enrolment)
            continue
        if enrolment.stage in (EnrolmentStage.APPLIED, EnrolmentStage.WITHDRAWN):
            overview.other.append(enrolment)
            continue
        overview.progress.append(participant_progress(enrolment, held=held, marks=marks))
    return overview


def participant_progress(
    enrolment: Enrolment, *, held: list[Session], marks: dict[tuple[int, int], str]
) -> ParticipantProgress:
    """One person's attendance over the cohort's held sessions (in time order) since they
    joined, from marks keyed by (session id, enrolment id); no queries."""
    progress = ParticipantProgress(enrolment=enrolment)
    streak = 0
    for session in held:
        if timezone.localtime(session.starts_at).date() < enrolment.joined_on:
            continue
        status = marks.get((session.pk, enrolment.pk))
        progress.held += 1
        if status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
            progress.attended += 1
            streak = 0
        elif status == AttendanceStatus.EXCUSED:
            progress.excused += 1
            streak = 0
        else:
            # Absent, or not marked at a held session: missed.
            streak += 1
    progress.consecutive_missed = streak
    return progress


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
