"""Reads behind the coordinator's home: what ambassadors proposed that waits for an answer,
and peers reached per month (who is owed a check-in or a debrief is the roster's judgement:
ambassadors_owed_care in .ambassadors). A fixed number of queries whatever the number of
ambassadors and tasks."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from cocora.core.suppression import Cell, count_cells, threshold_for
from cocora.organisations.models import Organisation

from ..models import FINISHED_STATUSES, InsightStatus, OutreachTask, PeerInsight, TaskStatus

REACH_MONTHS = 12


@dataclass
class Proposals:
    tasks: int
    insights: int

    @property
    def total(self) -> int:
        return self.tasks + self.insights


def proposals_waiting(*, organisation: Organisation) -> Proposals:
    """Tasks ambassadors proposed and insights they shared that no coordinator has answered
    yet: two queries."""
    tasks = OutreachTask.objects.for_org(organisation).filter(status=TaskStatus.PROPOSED).count()
    insights = PeerInsight.objects.for_org(organisation).filter(status=InsightStatus.NEW).count()
    return Proposals(tasks=tasks, insights=insights)


def _month_starts(today: date, months: int) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def reach_by_month(
    *, organisation: Organisation, today: date, months: int = REACH_MONTHS
) -> list[tuple[date, Cell]]:
    """Peers reached by ambassadors in each of the last `months` months (finished tasks, by the
    month they were completed), oldest first, months without reach included: one grouped query.
    A month with a few peers reached shows as suppressed, with complementary suppression so
    that a total cannot give it away."""
    starts = _month_starts(today, months)
    rows = (
        OutreachTask.objects.for_org(organisation)
        .filter(
            status__in=FINISHED_STATUSES,
            completed_on__gte=starts[0],
            completed_on__lte=today,
            peers_reached__isnull=False,
        )
        .annotate(month=TruncMonth("completed_on"))
        .values("month")
        .annotate(peers=Sum("peers_reached"))
        .order_by("month")
    )
    peers = dict.fromkeys(starts, 0)
    for row in rows:
        month = row["month"]
        # TruncMonth of a date field is a date on PostgreSQL and SQLite alike.
        peers[date(month.year, month.month, 1)] = int(row["peers"] or 0)
    cells = count_cells(peers, threshold=threshold_for(organisation))
    return [(month, cells[month]) for month in starts]
