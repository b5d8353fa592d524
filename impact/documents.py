"""The funder report as documents: its charts, the PDF (through the handbook renderer), CSV and
XLSX (through tablib, every cell neutralised against formula injection) and the JSON of the API.
All of them are built from the same ReportFigures, so a figure the small-cell rule hides on the
page is hidden in every one of them."""

from dataclasses import dataclass
from typing import Any

import tablib
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cocora.audit.services import audit_record
from cocora.core.charts import Chart, Series, bar_chart
from cocora.core.dates import organisation_today
from cocora.core.errors import ApplicationError
from cocora.documents.fetcher import SafeURLFetcher, static_file_url
from cocora.documents.rendering import render_pdf
from cocora.organisations.models import Organisation
from programmes.exports import EXPORT_FORMATS, cell_neutralise, dataset_bytes

from .models import FunderReport, Indicator
from .selectors import ReportFigures, report_figures

TEMPLATE = "impact/report_pdf.html"
STYLESHEET = "documents/handbook.css"


def report_charts(figures: ReportFigures) -> dict[str, Chart]:
    """Outputs against their targets, and the mean change per scale."""
    charts: dict[str, Chart] = {}
    targeted = [row for row in figures.outputs if row.targets]
    if targeted:
        charts["outputs"] = bar_chart(
            title=_("Outputs against targets"),
            categories=[row.label for row in targeted],
            series=[
                Series(_("Reached"), [row.value for row in targeted]),
                Series(_("Target"), [float(row.targets[-1].target) for row in targeted]),
            ],
        )
    if figures.outcomes:
        charts["outcomes"] = bar_chart(
            title=_("Change from before to after, per scale"),
            categories=[str(row.change.label) for row in figures.outcomes],
            series=[Series(_("Mean change"), [row.change.mean_change for row in figures.outcomes])],
        )
    return charts


def report_context(*, organisation: Organisation, report: FunderReport) -> dict[str, Any]:
    figures = report_figures(organisation=organisation, report=report)
    return {
        "organisation": organisation,
        "report": report,
        "figures": figures,
        "charts": report_charts(figures),
    }


def report_pdf(*, organisation: Organisation, report: FunderReport) -> tuple[bytes, int]:
    """The report as a tagged PDF in the organisation's language, with today's figures."""
    with translation.override(organisation.language), timezone.override(organisation.time_zone):
        html = render_to_string(
            TEMPLATE,
            {
                **report_context(organisation=organisation, report=report),
                "stylesheet_url": static_file_url(STYLESHEET),
                "language_code": organisation.language,
                "generated_on": organisation_today(organisation),
            },
        )
    return render_pdf(html, base_url=static_file_url(STYLESHEET), fetcher=SafeURLFetcher())


def _cell(cell: Any) -> Any:
    return "" if cell is None else cell.export


def report_dataset(*, organisation: Organisation, report: FunderReport) -> tablib.Dataset:
    """One row per figure: section, measure, value, n, target. A hidden cell holds the words
    the small-cell rule gives it, never its number."""
    figures = report_figures(organisation=organisation, report=report)
    dataset = tablib.Dataset(
        headers=[_("Section"), _("Measure"), _("Value"), _("Number of people"), _("Target")],
        title=pgettext("funder report", "Report"),
    )
    for row in figures.outputs:
        dataset.append(
            [
                _("Output"),
                row.label + (" (%)" if row.unit == "percent" else ""),
                _cell(row.value),
                _cell(row.n),
                "; ".join(row.target_labels),
            ]
        )
    for outcome in figures.outcomes:
        change = outcome.change
        dataset.append(
            [
                pgettext("funder report", "Outcome"),
                _("%(scale)s: mean change") % {"scale": change.label},
                _cell(change.mean_change),
                _cell(change.n_paired),
                "; ".join(outcome.target_labels),
            ]
        )
        dataset.append(
            [
                pgettext("funder report", "Outcome"),
                _("%(scale)s: effect size") % {"scale": change.label},
                _cell(change.effect_size),
                _cell(change.n_paired),
                "",
            ]
        )
    neutral = tablib.Dataset(headers=[cell_neutralise(h) for h in dataset.headers or []])
    neutral.title = dataset.title
    for values in dataset:
        neutral.append([cell_neutralise(value) for value in values])
    return neutral


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    filename: str


@transaction.atomic
def funder_report_export(
    *, organisation: Organisation, report: FunderReport, fmt: str, actor: Any
) -> ReportFile:
    """The report's figures as CSV or XLSX; the export is written to the audit trail."""
    if fmt not in EXPORT_FORMATS:
        raise ApplicationError(_("Choose CSV or XLSX."))
    content = dataset_bytes(report_dataset(organisation=organisation, report=report), fmt)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="report.exported",
        target=report,
        details={"format": fmt},
    )
    return ReportFile(
        content=content,
        content_type=EXPORT_FORMATS[fmt],
        filename=f"report-{report.pk}-{report.period_start}-{report.period_end}.{fmt}",
    )


def cell_json(cell: Any) -> dict[str, Any] | None:
    """A figure for the API: a hidden one has no value, only the text the exports give it
    ("<5")."""
    if cell is None:
        return None
    return {
        "value": cell.value if cell.shown else None,
        "suppressed": cell.suppressed,
        "text": cell.export,
    }


def report_json(*, organisation: Organisation, report: FunderReport) -> dict[str, Any]:
    """The report's figures for the API: a hidden cell is `{"value": null, "suppressed": true}`
    with the text the pages show."""
    figures = report_figures(organisation=organisation, report=report)
    cell = cell_json

    def targets(indicators: list[Indicator]) -> list[dict[str, Any]]:
        return [
            {
                "indicator": i.pk,
                "objective": i.objective_id,  # type: ignore[attr-defined]
                "direction": i.direction,
                "target": float(i.target),
                "period_start": i.period_start,
                "period_end": i.period_end,
            }
            for i in indicators
        ]

    return {
        "threshold": figures.threshold,
        "outputs": [
            {
                "metric": row.key,
                "label": row.label,
                "unit": row.unit,
                "value": cell(row.value),
                "n": cell(row.n),
                "targets": targets(row.targets),
            }
            for row in figures.outputs
        ],
        "outcomes": [
            {
                "scale": row.change.key,
                "label": str(row.change.label),
                "n_paired": cell(row.change.n_paired),
                "mean_pre": cell(row.change.mean_pre),
                "mean_post": cell(row.change.mean_post),
                "mean_change": cell(row.change.mean_change),
                "effect_size": cell(row.change.effect_size),
                "n_unpaired_pre": cell(row.change.n_unpaired_pre),
                "n_unpaired_post": cell(row.change.n_unpaired_post),
                "targets": targets(row.targets),
            }
            for row in figures.outcomes
        ],
    }
