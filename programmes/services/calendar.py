"""The personal calendar feed: one secret link per person, with the sessions they train or
coordinate in every organisation they belong to, for calendar apps to subscribe to.

The feed travels to third-party calendar services, so it carries session facts only (times,
cohort, module, venue, status) and never anything about a participant.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from cocora.accounts.models import User
from cocora.organisations.context import (
    current_db_context,
    org_context,
    restore_db_context,
    set_db_context,
)
from cocora.organisations.permissions import can
from cocora.organisations.selectors import membership_list_for_user

from ..models import Session, SessionStatus
from ..selectors.sessions import sessions_for_user

# secrets.token_urlsafe(32) gives 43 characters; anything shorter is not a token we made, and
# the empty default of users without a feed must never match.
TOKEN_BYTES = 32
TOKEN_MIN_LENGTH = 32
FEED_PAST = timedelta(days=60)
FEED_FUTURE = timedelta(days=365)
# Calendar apps are asked to come back hourly; most decide for themselves anyway.
FEED_REFRESH = timedelta(hours=1)


def calendar_token_reset(*, user: User) -> str:
    """Gives the person a new feed token. The old feed link stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(calendar_token=token)
    user.calendar_token = token
    return token


def calendar_token_ensure(*, user: User) -> str:
    """The person's feed token, made on first use. Two pages opened at once agree on one."""
    if len(user.calendar_token) >= TOKEN_MIN_LENGTH:
        return user.calendar_token
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        # Only replaces the value we saw (empty), so a concurrent first visit cannot replace a
        # link that the other request has already shown.
        made = User.objects.filter(pk=user.pk, calendar_token=user.calendar_token).update(
            calendar_token=token
        )
        if not made:
            token = User.objects.values_list("calendar_token", flat=True).get(pk=user.pk)
    user.calendar_token = token
    return token


def calendar_user_for_token(*, token: str) -> User | None:
    """The active person whose feed token this is; None for unknown, empty or short tokens."""
    if len(token) < TOKEN_MIN_LENGTH:
        return None
    return User.objects.filter(calendar_token=token, is_active=True).first()


@contextmanager
def _as_user(user: User) -> Iterator[None]:
    """Runs a block in a transaction that knows the user (and no organisation), as the
    membership policy needs on PostgreSQL; restores what the caller had set."""
    with transaction.atomic():
        previous = current_db_context()
        set_db_context(organisation_id=None, user_id=user.pk)
        try:
            yield
        finally:
            restore_db_context(previous)


def _event(*, session: Session, organisation_name: str, tz: ZoneInfo, stamp: datetime) -> Event:
    cohort = session.cohort
    summary = f"{cohort.name} · {session.module.title}" if session.module else cohort.name
    cancelled = session.status == SessionStatus.CANCELLED
    if cancelled:
        # STATUS:CANCELLED is the standard mark, but some apps ignore it in subscriptions.
        summary = _("Cancelled: %(summary)s") % {"summary": summary}
    event = Event()
    event.add("uid", f"session-{session.pk}@cocora")
    event.add("dtstamp", stamp)
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", summary)
    event.add("description", organisation_name)
    venue = session.venue or cohort.venue
    if venue:
        event.add("location", venue)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_feed_build(*, user: User) -> bytes:
    """The person's iCalendar feed: their sessions from 60 days ago to a year ahead, in every
    organisation whose membership lets them see sessions, each in its organisation's time zone.
    Session facts only: no participant is named or counted."""
    now = timezone.now()
    starts_after, starts_before = now - FEED_PAST, now + FEED_FUTURE
    stamp = now.astimezone(ZoneInfo("UTC")).replace(microsecond=0)

    calendar = Calendar()
    calendar.add("prodid", "-//Cocora//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Cocora: my sessions"))
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))

    with _as_user(user):
        memberships = membership_list_for_user(user=user)
    for membership in memberships:
        # A person whose role here no longer includes sessions (an ambassador who used to
        # train, say) gets none from this organisation, even if old assignments remain.
        if not can(membership, "sessions.view"):
            continue
        organisation = membership.organisation
        tz = ZoneInfo(organisation.time_zone)
        with org_context(organisation.pk, user_id=user.pk):
            sessions = list(
                sessions_for_user(
                    organisation=organisation,
                    user=user,
                    starts_after=starts_after,
                    starts_before=starts_before,
                )
            )
        for session in sessions:
            calendar.add_component(
                _event(session=session, organisation_name=organisation.name, tz=tz, stamp=stamp)
            )

    # Time zone definitions only for the span the feed covers (with a margin for sessions that
    # end after the window), which keeps them short.
    calendar.add_missing_timezones(
        first_date=(starts_after - timedelta(days=2)).date(),
        last_date=(starts_before + timedelta(days=2)).date(),
    )
    return calendar.to_ical()
