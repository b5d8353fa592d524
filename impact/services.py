"""Writes of the impact app: objectives, indicators and funder reports, their exports and the
report's PDF (rendered by a worker after commit)."""

import logging
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_dates
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation
from programmes.models import Programme

from .metrics import METRICS
from .models import Direction, FunderReport, Indicator, IndicatorKind, Objective, ReportPdfStatus
from .outcomes import scale_choices

logger = logging.getLogger(__name__)

# The largest change a target can name on a questionnaire scale (the widest built-in scale
# runs from 1 to 7): a target beyond it is a typo, not an ambition.
OUTCOME_TARGET_LIMIT = Decimal(10)
COUNT_TARGET_LIMIT = Decimal(1_000_000)


def _same_organisation(organisation: Organisation, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation.pk:
            raise ApplicationError(_("This belongs to another organisation."))


def _check_period(start: Any, end: Any) -> None:
    if not isinstance(start, date):
        raise ApplicationError(_("Give the day the period starts."), field="period_start")
    if not isinstance(end, date):
        raise ApplicationError(_("Give the day the period ends."), field="period_end")
    check_plausible_dates(period_start=start, period_end=end)
    if end <= start:
        raise ApplicationError(
            _("The period must end after the day it starts."), field="period_end"
        )


def _title(value: Any, message: str) -> str:
    title = str(value or "").strip()
    if not title:
        raise ApplicationError(message, field="title")
    return title


# -- objectives ------------------------------------------------------------------------------


@transaction.atomic
def objective_create(
    *,
    organisation: Organisation,
    programme: Programme,
    title: str,
    description: str = "",
    actor: Any = None,
) -> Objective:
    _same_organisation(organisation, programme)
    objective = Objective.objects.create(
        organisation=organisation,
        programme=programme,
        title=_title(title, _("Give the objective a title.")),
        description=(description or "").strip(),
    )
    audit_record(
        organisation=organisation, actor=actor, action="objective.created", target=objective
    )
    return objective


@transaction.atomic
def objective_update(
    *,
    organisation: Organisation,
    objective: Objective,
    actor: Any = None,
    **fields: Any,
) -> Objective:
    _same_organisation(organisation, objective)
    unknown = set(fields) - {"title", "description"}
    if unknown:
        raise TypeError(f"Unknown objective fields: {sorted(unknown)}")
    if "title" in fields:
        objective.title = _title(fields["title"], _("Give the objective a title."))
    if "description" in fields:
        objective.description = (fields["description"] or "").strip()
    objective.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="objective.changed",
        target=objective,
        details={"fields": sorted(fields)},
    )
    return objective


@transaction.atomic
def objective_delete(
    *, organisation: Organisation, objective: Objective, actor: Any = None
) -> None:
    """Deletes the objective and its indicators."""
    _same_organisation(organisation, objective)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="objective.deleted",
        target=objective,
        details={"title": objective.title, "programme_id": objective.programme_id},  # type: ignore[attr-defined]
    )
    objective.delete()


# -- indicators ------------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "kind",
    "metric",
    "scale",
    "baseline",
    "target",
    "direction",
    "period_start",
    "period_end",
)


