"""Reads of the impact app: objectives with their progress, targets behind, and the figures of
a funder report. Every figure about people leaves here as a suppression Cell.

Query counts do not grow with the data: one query for the indicators, one per output metric in
use (impact/metrics.py) and one per programme and period with outcome indicators.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext

from cocora.core.compiled import Param, compiled_read
from cocora.core.suppression import Cell, count_cell, measure_cell, threshold_for
from cocora.organisations.models import Organisation
from programmes.models import Programme

from .metrics import METRICS, Measured, Metric, Window, measure
from .models import Direction, FunderReport, Indicator, IndicatorKind, Objective
from .outcomes import scale_changes


def shown_cells(metric: Metric, measured: Measured, *, threshold: int) -> tuple[Cell, Cell | None]:
    """A metric's value as it may be shown, and the n of a rate: through the small-cell rule
    when it is about people (a count of 1 to threshold-1 people, a rate over fewer people than
    the threshold), as it is otherwise (a count of sessions or activities names nobody)."""
    if metric.shown_as == "events":
        # A threshold of 1 suppresses nothing: the same Cell type on every row.
        return count_cell(int(measured.value or 0), threshold=1), None
    if metric.shown_as == "people":
        return count_cell(int(measured.value or 0), threshold=threshold), None
    n = measured.n or 0
    return measure_cell(measured.value, n=n, threshold=threshold), count_cell(
        n, threshold=threshold
    )


@dataclass
class IndicatorProgress:
    """Where an indicator stands today. `value` is None when nothing is measured yet (an
    outcome without responses); neither on track nor behind while the value is hidden by the
    small-cell rule, before the period starts, or without a value."""

    objective: Objective
    indicator: Indicator
    value: Cell | None
    target: Decimal
    period: tuple[date, date]
    on_track: bool
    behind: bool
    label: str = ""
    unit: str = ""
    n: Cell | None = None
    # The part of the target due by today (a count builds up over its period).
    expected: float | None = None

    @property
    def status(self) -> str:
        if self.on_track:
            return "on_track"
        if self.behind:
            return "behind"
        return "unknown"


def _scale_labels() -> dict[str, str]:
    from .outcomes import scale_choices

    return {key: str(label) for key, label in scale_choices()}


def _judge(
    indicator: Indicator, value: Cell | None, *, cumulative: bool, today: date
) -> tuple[bool, bool, float | None]:
    """(on track, behind, expected by today)."""
    if today < indicator.period_start:
        return False, False, None
    target = float(indicator.target)
    expected = target
    if cumulative and indicator.direction == Direction.AT_LEAST:
        # A count is due bit by bit: by today, the share of the period gone by.
        days = (indicator.period_end - indicator.period_start).days + 1
        gone = min(days, (today - indicator.period_start).days + 1)
        base = float(indicator.baseline or 0)
        expected = round(base + (target - base) * gone / days, 2)
    if value is None or value.suppressed or value.value is None:
        return False, False, expected
    reached = (
        float(value.value) <= target
        if indicator.direction == Direction.AT_MOST
        else float(value.value) >= expected
    )
    return reached, not reached, expected


def indicator_queryset(*, organisation: Organisation | Param) -> QuerySet[Indicator]:
    return (
        Indicator.objects.for_org(organisation)
        .select_related("objective", "objective__programme")
        .order_by("objective__title", "objective_id", "period_start", "pk")
    )


@compiled_read
def _every_indicator() -> QuerySet[Indicator]:
    """Every indicator of the organisation (the home page's targets behind read them all)."""
    return indicator_queryset(organisation=Param("organisation"))


def objective_queryset(*, organisation: Organisation) -> QuerySet[Objective]:
    return Objective.objects.for_org(organisation).select_related("programme")


def indicator_progress(
    *,
    organisation: Organisation,
    programmes: list[Programme] | QuerySet[Programme] | None = None,
    today: date,
) -> list[IndicatorProgress]:
    """Every indicator of the organisation's programmes (or of the ones given) with its value
    over its own period, target and state today."""
    if programmes is None:
        indicators = _every_indicator(organisation=organisation.pk)
    else:
        indicators = list(
            indicator_queryset(organisation=organisation).filter(
                objective__programme__in=programmes
            )
        )
    return progress_of(organisation=organisation, indicators=indicators, today=today)


def progress_of(
    *, organisation: Organisation, indicators: list[Indicator], today: date
) -> list[IndicatorProgress]:
    threshold = threshold_for(organisation)
    windows = {
        ind.pk: Window(ind.objective.programme_id, ind.period_start, ind.period_end)
        for ind in indicators
    }
    measured = measure(
        organisation,
        [(ind.metric, windows[ind.pk]) for ind in indicators if ind.kind == IndicatorKind.OUTPUT],
    )
    changes: dict[Window, dict[str, Any]] = {}
    labels = _scale_labels() if any(i.kind == IndicatorKind.OUTCOME for i in indicators) else {}
    rows = []
    for ind in indicators:
        window = windows[ind.pk]
        n: Cell | None = None
        if ind.kind == IndicatorKind.OUTPUT:
            metric = METRICS[ind.metric]
            found = measured[(ind.metric, window)]
            value: Cell | None
            value, n = shown_cells(metric, found, threshold=threshold)
            label, unit, cumulative = str(metric.label), metric.unit, metric.cumulative
        else:
            if window not in changes:
                changes[window] = {
                    change.key: change
                    for change in scale_changes(
                        organisation=organisation,
                        programme=ind.objective.programme,
                        start=window.start,
                        end=window.end,
                    )
                }
            change = changes[window].get(ind.scale)
            value = change.mean_change if change is not None else None
            n = change.n_paired if change is not None else None
            label = labels.get(ind.scale, ind.scale)
            unit, cumulative = "change", False
        on_track, behind, expected = _judge(ind, value, cumulative=cumulative, today=today)
        rows.append(
            IndicatorProgress(
                objective=ind.objective,
                indicator=ind,
                value=value,
                target=ind.target,
                period=(ind.period_start, ind.period_end),
                on_track=on_track,
                behind=behind,
                label=label,
                unit=unit,
                n=n,
                expected=expected,
            )
        )
    return rows


def targets_behind(
    *,
    organisation: Organisation,
    today: date,
    programmes: list[Programme] | QuerySet[Programme] | None = None,
) -> list[IndicatorProgress]:
    """The indicators behind their target today (see IndicatorProgress)."""
    return [
        row
        for row in indicator_progress(organisation=organisation, programmes=programmes, today=today)
        if row.behind
    ]


@dataclass
class ObjectiveProgress:
    objective: Objective
    rows: list[IndicatorProgress] = field(default_factory=list)


def programme_impact(
    *, organisation: Organisation, programme: Programme, today: date
) -> list[ObjectiveProgress]:
    """The programme's objectives, each with its indicators' progress (objectives without
    indicators too)."""
    objectives = list(
        Objective.objects.for_org(organisation).filter(programme=programme).order_by("title", "pk")
    )
    by_id = {o.pk: ObjectiveProgress(objective=o) for o in objectives}
    for row in indicator_progress(organisation=organisation, programmes=[programme], today=today):
        by_id[row.objective.pk].rows.append(row)
    return list(by_id.values())


def objective_get(*, organisation: Organisation, objective_id: Any) -> Objective:
    objective = objective_queryset(organisation=organisation).filter(pk=objective_id).first()
    if objective is None:
        raise Http404
    return objective


def indicator_get(*, organisation: Organisation, indicator_id: Any) -> Indicator:
    indicator = indicator_queryset(organisation=organisation).filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    return indicator


def report_queryset(*, organisation: Organisation) -> QuerySet[FunderReport]:
    return FunderReport.objects.for_org(organisation).select_related("programme")


def report_get(*, organisation: Organisation, report_id: Any) -> FunderReport:
    report = report_queryset(organisation=organisation).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def target_label(indicator: Indicator) -> str:
    """ "at least 12 (1/9/26 to 30/6/27)", in the reader's language and date format."""
    target = f"{indicator.target:f}"
    if "." in target:
        target = target.rstrip("0").rstrip(".")
    return gettext("%(direction)s %(target)s (%(start)s to %(end)s)") % {
        "direction": Direction(indicator.direction).label,
        "target": target,
        "start": date_format(indicator.period_start, "SHORT_DATE_FORMAT"),
        "end": date_format(indicator.period_end, "SHORT_DATE_FORMAT"),
    }


@dataclass
class OutputRow:
    key: str
    label: str
    unit: str
    value: Cell
    n: Cell | None
    targets: list[Indicator]

    @property
    def target_labels(self) -> list[str]:
        return [target_label(i) for i in self.targets]


@dataclass
class OutcomeRow:
    change: Any
    targets: list[Indicator]

    @property
    def target_labels(self) -> list[str]:
        return [target_label(i) for i in self.targets]


@dataclass
class ReportFigures:
    report: FunderReport
    threshold: int
    outputs: list[OutputRow]
    outcomes: list[OutcomeRow]


def report_figures(*, organisation: Organisation, report: FunderReport) -> ReportFigures:
    """Every output metric of the programme over the report's period with the targets set for
    it, and the paired change per scale with its n. Every figure about people is a Cell."""
    threshold = threshold_for(organisation)
    window = Window(report.programme_id, report.period_start, report.period_end)
    measured = measure(organisation, [(key, window) for key in METRICS])
    indicators = list(
        Indicator.objects.for_org(organisation)
        .filter(objective__programme_id=report.programme_id)
        .select_related("objective")
        .order_by("period_start", "pk")
    )
    outputs = []
    for key, metric in METRICS.items():
        value, n = shown_cells(metric, measured[(key, window)], threshold=threshold)
        outputs.append(
            OutputRow(
                key=key,
                label=str(metric.label),
                unit=metric.unit,
                value=value,
                n=n,
                targets=[i for i in indicators if i.metric == key],
            )
        )
    outcomes = [
        OutcomeRow(change=change, targets=[i for i in indicators if i.scale == change.key])
        for change in scale_changes(
            organisation=organisation,
            programme=report.programme,
            start=report.period_start,
            end=report.period_end,
        )
    ]
    return ReportFigures(report=report, threshold=threshold, outputs=outputs, outcomes=outcomes)
