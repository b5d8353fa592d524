"""Reads of sessions from one person's point of view (the sessions they train or coordinate),
and of what was recorded about one session: attendance marks and the log."""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import DateTimeField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.accounts.models import User
from cocora.core.compiled import Param, compiled_read
from cocora.core.templatetags.cocora_dates import format_with_year
from cocora.organisations.models import Membership, Organisation, Role

from ..models import (
    Attendance,
    CohortTrainer,
    Session,
    SessionLog,
    SessionLogActivity,
    SessionStatus,
)


def sessions_for_user(
    *, organisation: Organisation, user: User, starts_after: datetime, starts_before: datetime
) -> QuerySet[Session]:
    """The person's own sessions in the organisation that start in [starts_after, starts_before):
    sessions of the cohorts they are assigned to as a trainer or that they coordinate, whatever
    their trainer assignment, and while they hold a coordinating role for the cohorts they
    coordinate. Cancelled sessions are included (with their status); callers decide how to show
    them. One query whatever the number of sessions: cohort, programme and module are joined."""
    # A subquery rather than a join on trainer_links: a join would repeat a coordinator's
    # session once per trainer of the cohort.
    trained_cohorts = (
        CohortTrainer.objects.for_org(organisation).filter(user=user).values("cohort_id")
    )
    mine = Q(cohort_id__in=trained_cohorts)
    # Coordinating counts only while the person still holds a coordinating role: someone moved
    # to another role keeps no view through a cohort's old coordinator field.
    coordinating = Membership.objects.for_org(organisation).filter(
        user=user, role__in=[Role.ADMIN, Role.COORDINATOR]
    )
    mine |= Q(cohort__coordinator=user) & Q(Exists(coordinating))
    return (
        Session.objects.for_org(organisation)
        .filter(starts_at__gte=starts_after, starts_at__lt=starts_before)
        .filter(mine)
        .select_related("cohort", "cohort__programme", "module")
        .order_by("starts_at", "pk")
    )


class Mark(NamedTuple):
    """One person's attendance mark at a session, as lists show it."""

    status: str
    recorded_at: datetime


def attendance_marks(*, organisation: Organisation, session: Session) -> dict[int, Mark]:
    """The session's attendance marks by enrolment id: one query, read as values."""
    return {
        enrolment_id: Mark(status, recorded_at)
        for enrolment_id, status, recorded_at in Attendance.objects.for_org(organisation)
        .filter(session=session)
        .values_list("enrolment_id", "status", "recorded_at")
    }


def session_log_get(*, organisation: Organisation, session: Session) -> SessionLog | None:
    """The session's log, if one was written, with its author and the activities it covers:
    two queries. Whether its confidential note may be shown is the caller's question
    (services.session_logs.session_log_note_read). `author_is_member` says whether the author
    still belongs to the organisation: pages name anyone else a former member."""
    log = (
        SessionLog.objects.for_org(organisation)
        .filter(session=session)
        .select_related("author")
        .annotate(
            author_is_member=Exists(
                Membership.objects.for_org(organisation).filter(user_id=OuterRef("author_id"))
            )
        )
        .prefetch_related(
            Prefetch(
                "covered",
                queryset=SessionLogActivity.objects.for_org(organisation).order_by("activity_id"),
            )
        )
        .first()
    )
    if log is not None:
        # The session as the caller resolved it (with its cohort): no second read of it.
        log.session = session
    return log


@dataclass(frozen=True)
class TrainerClash:
    """Another session, overlapping in time, that one or more trainers of a session also
    train. A warning, not an error: a co-trainer may cover one of the two."""

    session_id: int
    cohort_id: int
    cohort_name: str
    starts_at: datetime
    ends_at: datetime
    trainer_ids: tuple[int, ...]
    trainer_names: tuple[str, ...]

    @property
    def message(self) -> str:
        """What the pages say about it, in the current language and time zone."""
        today = timezone.localdate()
        return _(
            "Trainer clash: %(trainers)s also has a session of %(cohort)s at %(start)s–%(end)s."
        ) % {
            "trainers": ", ".join(self.trainer_names),
            "cohort": self.cohort_name,
            "start": format_with_year(self.starts_at, "DAY_TIME_FORMAT", today=today),
            "end": format_with_year(self.ends_at, "TIME_FORMAT", today=today),
        }


