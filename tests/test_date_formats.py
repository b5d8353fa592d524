"""Dates are written through named formats, so that every language gets its own form.

A literal format in a template ("D j M, H:i") shows the English order and punctuation in
every language; the sweep below refuses one in any template of the project, so a new page
cannot slip back."""

import re
from datetime import date, datetime
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import FORMAT_SETTINGS

from cocora.core.templatetags.cocora_dates import format_with_year

ROOT = Path(settings.BASE_DIR)
# `|date:"..."`, `|time:"..."` and `|date_year:"..."` with their argument, quoted either way.
DATE_FILTER = re.compile(r"""\|\s*(date|time|date_year)\s*:\s*(["'])(.*?)\2""")
LANGUAGES = [code for code, _ in settings.LANGUAGES]


def _templates() -> list[Path]:
    skip = {".venv", "node_modules", "var", ".git"}
    return [
        path
        for path in ROOT.rglob("templates/**/*")
        if path.is_file()
        and path.suffix in {".html", ".txt", ".svg", ".xml"}
        and not skip & set(path.relative_to(ROOT).parts)
    ]


def _module(language: str):
    return import_module(f"cocora.formats.{language}.formats")


def _own_names() -> set[str]:
    return {name for name in vars(_module("en")) if name.endswith("_FORMAT")}


def test_the_sweep_finds_the_templates_that_show_dates():
    uses = [m for path in _templates() for m in DATE_FILTER.finditer(path.read_text())]
    assert len(uses) > 50  # the sweep below would pass vacuously if it looked in the wrong place


def test_no_template_spells_out_a_date_format():
    own = _own_names()
    wrong = []
    for path in _templates():
        for match in DATE_FILTER.finditer(path.read_text()):
            name = match.group(3)
            # Django's `date` and `time` filters only look up Django's names; any other string
            # is formatted letter by letter. Our own names go through `date_year`.
            allowed = own if match.group(1) == "date_year" else FORMAT_SETTINGS & own
            if match.group(1) == "date":
                allowed |= {"c"}  # ISO 8601 for machines, in <time datetime="...">
            if name not in allowed:
                wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_defines_every_named_format(language):
    missing = _own_names() - set(vars(_module(language)))
    assert missing == set()
    assert "a" not in _module(language).TIME_FORMAT  # a 24-hour clock everywhere


@pytest.mark.translations
@pytest.mark.parametrize(
    ("language", "day", "long_day"),
    [
        ("en", "Fri 6 Nov", "Friday 6 November, 14:00"),
        ("da", "fre. 6. nov.", "fredag d. 6. november kl. 14:00"),
        ("de", "Fr., 6. Nov.", "Freitag, 6. November, 14:00"),
        ("fr", "ven. 6 nov.", "vendredi 6 novembre à 14:00"),
        ("it", "ven 6 nov", "venerdì 6 novembre, 14:00"),
    ],
)
def test_a_day_in_each_languages_own_form(language, day, long_day):
    moment = datetime(2026, 11, 6, 14, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    with translation.override(language), timezone.override("Europe/Copenhagen"):
        assert format_with_year(moment, "DAY_FORMAT", today=date(2026, 1, 1)) == day
        assert format_with_year(moment, "LONG_DAY_TIME_FORMAT", today=date(2026, 1, 1)) == (
            long_day
        )


def test_a_literal_format_is_refused_rather_than_shown_in_english_order():
    with pytest.raises(LookupError):
        format_with_year(date(2026, 11, 6), "D j M", today=date(2026, 1, 1))


def test_a_date_written_once_is_written_again_for_each_zone_language_and_year():
    """Written texts are kept per process: the same moment asked for again, in another time
    zone, in another language or in another year, is written for that one, never another's."""
    moment = datetime(2026, 11, 6, 13, 0, tzinfo=ZoneInfo("UTC"))
    in_2026, in_2027 = date(2026, 1, 1), date(2027, 1, 1)

    def written(language: str, zone: str, today: date) -> str:
        with translation.override(language), timezone.override(zone):
            return format_with_year(moment, "DAY_TIME_FORMAT", today=today)

    asked = [
        ("en", "Europe/Copenhagen", in_2026),
        ("en", "Europe/London", in_2026),
        ("de", "Europe/Copenhagen", in_2026),
        ("en", "Europe/Copenhagen", in_2027),
    ]
    first = [written(*question) for question in asked]
    again = [written(*question) for question in reversed(asked)][::-1]
    assert first == again
    copenhagen, london, german, next_year = first
    assert "14:00" in copenhagen and "13:00" in london
    assert german.startswith("Fr") and copenhagen.startswith("Fri")
    assert "2026" in next_year and "2026" not in copenhagen


def test_the_two_moments_of_an_hour_that_repeats_are_written_apart():
    """At the autumn clock change Copenhagen lives 02:30 twice; the two moments compare equal
    as written there, yet are an hour apart and written apart elsewhere."""
    first = datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))
    second = first.replace(fold=1)
    assert first == second  # as Python compares them in their own zone
    with translation.override("en"), timezone.override("UTC"):
        texts = [
            format_with_year(m, "DAY_TIME_FORMAT", today=date(2026, 1, 1)) for m in (first, second)
        ]
    assert "00:30" in texts[0] and "01:30" in texts[1]
