"""Retention periods as the providers use them: a record type, a length and its unit, and the
cut-off moment before which a record of that type is due."""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from django.utils import timezone
from django.utils.translation import ngettext

from .models import PeriodUnit


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months earlier; the 31st becomes the last day
    of a shorter month (31 March minus one month is 28 or 29 February)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class RetentionPeriod:
    record_type: str
    period: int
    unit: str
    is_default: bool

    def cutoff(self, now: datetime, tz: tzinfo) -> datetime:
        """Records older than this moment are due. Counted on the organisation's calendar, so
        that "24 months" means the same day two years ago where the organisation is."""
        local = timezone.localtime(now, tz)
        if self.unit == PeriodUnit.DAYS:
            return local - timedelta(days=self.period)
        return months_before(local, self.period)


def period_display(period: RetentionPeriod) -> str:
    """ "24 months", "30 days": the period in its unit, in the reader's language."""
    if period.unit == PeriodUnit.DAYS:
        return ngettext("%(count)s day", "%(count)s days", period.period) % {"count": period.period}
    return ngettext("%(count)s month", "%(count)s months", period.period) % {"count": period.period}
