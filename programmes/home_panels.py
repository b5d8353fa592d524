"""The programmes app's panels on an organisation's home page."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.home_registry import register
from cocora.organisations.models import Role

from .views.calendar import my_sessions_context


@register
def todays_sessions(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Trainers land on today's and this week's sessions."""
    if membership.role != Role.TRAINER:
        return None
    context = my_sessions_context(organisation=organisation, user=request.user)
    context["organisation"] = organisation
    return render_to_string("programmes/calendar/_home_panel.html", context, request=request)
