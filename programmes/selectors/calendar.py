"""The sessions calendar: a week or a month of the sessions a member may see, filtered by
trainer and cohort, laid out day by day in the organisation's time zone."""

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from cocora.accounts.models import User
from cocora.organisations.models import Membership, Organisation

from ..models import CohortTrainer, Session, SessionStatus
from .cohorts import _visible_cohorts, session_list

WEEK = "week"
MONTH = "month"


@dataclass(frozen=True)
class Span:
    """The days a calendar page shows: [first, last], and the month or week it is about."""

    view: str
    day: date  # the day asked for
    first: date  # the first day shown (a Monday)
    last: date  # the last day shown (a Sunday)
    previous: date
    following: date

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The span as aware moments in the organisation's time zone: [start, end)."""
        return (
            datetime.combine(self.first, time.min, tzinfo=tz),
            datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz),
        )


def calendar_span(*, view: str, day: date) -> Span:
    """The week (Monday to Sunday) around `day`, or the weeks that hold `day`'s month."""
    if view == MONTH:
        month_start = day.replace(day=1)
        days_in_month = pycalendar.monthrange(day.year, day.month)[1]
        month_end = month_start.replace(day=days_in_month)
        previous = (month_start - timedelta(days=1)).replace(day=1)
        following = month_end + timedelta(days=1)
        return Span(
            view=MONTH,
            day=day,
            first=month_start - timedelta(days=month_start.weekday()),
            last=month_end + timedelta(days=6 - month_end.weekday()),
            previous=previous,
            following=following,
        )
    monday = day - timedelta(days=day.weekday())
    return Span(
        view=WEEK,
        day=day,
        first=monday,
        last=monday + timedelta(days=6),
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
    )


def calendar_sessions(
    *,
    organisation: Organisation,
    membership: Membership,
    starts_after: datetime,
    starts_before: datetime,
    trainer_id: int | None = None,
    cohort_id: int | None = None,
) -> QuerySet[Session]:
    """The sessions the member may see (a trainer: their cohorts', any week) that start in
    [starts_after, starts_before), of one trainer's cohorts or one cohort when given, with
    each cohort's trainers: two queries whatever the number of sessions."""
    sessions = session_list(organisation=organisation, membership=membership).filter(
        starts_at__gte=starts_after, starts_at__lt=starts_before
    )
    if trainer_id is not None:
        sessions = sessions.filter(
            cohort_id__in=CohortTrainer.objects.for_org(organisation)
            .filter(user_id=trainer_id)
            .values("cohort_id")
        )
    if cohort_id is not None:
        sessions = sessions.filter(cohort_id=cohort_id)
    return sessions.prefetch_related(
        Prefetch(
            "cohort__trainer_links",
            queryset=CohortTrainer.objects.for_org(organisation)
            .select_related("user")
            .order_by("user__name", "user_id"),
        )
    )


def calendar_trainers(*, organisation: Organisation, membership: Membership) -> list[User]:
    """The people assigned as trainers to the cohorts the member may see, by name: one query."""
    visible = _visible_cohorts(organisation=organisation, membership=membership)
    return list(
        User.objects.filter(
            pk__in=CohortTrainer.objects.for_org(organisation)
            .filter(cohort__in=visible)
            .values("user_id")
        ).order_by("name", "pk")
    )


@dataclass
class CalendarDay:
    day: date
    in_span: bool  # False for the days of the neighbouring months in a month's grid
    is_today: bool
    sessions: list[Session] = field(default_factory=list)


def calendar_days(*, span: Span, sessions: Any, tz: ZoneInfo, today: date) -> list[CalendarDay]:
    """Every day of the span with its sessions (by their local start day), in order. No
    queries of its own."""
    days: dict[date, CalendarDay] = {}
    current = span.first
    while current <= span.last:
        in_span = span.view != MONTH or current.month == span.day.month
        days[current] = CalendarDay(day=current, in_span=in_span, is_today=current == today)
        current += timedelta(days=1)
    for session in sessions:
        local = session.starts_at.astimezone(tz).date()
        if local in days:
            session.is_cancelled = session.status == SessionStatus.CANCELLED  # type: ignore[attr-defined]
            days[local].sessions.append(session)
    return list(days.values())
