"""The evaluation's panel on a session page: the cohort's open questionnaire rounds, so that a
trainer can hand their phone round in the session (see programmes/panels.py)."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.permissions import can
from programmes.panels import register_session_panel

from .models import Wave


def open_rounds_panel(
    *, request: Any, organisation: Any, membership: Any, session: Any
) -> str | None:
    if not can(membership, "evaluation.administer"):
        return None
    # One query: the session page already checked that this member may see the cohort.
    waves = list(
        Wave.objects.for_org(organisation)
        .filter(cohort_id=session.cohort_id, closed_at__isnull=True)
        .order_by("opened_at", "pk")
    )
    if not waves:
        return None
    # Links only, no form: rendered without the request, so the page's context processors do
    # not run a second time.
    return render_to_string(
        "evaluation/_session_panel.html", {"waves": waves, "organisation": organisation}
    )


register_session_panel(open_rounds_panel)
