"""The data-protection panel on an admin's home page: records past their retention period,
and when the last retention run was."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.home_registry import HOUSEKEEPING, register
from cocora.organisations.models import Role

from .selectors import retention_last_run
from .services import retention_preview


@register(order=HOUSEKEEPING)
def retention_due(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Admins: how many records the next retention run would anonymise or delete (a few
    queries per app, whatever the number of records)."""
    if membership.role != Role.ADMIN:
        return None
    context = {
        "organisation": organisation,
        "due": sum(retention_preview(organisation=organisation).values()),
        "last_run": retention_last_run(organisation=organisation),
    }
    return render_to_string("privacy/_home_panel.html", context, request=request)
