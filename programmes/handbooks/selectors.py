"""Reads of handbook exports, and of the curriculum as a handbook in one language prints it."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.safestring import mark_safe

from cocora.organisations.models import Organisation
from programmes.models import (
    ActivityMethod,
    ActivityTranslation,
    HandbookExport,
    HandbookExportStatus,
    ModuleTranslation,
    Programme,
)
from programmes.selectors.translations import curriculum_with_translations, translation_state

IN_FLIGHT = (HandbookExportStatus.QUEUED, HandbookExportStatus.RENDERING)
LIST_LIMIT = 50


def progress_cache_key(export_id: int) -> str:
    return f"cocora:handbook:{export_id}:progress"


def handbook_export_list(
    *, organisation: Organisation, programme: Programme | None = None
) -> QuerySet[HandbookExport]:
    """The organisation's exports (or one programme's), newest first, with their programme and
    requester: one query whatever the number of rows."""
    exports = HandbookExport.objects.for_org(organisation)
    if programme is not None:
        exports = exports.filter(programme=programme)
    return exports.select_related("programme", "requested_by").order_by("-requested_at", "-pk")


def handbook_export_get(*, organisation: Organisation, export_id: int) -> HandbookExport:
    """One export of the organisation; HandbookExport.DoesNotExist for another's id."""
    return handbook_export_list(organisation=organisation).get(pk=export_id)


def handbook_export_live_progress(export: HandbookExport) -> tuple[str, int]:
    """Status and progress to show. A worker renders inside one transaction, so its progress is
    published in the cache while it works (and written to the row when it finishes)."""
    if export.status not in IN_FLIGHT:
        return export.status, export.progress
    live = cache.get(progress_cache_key(export.pk))
    if live is None:
        return export.status, export.progress
    return HandbookExportStatus.RENDERING, max(int(live), export.progress)


# SECTION: the curriculum as a handbook in one language


@dataclass(frozen=True)
class Passage:
    """One piece of curriculum text as the handbook prints it. `lang` is the original's
    language where the text falls back to the original, and empty where it is in the handbook's
    own language: the element holding a fallback passage carries it, so that screen readers
    (and the PDF's structure tree) read it in the right language."""

    text: str
    lang: str = ""

    @property
    def lang_attr(self) -> str:
        # Language codes come from settings.LANGUAGES, never from input.
        return mark_safe(f' lang="{self.lang}"') if self.lang else ""

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True)
class HandbookActivity:
    pk: int
    title: Passage
    method: str
    duration_minutes: int
    materials: Passage
    instructions_md: Passage

    @property
    def method_label(self) -> Any:
        # Lazy: it is rendered inside the handbook's translation.override.
        return ActivityMethod(self.method).label


@dataclass(frozen=True)
class HandbookModule:
    title: Passage
    objectives: Passage
    content_md: Passage
    duration_minutes: int
    activities: tuple[HandbookActivity, ...]
    translated: bool


def _passage(
    original: str, translation: ModuleTranslation | ActivityTranslation | None, name: str, lang: str
) -> Passage:
    if translation is None:
        return Passage(original, lang)
    translated = getattr(translation, name)
    # An empty translated field shows the original, as the translation form says.
    return Passage(translated, "") if translated.strip() else Passage(original, lang)


def handbook_curriculum(
    *, organisation: Organisation, programme: Programme, language: str
) -> list[HandbookModule]:
    """The programme's curriculum as the handbook in `language` prints it: each text in that
    language where a translation has it, else the original marked with its language. Four
    queries whatever the size (curriculum_with_translations)."""
    modules = curriculum_with_translations(organisation=organisation, programme=programme)
    same = language == programme.language
    fallback = "" if same else programme.language
    result = []
    for module in modules:
        translation = None if same else _find(module.translations.all(), language)
        activities = []
        for activity in module.activities.all():
            activity_translation = None if same else _find(activity.translations.all(), language)
            activities.append(
                HandbookActivity(
                    pk=activity.pk,
                    title=_passage(activity.title, activity_translation, "title", fallback),
                    method=activity.method,
                    duration_minutes=activity.duration_minutes,
                    materials=_passage(
                        activity.materials, activity_translation, "materials", fallback
                    ),
                    instructions_md=_passage(
                        activity.instructions_md, activity_translation, "instructions_md", fallback
                    ),
                )
            )
        result.append(
            HandbookModule(
                title=_passage(module.title, translation, "title", fallback),
                objectives=_passage(module.objectives, translation, "objectives", fallback),
                content_md=_passage(module.content_md, translation, "content_md", fallback),
                duration_minutes=module.duration_minutes,
                activities=tuple(activities),
                translated=same or translation is not None,
            )
        )
    return result


def _find(translations: Any, language: str) -> Any:
    return next((t for t in translations if t.language == language), None)


@dataclass
class LanguageCoverage:
    """How a handbook in one language would read: how many modules are translated (the rest
    falls back to the original) and which translations are out of date."""

    language: str
    name: str
    original: bool
    translated: int
    total: int
    out_of_date: list[tuple[str, list[str]]]


def handbook_language_coverage(
    *, organisation: Organisation, programme: Programme
) -> list[LanguageCoverage]:
    """One entry per language of the platform, in its order: four queries in all."""
    modules = curriculum_with_translations(organisation=organisation, programme=programme)
    coverage = []
    for code, name in settings.LANGUAGES:
        original = code == programme.language
        states = [] if original else [translation_state(module, code) for module in modules]
        coverage.append(
            LanguageCoverage(
                language=code,
                name=str(name),
                original=original,
                translated=len(modules) if original else sum(s.exists for s in states),
                total=len(modules),
                out_of_date=[
                    (state.module.title, state.changed_labels)
                    for state in states
                    if state.exists and state.out_of_date
                ],
            )
        )
    return coverage
