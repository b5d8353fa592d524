"""Query-string filters every API list can use: ids and points in time that are checked before
they reach the database (an out-of-range number or a year-1 date is a 400, never a 500)."""

from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext
from django_filters.fields import IsoDateTimeField

from cocora.core.dates import EARLIEST_YEAR, LATEST_YEAR
from cocora.core.ids import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """A record id in a query string: a whole number a database id could be, or a 400 (never
    an out-of-range number handed to the database)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


# A point in time in a query string: wide enough for "everything since 1970", narrow enough
# that no time zone pushes it off the calendar (year 1 or 9999 would be a 500, not a 400).
FILTER_YEARS = (1900, 2999)


class _IsoDateTimeInRange(IsoDateTimeField):
    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if result is not None and not FILTER_YEARS[0] <= result.year <= FILTER_YEARS[1]:
            raise forms.ValidationError(
                gettext("Choose a date between %(first)s and %(last)s.")
                % {"first": FILTER_YEARS[0], "last": FILTER_YEARS[1]},
                code="year",
            )
        # In UTC: an offset like -18:46 is valid ISO 8601 but beyond what PostgreSQL accepts.
        return result.astimezone(UTC) if result is not None else None


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (e.g. `changed_since`); without an offset, in the
    organisation's time zone."""

    field_class = _IsoDateTimeInRange


class YearFilter(django_filters.NumberFilter):
    """A calendar year (e.g. `year=2026`) in the years the pages accept."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", EARLIEST_YEAR)
        kwargs.setdefault("max_value", LATEST_YEAR)
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, **kwargs)
