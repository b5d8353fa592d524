"""A cohort's participants and attendance, or a selection of participants, as a spreadsheet
(CSV or XLSX).

Data minimisation: the export holds the pseudonymous code, the name, the stage and attendance,
never contact details or guardian data; people whose participation consent was withdrawn are
left out. Every export of personal data is written to the audit trail.
"""

import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import tablib
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.core.xlsx import xlsx_bytes
from cocora.organisations.models import Organisation

from .models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    Consent,
    ConsentScope,
    Enrolment,
    EnrolmentStage,
    Session,
    SessionStatus,
)
from .services.consent import participants_for_bulk

# Format -> content type.
EXPORT_FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Control characters that XLSX (XML) cannot hold; openpyxl refuses them with an error.
XML_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str
    rows: int

    def response(self) -> HttpResponse:
        """The file as a download."""
        return HttpResponse(
            self.content,
            content_type=self.content_type,
            headers={
                "Content-Disposition": f'attachment; filename="{self.filename}"',
                # Personal data: no copies in shared or browser caches.
                "Cache-Control": "no-store",
            },
        )


def cell_neutralise(value: Any) -> Any:
    """A cell that no spreadsheet program will run as a formula: text starting with = + - @, a
    tab or a carriage return, or holding NUL, gets a leading apostrophe. NUL and the other
    control characters XLSX cannot hold are removed."""
    if not isinstance(value, str):
        return value
    had_nul = "\x00" in value
    value = XML_ILLEGAL_CHARACTERS.sub("", value)
    if had_nul or value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def dataset_bytes(dataset: tablib.Dataset, fmt: str) -> bytes:
    """The file of a dataset in one of EXPORT_FORMATS."""
    if fmt == "csv":
        # CSV with a BOM: spreadsheet programs then read the names' accents right.
        return bytes(dataset.export("csv").encode("utf-8-sig"))
    # XLSX written directly (cocora.core.xlsx): tablib's openpyxl route took most of the
    # export's time; the cells are the same.
    return xlsx_bytes(headers=dataset.headers or [], rows=dataset[:], title=dataset.title or "")


def participation_withdrawn(organisation: Organisation, participant_field: str) -> Q:
    """Whether the person's consent to take part was withdrawn, as a filter on the rows whose
    `participant_field` names the person. Withdrawing takes effect at once: whoever's
    participation consent was withdrawn by someone (the young person or a guardian) who has not
    given it again is not exported; a guardian's consent does not outweigh the young person's
    withdrawal."""
    participation = Consent.objects.for_org(organisation).filter(
        participant_id=OuterRef(participant_field), scope=ConsentScope.PARTICIPATION
    )
    withdrawn = Q()
    for giver in ("self", "guardian"):
        withdrawn |= Q(
            Exists(participation.filter(given_by=giver, withdrawn_at__isnull=False))
            & ~Exists(participation.filter(given_by=giver, withdrawn_at__isnull=True))
        )
    return withdrawn


def cohort_export_dataset(*, organisation: Organisation, cohort: Cohort) -> tablib.Dataset:
    """One row per enrolment: code, name, stage, joined on, the status at each session that was
    not cancelled, then sessions attended and held since joining and the attendance rate. Three
    queries whatever the number of people and sessions."""
    if cohort.organisation_id != organisation.pk:
        raise ApplicationError(_("This cohort belongs to another organisation."))
    tz = zoneinfo.ZoneInfo(organisation.time_zone)
    sessions = list(
        Session.objects.for_org(organisation)
        .filter(cohort_id=cohort.pk)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )
    # Only what the rows show, as plain values: no contact columns (encrypted) are read, and no
    # model object is made per person.
    enrolments = list(
        Enrolment.objects.for_org(organisation)
        .filter(cohort_id=cohort.pk)
        .exclude(participation_withdrawn(organisation, "participant_id"))
        .order_by("participant__display_name", "participant__code", "pk")
        .values_list("pk", "stage", "joined_on", "participant__code", "participant__display_name")
    )
    # Each person's marks by session: one dictionary per enrolment (a look-up per cell).
    statuses: dict[int, dict[int, str]] = {}
    for enrolment_id, session_id, status in (
        Attendance.objects.for_org(organisation)
        .filter(session__cohort_id=cohort.pk)
        .values_list("enrolment_id", "session_id", "status")
    ):
        statuses.setdefault(enrolment_id, {})[session_id] = status

    days = {session.pk: timezone.localtime(session.starts_at, tz).date() for session in sessions}
    # Our own words, neutralised once (a translation could start with "-"), not per cell.
    labels = {value: cell_neutralise(str(label)) for value, label in AttendanceStatus.choices}
    headers = [
        _("Code"),
        _("Name"),
        _("Stage"),
        _("Joined on"),
        *(timezone.localtime(s.starts_at, tz).strftime("%Y-%m-%d %H:%M") for s in sessions),
        _("Sessions attended"),
        _("Sessions held"),
        _("Attendance rate (%)"),
    ]
    # A fixed sheet title: a cohort's name may be one Excel refuses (too long, "History",
    # an apostrophe at either end); the file name says which cohort it is.
    dataset = tablib.Dataset(headers=[cell_neutralise(h) for h in headers], title=_("Attendance"))
    # Read once, not per cell: the sessions' ids, the day of each held one (None for the
    # others), the statuses' and stages' words.
    session_ids = [session.pk for session in sessions]
    held_days = [
        days[session.pk] if session.status == SessionStatus.HELD else None for session in sessions
    ]
    stages = {value: cell_neutralise(str(label)) for value, label in EnrolmentStage.choices}
    for enrolment_id, stage, joined_on, code, display_name in enrolments:
        marks = statuses.get(enrolment_id, {})
        row_statuses = [marks.get(session_id) for session_id in session_ids]
        held = [
            status
            for day, status in zip(held_days, row_statuses, strict=True)
            if day is not None and day >= joined_on
        ]
        attended = sum(1 for status in held if status in ATTENDED)
        # What a person typed is neutralised; the rest are our words, dates and numbers.
        dataset.append(
            [
                cell_neutralise(code),
                cell_neutralise(display_name),
                stages.get(stage) or cell_neutralise(stage),
                joined_on,
                *(
                    (labels.get(status) or cell_neutralise(status)) if status else None
                    for status in row_statuses
                ),
                attended,
                len(held),
                round(100 * attended / len(held)) if held else None,
            ]
        )
    return dataset


