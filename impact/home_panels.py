"""The impact app's panel on an organisation's home page: coordinators and admins see the
targets that are behind, each linked to its programme's impact page, and the way to every
programme's outcomes and targets (where the outcome chart is)."""

from typing import Any

from django.template.loader import render_to_string

from cocora.core.dates import organisation_today
from cocora.organisations.home_registry import register
from cocora.organisations.permissions import can
from programmes.selectors.curriculum import programmes_of

from .selectors import targets_behind


@register
def behind(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """A fixed number of queries whatever the number of people and responses."""
    if not can(membership, "impact.manage"):
        return None
    context = {
        "organisation": organisation,
        "rows": targets_behind(organisation=organisation, today=organisation_today(organisation)),
        "programmes": programmes_of(organisation=organisation),
    }
    return render_to_string("impact/_home_panel.html", context, request=request)
