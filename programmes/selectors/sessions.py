"""Reads of sessions from one person's point of view (the sessions they train or coordinate),
and of what was recorded about one session: attendance marks and the log."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from cocora.accounts.models import User
from cocora.organisations.models import Membership, Organisation, Role

from ..models import Attendance, CohortTrainer, Session, SessionLog, SessionLogActivity


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


def attendance_marks(*, organisation: Organisation, session: Session) -> dict[int, Attendance]:
    """The session's attendance marks by enrolment id: one query."""
    return {
        mark.enrolment_id: mark
        for mark in Attendance.objects.for_org(organisation).filter(session=session)
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