def _number(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Give a number."), field=field) from None
    if not number.is_finite():
        raise ApplicationError(_("Give a number."), field=field)
    return number


def _check_value(value: Decimal | None, *, kind: str, metric: str, field: str) -> None:
    """A target or baseline the metric can take: a rate 0 to 100 %, a count a whole number of 0
    or more, a change on a scale between -10 and 10 points."""
    if value is None:
        return
    if kind == IndicatorKind.OUTCOME:
        if abs(value) > OUTCOME_TARGET_LIMIT:
            raise ApplicationError(
                _("A change on a questionnaire scale lies between %(low)s and %(high)s points.")
                % {"low": -OUTCOME_TARGET_LIMIT, "high": OUTCOME_TARGET_LIMIT},
                field=field,
            )
        return
    if METRICS[metric].unit == "percent":
        if not Decimal(0) <= value <= Decimal(100):
            raise ApplicationError(_("A rate lies between 0 and 100 %."), field=field)
        return
    if value < 0 or value != value.to_integral_value() or value > COUNT_TARGET_LIMIT:
        raise ApplicationError(
            _("A count is a whole number of 0 or more (up to %(limit)s).")
            % {"limit": COUNT_TARGET_LIMIT},
            field=field,
        )


def _check_indicator(values: dict[str, Any]) -> dict[str, Any]:
    """The indicator's fields as they will be stored, or an ApplicationError on the first field
    that is wrong."""
    kind = values.get("kind")
    if kind not in IndicatorKind.values:
        raise ApplicationError(_("Choose output or outcome."), field="kind")
    if kind == IndicatorKind.OUTPUT:
        if values.get("metric") not in METRICS:
            raise ApplicationError(_("Choose what is counted."), field="metric")
        values["scale"] = ""
    else:
        scales = {key for key, _label in scale_choices()}
        if not scales:
            raise ApplicationError(
                _("No questionnaire scales are available yet: set an output indicator."),
                field="scale",
            )
        if values.get("scale") not in scales:
            raise ApplicationError(_("Choose one of the questionnaire scales."), field="scale")
        values["metric"] = ""
    if values.get("direction") not in Direction.values:
        raise ApplicationError(_("Choose at least or at most."), field="direction")
    values["target"] = _number(values.get("target"), "target")
    if values["target"] is None:
        raise ApplicationError(_("Give the target."), field="target")
    values["baseline"] = _number(values.get("baseline"), "baseline")
    for name in ("baseline", "target"):
        _check_value(values[name], kind=kind, metric=values["metric"], field=name)
    _check_period(values.get("period_start"), values.get("period_end"))
    return values


@transaction.atomic
def indicator_create(
    *, organisation: Organisation, objective: Objective, actor: Any = None, **fields: Any
) -> Indicator:
    _same_organisation(organisation, objective)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"Unknown indicator fields: {sorted(unknown)}")
    values = _check_indicator({"direction": Direction.AT_LEAST, **fields})
    indicator = Indicator.objects.create(organisation=organisation, objective=objective, **values)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="indicator.created",
        target=indicator,
        details={"objective_id": objective.pk, "measures": indicator.metric or indicator.scale},
    )
    return indicator


@transaction.atomic
def indicator_update(
    *, organisation: Organisation, indicator: Indicator, actor: Any = None, **fields: Any
) -> Indicator:
    """Changes the fields given; the whole indicator is checked again as it will be."""
    _same_organisation(organisation, indicator)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"Unknown indicator fields: {sorted(unknown)}")
    current = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
    values = _check_indicator({**current, **fields})
    for name, value in values.items():
        setattr(indicator, name, value)
    indicator.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="indicator.changed",
        target=indicator,
        details={"fields": sorted(fields)},
    )
    return indicator


@transaction.atomic
def indicator_delete(
    *, organisation: Organisation, indicator: Indicator, actor: Any = None
) -> None:
    _same_organisation(organisation, indicator)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="indicator.deleted",
        target=indicator,
        details={"objective_id": indicator.objective_id},  # type: ignore[attr-defined]
    )
    indicator.delete()


# -- funder reports --------------------------------------------------------------------------

REPORT_FIELDS = ("title", "period_start", "period_end", "narrative_md")


def _check_report(values: dict[str, Any]) -> dict[str, Any]:
    values["title"] = _title(values.get("title"), _("Give the report a title."))
    values["narrative_md"] = (values.get("narrative_md") or "").strip()
    _check_period(values.get("period_start"), values.get("period_end"))
    return values


def _forget_pdf(report: FunderReport) -> None:
    if report.pdf_file:
        report.pdf_file.delete(save=False)
    report.pdf_file = None  # type: ignore[assignment]
    report.pdf_status = ReportPdfStatus.NONE
    report.pdf_pages = None
    report.pdf_error = ""


