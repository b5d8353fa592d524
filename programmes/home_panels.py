"""The programmes app's panels on an organisation's home page: what needs each role today
(sessions, logs to write, consent gaps, absence flags), the charts of attendance and of the
enrolment funnel, and the admin's figures and handbook exports."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.core.suppression import threshold_for
from cocora.organisations.home_registry import CHARTS, HOUSEKEEPING, TODAY, chart_panel, register
from cocora.organisations.models import Role

from .charts import attendance_charts, funnel_chart
from .selectors import dashboard
from .views.calendar import my_sessions_context

# Lists on the home page show this many items, then a link to the full list.
SHOWN = 5


def _render(template: str, request: Any, organisation: Any, **context: Any) -> str:
    context["organisation"] = organisation
    context["shown"] = SHOWN
    return render_to_string(template, context, request=request)


def _more(items: list[Any]) -> int:
    """How many items a list cut to SHOWN leaves out."""
    return max(0, len(items) - SHOWN)


@register(order=TODAY)
def todays_sessions(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Trainers land on today's and this week's sessions."""
    if membership.role != Role.TRAINER:
        return None
    context = my_sessions_context(organisation=organisation, user=request.user)
    context["organisation"] = organisation
    return render_to_string("programmes/calendar/_home_panel.html", context, request=request)


@register(order=TODAY)
def trainer_follow_up(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """A trainer's loose ends in their own cohorts: session logs still to write and people who
    missed the last sessions in a row."""
    if membership.role != Role.TRAINER:
        return None
    logs = dashboard.logs_to_write(
        organisation=organisation, membership=membership, now=timezone.now()
    )
    return _render(
        "programmes/home/_trainer_follow_up.html",
        request,
        organisation,
        logs=logs,
        logs_more=_more(logs),
        absences=dashboard.absence_flags(
            organisation=organisation, membership=membership, today=timezone.localdate()
        ),
    )


@register(order=TODAY)
def coordinator_today(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """A coordinator's day: the next seven days' sessions, people whose consent to take part is
    incomplete, and people who missed the last sessions in a row."""
    if membership.role != Role.COORDINATOR:
        return None
    today = timezone.localdate()
    sessions = dashboard.sessions_next_days(
        organisation=organisation, membership=membership, now=timezone.now()
    )
    return _render(
        "programmes/home/_coordinator_today.html",
        request,
        organisation,
        sessions=sessions,
        sessions_more=_more(sessions),
        days=dashboard.UPCOMING_DAYS,
        consent_gaps=dashboard.consent_gaps(organisation=organisation, today=today),
        absences=dashboard.absence_flags(
            organisation=organisation, membership=membership, today=today
        ),
    )


@register(order=TODAY)
def organisation_figures(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """The admin's figures of the organisation, small groups suppressed."""
    if membership.role != Role.ADMIN:
        return None
    return _render(
        "programmes/home/_organisation_figures.html",
        request,
        organisation,
        figures=dashboard.organisation_figures(
            organisation=organisation, today=timezone.localdate()
        ),
    )


@register(order=CHARTS)
def attendance_over_time(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Attendance per session in each running cohort, as small multiples: coordinators."""
    if membership.role != Role.COORDINATOR:
        return None
    series = dashboard.attendance_over_time(
        organisation=organisation,
        membership=membership,
        today=timezone.localdate(),
        threshold=threshold_for(organisation),
    )
    return chart_panel(
        request=request,
        key="attendance-charts",
        title=_("Attendance over time"),
        charts=attendance_charts(series),
        empty=_(
            "Attendance shows here once a running cohort has held sessions with attendance marked."
        ),
    )


@register(order=CHARTS)
def enrolment_funnel(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """How far enrolments got in each programme: coordinators and admins."""
    if membership.role not in (Role.COORDINATOR, Role.ADMIN):
        return None
    funnels = dashboard.enrolment_funnel(organisation=organisation)
    return chart_panel(
        request=request,
        key="funnel",
        title=_("From application to completion"),
        charts=[funnel_chart(funnels)] if funnels else [],
        empty=_("The funnel shows here once people apply to a cohort."),
    )


@register(order=HOUSEKEEPING)
def handbook_exports(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """The latest handbook exports, failed ones marked: admins."""
    if membership.role != Role.ADMIN:
        return None
    return _render(
        "programmes/home/_handbook_exports.html",
        request,
        organisation,
        exports=dashboard.handbook_exports_recent(organisation=organisation),
    )
