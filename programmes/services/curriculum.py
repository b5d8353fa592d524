"""Programmes and their curriculum: creating a programme (empty or copied from a built-in
curriculum), and writing, ordering and deleting its modules and activities.

Order is kept as positions 0..n-1 within a programme (modules) or a module (activities). Every
write that changes the order renumbers the whole list, so gaps and ties never survive one, and
locks the parent row first, so two people reordering at once wait for each other instead of
producing two items at the same position.
"""

from collections.abc import Sequence
from typing import Literal, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation, OrgScopedModel

from ..curricula import builtin_curriculum
from ..models import (
    Activity,
    ActivityMethod,
    Module,
    Programme,
    ProgrammeKind,
    SessionLogActivity,
)

Direction = Literal["up", "down"]
DIRECTIONS: tuple[Direction, ...] = ("up", "down")
MIN_DURATION, MAX_DURATION = 1, 600
TITLE_MAX_LENGTH = 200
MATERIALS_MAX_LENGTH = 500

Ordered = TypeVar("Ordered", Module, Activity)


# Checks shared by the writes below. Each raises ApplicationError with a message for a person.


def _check_same_organisation(organisation: Organisation, *rows: OrgScopedModel) -> None:
    for row in rows:
        if row.organisation_id != organisation.pk:  # type: ignore[attr-defined]
            raise ApplicationError(
                _("%(item)s does not belong to this organisation.") % {"item": row}
            )


