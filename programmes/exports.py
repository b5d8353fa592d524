"""A cohort's participants and attendance as a spreadsheet (CSV or XLSX, built with tablib).

Data minimisation: the export holds the pseudonymous code, the name, the stage and attendance,
never contact details or guardian data; people whose participation consent was withdrawn are
left out. Every export of personal data is written to the audit trail.
"""

import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

import tablib
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from .models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    Consent,
    ConsentScope,
    Enrolment,
    Session,
    SessionStatus,
)

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
class CohortExport:
    content: bytes
    content_type: str
    filename: str
    rows: int


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
    # CSV with a BOM: spreadsheet programs then read the names' accents right.
    return bytes(
        dataset.export("csv").encode("utf-8-sig") if fmt == "csv" else dataset.export("xlsx")
    )


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
    participation = Consent.objects.for_org(organisation).filter(
        participant_id=OuterRef("participant_id"), scope=ConsentScope.PARTICIPATION
    )
    enrolments = list(
        Enrolment.objects.for_org(organisation)
        .filter(cohort_id=cohort.pk)
        # Withdrawing consent takes effect at once: whoever's participation consent was
        # withdrawn by someone (the young person or a guardian) who has not given it again is
        # not exported; a guardian's consent does not outweigh the young person's withdrawal.
        .exclude(
            Exists(participation.filter(given_by="self", withdrawn_at__isnull=False))
            & ~Exists(participation.filter(given_by="self", withdrawn_at__isnull=True))
        )
        .exclude(
            Exists(participation.filter(given_by="guardian", withdrawn_at__isnull=False))
            & ~Exists(participation.filter(given_by="guardian", withdrawn_at__isnull=True))
        )
        .select_related("participant")
        .order_by("participant__display_name", "participant__code", "pk")
    )
    statuses = {
        (enrolment_id, session_id): status
        for enrolment_id, session_id, status in Attendance.objects.for_org(organisation)
        .filter(session__cohort_id=cohort.pk)
        .values_list("enrolment_id", "session_id", "status")
    }

    days = {session.pk: timezone.localtime(session.starts_at, tz).date() for session in sessions}
    labels = {value: str(label) for value, label in AttendanceStatus.choices}
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
    for enrolment in enrolments:
        row_statuses = [statuses.get((enrolment.pk, s.pk)) for s in sessions]
        held = [
            status
            for session, status in zip(sessions, row_statuses, strict=True)
            if session.status == SessionStatus.HELD and days[session.pk] >= enrolment.joined_on
        ]
        attended = sum(1 for status in held if status in ATTENDED)
        row = [
            enrolment.participant.code,
            enrolment.participant.display_name,
            enrolment.get_stage_display(),
            enrolment.joined_on,
            *(labels.get(status, status) if status else None for status in row_statuses),
            attended,
            len(held),
            round(100 * attended / len(held)) if held else None,
        ]
        dataset.append([cell_neutralise(value) for value in row])
    return dataset


@transaction.atomic
def cohort_export(
    *, organisation: Organisation, cohort: Cohort, fmt: str, actor: Any
) -> CohortExport:
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
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(organisation.time_zone))
    return CohortExport(
        content=content,
        content_type=EXPORT_FORMATS[fmt],
        filename=f"cohort-{cohort.pk}-{today.isoformat()}.{fmt}",
        rows=len(dataset),
    )
