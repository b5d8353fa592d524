"""The training app's panel on an organisation's home page: coordinators and admins see the
refreshers overdue or due in the next 30 days, each linked to the person's training."""

from typing import Any

from django.template.loader import render_to_string

from cocora.core.dates import organisation_today
from cocora.organisations.home_registry import register
from cocora.organisations.permissions import can

from .selectors import refreshers_due

# The panel names the first few; the training page lists them all.
SHOWN = 8


@register
def refreshers(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """One query whatever the number of people and records."""
    if not can(membership, "training.manage"):
        return None
    rows = refreshers_due(organisation=organisation, today=organisation_today(organisation))
    context = {"organisation": organisation, "rows": rows[:SHOWN], "more": len(rows) - SHOWN}
    return render_to_string("training/_home_panel.html", context, request=request)
