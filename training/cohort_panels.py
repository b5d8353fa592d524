"""The warning on a cohort's page and on the form where its trainers are assigned: trainers
(or candidates) who lack a training required of the trainers of the cohort's programme kind,
never completed or lapsed. Assigning them is not refused: the coordinator decides, knowingly.

Shown to those who manage training only (a trainer does not read colleagues' training). Costs
one query when no course is required, two otherwise (the courses; the trainers with their latest
completions), however many trainers and records. It renders without the request: it has links
and no form, so the context processors need not run a second time.
"""

from typing import Any

from django.template.loader import render_to_string

from cocora.core.dates import organisation_today
from cocora.organisations.permissions import can
from programmes.panels import register_cohort_panel

from .selectors import (
    cohort_trainer_memberships,
    required_courses,
    trainer_candidates,
    training_gaps,
)


@register_cohort_panel
def trainers_lacking_training(
    *, request: Any, organisation: Any, membership: Any, cohort: Any, editing: bool
) -> str | None:
    if not can(membership, "training.manage"):
        return None
    kind = cohort.programme.kind
    courses = required_courses(organisation=organisation, programme_kind=kind)
    if not courses:
        return None
    people = (
        trainer_candidates(organisation=organisation, cohort=cohort)
        if editing
        else cohort_trainer_memberships(organisation=organisation, cohort=cohort)
    )
    gaps = training_gaps(
        organisation=organisation,
        programme_kind=kind,
        memberships=people,
        today=organisation_today(organisation),
        courses=courses,
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
