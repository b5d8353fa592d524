"""The outcome side of impact: instrument scales and their paired pre/post change, read from
the evaluation app. This module is the one place that knows about it."""

from datetime import date
from typing import Any

from django.apps import apps

from cocora.organisations.models import Organisation
from programmes.models import Programme


def scale_choices() -> list[tuple[str, Any]]:
    """The built-in scales an outcome indicator can measure (none without the evaluation
    app: outcome indicators then cannot be set)."""
    if not apps.is_installed("evaluation"):
        return []
    from evaluation.selectors import scale_choices as evaluation_scale_choices

    return list(evaluation_scale_choices())


def scale_changes(
    *, organisation: Organisation, programme: Programme, start: date, end: date
) -> list[Any]:
    """The paired change per scale for the programme's responses in the period (the
    evaluation app's ScaleChange rows, each figure already a Cell); none without the app,
    which the pages show as "no data yet"."""
    if not apps.is_installed("evaluation"):
        return []
    from evaluation.selectors import scale_changes as evaluation_scale_changes

    return list(
        evaluation_scale_changes(
            organisation=organisation, programme=programme, start=start, end=end
        )
    )
