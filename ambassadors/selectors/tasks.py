"""Reads of outreach tasks: the coordinator's board and an ambassador's own home."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from cocora.organisations.models import Organisation
from programmes.models import Session, SessionStatus

from ..models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Ambassador,
    OutreachTask,
    PeerInsight,
    TaskStatus,
)


class DueFilter:
    OVERDUE = "overdue"
    WEEK = "week"
    LATER = "later"
    CHOICES = (OVERDUE, WEEK, LATER)


def task_board(
    *,
    organisation: Organisation,
    status: str = "",
    ambassador_id: int | None = None,
    due: str = "",
    today: date | None = None,
) -> QuerySet[OutreachTask]:
    """Every task with its ambassador and buddy, filtered; one query whatever the count."""
    today = today or timezone.localdate()
    tasks = OutreachTask.objects.for_org(organisation).select_related(
        "ambassador__participant", "buddy__participant"
    )
    if status:
        tasks = tasks.filter(status=status)
    if ambassador_id:
        tasks = tasks.filter(ambassador_id=ambassador_id)
    return tasks_due(tasks, due=due, today=today).order_by("due_on", "pk")


def tasks_due(
    tasks: QuerySet[OutreachTask], *, due: str, today: date | None = None
) -> QuerySet[OutreachTask]:
    """Narrows tasks to overdue (open, past the due date), due in the next seven days, or due
    later; any other value leaves them as they are."""
    today = today or timezone.localdate()
    if due == DueFilter.OVERDUE:
        return tasks.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    if due == DueFilter.WEEK:
        return tasks.filter(due_on__range=(today, today + timedelta(days=7)))
    if due == DueFilter.LATER:
        return tasks.filter(due_on__gt=today + timedelta(days=7))
    return tasks


def tasks_of(*, organisation: Organisation, ambassador: Ambassador) -> QuerySet[OutreachTask]:
    """All of one ambassador's own tasks, by due date; nobody else's."""
    return (
        OutreachTask.objects.for_org(organisation)
        .filter(ambassador=ambassador)
        .order_by("due_on", "pk")
    )


def task_for_viewer(
    *, organisation: Organisation, task_id: int, ambassador: Ambassador | None
) -> OutreachTask | None:
    """A task as a viewer may see it: staff any task of the organisation (ambassador None),
    an ambassador only their own. None otherwise, which the page answers with 404."""
    tasks = OutreachTask.objects.for_org(organisation).select_related(
        "ambassador__participant", "buddy__participant", "reviewed_by"
    )
    if ambassador is not None:
        tasks = tasks.filter(ambassador=ambassador)
    return tasks.filter(pk=task_id).first()


@dataclass
class AmbassadorHome:
    ambassador: Ambassador
    current: list[OutreachTask]
    finished: list[OutreachTask]
    next_session: Session | None
    hours_this_month: Decimal
    today: date
    answered_insights: int


def ambassador_home(
    *, organisation: Organisation, ambassador: Ambassador, now: datetime | None = None
) -> AmbassadorHome:
    """An ambassador's own page: their tasks by due date (open and proposed first, then the
    last month's finished ones), their next training session and their hours this month.
    Four queries whatever the number of tasks. Never other people's data, never check-ins."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    recent = today - timedelta(days=30)
    tasks = list(
        OutreachTask.objects.for_org(organisation)
        .filter(ambassador=ambassador)
        .filter(
            Q(status__in=(TaskStatus.PROPOSED, *OPEN_STATUSES)) | Q(updated_at__date__gte=recent)
        )
        .select_related("buddy__participant")
        .order_by("due_on", "pk")
    )
    current = [t for t in tasks if t.status in (TaskStatus.PROPOSED, *OPEN_STATUSES)]
    finished = [t for t in tasks if t not in current]
    next_session = None
    if ambassador.cohort_id:
        next_session = (
            Session.objects.for_org(organisation)
            .filter(
                cohort_id=ambassador.cohort_id,
                status=SessionStatus.SCHEDULED,
                ends_at__gte=now,
            )
            .select_related("module")
            .order_by("starts_at")
            .first()
        )
    hours = OutreachTask.objects.for_org(organisation).filter(
        ambassador=ambassador,
        status__in=FINISHED_STATUSES,
        completed_on__range=(today.replace(day=1), today),
    ).aggregate(total=Sum("hours_spent"))["total"] or Decimal("0")
    answered = (
        PeerInsight.objects.for_org(organisation)
        .filter(ambassador=ambassador)
        .exclude(response="")
        .count()
    )
    return AmbassadorHome(
        ambassador=ambassador,
        current=current,
        finished=finished,
        next_session=next_session,
        hours_this_month=hours,
        today=today,
        answered_insights=answered,
    )


def insight_queryset(
    *, organisation: Organisation, status: str = "", ambassador: Ambassador | None = None
) -> QuerySet[PeerInsight]:
    """Peer insights, newest first: every one for coordinators, or one ambassador's own."""
    insights = PeerInsight.objects.for_org(organisation).select_related(
        "ambassador__participant", "reviewed_by"
    )
    if ambassador is not None:
        insights = insights.filter(ambassador=ambassador)
    if status:
        insights = insights.filter(status=status)
    return insights.order_by("-created_at", "-pk")
