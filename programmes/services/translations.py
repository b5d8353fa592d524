"""Translations of a programme's curriculum: saving a module's translation with its activities,
and adding the built-in curriculum's text in another language as translations.

Every save records the digests of the original's text as it reads now, which marks the
translation up to date (see programmes.selectors.translations). Both writes are audited.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from ..curricula import BuiltinActivity, BuiltinModule, builtin_curriculum, builtin_languages
from ..models import Activity, ActivityTranslation, Module, ModuleTranslation, Programme
from ..selectors.curriculum import programme_curriculum
from ..selectors.translations import (
    LANGUAGE_NAMES,
    builtin_source,
    source_digests,
    text_digest,
)
from .curriculum import (
    _check_language,
    _check_materials,
    _check_same_organisation,
    _clean_title,
    _lock_module,
    _lock_programme,
)


def check_translation_language(programme: Programme, language: str) -> str:
    """Refuses a language the platform does not have, and the programme's own."""
    _check_language(language)
    if language == programme.language:
        raise ApplicationError(
            _(
                "“%(programme)s” is written in %(language)s: a translation goes into one of the "
                "other languages."
            )
            % {"programme": programme.title, "language": LANGUAGE_NAMES[language]},
            field="language",
        )
    return language


@transaction.atomic
def module_translation_save(
    *,
    organisation: Organisation,
    module: Module,
    language: str,
    actor: Any,
    title: str,
    objectives: str = "",
    content_md: str = "",
    activities: Mapping[int, Mapping[str, str]] | None = None,
) -> ModuleTranslation:
    """Saves a module's translation into `language` with its activities' (keyed by activity id;
    an activity whose fields are all empty has no translation, and loses one it had). Marks the
    translation up to date with the original as it reads now."""
    _check_same_organisation(organisation, module)
    programme = module.programme
    check_translation_language(programme, language)
    title = _clean_title(title, missing=_("Give the translated module a title."))
    # The module row serialises saves of its translations with changes to its activities.
    module = _lock_module(organisation, module.pk)
    originals = {
        activity.pk: activity
        for activity in Activity.objects.for_org(organisation).filter(module=module)
    }
    cleaned: dict[int, dict[str, str] | None] = {}
    for activity_id, fields in (activities or {}).items():
        original = originals.get(activity_id)
        if original is None:
            raise ApplicationError(
                _("Activity %(id)s is not an activity of “%(module)s”.")
                % {"id": activity_id, "module": module.title}
            )
        cleaned[activity_id] = _clean_activity_fields(original, fields)

    translation, _created = ModuleTranslation.objects.for_org(organisation).update_or_create(
        module=module,
        language=language,
        defaults={
            "organisation": organisation,
            "title": title,
            "objectives": (objectives or "").strip(),
            "content_md": content_md or "",
            "source_digests": source_digests(module),
        },
    )
    existing = ActivityTranslation.objects.for_org(organisation).filter(
        activity__in=list(cleaned), language=language
    )
    existing.filter(activity__in=[pk for pk, fields in cleaned.items() if fields is None]).delete()
    for activity_id, translated in cleaned.items():
        if translated is not None:
            ActivityTranslation.objects.for_org(organisation).update_or_create(
                activity=originals[activity_id],
                language=language,
                defaults={
                    "organisation": organisation,
                    **translated,
                    "source_digests": source_digests(originals[activity_id]),
                },
            )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="curriculum.translation_saved",
        target=module,
        details={
            "language": language,
            "activities": sum(1 for fields in cleaned.values() if fields is not None),
        },
    )
    return translation


def _clean_activity_fields(original: Activity, fields: Mapping[str, str]) -> dict[str, str] | None:
    """The translated fields of one activity, or None when all are empty (no translation)."""
    title = (fields.get("title") or "").strip()
    instructions = fields.get("instructions_md") or ""
    materials = _check_materials(fields.get("materials") or "")
    if not (title or instructions.strip() or materials):
        return None
    if not title:
        raise ApplicationError(
            _(
                "Give the translation of the activity “%(title)s” a title, or leave all its "
                "fields empty to keep it untranslated."
            )
            % {"title": original.title}
        )
    return {
        "title": _clean_title(title, missing=""),
        "instructions_md": instructions,
        "materials": materials,
    }


