"""Writes of the training app: courses, and records of who completed which course (several
people at once, as after a course). Every write is in the audit trail."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from ambassadors.models import Ambassador
from cocora.audit.services import audit_record, audit_record_many
from cocora.core.dates import check_plausible_date
from cocora.core.errors import ApplicationError
from cocora.core.text import text_check
from cocora.organisations.models import Membership, Organisation
from programmes.models import ProgrammeKind

from .models import Course, TrainedRole, TrainingRecord
from .selectors import STAFF_ROLES

COURSE_FIELDS = (
    "name",
    "description",
    "hours",
    "roles",
    "programme_kinds",
    "refresher_months",
    "required_for_trainers",
)
# A course longer than a working year, or a refresher rarer than every ten years, is a typo.
MAX_HOURS = Decimal(2000)
MAX_REFRESHER_MONTHS = 120


def _same_organisation(organisation: Organisation, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation.pk:
            raise ApplicationError(_("This belongs to another organisation."))


def _hours(value: Any, *, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Give the hours as a number."), field=field) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ApplicationError(
            _("The hours must be more than 0 and at most %(most)s.") % {"most": MAX_HOURS},
            field=field,
        )
    return hours.quantize(Decimal("0.1"))


def _choices(values: Any, allowed: Iterable[str], *, field: str) -> list[str]:
    chosen = [str(value) for value in (values or [])]
    allowed = list(allowed)
    if set(chosen) - set(allowed):
        raise ApplicationError(_("Choose from the options offered."), field=field)
    # Stored in the options' own order, once each.
    return [value for value in allowed if value in chosen]


def _course_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = dict(fields)
    if "name" in values:
        values["name"] = str(values["name"] or "").strip()
        if not values["name"]:
            raise ApplicationError(_("Give the course a name."), field="name")
    if "description" in values:
        values["description"] = str(values["description"] or "").strip()
    if "hours" in values:
        values["hours"] = _hours(values["hours"])
    if "roles" in values:
        values["roles"] = _choices(values["roles"], TrainedRole.values, field="roles")
    if "programme_kinds" in values:
        values["programme_kinds"] = _choices(
            values["programme_kinds"], ProgrammeKind.values, field="programme_kinds"
        )
    if values.get("refresher_months") is not None:
        months = values["refresher_months"]
        if not isinstance(months, int) or not 1 <= months <= MAX_REFRESHER_MONTHS:
            raise ApplicationError(
                _("A refresher comes every 1 to %(most)s months, or leave it empty.")
                % {"most": MAX_REFRESHER_MONTHS},
                field="refresher_months",
            )
    return values


def _check_requirement(course: Course) -> None:
    if course.required_for_trainers and not course.programme_kinds:
        raise ApplicationError(
            _("Choose the programmes whose trainers need this course."),
            field="programme_kinds",
        )
    if course.required_for_trainers and TrainedRole.TRAINER not in course.roles:
        raise ApplicationError(
            _("A course required of trainers must be meant for trainers."), field="roles"
        )


def _name_taken(organisation: Organisation, name: str, course: Course | None = None) -> None:
    others = Course.objects.for_org(organisation).filter(name__iexact=name)
    if course is not None:
        others = others.exclude(pk=course.pk)
    if others.exists():
        raise ApplicationError(
            _("There is a course called “%(name)s” already.") % {"name": name}, field="name"
        )


@transaction.atomic
def course_create(
    *,
    organisation: Organisation,
    name: str,
    hours: Any,
    description: str = "",
    roles: Iterable[str] = (TrainedRole.TRAINER,),
    programme_kinds: Iterable[str] = (),
    refresher_months: int | None = None,
    required_for_trainers: bool = False,
    actor: Any = None,
) -> Course:
    values = _course_values(
        {
            "name": name,
            "description": description,
            "hours": hours,
            "roles": list(roles),
            "programme_kinds": list(programme_kinds),
            "refresher_months": refresher_months,
            "required_for_trainers": bool(required_for_trainers),
        }
    )
    _name_taken(organisation, values["name"])
    course = Course(organisation=organisation, **values)
    _check_requirement(course)
    course.save()
    audit_record(organisation=organisation, actor=actor, action="course.created", target=course)
    return course


@transaction.atomic
def course_update(
    *, organisation: Organisation, course: Course, actor: Any = None, **fields: Any
) -> Course:
    """Changes a course. A new refresher interval changes every completion's due date."""
    _same_organisation(organisation, course)
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown course fields: {sorted(unknown)}")
    values = _course_values(fields)
    if "name" in values:
        _name_taken(organisation, values["name"], course)
    for name, value in values.items():
        setattr(course, name, value)
    _check_requirement(course)
    course.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="course.changed",
        target=course,
        details={"fields": sorted(values)},
    )
    return course


