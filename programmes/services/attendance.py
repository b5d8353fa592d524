"""Attendance: one row per session and enrolment, saved idempotently."""

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import DateField, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.compiled import Param, compiled_variants
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from ..models import (
    ATTENDING_STAGES,
    Attendance,
    AttendanceStatus,
    Enrolment,
    Session,
    SessionStatus,
)


def _attendance_list(*, organisation: Organisation, session: Session) -> QuerySet[Enrolment]:
    return _attendance_list_of(
        organisation=organisation, cohort=session.cohort_id, day=_day_of(session)
    )


def _day_of(session: Session) -> date:
    """The session's day in the active (the organisation's) time zone: who had joined by then
    belongs on its list."""
    return timezone.localtime(session.starts_at).date()


def _attendance_list_of(
    *, organisation: Organisation | Param, cohort: int | Param, day: date | Param
) -> QuerySet[Enrolment]:
    return Enrolment.objects.for_org(organisation).filter(
        cohort_id=cohort, stage__in=ATTENDING_STAGES, joined_on__lte=day
    )


class AttendanceLine(NamedTuple):
    """One person on a session's attendance list, as lists show them: `mark` is their status at
    the session where the list was read with the marks ("" when not marked)."""

    enrolment_id: int
    participant_id: int
    display_name: str
    code: str
    mark: str = ""


def _lines(*, with_marks: bool) -> QuerySet[Enrolment, tuple[Any, ...]]:
    """What `attendance_lines` reads, as a compiled read's queryset."""
    organisation = Param("organisation")
    lines = _attendance_list_of(
        organisation=organisation, cohort=Param("cohort"), day=Param("day", DateField())
    ).order_by("participant__display_name", "participant__code")
    fields = ["pk", "participant_id", "participant__display_name", "participant__code"]
    if with_marks:
        lines = lines.annotate(
            mark=Subquery(
                Attendance.objects.for_org(organisation)
                .filter(session_id=Param("session"), enrolment_id=OuterRef("pk"))
                .values("status")[:1]
            )
        )
        fields.append("mark")
    return lines.values_list(*fields)


_LINES = compiled_variants(_lines, "with_marks", (False, True))


def attendance_lines(
    *, organisation: Organisation, session: Session, with_marks: bool = False
) -> list[AttendanceLine]:
    """Who belongs on the session's attendance list: people holding a place (or who completed)
    and who had joined by the session's day, by name. Plain values, for lists written in one
    pass: no model object per enrolment and person, and only the names and codes of the people
    (not their encrypted contact columns). `with_marks` reads each one's mark in the same query.
    One query, compiled once per process."""
    rows = _LINES[with_marks](
        organisation=organisation.pk,
        cohort=session.cohort_id,
        day=_day_of(session),
        session=session.pk,
    )
    if not with_marks:
        return [AttendanceLine(*values) for values in rows]
    return [
        AttendanceLine(pk, participant_id, name, code, mark or "")
        for pk, participant_id, name, code, mark in rows
    ]


def attendance_enrolment_ids(*, organisation: Organisation, session: Session) -> set[int]:
    """The same list as `attendance_lines`, as ids only: what a save checks marks
    against, without reading (and decrypting) a person per row."""
    return set(
        _attendance_list(organisation=organisation, session=session).values_list("pk", flat=True)
    )


@transaction.atomic
def attendance_save(
    *,
    organisation: Organisation,
    session: Session,
    statuses: Mapping[int, str],
    actor: Any = None,
    enrolment_ids: Collection[int] | None = None,
) -> int:
    """Saves the given statuses (enrolment id -> status); marks not given stay as they are.
    Saving the same thing twice, a double tap or a retried request, changes nothing and raises
    nothing: only marks that differ are written (upserted on their unique key), so who recorded a
    mark and when stay those of the last real change. Marks the session held. A constant number
    of queries whatever the number of people. `enrolment_ids` is the session's list from
    `attendance_enrolment_ids` when the caller has just read it (the attendance page has), so
    that it is not read twice."""
    if session.organisation_id != organisation.pk:
        raise ApplicationError(_("This session belongs to another organisation."))
    if session.status == SessionStatus.CANCELLED:
        raise ApplicationError(
            _("This session was cancelled. Reinstate it before taking attendance."),
            code="conflict",
        )
    if _day_of(session) > timezone.localdate():
        raise ApplicationError(
            _("This session has not happened yet: take attendance on the day."), code="conflict"
        )
    for status in statuses.values():
        if status not in AttendanceStatus.values:
            raise ApplicationError(
                _("Choose present, late, excused or absent for everyone."), field="marks"
            )
    if enrolment_ids is None:
        enrolment_ids = attendance_enrolment_ids(organisation=organisation, session=session)
    unknown = set(statuses).difference(enrolment_ids)
    if unknown:
        raise ApplicationError(
            _("Some of these people are not on this session's list any more."),
            field="marks",
        )
    current = dict(
        Attendance.objects.for_org(organisation)
        .filter(session=session)
        .values_list("enrolment_id", "status")
    )
    changed = {pk: status for pk, status in statuses.items() if current.get(pk) != status}
    if changed:
        now = timezone.now()
        user = actor if getattr(actor, "is_authenticated", False) else None
        Attendance.objects.bulk_create(
            [
                Attendance(
                    organisation=organisation,
                    session=session,
                    enrolment_id=enrolment_id,
                    status=status,
                    recorded_by=user,
                    recorded_at=now,
                )
                for enrolment_id, status in changed.items()
            ],
            update_conflicts=True,
            unique_fields=["organisation", "session", "enrolment"],
            update_fields=["status", "recorded_by", "recorded_at"],
        )
        audit_record(
            organisation=organisation,
            actor=actor,
            action="attendance.saved",
            target=session,
            details={"count": len(changed)},
        )
    if statuses and session.status != SessionStatus.HELD:
        session.status = SessionStatus.HELD
        session.save(update_fields=["status", "updated_at"])
    return len(statuses)