@dataclass(frozen=True)
class BuiltinTranslations:
    """What adding the built-in text did: how many modules and activities got a translation,
    and how many modules were left as they were (translated already, or no longer matching)."""

    modules: int
    activities: int
    skipped: int


def _builtin_digests(original: BuiltinModule | BuiltinActivity) -> dict[str, str]:
    # The digests of the built-in text the programme was copied from, not of the module as it
    # reads now: where the organisation has adapted a field since, the new translation shows as
    # out of date for that field, which is the truth.
    if isinstance(original, BuiltinModule):
        names: tuple[str, ...] = ("title", "objectives", "content_md")
    else:
        names = ("title", "instructions_md", "materials")
    return {name: text_digest(getattr(original, name)) for name in names}


def _match(title: str, candidates: list[Any], used: set[int]) -> int | None:
    for index, candidate in enumerate(candidates):
        if index not in used and candidate.title == title:
            used.add(index)
            return index
    return None


@transaction.atomic
def programme_translations_from_builtin(
    *, organisation: Organisation, programme: Programme, language: str, actor: Any
) -> BuiltinTranslations:
    """Adds the built-in curriculum's text in `language` as the translation of every module
    (and its activities) of a programme copied from that curriculum. A module is recognised by
    the built-in title it still has, an activity likewise within its module; modules translated
    into `language` already are left as they are."""
    _check_same_organisation(organisation, programme)
    check_translation_language(programme, language)
    built_from = builtin_source(programme)
    if built_from is None:
        raise ApplicationError(
            _("“%(programme)s” was not started from a built-in curriculum.")
            % {"programme": programme.title}
        )
    kind, source_language = built_from
    if language not in builtin_languages(kind):
        raise ApplicationError(
            _("The built-in curriculum has no text in %(language)s.")
            % {"language": LANGUAGE_NAMES[language]},
            field="language",
        )
    source = builtin_curriculum(kind, source_language)
    target = builtin_curriculum(kind, language)
    _lock_programme(organisation, programme.pk)
    modules = programme_curriculum(organisation=organisation, programme=programme)
    translated = set(
        ModuleTranslation.objects.for_org(organisation)
        .filter(module__in=modules, language=language)
        .values_list("module_id", flat=True)
    )
    module_rows: list[ModuleTranslation] = []
    activity_rows: list[ActivityTranslation] = []
    used: set[int] = set()
    skipped = 0
    for module in modules:
        index = (
            None if module.pk in translated else _match(module.title, list(source.modules), used)
        )
        if index is None:
            skipped += 1
            continue
        built_in, text = source.modules[index], target.modules[index]
        module_rows.append(
            ModuleTranslation(
                organisation=organisation,
                module=module,
                language=language,
                title=text.title,
                objectives=text.objectives,
                content_md=text.content_md,
                source_digests=_builtin_digests(built_in),
            )
        )
        used_activities: set[int] = set()
        for activity in module.activities.all():
            found = _match(activity.title, list(built_in.activities), used_activities)
            if found is None:
                continue
            activity_text = text.activities[found]
            activity_rows.append(
                ActivityTranslation(
                    organisation=organisation,
                    activity=activity,
                    language=language,
                    title=activity_text.title,
                    instructions_md=activity_text.instructions_md,
                    materials=activity_text.materials,
                    source_digests=_builtin_digests(built_in.activities[found]),
                )
            )
    if not module_rows:
        raise ApplicationError(
            _(
                "No module was given the built-in %(language)s text: every module is translated "
                "into %(language)s already or no longer has its built-in title."
            )
            % {"language": LANGUAGE_NAMES[language]},
            code="nothing_to_add",
        )
    # The built-in text is ours and within every limit: bulk_create skips the per-row check.
    ModuleTranslation.objects.bulk_create(module_rows)
    ActivityTranslation.objects.bulk_create(activity_rows)
    result = BuiltinTranslations(
        modules=len(module_rows), activities=len(activity_rows), skipped=skipped
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="curriculum.translations_added",
        target=programme,
        details={"language": language, "modules": result.modules, "activities": result.activities},
    )
    return result
