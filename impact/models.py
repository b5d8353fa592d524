"""Objectives and indicators of a programme, and funder reports.

An indicator is either an output, computed from what the platform records (impact/metrics.py),
or an outcome, measured with an instrument's scale (the evaluation app's paired pre/post
change). Each carries a target for a period; progress is computed when asked, never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cocora.core.text import TextLimit, validate_name
from cocora.organisations.models import OrgScopedModel
from programmes.models import Programme


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Output (counted from the records)")
    OUTCOME = "outcome", _("Outcome (measured with a questionnaire)")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class Objective(OrgScopedModel):
    """What a programme sets out to achieve in a period, judged by its indicators."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    description = models.TextField(_("description"), blank=True, max_length=TextLimit.SHORT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ("title", "pk")
        indexes = [models.Index(fields=["organisation", "programme"])]

    def __str__(self) -> str:
        return self.title


class Indicator(OrgScopedModel):
    """One measure of an objective with a target for a period: an output metric computed from
    the records, or the mean change on an instrument's scale (an outcome)."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("objective")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    # Output: a key of impact.metrics.METRICS. Outcome: a scale key of the evaluation app.
    metric = models.CharField(_("what is counted"), max_length=40, blank=True)
    scale = models.CharField(_("questionnaire scale"), max_length=60, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    period_start = models.DateField(_("period starts on"))
    period_end = models.DateField(_("period ends on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ("period_start", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="indicator_period_ends_after"
            ),
            # The services also blank the other field; the database insists on the one used.
            models.CheckConstraint(
                condition=(Q(kind="output") & ~Q(metric="")) | (Q(kind="outcome") & ~Q(scale="")),
                name="indicator_measures_something",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "objective"])]

    def __str__(self) -> str:
        return f"{self.objective} · {self.metric or self.scale}"


class ReportPdfStatus(models.TextChoices):
    NONE = "none", _("Not asked for")
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def report_pdf_path(instance: "FunderReport", filename: str) -> str:
    # Kept in the private document storage: never under a public address.
    return f"impact-reports/{instance.organisation_id}/{filename}"  # type: ignore[attr-defined]


def _private_document_storage():  # type: ignore[no-untyped-def]
    from cocora.documents.storage import private_document_storage

    return private_document_storage


class FunderReport(OrgScopedModel):
    """A report to a funder on one programme for a period: outputs against targets, outcomes
    with their n, and a narrative. Figures are computed when shown or exported, each through
    the small-cell rule; the PDF is rendered by a worker and kept until the report changes."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    period_start = models.DateField(_("period starts on"))
    period_end = models.DateField(_("period ends on"))
    narrative_md = models.TextField(_("narrative"), blank=True, max_length=TextLimit.LONG)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    pdf_status = models.CharField(
        _("PDF"), max_length=10, choices=ReportPdfStatus.choices, default=ReportPdfStatus.NONE
    )
    pdf_file = models.FileField(
        _("PDF file"), upload_to=report_pdf_path, storage=_private_document_storage, blank=True
    )
    pdf_pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    pdf_requested_at = models.DateTimeField(null=True, blank=True)
    pdf_error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("funder report")
        verbose_name_plural = _("funder reports")
        ordering = ("-period_end", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")),
                name="funder_report_period_ends_after",
            )
        ]
        indexes = [models.Index(fields=["organisation", "programme"])]

    def __str__(self) -> str:
        return self.title
