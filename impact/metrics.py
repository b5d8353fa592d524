"""The output metrics an indicator can count, computed from what the platform records.

Each metric answers many windows (a programme and a period) with ONE grouped query: a
conditional aggregate per window, so the number of queries depends on how many metrics are
asked for, never on the number of sessions, people or tasks. Periods are whole days in the
organisation's time zone, both ends included.

A metric about people (completions, peers reached, the attendance rate) is shown through the
small-cell rule (see `shown_as`); a count of events (sessions held, partner activities) names
nobody and is shown as it is.
"""

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


def _bounds(organisation: Organisation, window: Window) -> tuple[datetime, datetime]:
    zone = zoneinfo.ZoneInfo(organisation.time_zone)
    return (
        datetime.combine(window.start, time.min, tzinfo=zone),
        datetime.combine(window.end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _aggregate(
    queryset: QuerySet[Any], windows: list[Window], aggregates: Callable[[Window, int], dict]
) -> dict[str, Any]:
    if not windows:
        return {}
    spec: dict[str, Any] = {}
    for index, window in enumerate(windows):
        spec.update(aggregates(window, index))
    return queryset.aggregate(**spec)


def _programme_ids(windows: Iterable[Window]) -> set[int]:
    return {w.programme_id for w in windows}


def _count_in_windows(
    organisation: Organisation,
    windows: list[Window],
    queryset: QuerySet[Any],
    *,
    programme: str,
    moment: str,
    counted: str = "pk",
) -> list[Measured]:
    """Rows of `queryset` per window: `programme` names the path to the programme id and
    `moment` the time the row happened; `counted` is counted once per distinct value."""

    def spec(window: Window, i: int) -> dict[str, Any]:
        start, end = _bounds(organisation, window)
        inside = Q(
            **{programme: window.programme_id, f"{moment}__gte": start, f"{moment}__lt": end}
        )
        return {f"v{i}": Count(counted, filter=inside, distinct=counted != "pk")}

    queryset = queryset.filter(**{f"{programme}__in": _programme_ids(windows)})
    rows = _aggregate(queryset, windows, spec)
    return [Measured(rows[f"v{i}"], None) for i in range(len(windows))]


def sessions_held(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    from programmes.models import Session, SessionStatus

    return _count_in_windows(
        organisation,
        windows,
        Session.objects.for_org(organisation).filter(status=SessionStatus.HELD),
        programme="cohort__programme_id",
        moment="starts_at",
    )


def attendance_rate(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    """Present or late among the marks of held sessions in the period, excused left out (as on
    the cohort page); n is the number of enrolments marked."""
    from programmes.models import Attendance, AttendanceStatus, SessionStatus

    attended = [AttendanceStatus.PRESENT, AttendanceStatus.LATE]

    def spec(window: Window, i: int) -> dict[str, Any]:
        start, end = _bounds(organisation, window)
        inside = Q(
            session__cohort__programme_id=window.programme_id,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        return {
            f"a{i}": Count("pk", filter=inside & Q(status__in=attended)),
            f"m{i}": Count("pk", filter=inside),
            f"n{i}": Count("enrolment_id", filter=inside, distinct=True),
        }

    rows = _aggregate(
        Attendance.objects.for_org(organisation)
        .filter(
            session__status=SessionStatus.HELD,
            session__cohort__programme_id__in=_programme_ids(windows),
        )
        .exclude(status=AttendanceStatus.EXCUSED),
        windows,
        spec,
    )
    return [
        Measured(
            round(100 * rows[f"a{i}"] / rows[f"m{i}"], 1) if rows[f"m{i}"] else None,
            rows[f"n{i}"],
        )
        for i in range(len(windows))
    ]


def completions(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    """Participants whose enrolment reached "completed" in the period (the moment its stage
    last changed)."""
    from programmes.models import Enrolment, EnrolmentStage

    return _count_in_windows(
        organisation,
        windows,
        Enrolment.objects.for_org(organisation).filter(stage=EnrolmentStage.COMPLETED),
        programme="cohort__programme_id",
        moment="stage_changed_at",
        counted="participant_id",
    )


def peers_reached(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    """Peers reached by the ambassadors trained in the programme's cohorts, as reported on
    tasks completed in the period (a number, never names)."""
    from ambassadors.models import OutreachTask, TaskStatus

    def spec(window: Window, i: int) -> dict[str, Any]:
        return {
            f"v{i}": Sum(
                "peers_reached",
                filter=Q(
                    ambassador__cohort__programme_id=window.programme_id,
                    completed_on__gte=window.start,
                    completed_on__lte=window.end,
                ),
                default=0,
            )
        }

    rows = _aggregate(
        OutreachTask.objects.for_org(organisation).filter(
            status__in=[TaskStatus.DONE, TaskStatus.REVIEWED],
            ambassador__cohort__programme_id__in=_programme_ids(windows),
        ),
        windows,
        spec,
    )
    return [Measured(rows[f"v{i}"], None) for i in range(len(windows))]


def partner_activities(organisation: Organisation, windows: list[Window]) -> list[Measured]:
    """Collaboration activities with partners held for the programme in the period."""
    from partners.models import CollaborationActivity

    return _count_in_windows(
        organisation,
        windows,
        CollaborationActivity.objects.for_org(organisation),
        programme="programme_id",
        moment="held_at",
    )


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
    """Every (metric, window) asked for: one query per metric, whatever the data."""
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
