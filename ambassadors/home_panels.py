"""The ambassadors app's panel on an organisation's home page."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.home_registry import register
from cocora.organisations.permissions import can

from .selectors.ambassadors import ambassador_for_user
from .selectors.tasks import ambassador_home


@register
def my_tasks(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Ambassadors land on their own tasks. The panel is also where an ambassador without tasks
    (or not yet linked to an ambassador record) is told that tasks come from the coordinator, so
    that the home page says it once and never under a list of tasks."""
    if not can(membership, "ambassador_home.view"):
        return None
    ambassador = ambassador_for_user(organisation=organisation, user=request.user)
    context = {
        "organisation": organisation,
        "home": ambassador and ambassador_home(organisation=organisation, ambassador=ambassador),
    }
    return render_to_string("ambassadors/_home_panel.html", context, request=request)
