"""The built-in questionnaires, as JSON per language under instruments/<language>/<kind>.json.
Every language has the same scales, items, keys and reverse flags (a test holds them to it);
only the words differ."""

import functools
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from .models import InstrumentKind

ROOT = Path(__file__).resolve().parent / "instruments"


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@functools.cache
def builtin(kind: str, language: str) -> dict[str, Any]:
    path = ROOT / language / f"{kind}.json"
    if not path.exists():
        path = ROOT / "en" / f"{kind}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def current_language() -> str:
    language = (get_language() or "en").split("-")[0]
    return language if language in languages() else "en"


def scale_labels(language: str | None = None) -> dict[str, str]:
    """Every built-in scale's key and its name in the language (the current one by default)."""
    language = language or current_language()
    return {
        scale["key"]: scale["label"]
        for kind in InstrumentKind.values
        for scale in builtin(kind, language)["scales"]
    }


def answer_options(kind: str, language: str) -> list[tuple[int, str]]:
    """The five answers of an agreement item, 1 (strongly disagree) to 5 (strongly agree)."""
    return list(enumerate(builtin(kind, language)["options"], start=1))