@transaction.atomic
def funder_report_create(
    *, organisation: Organisation, programme: Programme, actor: Any = None, **fields: Any
) -> FunderReport:
    _same_organisation(organisation, programme)
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown report fields: {sorted(unknown)}")
    report = FunderReport.objects.create(
        organisation=organisation,
        programme=programme,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **_check_report(dict(fields)),
    )
    audit_record(organisation=organisation, actor=actor, action="report.created", target=report)
    return report


@transaction.atomic
def funder_report_update(
    *, organisation: Organisation, report: FunderReport, actor: Any = None, **fields: Any
) -> FunderReport:
    """Changes the fields given. A PDF made before no longer says what the report says: it is
    removed, to be asked for again."""
    _same_organisation(organisation, report)
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown report fields: {sorted(unknown)}")
    values = _check_report({**{n: getattr(report, n) for n in REPORT_FIELDS}, **fields})
    for name, value in values.items():
        setattr(report, name, value)
    _forget_pdf(report)
    report.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="report.changed",
        target=report,
        details={"fields": sorted(fields)},
    )
    return report


@transaction.atomic
def funder_report_delete(
    *, organisation: Organisation, report: FunderReport, actor: Any = None
) -> None:
    _same_organisation(organisation, report)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="report.deleted",
        target=report,
        details={"title": report.title, "programme_id": report.programme_id},  # type: ignore[attr-defined]
    )
    if report.pdf_file:
        report.pdf_file.delete(save=False)
    report.delete()


@transaction.atomic
def funder_report_pdf_request(
    *, organisation: Organisation, report: FunderReport, actor: Any = None
) -> FunderReport:
    """Queues the report's PDF with today's figures; a worker renders it after commit. A PDF
    already on its way is not asked for twice."""
    _same_organisation(organisation, report)
    report = FunderReport.objects.for_org(organisation).select_for_update().get(pk=report.pk)
    if report.pdf_status in (ReportPdfStatus.QUEUED, ReportPdfStatus.RENDERING):
        return report
    _forget_pdf(report)
    report.pdf_status = ReportPdfStatus.QUEUED
    report.pdf_requested_at = timezone.now()
    report.save()
    audit_record(
        organisation=organisation, actor=actor, action="report.pdf_requested", target=report
    )
    from .tasks import funder_report_render

    organisation_id, report_id = organisation.pk, report.pk
    transaction.on_commit(lambda: funder_report_render.delay(organisation_id, report_id))
    return report


def funder_report_pdf_open(*, organisation: Organisation, report: FunderReport, actor: Any) -> Any:
    """Opens the report's finished PDF for download (the caller closes it) and writes the
    download to the audit trail; refuses ("not_ready") while there is none."""
    _same_organisation(organisation, report)
    if report.pdf_status != ReportPdfStatus.DONE or not report.pdf_file:
        raise ApplicationError(_("The PDF is not ready yet."), code="not_ready")
    handle = report.pdf_file.open("rb")
    audit_record(organisation=organisation, actor=actor, action="report.downloaded", target=report)
    return handle


def funder_report_pdf_render(*, organisation: Organisation, report_id: int) -> FunderReport | None:
    """Renders a queued report's PDF through the handbook renderer, or marks it failed with a
    readable error. Runs in the worker; a report being rendered by another worker is left."""
    from .documents import report_pdf

    report = (
        FunderReport.objects.for_org(organisation)
        .select_for_update(skip_locked=True)
        .select_related("programme")
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.pdf_status != ReportPdfStatus.QUEUED:
        return report
    try:
        with transaction.atomic():
            pdf, pages = report_pdf(organisation=organisation, report=report)
            name = f"{slugify(report.title)[:60] or 'report'}-{report.pk}.pdf"
            report.pdf_file.save(name, ContentFile(pdf), save=False)
            report.pdf_pages = pages
            report.pdf_status = ReportPdfStatus.DONE
            report.pdf_error = ""
            report.save()
    except Exception as error:
        logger.exception("Funder report %s could not be rendered", report.pk)
        report.pdf_status = ReportPdfStatus.FAILED
        report.pdf_error = _(
            "The PDF could not be made (%(reason)s). Try again; if it fails again, please tell "
            "your administrator."
        ) % {"reason": type(error).__name__}
        report.save()
    return report
