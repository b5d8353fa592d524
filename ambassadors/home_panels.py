"""The ambassadors app's panel on an organisation's home page."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.home_registry import register
from cocora.organisations.permissions import can

from .selectors.ambassadors import ambassador_for_user
from .selectors.tasks import ambassador_home


@register
def my_tasks(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Ambassadors land on their own tasks."""
    if not can(membership, "ambassador_home.view"):
        return None
    ambassador = ambassador_for_user(organisation=organisation, user=request.user)
    if ambassador is None:
        return None
    context = {
        "organisation": organisation,
        "home": ambassador_home(organisation=organisation, ambassador=ambassador),
    }
    return render_to_string("ambassadors/_home_panel.html", context, request=request)