@transaction.atomic
def cohort_export(
    *, organisation: Organisation, cohort: Cohort, fmt: str, actor: Any
) -> ExportFile:
    """Builds the export file and records in the audit trail who exported how many rows."""
    if fmt not in EXPORT_FORMATS:
        raise ApplicationError(_("Choose CSV or XLSX."))
    dataset = cohort_export_dataset(organisation=organisation, cohort=cohort)
    content = dataset_bytes(dataset, fmt)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="cohort.exported",
        target=cohort,
        details={"format": fmt, "rows": len(dataset)},
    )
    return _export_file(organisation, dataset, content, fmt, name=f"cohort-{cohort.pk}")


def _export_file(
    organisation: Organisation, dataset: tablib.Dataset, content: bytes, fmt: str, *, name: str
) -> ExportFile:
    """The file, named after what it holds and the organisation's today."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(organisation.time_zone))
    return ExportFile(
        content=content,
        content_type=EXPORT_FORMATS[fmt],
        filename=f"{name}-{today.isoformat()}.{fmt}",
        rows=len(dataset),
    )


def participants_export_dataset(
    *, organisation: Organisation, participant_ids: Iterable[int]
) -> tablib.Dataset:
    """One row per chosen person: code, name, year of birth, their cohorts with the stage in
    each, and what their consent to take part still lacks. No contact or guardian details; people
    whose consent to take part was withdrawn are left out, as in the cohort export. Four queries
    whatever the number of people."""
    from .selectors.participants import participant_queryset, participant_rows

    ids = [
        p.pk
        for p in participants_for_bulk(organisation=organisation, participant_ids=participant_ids)
    ]
    participants = (
        participant_queryset(organisation=organisation, listing=True)
        .filter(pk__in=ids)
        .exclude(participation_withdrawn(organisation, "pk"))
    )
    headers = [
        _("Code"),
        _("Name"),
        _("Year of birth"),
        _("Cohorts"),
        _("Consent to take part"),
    ]
    dataset = tablib.Dataset(headers=[cell_neutralise(h) for h in headers], title=_("Participants"))
    complete = _("complete")
    for row in participant_rows(participants, organisation=organisation):
        participant = row.participant
        values = [
            participant.code,
            participant.display_name,
            participant.birth_year,
            row.cohorts,
            ", ".join(row.missing) if row.missing else complete,
        ]
        dataset.append([cell_neutralise(value) for value in values])
    return dataset


@transaction.atomic
def participants_export(
    *, organisation: Organisation, participant_ids: Iterable[int], fmt: str, actor: Any
) -> ExportFile:
    """The chosen people as a file; one audit line names the format, the number of rows and
    who was exported (their ids), as the cohort export's line does."""
    if fmt not in EXPORT_FORMATS:
        raise ApplicationError(_("Choose CSV or XLSX."), field="format")
    participant_ids = sorted(set(participant_ids))
    dataset = participants_export_dataset(
        organisation=organisation, participant_ids=participant_ids
    )
    content = dataset_bytes(dataset, fmt)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="participants.exported",
        details={"format": fmt, "rows": len(dataset), "participants": participant_ids},
    )
    return _export_file(organisation, dataset, content, fmt, name="participants")
