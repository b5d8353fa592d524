"""Reads of programmes and their curriculum."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cocora.core.compiled import Param, compiled_read
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from ..models import Activity, Module, Programme, ProgrammeKind, Session


def programme_list(*, organisation: Organisation | Param) -> QuerySet[Programme]:
    """The organisation's programmes with `module_count`, in one query, by kind then title."""
    return (
        Programme.objects.for_org(organisation)
        # The filter keeps the count to the organisation's own modules even where no row-level
        # security backs it up (SQLite).
        .annotate(module_count=Count("modules", filter=Q(modules__organisation=organisation)))
        .order_by("kind", "title", "pk")
    )


@compiled_read
def _every_programme() -> QuerySet[Programme]:
    return programme_list(organisation=Param("organisation"))


def programmes_of(*, organisation: Organisation) -> list[Programme]:
    """`programme_list` read at once, compiled once per process (the home page's panel)."""
    return _every_programme(organisation=organisation.pk)  # type: ignore[no-any-return]


def programme_groups(*, organisation: Organisation) -> list[tuple[ProgrammeKind, list[Programme]]]:
    """The organisation's programmes per kind, every kind present (possibly with none), in the
    order of ProgrammeKind. One query."""
    programmes = list(programme_list(organisation=organisation))
    return [
        (kind, [programme for programme in programmes if programme.kind == kind])
        for kind in ProgrammeKind
    ]


def programme_get(*, organisation: Organisation, programme_id: int) -> Programme:
    """One programme of the organisation, with `module_count`. Raises Programme.DoesNotExist
    for an id of another organisation, as for one that does not exist."""
    return programme_list(organisation=organisation).get(pk=programme_id)


def programme_curriculum(*, organisation: Organisation, programme: Programme) -> list[Module]:
    """The programme's modules in order, each with its activities in order: two queries
    whatever the number of modules and activities."""
    if programme.organisation_id != organisation.pk:  # type: ignore[attr-defined]
        raise ApplicationError(_("The programme does not belong to this organisation."))
    activities = Activity.objects.for_org(organisation).order_by("position", "pk")
    return list(
        Module.objects.for_org(organisation)
        .filter(programme=programme)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("activities", queryset=activities))
    )


def module_list(
    *, organisation: Organisation, programme: Programme | None = None
) -> QuerySet[Module]:
    """The organisation's modules (one programme's, when given) in curriculum order, each with
    `activity_count`: one query."""
    modules = Module.objects.for_org(organisation)
    if programme is not None:
        modules = modules.filter(programme=programme)
    return modules.annotate(
        activity_count=Count("activities", filter=Q(activities__organisation=organisation))
    ).order_by("programme_id", "position", "pk")


def activity_list(
    *, organisation: Organisation, module: Module | None = None
) -> QuerySet[Activity]:
    """The organisation's activities (one module's, when given) in their module's order: one
    query."""
    activities = Activity.objects.for_org(organisation)
    if module is not None:
        activities = activities.filter(module=module)
    return activities.order_by("module_id", "position", "pk")


def module_delete_consequences(*, organisation: Organisation, module: Module) -> dict[str, int]:
    """What deleting a module takes with it, for the confirmation page: two counts."""
    return {
        "activities": Activity.objects.for_org(organisation).filter(module=module).count(),
        "sessions": Session.objects.for_org(organisation).filter(module=module).count(),
    }
