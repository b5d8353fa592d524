"""The warning on a cohort's page and on the form where its trainers are assigned: trainers
(or candidates) who lack a training required of the trainers of the cohort's programme kind,
never completed or lapsed. Assigning them is not refused: the coordinator decides, knowingly.

Shown to those who manage training only (a trainer does not read colleagues' training). Costs
one query when no course is required, three otherwise (the courses; the trainers; their latest
completions), however many trainers and records, each compiled once per process. It renders
without the request: it has links and no form, so the context processors need not run a second
time.
"""

from typing import Any

from django.template.loader import render_to_string

from cocora.core.dates import organisation_today
from cocora.organisations.permissions import can
from programmes.panels import register_cohort_panel

from .selectors import cohort_training_gaps


@register_cohort_panel
def trainers_lacking_training(
    *, request: Any, organisation: Any, membership: Any, cohort: Any, editing: bool
) -> str | None:
    if not can(membership, "training.manage"):
        return None
    gaps = cohort_training_gaps(
        organisation=organisation,
        cohort=cohort,
        editing=editing,
        programme_kind=cohort.programme.kind,
        today=organisation_today(organisation),
    )
    if not gaps:
        return None
    return render_to_string(
        "training/_cohort_panel.html",
        {
            "organisation": organisation,
            "gaps": gaps,
            "editing": editing,
            "programme_kind": cohort.programme.get_kind_display(),
        },
    )