@transaction.atomic
def course_delete(*, organisation: Organisation, course: Course, actor: Any = None) -> None:
    """Removes a course nobody has completed; one with records is kept as their history."""
    _same_organisation(organisation, course)
    audit_record(organisation=organisation, actor=actor, action="course.deleted", target=course)
    try:
        course.delete()
    except ProtectedError:
        raise ApplicationError(
            _("People have completed this course: it stays as part of their history.")
        ) from None


@transaction.atomic
def training_record_create_many(
    *,
    organisation: Organisation,
    course: Course,
    completed_on: date,
    memberships: Iterable[Membership] = (),
    ambassadors: Iterable[Ambassador] = (),
    hours: Any = None,
    note: str = "",
    actor: Any = None,
) -> list[TrainingRecord]:
    """Records that each person completed the course on that day (the course's hours unless
    others are given). Anyone already recorded for that course on that day is left as they are.
    A fixed number of queries, however many people."""
    members = list(memberships)
    young = list(ambassadors)
    _same_organisation(organisation, course, *members, *young)
    if not members and not young:
        raise ApplicationError(_("Choose who completed the course."), field="people")
    check_plausible_date(completed_on, field="completed_on")
    if any(member.role not in STAFF_ROLES for member in members):
        raise ApplicationError(
            _("Only trainers, coordinators and admins are trained as trainers."), field="people"
        )
    kinds = [(TrainedRole.TRAINER, members), (TrainedRole.AMBASSADOR, young)]
    for role, people in kinds:
        if people and role not in course.roles:
            raise ApplicationError(
                _("“%(course)s” is not meant for %(whom)s.")
                % {"course": course.name, "whom": TrainedRole(role).label.lower()},
                field="people",
            )
    existing = TrainingRecord.objects.for_org(organisation).filter(
        course=course, completed_on=completed_on
    )
    known = set(existing.values_list("membership_id", "ambassador_id"))
    common = {
        "organisation": organisation,
        "course": course,
        "completed_on": completed_on,
        "hours": course.hours if hours in (None, "") else _hours(hours),
        "note": (note or "").strip(),
        "recorded_by": actor if getattr(actor, "pk", None) else None,
    }
    records = [
        TrainingRecord(membership=member, **common)
        for member in members
        if (member.pk, None) not in known
    ] + [
        TrainingRecord(ambassador=ambassador, **common)
        for ambassador in young
        if (None, ambassador.pk) not in known
    ]
    if records:
        # bulk_create skips save(): the one note's length and characters are checked here.
        text_check(records[0])
    created = TrainingRecord.objects.bulk_create(records)
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="training.recorded",
        targets=[
            (record, {"course": course.pk, "completed_on": completed_on.isoformat()})
            for record in created
        ],
    )
    return created


@transaction.atomic
def training_record_delete(
    *, organisation: Organisation, record: TrainingRecord, actor: Any = None
) -> None:
    """Removes a record entered by mistake."""
    _same_organisation(organisation, record)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="training.deleted",
        target=record,
        details={"course": record.course_id, "completed_on": record.completed_on.isoformat()},
    )
    record.delete()
