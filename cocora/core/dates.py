"""Dates and times that people type: one rule for a plausible year, and one way to turn a local
wall-clock time into an aware moment.

A local time on the day the clocks go forward may not exist (02:30 on the last Sunday of March
in Europe/Copenhagen), and on the day they go back it happens twice. Both are refused with a
message that names the time, rather than guessed: a guess silently moves a session by an hour,
and a time in the gap once made a session that ends before it starts.
"""

import zoneinfo
from datetime import UTC, date, datetime, time, tzinfo
from typing import Protocol

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ApplicationError


class _HasTimeZone(Protocol):
    time_zone: str


def organisation_today(organisation: _HasTimeZone) -> date:
    """Today's date where the organisation is, whatever time zone the process runs in (just
    after midnight in Copenhagen the server's UTC date is still yesterday)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(organisation.time_zone))


# A year 1 or 9999 is a typo, not a plan or a record.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

PLAUSIBLE_YEAR_MESSAGE = gettext_lazy("Choose a date between %(first)s and %(last)s.")


def is_plausible(value: date | datetime | None) -> bool:
    return value is None or EARLIEST_YEAR <= value.year <= LATEST_YEAR


def check_plausible_date(value: date | datetime | None, *, field: str | None = None) -> None:
    """For services: refuses a date outside the plausible years whatever the entry point."""
    if not is_plausible(value):
        raise ApplicationError(
            PLAUSIBLE_YEAR_MESSAGE % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}, field=field
        )


def check_plausible_dates(**dates: date | datetime | None) -> None:
    """check_plausible_date for several, each named by its field:
    `check_plausible_dates(starts_on=starts_on, ends_on=ends_on)`."""
    for field, value in dates.items():
        check_plausible_date(value, field=field)


def local_datetime(day: date, at: time, zone: tzinfo, *, field: str | None = None) -> datetime:
    """The aware moment of `day` at `at` on the clocks of `zone`; a time the clocks skip or
    show twice that day is an ApplicationError naming it."""
    check_plausible_date(day, field=field)
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    params = {
        "day": date_format(day, "DATE_FORMAT"),
        "time": time_format(naive.time(), "TIME_FORMAT"),
        "zone": str(zone),
    }
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        message = _(
            "%(time)s on %(day)s does not exist in %(zone)s: the clocks go forward at that "
            "hour. Choose a time outside that hour."
        )
    else:
        message = _(
            "%(time)s on %(day)s happens twice in %(zone)s: the clocks go back at that hour. "
            "Choose a time outside that hour."
        )
    raise ApplicationError(message % params, field=field, code="local_time")


def local_moment(value: datetime, zone: tzinfo, *, field: str | None = None) -> datetime:
    """An aware datetime as it is; a naive one read on the clocks of `zone` (see
    local_datetime)."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    return local_datetime(value.date(), value.time(), zone, field=field)


def day_start(day: date, zone: tzinfo | str) -> datetime:
    """The first moment of `day` on the clocks of `zone`: midnight, or the first time after it
    where the clocks skip midnight. For ranges of whole days (`>= start of first day` and
    `< start of the day after the last`), which a database index on the moment can serve."""
    zone = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone
    # A naive local midnight read with fold=0, then round-tripped through UTC: a skipped
    # midnight lands on the first existing moment after it.
    moment = datetime.combine(day, time.min).replace(tzinfo=zone)
    return moment.astimezone(UTC).astimezone(zone)
