"""The built-in curricula: one JSON file per kind and language, in `<language>/<kind>.json`.

They are read once per process and kept as frozen objects, so every caller can share them. A
language without a file of its own falls back to English; the curriculum's `language` then says
which text was actually used, so that a copy can record where it came from.
"""

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from programmes.models import ProgrammeKind

CURRICULA_DIR = Path(__file__).resolve().parent
FALLBACK_LANGUAGE = "en"
# Language codes become part of a file path: anything else than a plain code is refused.
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")


@dataclass(frozen=True)
class BuiltinActivity:
    title: str
    method: str
    instructions_md: str
    materials: str
    duration_minutes: int


@dataclass(frozen=True)
class BuiltinModule:
    title: str
    objectives: str
    content_md: str
    duration_minutes: int
    activities: tuple[BuiltinActivity, ...]


@dataclass(frozen=True)
class BuiltinCurriculum:
    kind: str
    language: str
    title: str
    summary: str
    modules: tuple[BuiltinModule, ...]

    @property
    def module_count(self) -> int:
        return len(self.modules)

    @property
    def activity_count(self) -> int:
        return sum(len(module.activities) for module in self.modules)

    @property
    def duration_minutes(self) -> int:
        return sum(module.duration_minutes for module in self.modules)

    @property
    def source(self) -> str:
        """What a programme copied from this curriculum records in `Programme.source`."""
        return f"builtin:{self.kind}:{self.language}"


def _path(kind: str, language: str) -> Path:
    return CURRICULA_DIR / language / f"{kind}.json"


def _parse(data: dict[str, Any], *, kind: str, language: str, path: Path) -> BuiltinCurriculum:
    try:
        modules = tuple(
            BuiltinModule(
                title=str(module["title"]),
                objectives=str(module.get("objectives", "")),
                content_md=str(module.get("content_md", "")),
                duration_minutes=int(module["duration_minutes"]),
                activities=tuple(
                    BuiltinActivity(
                        title=str(activity["title"]),
                        method=str(activity["method"]),
                        instructions_md=str(activity.get("instructions_md", "")),
                        materials=str(activity.get("materials", "")),
                        duration_minutes=int(activity["duration_minutes"]),
                    )
                    for activity in module.get("activities", [])
                ),
            )
            for module in data["modules"]
        )
        curriculum = BuiltinCurriculum(
            kind=kind,
            language=language,
            title=str(data["title"]),
            summary=str(data.get("summary", "")),
            modules=modules,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ImproperlyConfigured(
            f"The built-in curriculum {path} is malformed: {error}"
        ) from error
    if data.get("kind", kind) != kind:
        raise ImproperlyConfigured(f"{path} describes {data.get('kind')!r}, not {kind!r}.")
    return curriculum


# Bounded: the language comes from callers, and a miss is remembered too.
@lru_cache(maxsize=64)
def _load(kind: str, language: str) -> BuiltinCurriculum | None:
    path = _path(kind, language)
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return _parse(data, kind=kind, language=language, path=path)


def _candidates(language: str) -> list[str]:
    """The languages to try, most specific first: "de-at", then "de", then English."""
    language = (language or "").lower().replace("_", "-")
    tried: list[str] = []
    if _LANGUAGE_CODE.fullmatch(language):
        tried.append(language)
        base = language.split("-")[0]
        if base != language:
            tried.append(base)
    if FALLBACK_LANGUAGE not in tried:
        tried.append(FALLBACK_LANGUAGE)
    return tried


def builtin_curriculum(kind: str, language: str = FALLBACK_LANGUAGE) -> BuiltinCurriculum:
    """The built-in curriculum of a kind, in `language` if there is one, otherwise in English.

    Raises LookupError for a kind that has no built-in curriculum."""
    if kind not in ProgrammeKind.values:
        raise LookupError(f"There is no built-in curriculum of kind {kind!r}.")
    for candidate in _candidates(language):
        curriculum = _load(kind, candidate)
        if curriculum is not None:
            return curriculum
    raise LookupError(f"The built-in curriculum {kind!r} has no {FALLBACK_LANGUAGE} file.")


def builtin_curricula(language: str = FALLBACK_LANGUAGE) -> tuple[BuiltinCurriculum, ...]:
    """The three built-in curricula, in the order of ProgrammeKind."""
    return tuple(builtin_curriculum(kind, language) for kind in ProgrammeKind.values)


@cache
def builtin_languages(kind: str) -> tuple[str, ...]:
    """The languages a built-in curriculum is written in (without falling back)."""
    return tuple(
        sorted(path.parent.name for path in CURRICULA_DIR.glob(f"*/{kind}.json") if path.is_file())
    )
