"""The impact app's panel on an organisation's home page: coordinators and admins see the
targets that are behind, with a link to each programme's impact page. Nothing when none is."""

from typing import Any

from django.template.loader import render_to_string

from cocora.core.dates import organisation_today
from cocora.organisations.home_registry import register
from cocora.organisations.permissions import can

from .selectors import targets_behind


@register
def behind(*, request: Any, organisation: Any, membership: Any) -> str | None:
    if not can(membership, "impact.manage"):
        return None
    rows = targets_behind(organisation=organisation, today=organisation_today(organisation))
    if not rows:
        return None
    return render_to_string(
        "impact/_home_panel.html", {"organisation": organisation, "rows": rows}, request=request
    )
