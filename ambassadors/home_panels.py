"""The ambassadors app's panels on an organisation's home page: an ambassador's own tasks; for
coordinators, the ambassadors owed a check-in or a debrief, what waits for an answer, and the
peers reached per month."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cocora.core.charts import Series, bar_chart
from cocora.organisations.home_registry import CHARTS, TODAY, chart_panel, register
from cocora.organisations.models import Role
from cocora.organisations.permissions import can

from .selectors.ambassadors import ambassador_for_user, ambassadors_owed_care
from .selectors.dashboard import proposals_waiting, reach_by_month
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


@register(order=TODAY)
def ambassador_care(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Coordinators: ambassadors owed a check-in or a debrief after a difficult moment, and
    the tasks and insights ambassadors proposed that wait for an answer."""
    if membership.role != Role.COORDINATOR:
        return None
    context = {
        "organisation": organisation,
        "care": ambassadors_owed_care(organisation=organisation, today=timezone.localdate()),
        "proposals": proposals_waiting(organisation=organisation),
    }
    return render_to_string("ambassadors/_home_care.html", context, request=request)


@register(order=CHARTS)
def ambassador_reach(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Coordinators and admins: peers reached by ambassadors per month, small figures
    suppressed."""
    if membership.role not in (Role.COORDINATOR, Role.ADMIN):
        return None
    months = reach_by_month(organisation=organisation, today=timezone.localdate())
    chart = bar_chart(
        title=_("Peers reached by ambassadors per month"),
        categories=[date_format(month, "YEAR_MONTH_FORMAT") for month, _cell in months],
        series=[Series(_("Peers reached"), [cell for _month, cell in months])],
    )
    return chart_panel(
        request=request,
        key="reach",
        title=_("Ambassadors' reach"),
        charts=[chart] if any(cell.suppressed or cell.value for _month, cell in months) else [],
        empty=_("Peers reached show here once ambassadors report finished tasks."),
    )
