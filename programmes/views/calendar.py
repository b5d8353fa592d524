"""A person's own sessions: the "My sessions" page, the calendar feed settings and the feed;
and the calendar of every session the member may see, by week or month."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView, OrgViewMixin

from ..forms import CalendarForm
from ..models import Session, SessionStatus
from ..selectors.calendar import (
    MONTH,
    WEEK,
    calendar_days,
    calendar_sessions,
    calendar_span,
    calendar_trainers,
)
from ..selectors.cohorts import cohort_list
from ..selectors.sessions import sessions_for_user
from ..services.calendar import (
    calendar_feed_build,
    calendar_token_ensure,
    calendar_token_reset,
    calendar_user_for_token,
)


def _session_url(*, org_slug: str, session: Session) -> str | None:
    # The session page is another area's; until it exists the list simply shows no link.
    try:
        return reverse("session_detail", kwargs={"org_slug": org_slug, "session_id": session.pk})
    except NoReverseMatch:
        return None


class MySessionsView(OrgTemplateView):
    """Today's sessions and the rest of this week (Monday to Sunday in the organisation's time
    zone) of the cohorts the person trains or coordinates. Cancelled sessions stay in the list,
    struck through and labelled, so that nobody wonders where a session went."""

    permission = "sessions.view"
    template_name = "programmes/calendar/my_sessions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(my_sessions_context(organisation=self.organisation, user=self.request.user))
        return context


def my_sessions_context(*, organisation: Any, user: Any) -> dict[str, Any]:
    """Today's sessions and the rest of the week, for the page and the trainer's home panel."""
    tz = ZoneInfo(organisation.time_zone)
    today = timezone.localdate(timezone=tz)
    next_monday = today + timedelta(days=7 - today.weekday())
    # One query whatever the number of sessions (cohort, programme and module joined).
    sessions = sessions_for_user(
        organisation=organisation,
        user=user,
        starts_after=datetime.combine(today, time.min, tzinfo=tz),
        starts_before=datetime.combine(next_monday, time.min, tzinfo=tz),
    )
    today_rows: list[dict[str, Any]] = []
    later_days: dict[date, list[dict[str, Any]]] = {}
    for session in sessions:
        row = {
            "session": session,
            "url": _session_url(org_slug=organisation.slug, session=session),
            "venue": session.venue or session.cohort.venue,
            "cancelled": session.status == SessionStatus.CANCELLED,
        }
        day = timezone.localtime(session.starts_at, tz).date()
        if day == today:
            today_rows.append(row)
        else:
            later_days.setdefault(day, []).append(row)
    following = (
        sessions_for_user(
            organisation=organisation,
            user=user,
            starts_after=datetime.combine(next_monday, time.min, tzinfo=tz),
            starts_before=datetime.combine(next_monday + timedelta(days=365), time.min, tzinfo=tz),
        )
        .exclude(status=SessionStatus.CANCELLED)
        .first()
    )
    return {
        "today": today,
        "next_session": following,
        "next_session_url": _session_url(org_slug=organisation.slug, session=following)
        if following
        else None,
        "today_sessions": today_rows,
        "week_days": [{"day": d, "sessions": rows} for d, rows in later_days.items()],
        "is_last_day_of_week": today.weekday() == 6,
    }


class CalendarSettingsView(OrgTemplateView):
    """Explains the personal calendar feed and shows its link (made on the first visit)."""

    permission = "calendar.own"
    template_name = "programmes/calendar/settings.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        token = calendar_token_ensure(user=self.request.user)  # type: ignore[arg-type]
        feed_url = self.request.build_absolute_uri(
            reverse("calendar_feed", kwargs={"token": token})
        )
        context["feed_url"] = feed_url
        # Calendar apps on phones and Macs open webcal:// links as a subscription.
        context["webcal_url"] = "webcal://" + feed_url.split("://", 1)[1]
        context["sees_sessions"] = can(self.membership, "sessions.view")
        return context


class CalendarResetView(OrgViewMixin, View):
    permission = "calendar.own"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        calendar_token_reset(user=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "You have a new link. The old link stopped working: subscribe again with the "
                "new one in each calendar app."
            ),
        )
        return redirect("calendar_settings", org_slug=self.organisation.slug)


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal iCalendar feed, found by its secret token: calendar apps do not sign in.
    An unknown, empty or short token is a 404, like a page that does not exist."""
    user = calendar_user_for_token(token=token)
    if user is None:
        raise Http404
    response = HttpResponse(
        calendar_feed_build(user=user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="cocora-sessions.ics"'
    return response


class SessionCalendarView(OrgTemplateView):
    """Every session the member may see, a week or a month at a time (coordinators and admins:
    all; trainers: their cohorts', in any week they go to), filtered by trainer and cohort with
    a plain GET form. On a phone each day is a list; from 768 px the month is a grid. Times in
    the organisation's time zone; cancelled sessions stay, struck through and labelled."""

    permission = "sessions.view"
    template_name = "programmes/calendar/calendar.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            session_calendar_context(
                organisation=self.organisation,
                membership=self.membership,
                params=self.request.GET,
            )
        )
        return context


def session_calendar_context(*, organisation: Any, membership: Any, params: Any) -> dict[str, Any]:
    """The calendar page's days and form: four queries whatever the number of sessions (the
    trainers and cohorts of the form, the sessions, their cohorts' trainers)."""
    tz = ZoneInfo(organisation.time_zone)
    today = timezone.localdate(timezone=tz)
    trainers = calendar_trainers(organisation=organisation, membership=membership)
    cohorts = list(
        cohort_list(organisation=organisation, membership=membership).order_by("name", "pk")
    )
    form = CalendarForm(params or None, trainers=trainers, cohorts=cohorts)
    data: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
    view = MONTH if data.get("view") == MONTH else WEEK
    span = calendar_span(view=view, day=data.get("day") or today)
    starts_after, starts_before = span.bounds(tz)
    sessions = calendar_sessions(
        organisation=organisation,
        membership=membership,
        starts_after=starts_after,
        starts_before=starts_before,
        trainer_id=data.get("trainer") or None,
        cohort_id=data.get("cohort") or None,
    )
    days = calendar_days(span=span, sessions=sessions, tz=tz, today=today)
    keep = {k: data[k] for k in ("trainer", "cohort") if data.get(k)}
    return {
        "form": form,
        "span": span,
        "days": days,
        "today": today,
        "is_month": view == MONTH,
        "session_count": sum(len(d.sessions) for d in days if d.in_span),
        "weekday_names": [WEEKDAYS_ABBR[i] for i in range(7)],
        "previous_query": urlencode({"view": view, "day": span.previous.isoformat(), **keep}),
        "following_query": urlencode({"view": view, "day": span.following.isoformat(), **keep}),
        "today_query": urlencode({"view": view, "day": today.isoformat(), **keep}),
        "other_view_query": urlencode(
            {"view": WEEK if view == MONTH else MONTH, "day": span.day.isoformat(), **keep}
        ),
    }