def _clash_rows(
    *, organisation: Organisation | Param, cohorts: Q, start: Any, end: Any
) -> QuerySet[Session, tuple[Any, ...]]:
    """The rows `session_clashes` reads: the sessions overlapping [start, end) of the trainers
    of the cohorts `cohorts` picks (a condition on their trainer links), cancelled ones left
    out, one row per session and trainer."""
    trainers = CohortTrainer.objects.for_org(organisation).filter(cohorts).values("user_id")
    return (
        Session.objects.for_org(organisation)
        .filter(starts_at__lt=end, ends_at__gt=start, cohort__trainer_links__user_id__in=trainers)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list(
            "pk",
            "cohort_id",
            "cohort__name",
            "starts_at",
            "ends_at",
            "cohort__trainer_links__user_id",
            "cohort__trainer_links__user__name",
            "cohort__trainer_links__user__email",
        )
        .order_by("starts_at", "pk", "cohort__trainer_links__user__name")
    )


@compiled_read
def _clashes_of_cohort() -> QuerySet[Session, tuple[Any, ...]]:
    """`_clash_rows` of one cohort's trainers."""
    return _clash_rows(
        organisation=Param("organisation"),
        cohorts=Q(cohort_id=Param("cohort")),
        start=Param("start", DateTimeField()),
        end=Param("end", DateTimeField()),
    )


@compiled_read
def _cohorts_trained() -> QuerySet[CohortTrainer, int]:
    """The cohorts a member trains."""
    return (
        CohortTrainer.objects.for_org(Param("organisation"))
        .filter(user_id=Param("user"))
        .values_list("cohort_id", flat=True)
    )


def session_clashes(
    *,
    organisation: Organisation,
    sessions: Iterable[Session],
    viewer: Membership | None,
    trainer_ids: Collection[int] | None = None,
) -> dict[int, list[TrainerClash]]:
    """For each given session (by id), the other sessions of the organisation that overlap it
    and share a trainer; cancelled sessions clash with nothing. One query whatever the number
    of sessions: the sessions of the given sessions' trainers within their time span, one row
    per session and trainer (the given sessions among them, which tells their trainers).

    `viewer` is who will read the answer: a trainer sees only clashes with cohorts they train
    themselves (a co-trainer's booking elsewhere would name a cohort outside their scope), at
    one more query; admins and coordinators see all. None is for no person (tests, digests
    for coordinators) and means all.

    `trainer_ids`: the users who train the given sessions' cohorts, where the caller has read
    them already (a cohort's page): when there are none, there is no clash to look for and no
    query. The sessions of one cohort (its page, one of its sessions) are read with SQL built
    once per process (a compiled read, which asks for the cohort's trainers in a subquery);
    those of several cohorts (a list, a new schedule) with SQL built at each call."""
    given = [s for s in sessions if s.pk is not None and s.status != SessionStatus.CANCELLED]
    if not given or (trainer_ids is not None and not trainer_ids):
        return {}
    visible: set[int] | None = None
    if viewer is not None and viewer.role not in (Role.ADMIN, Role.COORDINATOR):
        visible = set(_cohorts_trained(organisation=organisation.pk, user=viewer.user_id))
    span = {"start": min(s.starts_at for s in given), "end": max(s.ends_at for s in given)}
    cohorts = {s.cohort_id for s in given}
    rows: Iterable[tuple[Any, ...]]
    if len(cohorts) == 1:
        # One cohort (its page, one of its sessions): the same read at every call, compiled.
        rows = _clashes_of_cohort(organisation=organisation.pk, cohort=cohorts.pop(), **span)
    else:
        rows = _clash_rows(organisation=organisation, cohorts=Q(cohort_id__in=cohorts), **span)
    sessions_of: dict[int, tuple[Any, ...]] = {}
    trainers_of: dict[int, dict[int, str]] = defaultdict(dict)
    for pk, cohort_id, cohort_name, starts_at, ends_at, user_id, name, email in rows:
        sessions_of[pk] = (cohort_id, cohort_name, starts_at, ends_at)
        trainers_of[pk][user_id] = name or email
    found: dict[int, list[TrainerClash]] = {}
    for session in given:
        mine = trainers_of.get(session.pk, {})
        clashes = []
        for pk, (cohort_id, cohort_name, starts_at, ends_at) in sessions_of.items():
            shared = [uid for uid in trainers_of[pk] if uid in mine]
            if pk == session.pk or not shared:
                continue
            if visible is not None and cohort_id not in visible:
                continue
            if starts_at < session.ends_at and ends_at > session.starts_at:
                clashes.append(
                    TrainerClash(
                        session_id=pk,
                        cohort_id=cohort_id,
                        cohort_name=cohort_name,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        trainer_ids=tuple(shared),
                        trainer_names=tuple(mine[uid] for uid in shared),
                    )
                )
        if clashes:
            found[session.pk] = clashes
    return found
