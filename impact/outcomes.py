"""The outcome side of impact: instrument scales and their paired pre/post change, read from
the evaluation app. This module is the one place that knows about it."""

from datetime import date
from typing import Any

from cocora.organisations.models import Organisation
from evaluation.selectors import scale_changes as evaluation_scale_changes
from evaluation.selectors import scale_choices as evaluation_scale_choices
from programmes.models import Programme


def scale_choices() -> list[tuple[str, Any]]:
    """The built-in scales an outcome indicator can measure."""
    return list(evaluation_scale_choices())


def scale_changes(
    *, organisation: Organisation, programme: Programme, start: date, end: date
) -> list[Any]:
    """The paired change per scale for the programme's cohorts whose end round opened in the
    period (the evaluation app's ScaleChange rows, each figure already a Cell; targets and
    reports read scales, so the rows come without their items' figures)."""
    return list(
        evaluation_scale_changes(
            organisation=organisation, programme=programme, start=start, end=end, items=False
        )
    )
