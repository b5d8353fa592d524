"""Reads of the training app: courses, records, each person's standing in each course, the
refreshers due and the trainers of a cohort who lack a required training.

A person's standing in a course rests on their latest completion of it: with a refresher
interval, the refresher is due that many months later and the training lapses after that day.
"Today" is the organisation's day, so a refresher falls due at midnight where the organisation
is, not on a server's clock.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from ambassadors.models import WORKING_STATUSES, Ambassador
from cocora.core.compiled import Param, compiled_read, compiled_variants
from cocora.organisations.models import Membership, Organisation, Role
from cocora.organisations.permissions import can
from programmes.models import CohortTrainer

from .models import Course, TrainingRecord

# Refreshers due within this many days are listed beside the overdue ones.
DUE_SOON_DAYS = 30
# Roles whose members are trained as trainers (a coordinator or admin may run sessions too).
STAFF_ROLES = (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when that month is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def refresher_due(record: TrainingRecord) -> date | None:
    months = record.course.refresher_months
    return add_months(record.completed_on, months) if months else None


class State:
    VALID = "valid"
    DUE_SOON = "due_soon"
    LAPSED = "lapsed"
    MISSING = "missing"


@dataclass
class Standing:
    """Where one person stands in one course today: their latest completion (None if they never
    completed it) and the refresher it calls for."""

    course: Course
    record: TrainingRecord | None
    today: date

    @property
    def due(self) -> date | None:
        return refresher_due(self.record) if self.record is not None else None

    @property
    def state(self) -> str:
        if self.record is None:
            return State.MISSING
        due = self.due
        if due is None:
            return State.VALID
        if due < self.today:
            return State.LAPSED
        if due <= self.today + timedelta(days=DUE_SOON_DAYS):
            return State.DUE_SOON
        return State.VALID

    @property
    def lacking(self) -> bool:
        return self.state in (State.MISSING, State.LAPSED)

    @property
    def person(self) -> Any:
        assert self.record is not None
        return self.record.membership or self.record.ambassador


# -- courses ---------------------------------------------------------------------------------


def course_list(*, organisation: Organisation) -> QuerySet[Course]:
    """Courses with how many completions each holds (one query)."""
    return (
        Course.objects.for_org(organisation)
        .annotate(record_count=Count("records"))
        .order_by("name", "pk")
    )


def course_get(*, organisation: Organisation, course_id: int) -> Course | None:
    return Course.objects.for_org(organisation).filter(pk=course_id).first()


# -- records ---------------------------------------------------------------------------------


def record_queryset(*, organisation: Organisation | Param) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.for_org(organisation).select_related(
        "course", "membership__user", "ambassador__participant", "recorded_by"
    )


def record_list(*, organisation: Organisation, viewer: Membership) -> QuerySet[TrainingRecord]:
    """Every record for those who manage training; one's own for everyone else (a trainer their
    own, an ambassador theirs): nobody else sees another person's training."""
    records = record_queryset(organisation=organisation)
    if can(viewer, "training.manage"):
        return records
    return records.filter(Q(membership=viewer) | Q(ambassador__user_id=viewer.user_id))


def member_history(
    *, organisation: Organisation, membership: Membership
) -> QuerySet[TrainingRecord]:
    """A member's completions, the latest first (the id breaks ties, so that pages neither
    repeat nor skip one)."""
    return (
        record_queryset(organisation=organisation)
        .filter(membership=membership)
        .order_by("-completed_on", "-pk")
    )


def ambassador_history(
    *, organisation: Organisation, ambassador: Ambassador
) -> QuerySet[TrainingRecord]:
    """An ambassador's completions, the latest first, as `member_history`."""
    return (
        record_queryset(organisation=organisation)
        .filter(ambassador=ambassador)
        .order_by("-completed_on", "-pk")
    )


def latest_of_each_course(records: QuerySet[TrainingRecord]) -> QuerySet[TrainingRecord]:
    """Of one person's `records`, the latest completion of each course (the id breaks a tie):
    all that their standing rests on, in one query however long their history."""
    latest = records.filter(course=OuterRef("course")).order_by("-completed_on", "-pk")
    return records.filter(pk=Subquery(latest.values("pk")[:1]))


def own_ambassador(*, organisation: Organisation, membership: Membership) -> Ambassador | None:
    if membership.role != Role.AMBASSADOR:
        return None
    return (
        Ambassador.objects.for_org(organisation)
        .select_related("participant")
        .filter(user_id=membership.user_id)
        .first()
    )


def standings(
    *, records: Iterable[TrainingRecord], courses: Iterable[Course], today: date
) -> list[Standing]:
    """One person's standing in each course they completed or that `courses` adds (e.g. the
    courses required of them): `records` are that person's, any order."""
    latest: dict[int, TrainingRecord] = {}
    for record in records:
        known = latest.get(record.course_id)
        if known is None or (record.completed_on, record.pk) > (known.completed_on, known.pk):
            latest[record.course_id] = record
    by_course = {record.course_id: record.course for record in latest.values()}
    for course in courses:
        by_course.setdefault(course.pk, course)
    return [
        Standing(course=course, record=latest.get(course.pk), today=today)
        for course in sorted(by_course.values(), key=lambda c: (c.name, c.pk))
    ]


def trainable_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.for_org(organisation)
        .filter(role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__name", "user__email", "pk")
    )


