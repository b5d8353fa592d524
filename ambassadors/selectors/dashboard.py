"""Reads behind the coordinator's home: what ambassadors proposed that waits for an answer,
and peers reached per month (who is owed a check-in or a debrief is the roster's judgement:
ambassadors_owed_care in .ambassadors). A fixed number of queries whatever the number of
ambassadors and tasks, each read compiled once per process."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, DateField, QuerySet, Sum
from django.db.models.functions import TruncMonth

from cocora.core.compiled import Param, aggregated, compiled_read
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


@compiled_read
def _tasks_proposed() -> QuerySet[OutreachTask, tuple[int]]:
    return aggregated(
        OutreachTask.objects.for_org(Param("organisation")).filter(status=TaskStatus.PROPOSED),
        n=Count("pk"),
    )


@compiled_read
def _insights_new() -> QuerySet[PeerInsight, tuple[int]]:
    return aggregated(
        PeerInsight.objects.for_org(Param("organisation")).filter(status=InsightStatus.NEW),
        n=Count("pk"),
    )


def proposals_waiting(*, organisation: Organisation) -> Proposals:
    """Tasks ambassadors proposed and insights they shared that no coordinator has answered
    yet: two queries, each compiled once per process."""
    ((tasks,),) = _tasks_proposed(organisation=organisation.pk)
    ((insights,),) = _insights_new(organisation=organisation.pk)
    return Proposals(tasks=tasks, insights=insights)


def _month_starts(today: date, months: int) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


@compiled_read
def _reach_by_month() -> QuerySet[OutreachTask, dict[str, Any]]:
    """Peers reached by finished tasks per month of their completion, between two days."""
    return (
        OutreachTask.objects.for_org(Param("organisation"))
        .filter(
            status__in=FINISHED_STATUSES,
            completed_on__gte=Param("since", DateField()),
            completed_on__lte=Param("today", DateField()),
            peers_reached__isnull=False,
        )
        .annotate(month=TruncMonth("completed_on"))
        .values("month")
        .annotate(peers=Sum("peers_reached"))
        .order_by("month")
    )


def reach_by_month(
    *, organisation: Organisation, today: date, months: int = REACH_MONTHS
) -> list[tuple[date, Cell]]:
    """Peers reached by ambassadors in each of the last `months` months (finished tasks, by the
    month they were completed), oldest first, months without reach included: one grouped query.
    A month with a few peers reached shows as suppressed, with complementary suppression so
    that a total cannot give it away."""
    starts = _month_starts(today, months)
    rows = _reach_by_month(organisation=organisation.pk, since=starts[0], today=today)
    peers = dict.fromkeys(starts, 0)
    for row in rows:
        month = row["month"]
        # TruncMonth of a date field is a date on PostgreSQL and SQLite alike.
        peers[date(month.year, month.month, 1)] = int(row["peers"] or 0)
    cells = count_cells(peers, threshold=threshold_for(organisation))
    return [(month, cells[month]) for month in starts]
