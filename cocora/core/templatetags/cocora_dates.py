"""Dates on pages: the year is shown whenever it is not the current one (in the organisation's
time zone), so that a session of last or next year never looks like one of this year."""

import re
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()

# The first month in a format ("M", "F", "N", "b", "E" or "n"), not escaped with a backslash.
_MONTH = re.compile(r"(?<!\\)[MFNbEn]")


def format_with_year(value: date | datetime, fmt: str, *, today: date) -> str:
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if value.year != today.year:
        fmt = _MONTH.sub(lambda month: month.group(0) + " Y", fmt, count=1)
    return date_format(value, fmt)


@register.filter(name="date_year")
def date_year(value: Any, fmt: str) -> str:
    """`{{ session.starts_at|date_year:"D j M, H:i" }}`: like `date`, with the year after the
    month when the date is not in the current year."""
    if value in (None, ""):
        return ""
    return format_with_year(value, fmt, today=timezone.localdate())