def _clean_title(title: str, *, missing: str) -> str:
    # `missing` is a whole sentence per kind of item: translations need the noun in context.
    title = (title or "").strip()
    if not title:
        raise ApplicationError(missing, field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ApplicationError(
            _("Keep the title to %(limit)s characters.") % {"limit": TITLE_MAX_LENGTH},
            field="title",
        )
    return title


def _check_duration(minutes: int) -> int:
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise ApplicationError(
            _("The duration must be between %(low)s and %(high)s minutes.")
            % {"low": MIN_DURATION, "high": MAX_DURATION},
            field="duration_minutes",
        )
    return minutes


def _check_kind(kind: str) -> str:
    if kind not in ProgrammeKind.values:
        raise ApplicationError(
            _("“%(kind)s” is not a kind of programme. Choose one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(str(label) for label in ProgrammeKind.labels)},
            field="kind",
        )
    return kind


def _check_language(language: str) -> str:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ApplicationError(
            _("“%(language)s” is not one of the languages of the platform.")
            % {"language": language},
            field="language",
        )
    return language


def _check_method(method: str) -> str:
    if method not in ActivityMethod.values:
        raise ApplicationError(
            _("“%(method)s” is not one of the methods to choose from.") % {"method": method},
            field="method",
        )
    return method


def _check_materials(materials: str) -> str:
    materials = (materials or "").strip()
    if len(materials) > MATERIALS_MAX_LENGTH:
        raise ApplicationError(
            _("Keep the list of materials to %(limit)s characters.")
            % {"limit": MATERIALS_MAX_LENGTH},
            field="materials",
        )
    return materials


def _lock_programme(organisation: Organisation, programme_id: int) -> Programme:
    # The programme row is the lock that serialises changes to the order of its modules.
    return Programme.objects.for_org(organisation).select_for_update().get(pk=programme_id)


def _lock_module(organisation: Organisation, module_id: int) -> Module:
    # The module row is the lock that serialises changes to the order of its activities.
    return Module.objects.for_org(organisation).select_for_update().get(pk=module_id)


def _renumber(model: type[Ordered], items: Sequence[Ordered]) -> None:
    """Gives `items` the positions 0..n-1 in their current order: one query, or none when
    nothing changed."""
    changed = []
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        model.objects.bulk_update(changed, ["position"])


def _move(model: type[Ordered], items: list[Ordered], item: Ordered, direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ApplicationError(
            _("Move “%(title)s” up or down.") % {"title": item.title}, field="direction"
        )
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0:
        raise ApplicationError(
            _("“%(title)s” is already at the top.") % {"title": item.title}, field="direction"
        )
    if other >= len(items):
        raise ApplicationError(
            _("“%(title)s” is already at the bottom.") % {"title": item.title}, field="direction"
        )
    items[index], items[other] = items[other], items[index]
    _renumber(model, items)
    item.position = other


# Programmes


@transaction.atomic
def programme_create(
    *,
    organisation: Organisation,
    kind: str,
    title: str,
    summary: str = "",
    language: str = "en",
) -> Programme:
    """Creates a programme with an empty curriculum."""
    return Programme.objects.create(
        organisation=organisation,
        kind=_check_kind(kind),
        title=_clean_title(title, missing=_("Give the programme a title.")),
        summary=(summary or "").strip(),
        language=_check_language(language),
    )


@transaction.atomic
def programme_create_from_builtin(
    *,
    organisation: Organisation,
    kind: str,
    language: str = "en",
    title: str | None = None,
    summary: str | None = None,
) -> Programme:
    """Creates a programme with a copy of every module and activity of the built-in curriculum
    of its kind (in English where the language has none yet). Three inserts, whatever the size
    of the curriculum: the programme, all modules, all activities."""
    _check_kind(kind)
    _check_language(language)
    curriculum = builtin_curriculum(kind, language)
    programme = Programme.objects.create(
        organisation=organisation,
        kind=kind,
        title=_clean_title(
            (title or "").strip() or curriculum.title, missing=_("Give the programme a title.")
        ),
        summary=(summary or "").strip() or curriculum.summary,
        language=language,
        source=curriculum.source,
    )
    # On PostgreSQL and SQLite >= 3.35 bulk_create returns the primary keys, which the
    # activities need for their module.
    modules = Module.objects.bulk_create(
        [
            Module(
                organisation=organisation,
                programme=programme,
                position=position,
                title=module.title,
                objectives=module.objectives,
                content_md=module.content_md,
                duration_minutes=module.duration_minutes,
            )
            for position, module in enumerate(curriculum.modules)
        ]
    )
    Activity.objects.bulk_create(
        [
            Activity(
                organisation=organisation,
                module=module_row,
                position=position,
                title=activity.title,
                method=activity.method,
                instructions_md=activity.instructions_md,
                materials=activity.materials,
                duration_minutes=activity.duration_minutes,
            )
            for module_row, module in zip(modules, curriculum.modules, strict=True)
            for position, activity in enumerate(module.activities)
        ]
    )
    return programme


@transaction.atomic
def programme_update(
    *,
    organisation: Organisation,
    programme: Programme,
    title: str,
    summary: str = "",
    language: str | None = None,
) -> Programme:
    """Changes a programme's title, summary and language. Its kind stays what it was created as:
    cohorts and reports rely on it."""
    _check_same_organisation(organisation, programme)
    programme.title = _clean_title(title, missing=_("Give the programme a title."))
    programme.summary = (summary or "").strip()
    if language is not None:
        programme.language = _check_language(language)
    programme.save(update_fields=["title", "summary", "language"])
    return programme


# Modules


@transaction.atomic
def module_create(
    *,
    organisation: Organisation,
    programme: Programme,
    title: str,
    objectives: str = "",
    content_md: str = "",
    duration_minutes: int = 90,
) -> Module:
    """Adds a module at the end of the programme's curriculum."""
    _check_same_organisation(organisation, programme)
    title = _clean_title(title, missing=_("Give the module a title."))
    _check_duration(duration_minutes)
    _lock_programme(organisation, programme.pk)
    position = Module.objects.for_org(organisation).filter(programme=programme).count()
    return Module.objects.create(
        organisation=organisation,
        programme=programme,
        position=position,
        title=title,
        objectives=(objectives or "").strip(),
        content_md=content_md or "",
        duration_minutes=duration_minutes,
    )


@transaction.atomic
def module_update(
    *,
    organisation: Organisation,
    module: Module,
    title: str,
    objectives: str = "",
    content_md: str = "",
    duration_minutes: int = 90,
) -> Module:
    _check_same_organisation(organisation, module)
    module.title = _clean_title(title, missing=_("Give the module a title."))
    module.objectives = (objectives or "").strip()
    module.content_md = content_md or ""
    module.duration_minutes = _check_duration(duration_minutes)
    module.save(update_fields=["title", "objectives", "content_md", "duration_minutes"])
    return module


def _check_not_logged(
    organisation: Organisation, activities: models.QuerySet[Activity], *, title: str
) -> None:
    # Session logs record which activities were covered; deleting one would silently rewrite
    # that history (the coverage rows cascade), so it is refused: the text can still be edited.
    logged = (
        SessionLogActivity.objects.for_org(organisation)
        .filter(activity__in=activities)
        .values("log")
        .distinct()
        .count()
    )
    if logged:
        raise ApplicationError(
            ngettext(
                "“%(title)s” is recorded as covered in %(count)s session log. Deleting it would "
                "change what that log says; edit it instead.",
                "“%(title)s” is recorded as covered in %(count)s session logs. Deleting it would "
                "change what those logs say; edit it instead.",
                logged,
            )
            % {"title": title, "count": logged},
            code="in_use",
        )


@transaction.atomic
def module_delete(*, organisation: Organisation, module: Module) -> None:
    """Deletes a module with its activities and closes the gap in the order. Sessions planned
    with the module keep their date and lose only the link to it."""
    _check_same_organisation(organisation, module)
    _check_not_logged(
        organisation,
        Activity.objects.for_org(organisation).filter(module=module),
        title=module.title,
    )
    _lock_programme(organisation, module.programme_id)
    module.delete()
    _renumber(
        Module,
        list(
            Module.objects.for_org(organisation)
            .filter(programme_id=module.programme_id)
            .order_by("position", "pk")
        ),
    )


@transaction.atomic
def module_move(*, organisation: Organisation, module: Module, direction: Direction) -> Module:
    """Swaps a module with its neighbour above or below."""
    _check_same_organisation(organisation, module)
    _lock_programme(organisation, module.programme_id)
    siblings = list(
        Module.objects.for_org(organisation)
        .filter(programme_id=module.programme_id)
        .order_by("position", "pk")
    )
    _move(Module, siblings, module, direction)
    return module


# Activities


@transaction.atomic
def activity_create(
    *,
    organisation: Organisation,
    module: Module,
    title: str,
    method: str = ActivityMethod.DISCUSSION,
    instructions_md: str = "",
    materials: str = "",
    duration_minutes: int = 30,
) -> Activity:
    """Adds an activity at the end of the module."""
    _check_same_organisation(organisation, module)
    title = _clean_title(title, missing=_("Give the activity a title."))
    _check_method(method)
    materials = _check_materials(materials)
    _check_duration(duration_minutes)
    _lock_module(organisation, module.pk)
    position = Activity.objects.for_org(organisation).filter(module=module).count()
    return Activity.objects.create(
        organisation=organisation,
        module=module,
        position=position,
        title=title,
        method=method,
        instructions_md=instructions_md or "",
        materials=materials,
        duration_minutes=duration_minutes,
    )


@transaction.atomic
def activity_update(
    *,
    organisation: Organisation,
    activity: Activity,
    title: str,
    method: str = ActivityMethod.DISCUSSION,
    instructions_md: str = "",
    materials: str = "",
    duration_minutes: int = 30,
) -> Activity:
    _check_same_organisation(organisation, activity)
    activity.title = _clean_title(title, missing=_("Give the activity a title."))
    activity.method = _check_method(method)
    activity.instructions_md = instructions_md or ""
    activity.materials = _check_materials(materials)
    activity.duration_minutes = _check_duration(duration_minutes)
    activity.save(
        update_fields=["title", "method", "instructions_md", "materials", "duration_minutes"]
    )
    return activity


@transaction.atomic
def activity_delete(*, organisation: Organisation, activity: Activity) -> None:
    """Deletes an activity and closes the gap in its module's order."""
    _check_same_organisation(organisation, activity)
    _check_not_logged(
        organisation,
        Activity.objects.for_org(organisation).filter(pk=activity.pk),
        title=activity.title,
    )
    _lock_module(organisation, activity.module_id)
    activity.delete()
    _renumber(
        Activity,
        list(
            Activity.objects.for_org(organisation)
            .filter(module_id=activity.module_id)
            .order_by("position", "pk")
        ),
    )


@transaction.atomic
def activity_move(
    *, organisation: Organisation, activity: Activity, direction: Direction
) -> Activity:
    """Swaps an activity with its neighbour above or below, within its module."""
    _check_same_organisation(organisation, activity)
    _lock_module(organisation, activity.module_id)
    siblings = list(
        Activity.objects.for_org(organisation)
        .filter(module_id=activity.module_id)
        .order_by("position", "pk")
    )
    _move(Activity, siblings, activity, direction)
    return activity
