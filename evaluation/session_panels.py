"""The evaluation's panel on a session page: the cohort's open questionnaire rounds, so that a
trainer can hand their phone round in the session (see programmes/panels.py)."""

from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string

from cocora.core.compiled import Param, compiled_read
from cocora.organisations.permissions import can
from programmes.panels import register_session_panel

from .models import Wave


@compiled_read
def _open_waves() -> QuerySet[Wave]:
    return (
        Wave.objects.for_org(Param("organisation"))
        .filter(cohort_id=Param("cohort"), closed_at__isnull=True)
        .order_by("opened_at", "pk")
    )


def open_rounds_panel(
    *, request: Any, organisation: Any, membership: Any, session: Any
) -> str | None:
    if not can(membership, "evaluation.administer"):
        return None
    # One query: the session page already checked that this member may see the cohort.
    waves = _open_waves(organisation=organisation.pk, cohort=session.cohort_id)
    if not waves:
        return None
    # Links only, no form: rendered without the request, so the page's context processors do
    # not run a second time.
    return render_to_string(
        "evaluation/_session_panel.html", {"waves": waves, "organisation": organisation}
    )


register_session_panel(open_rounds_panel)
