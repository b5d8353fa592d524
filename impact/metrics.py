"""The output metrics an indicator can count, computed from what the platform records.

Each metric answers up to four windows (a programme and a period) with ONE query: a
conditional aggregate per window, so the number of queries depends on how many metrics and
windows are asked for, never on the number of sessions, people or tasks. The query is a
compiled read (cocora/core/compiled.py), built once per process: the windows are its values.
Periods are whole days in the organisation's time zone, both ends included.

A metric about people (completions, peers reached, the attendance rate) is shown through the
small-cell rule (see `shown_as`); a count of events (sessions held, partner activities) names
nobody and is shown as it is.
"""

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.db.models import Count, DateField, DateTimeField, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cocora.core.compiled import CompiledRead, Param, aggregated, compiled_variants
from cocora.organisations.models import Organisation


@dataclass(frozen=True)
class Window:
    """A programme and a period, both ends included."""

    programme_id: int
    start: date
    end: date


@dataclass(frozen=True)
class Measured:
    """A metric's value in a window, and how many people it is about (None: not about people)."""

    value: float | int | None
    n: int | None


Compute = Callable[[Organisation, list[Window]], list[Measured]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    # "count" or "percent": what a target may be (counts ≥ 0, a rate 0-100 %).
    unit: str
    # Counted up over the period (a target is reached bit by bit) or a level (a rate).
    cumulative: bool
    # How it is shown: "events" as it is (it names nobody), "people" (a count of people) or
    # "rate" (a measure over n people) through the small-cell rule.
    shown_as: str
    compute: Compute


# How many windows one statement answers at most (more windows: one statement per four). Each
# metric has a statement for one, two, three and four windows, each compiled once per process.
WINDOW_SLOTS = 4
_SLOTS = range(1, WINDOW_SLOTS + 1)


def _bounds(organisation: Organisation, window: Window) -> tuple[datetime, datetime]:
    """The window's days as moments: from its first day's midnight in the organisation's time
    zone to the midnight after its last day (excluded)."""
    zone = zoneinfo.ZoneInfo(organisation.time_zone)
    return (
        datetime.combine(window.start, time.min, tzinfo=zone),
        datetime.combine(window.end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _days(organisation: Organisation, window: Window) -> tuple[date, date]:
    """The window's first and last day (for a metric that counts by day, both included)."""
    return window.start, window.end


def _per_window(
    queryset: QuerySet[Any],
    *,
    programme: str,
    moment: str,
    by_day: bool,
    slots: int,
    aggregates: Callable[[Q], list[Any]],
) -> QuerySet[Any, tuple[Any, ...]]:
    """`queryset`'s rows in each of `slots` windows, as one row: `aggregates(inside)` of each
    window in turn, `inside` holding for the window's rows. `programme` names the path to
    the programme id and `moment` the time the row happened (a day if `by_day`, both ends then
    included)."""
    kind: Any = DateField() if by_day else DateTimeField()
    last = f"{moment}__lte" if by_day else f"{moment}__lt"
    spec: dict[str, Any] = {}
    programmes = Q()
    for index in range(slots):
        programme_id = Param(f"programme_{index}")
        inside = Q(
            **{
                programme: programme_id,
                f"{moment}__gte": Param(f"start_{index}", kind),
                last: Param(f"end_{index}", kind),
            }
        )
        for position, aggregate in enumerate(aggregates(inside)):
            spec[f"w{index}_{position}"] = aggregate
        programmes |= Q(**{programme: programme_id})
    return aggregated(queryset.filter(programmes), **spec)


@dataclass(frozen=True)
class Reads:
    """A metric's compiled reads, by number of windows, and whether they count by day."""

    by_day: bool
    of: dict[int, CompiledRead[tuple[Any, ...]]]


def _compiled(build: Callable[..., QuerySet[Any, tuple[Any, ...]]], *, by_day: bool) -> Reads:
    """`build(slots=..., by_day=...)` compiled for one to WINDOW_SLOTS windows."""
    return Reads(by_day, compiled_variants(partial(build, by_day=by_day), "slots", _SLOTS))


def _answer(
    reads: Reads, organisation: Organisation, windows: list[Window]
) -> list[tuple[Any, ...]]:
    """Each window's aggregates (as `_per_window` was given them): one statement per
    WINDOW_SLOTS windows, the read of as many windows as there are."""
    found: list[tuple[Any, ...]] = []
    bounds = _days if reads.by_day else _bounds
    for first in range(0, len(windows), WINDOW_SLOTS):
        chunk = windows[first : first + WINDOW_SLOTS]
        values: dict[str, Any] = {"organisation": organisation.pk}
        for index, window in enumerate(chunk):
            start, end = bounds(organisation, window)
            values |= {
                f"programme_{index}": window.programme_id,
                f"start_{index}": start,
                f"end_{index}": end,
            }
        (row,) = reads.of[len(chunk)](**values)
        width = len(row) // len(chunk)
        found.extend(row[index * width : (index + 1) * width] for index in range(len(chunk)))
    return found


def _counted(
    queryset: QuerySet[Any],
    *,
    programme: str,
    moment: str,
    slots: int,
    by_day: bool,
    counted: str = "pk",
) -> QuerySet[Any, tuple[Any, ...]]:
    """Rows of `queryset` per window; `counted` is counted once per distinct value."""
    return _per_window(
        queryset,
        programme=programme,
        moment=moment,
        by_day=by_day,
        slots=slots,
        aggregates=lambda inside: [Count(counted, filter=inside, distinct=counted != "pk")],
    )


def _events(reads: Reads, organisation: Organisation, windows: list[Window]) -> list[Measured]:
    return [Measured(value, None) for (value,) in _answer(reads, organisation, windows)]


def _sessions_held_of(*, slots: int, by_day: bool) -> QuerySet[Any, tuple[Any, ...]]:
    from programmes.models import Session, SessionStatus

    return _counted(
        Session.objects.for_org(Param("organisation")).filter(status=SessionStatus.HELD),
        programme="cohort__programme_id",
        moment="starts_at",
        slots=slots,
        by_day=by_day,
    )


_sessions_held = _compiled(_sessions_held_of, by_day=False)


def sessions_held(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    return _events(_sessions_held, organisation, windows)


def _attendance_rate_of(*, slots: int, by_day: bool) -> QuerySet[Any, tuple[Any, ...]]:
    from programmes.models import Attendance, AttendanceStatus, SessionStatus

    attended = [AttendanceStatus.PRESENT, AttendanceStatus.LATE]
    return _per_window(
        Attendance.objects.for_org(Param("organisation"))
        .filter(session__status=SessionStatus.HELD)
        .exclude(status=AttendanceStatus.EXCUSED),
        programme="session__cohort__programme_id",
        moment="session__starts_at",
        by_day=by_day,
        slots=slots,
        aggregates=lambda inside: [
            Count("pk", filter=inside & Q(status__in=attended)),
            Count("pk", filter=inside),
            Count("enrolment_id", filter=inside, distinct=True),
        ],
    )


_attendance_rate = _compiled(_attendance_rate_of, by_day=False)


def attendance_rate(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    """Present or late among the marks of held sessions in the period, excused left out (as on
    the cohort page); n is the number of enrolments marked."""
    return [
        Measured(round(100 * attended / marked, 1) if marked else None, people)
        for attended, marked, people in _answer(_attendance_rate, organisation, windows)
    ]


def _completions_of(*, slots: int, by_day: bool) -> QuerySet[Any, tuple[Any, ...]]:
    from programmes.models import Enrolment, EnrolmentStage

    return _counted(
        Enrolment.objects.for_org(Param("organisation")).filter(stage=EnrolmentStage.COMPLETED),
        programme="cohort__programme_id",
        moment="stage_changed_at",
        slots=slots,
        by_day=by_day,
        counted="participant_id",
    )


_completions = _compiled(_completions_of, by_day=False)


def completions(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    """Participants whose enrolment reached "completed" in the period (the moment its stage
    last changed)."""
    return _events(_completions, organisation, windows)


def _peers_reached_of(*, slots: int, by_day: bool) -> QuerySet[Any, tuple[Any, ...]]:
    from ambassadors.models import OutreachTask, TaskStatus

    return _per_window(
        OutreachTask.objects.for_org(Param("organisation")).filter(
            status__in=[TaskStatus.DONE, TaskStatus.REVIEWED]
        ),
        programme="ambassador__cohort__programme_id",
        moment="completed_on",
        by_day=by_day,
        slots=slots,
        aggregates=lambda inside: [Sum("peers_reached", filter=inside, default=0)],
    )


_peers_reached = _compiled(_peers_reached_of, by_day=True)


def peers_reached(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    """Peers reached by the ambassadors trained in the programme's cohorts, as reported on
    tasks completed in the period (a number, never names)."""
    return [Measured(value, None) for (value,) in _answer(_peers_reached, organisation, windows)]


def _partner_activities_of(*, slots: int, by_day: bool) -> QuerySet[Any, tuple[Any, ...]]:
    from partners.models import CollaborationActivity

    return _counted(
        CollaborationActivity.objects.for_org(Param("organisation")),
        programme="programme_id",
        moment="held_at",
        slots=slots,
        by_day=by_day,
    )


_partner_activities = _compiled(_partner_activities_of, by_day=False)


def partner_activities(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    """Collaboration activities with partners held for the programme in the period."""
    return _events(_partner_activities, organisation, windows)


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("sessions_held", _("Sessions held"), "count", True, "events", sessions_held),
        Metric("attendance_rate", _("Attendance rate"), "percent", False, "rate", attendance_rate),
        Metric(
            "completions", _("Participants who completed"), "count", True, "people", completions
        ),
        Metric(
            "peers_reached",
            _("Peers reached by ambassadors"),
            "count",
            True,
            "people",
            peers_reached,
        ),
        Metric(
            "partner_activities",
            _("Activities with partners"),
            "count",
            True,
            "events",
            partner_activities,
        ),
    )
}


def metric_choices() -> list[tuple[str, Promise]]:
    return [(m.key, m.label) for m in METRICS.values()]


def measure(
    organisation: Organisation, requests: Iterable[tuple[str, Window]]
) -> dict[tuple[str, Window], Measured]:
    """Every (metric, window) asked for: one query per metric (and per four of its windows),
    whatever the data."""
    by_metric: dict[str, list[Window]] = {}
    for key, window in requests:
        windows = by_metric.setdefault(key, [])
        if window not in windows:
            windows.append(window)
    found: dict[tuple[str, Window], Measured] = {}
    for key, windows in by_metric.items():
        for window, measured in zip(
            windows, METRICS[key].compute(organisation, windows), strict=True
        ):
            found[(key, window)] = measured
    return found