def trainable_ambassadors(*, organisation: Organisation) -> QuerySet[Ambassador]:
    return (
        Ambassador.objects.for_org(organisation)
        .filter(status__in=WORKING_STATUSES)
        .select_related("participant")
        .order_by("pk")
    )


# -- refreshers due --------------------------------------------------------------------------


@compiled_read
def _refresher_records() -> QuerySet[TrainingRecord]:
    """Every completion of a course with a refresher by someone who still trains or works."""
    return (
        record_queryset(organisation=Param("organisation"))
        .filter(course__refresher_months__isnull=False)
        .filter(Q(membership__role__in=STAFF_ROLES) | Q(ambassador__status__in=WORKING_STATUSES))
    )


def refreshers_due(
    *, organisation: Organisation, today: date, within_days: int = DUE_SOON_DAYS
) -> list[Standing]:
    """Each person's latest completion of each course with a refresher, when the refresher is
    overdue or due within `within_days`; soonest (most overdue) first. Members who left, or no
    longer train, and ambassadors who no longer work are not listed. One query, however many
    people and records, compiled once per process (the home page's panel reads it)."""
    records: list[TrainingRecord] = _refresher_records(organisation=organisation.pk)
    latest: dict[tuple[int, int | None, int | None], TrainingRecord] = {}
    for record in records:
        key = (record.course_id, record.membership_id, record.ambassador_id)
        known = latest.get(key)
        if known is None or (record.completed_on, record.pk) > (known.completed_on, known.pk):
            latest[key] = record
    horizon = today + timedelta(days=within_days)
    rows = [Standing(course=r.course, record=r, today=today) for r in latest.values()]
    rows = [row for row in rows if row.due is not None and row.due <= horizon]
    return sorted(rows, key=lambda row: (row.due, row.course.name, row.record.pk))  # type: ignore[union-attr]


# -- the trainers of a cohort ----------------------------------------------------------------


@dataclass
class Gap:
    """A member who lacks (never completed, or let lapse) a course required of the trainers of
    a programme kind."""

    membership: Membership
    standing: Standing


@compiled_read
def _courses_required() -> QuerySet[Course]:
    return Course.objects.for_org(Param("organisation")).filter(required_for_trainers=True)


def required_courses(*, organisation: Organisation, programme_kind: str) -> list[Course]:
    return [
        course
        for course in required_courses_of_staff(organisation=organisation)
        if programme_kind in course.programme_kinds
    ]


def required_courses_of_staff(*, organisation: Organisation) -> list[Course]:
    """Courses required of the trainers of any programme kind: one query, compiled once per
    process (the cohort page's training panel reads it)."""
    return _courses_required(organisation=organisation.pk)  # type: ignore[no-any-return]


def _people_to_train(*, editing: bool) -> QuerySet[Membership]:
    """The cohort's trainers; or, on the form where they are assigned (`editing`), those a
    coordinator is likely to assign: the trainers, and whoever is assigned already (a
    coordinator or admin who runs sessions too)."""
    organisation = Param("organisation")
    assigned = (
        CohortTrainer.objects.for_org(organisation)
        .filter(cohort_id=Param("cohort"))
        .values("user_id")
    )
    people = Membership.objects.for_org(organisation)
    if editing:
        people = people.filter(Q(role=Role.TRAINER) | Q(role__in=STAFF_ROLES, user_id__in=assigned))
    else:
        people = people.filter(user_id__in=assigned)
    return people.select_related("user").order_by("user__name", "pk")


def _their_latest(*, editing: bool) -> QuerySet[TrainingRecord, tuple[int, int, date]]:
    """Each of `_people_to_train`'s latest completion of each course required of trainers, as
    (membership id, course id, day). A standing rests on the latest completion alone."""
    people = _people_to_train(editing=editing).order_by().values("pk")
    return (
        TrainingRecord.objects.for_org(Param("organisation"))
        .filter(course__required_for_trainers=True, membership_id__in=people)
        .values_list("membership_id", "course_id")
        .annotate(latest=Max("completed_on"))
        .order_by()
    )


_PEOPLE_TO_TRAIN = compiled_variants(_people_to_train, "editing", (False, True))
_THEIR_LATEST = compiled_variants(_their_latest, "editing", (False, True))


def cohort_training_gaps(
    *, organisation: Organisation, cohort: Any, editing: bool, programme_kind: str, today: date
) -> list[Gap]:
    """For each of the cohort's trainers (or, `editing`, of those likely to be assigned: see
    `_people_to_train`), each course required of the trainers of `programme_kind` that they
    lack, by name of person, then of course. Three queries however many people and records,
    each compiled once per process: the courses required; the people; their latest completion
    of each course (none but the courses' when no course is required)."""
    courses = required_courses(organisation=organisation, programme_kind=programme_kind)
    if not courses:
        return []
    values = {"organisation": organisation.pk, "cohort": cohort.pk}
    people = _PEOPLE_TO_TRAIN[editing](**values)
    latest = {(m, c): day for m, c, day in _THEIR_LATEST[editing](**values)}
    by_name = sorted(courses, key=lambda c: (c.name, c.pk))
    gaps = []
    for membership in people:
        for course in by_name:
            completed_on = latest.get((membership.pk, course.pk))
            record = (
                None
                if completed_on is None
                else TrainingRecord(course=course, membership=membership, completed_on=completed_on)
            )
            standing = Standing(course=course, record=record, today=today)
            if standing.lacking:
                gaps.append(Gap(membership=membership, standing=standing))
    return gaps
