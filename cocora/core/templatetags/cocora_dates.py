"""Dates on pages and in emails, in each language's own form, with the year shown whenever it is
not the current one (in the organisation's time zone), so that a session of last or next year
never looks like one of this year.

Formats are named (`DAY_TIME_FORMAT`, `SHORT_DATE_FORMAT`, ...) and looked up in the active
language's module under cocora/formats: Danish writes "fre. 6. nov.", German "Fr., 6. Nov.",
Italian "ven 6 nov". Templates never spell a format out (a test sweeps them), so a new page
cannot fall back to the English order in every language."""

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from types import ModuleType
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as date_format

register = template.Library()

# The first month in a format ("M", "F", "N", "b", "E" or "n"), not escaped with a backslash.
_MONTH = re.compile(r"(?<!\\)[MFNbEn]")
NAMED_FORMAT = re.compile(r"[A-Z][A-Z_]*_FORMAT")


def _format_modules() -> list[ModuleType]:
    # The active language's modules first (ours, then Django's), English's last: a name that
    # only we define is then never looked up in vain.
    modules = formats.get_format_modules(translation.get_language())
    return [*modules, *formats.get_format_modules(settings.LANGUAGE_CODE)]


def named_format(name: str) -> str:
    """The format called `name` in the active language. Raises LookupError for a name that no
    module defines, and for a literal format: pages name their formats."""
    if not NAMED_FORMAT.fullmatch(name):
        raise LookupError(f"{name!r} is not the name of a date format")
    for module in _format_modules():
        if hasattr(module, name):
            return str(getattr(module, name))
    raise LookupError(f"no date format called {name!r}")


def _lowercase_names() -> bool:
    return any(getattr(m, "LOWERCASE_NAMES", False) for m in _format_modules()[:1])


def format_with_year(value: date | datetime, name: str, *, today: date) -> str:
    """`value` in the named format of the active language, in the current time zone, with the
    year after the month when it is not `today`'s year."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        # The moment in UTC, which has no clock changes: two moments an hour apart during the
        # autumn change can compare equal in a zone that has one, and would share a text.
        value = value.astimezone(UTC)
    return _format_with_year(
        value, name, today.year, translation.get_language(), str(timezone.get_current_timezone())
    )


@lru_cache(maxsize=4096)
def _format_with_year(
    value: date | datetime, name: str, this_year: int, language: str | None, zone: str
) -> str:
    """format_with_year's text, worked out once per process for each date, format, year,
    language and time zone: what the text depends on is all in the key (the language and the
    zone are the active ones, named so that another one's text is never returned). Django's
    formatting takes some 20 µs a date, and a cohort page shows three dozen, the same ones to
    everyone who opens it."""
    fmt = named_format(name)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if value.year != this_year:
        fmt = _MONTH.sub(lambda month: month.group(0) + " Y", fmt, count=1)
    text = date_format(value, fmt)
    # Some catalogues capitalise day and month names (Django's Italian, and ours, where
    # "Fredag" is a form's label) in languages that write them in lower case in a date.
    return text.lower() if _lowercase_names() else text


@receiver(setting_changed)
def _forget_formatted_dates(*, setting: str, **kwargs: Any) -> None:
    # Tests that change the format modules or the languages get texts of the new ones.
    if setting in ("FORMAT_MODULE_PATH", "LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_TZ"):
        _format_with_year.cache_clear()


@register.filter(name="date_year")
def date_year(value: Any, name: str) -> str:
    """`{{ session.starts_at|date_year:"DAY_TIME_FORMAT" }}`: like `date` with a named format,
    with the year after the month when the date is not in the current year."""
    if value in (None, ""):
        return ""
    return format_with_year(value, name, today=timezone.localdate())
