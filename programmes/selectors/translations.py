"""Reads of the curriculum's translations, and whether each is still in step with its original.

A translation remembers a short digest of every original field as it read when the translation
was saved (`source_digests`). Comparing those with the original's current text says, without
any counter to keep in step, which fields changed since: whoever changed the original, through
a page, the API or a service.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise

from cocora.organisations.models import Organisation

from ..curricula import builtin_languages
from ..models import (
    ACTIVITY_TEXT_FIELDS,
    MODULE_TEXT_FIELDS,
    Activity,
    ActivityTranslation,
    Module,
    ModuleTranslation,
    Programme,
)

LANGUAGE_NAMES: dict[str, str | Promise] = dict(settings.LANGUAGES)


def text_digest(text: str) -> str:
    # 16 hex digits tell "changed" from "unchanged" with room to spare; the text itself is not
    # needed, only whether it is still the same.
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


def source_digests(original: Module | Activity) -> dict[str, str]:
    """The digests a translation of `original` records: one per translatable field."""
    fields = MODULE_TEXT_FIELDS if isinstance(original, Module) else ACTIVITY_TEXT_FIELDS
    return {name: text_digest(getattr(original, name)) for name in fields}


def changed_fields(
    translation: ModuleTranslation | ActivityTranslation, original: Module | Activity
) -> list[str]:
    """The original's fields that changed since the translation was saved, in form order."""
    current = source_digests(original)
    return [
        name for name, digest in current.items() if translation.source_digests.get(name) != digest
    ]


def field_labels(model: type[Module] | type[Activity], names: Iterable[str]) -> list[str]:
    return [str(getattr(model._meta.get_field(name), "verbose_name", name)) for name in names]


@dataclass
class ActivityState:
    activity: Activity
    translation: ActivityTranslation | None
    changed: list[str] = field(default_factory=list)


@dataclass
class TranslationState:
    """How far one module is translated into one language, for the pages and the API."""

    language: str
    module: Module
    translation: ModuleTranslation | None
    changed: list[str] = field(default_factory=list)
    activities: list[ActivityState] = field(default_factory=list)

    @property
    def language_name(self) -> str:
        return str(LANGUAGE_NAMES.get(self.language, self.language))

    @property
    def exists(self) -> bool:
        return self.translation is not None

    @property
    def untranslated_activities(self) -> list[Activity]:
        return [state.activity for state in self.activities if state.translation is None]

    @property
    def out_of_date(self) -> bool:
        return bool(self.changed) or any(state.changed for state in self.activities)

    @property
    def changed_labels(self) -> list[str]:
        """What changed in the original since, as a person reads it: "content", or
        "“Warm-up”: instructions"."""
        labels = field_labels(Module, self.changed)
        for state in self.activities:
            if state.changed:
                names = ", ".join(field_labels(Activity, state.changed))
                labels.append(f"“{state.activity.title}”: {names}")
        return labels


def _with_translations(modules: QuerySet[Module], organisation: Organisation) -> QuerySet[Module]:
    activities = (
        Activity.objects.for_org(organisation)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("translations", queryset=ActivityTranslation.objects.for_org(organisation))
        )
    )
    return modules.prefetch_related(
        Prefetch("activities", queryset=activities),
        Prefetch("translations", queryset=ModuleTranslation.objects.for_org(organisation)),
    )


def curriculum_with_translations(
    *, organisation: Organisation, programme: Programme
) -> list[Module]:
    """The programme's modules in order, with their activities and both their translations:
    four queries whatever the size."""
    modules = Module.objects.for_org(organisation).filter(programme=programme)
    return list(_with_translations(modules.order_by("position", "pk"), organisation))


def translation_state(module: Module, language: str) -> TranslationState:
    """One module's translation into `language`. Needs the module as
    `curriculum_with_translations` gives it (no query)."""
    translation = next((t for t in module.translations.all() if t.language == language), None)
    state = TranslationState(language=language, module=module, translation=translation)
    if translation is not None:
        state.changed = changed_fields(translation, module)
    for activity in module.activities.all():
        activity_translation = next(
            (t for t in activity.translations.all() if t.language == language), None
        )
        state.activities.append(
            ActivityState(
                activity=activity,
                translation=activity_translation,
                changed=(
                    changed_fields(activity_translation, activity) if activity_translation else []
                ),
            )
        )
    return state


def translation_languages(programme: Programme) -> list[str]:
    """The languages a programme's curriculum may be translated into: all but its own."""
    return [code for code, _name in settings.LANGUAGES if code != programme.language]


def builtin_source(programme: Programme) -> tuple[str, str] | None:
    """(kind, language) of the built-in curriculum a programme was copied from, or None."""
    prefix, _sep, rest = programme.source.partition(":")
    kind, _sep, language = rest.partition(":")
    return (kind, language) if prefix == "builtin" and kind and language else None


def builtin_translation_languages(programme: Programme) -> list[tuple[str, str]]:
    """(code, name) of the languages whose built-in text a programme copied from a built-in
    curriculum may add as translations; empty for any other programme."""
    source = builtin_source(programme)
    if source is None:
        return []
    kind = source[0]
    return [
        (code, str(LANGUAGE_NAMES[code]))
        for code in translation_languages(programme)
        if code in builtin_languages(kind)
    ]


def module_translation_states(module: Module, *, programme: Programme) -> list[TranslationState]:
    """The module's translations that exist, one per language, in the platform's order of
    languages. No query on a module from `curriculum_with_translations`."""
    present = {translation.language for translation in module.translations.all()}
    return [
        translation_state(module, language)
        for language in translation_languages(programme)
        if language in present
    ]


def module_with_translations(*, organisation: Organisation, module_id: int) -> Module:
    """One module of the organisation with its programme, activities and translations; raises
    Module.DoesNotExist for another organisation's id."""
    modules = Module.objects.for_org(organisation).select_related("programme")
    return _with_translations(modules, organisation).get(pk=module_id)
