"""Importing participants from a spreadsheet (CSV or XLSX).

Every row is checked before anything is saved: either all participants of the file are created,
in one transaction, or none is and the caller gets a report of every problem found, each tied to
the row and column a person sees in their spreadsheet (the header is row 1).

Rows that look like someone already there are not imported blindly: a row whose `code` is a
participant's code, or whose name (ignoring case and spaces) and year of birth are a
participant's, or those of an earlier row of the same file, is a likely duplicate. The import
then saves nothing and answers the duplicates, and the coordinator decides per row: skip it, or
merge it (MERGED_FIELDS). Then the whole file is saved at once, or nothing is.
"""

import csv
import io
import re
import zipfile
from collections.abc import Generator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record, audit_record_many
from cocora.core.errors import ApplicationError
from cocora.core.text import validate_name
from cocora.organisations.models import Organisation
from cocora.privacy.models import ErasureRecord

from ..models import Participant
from .participants import (
    PARTICIPANT_FIELDS,
    participant_codes_generate,
    participant_validate_birth_year,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_MEGABYTES = MAX_BYTES // (1024 * 1024)
MAX_ROWS = 5000
# Lines read at most, blank ones included, and columns read at most.
MAX_LINES_READ = 2 * MAX_ROWS + 100
MAX_COLUMNS = 64
# An XLSX file is a zip archive: a small upload can unpack to gigabytes. Refuse before parsing.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# What a merge copies from a row onto the participant it matches (or onto the earlier row of the
# file it repeats). Only cells with a value: an empty cell never erases what is known. The
# participant keeps its id and code, its consents and enrolments.
MERGED_FIELDS = PARTICIPANT_FIELDS
SKIP, MERGE = "skip", "merge"
DECISIONS = (SKIP, MERGE)
# The report shows this many problems; a file that is wrong on every row says so in the count.
MAX_REPORTED_PROBLEMS = 200

# Column of the file -> field of Participant, in the order the template file uses.
COLUMNS: dict[str, str] = {
    "name": "display_name",
    "birth_year": "birth_year",
    "email": "email",
    "phone": "phone",
    "guardian_name": "guardian_name",
    "guardian_email": "guardian_email",
    "guardian_phone": "guardian_phone",
    "preferred_language": "preferred_language",
    # Optional: a participant's code (as in an export) says which participant the row is.
    "code": "code",
}
REQUIRED_COLUMN = "name"
EMAIL_COLUMNS = ("email", "guardian_email")
NAME_COLUMNS = ("name", "guardian_name")
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
DIGITS = re.compile(r"[0-9]+")
# Longer text would fail in the database (a 500); it is reported on its row instead.
MAX_LENGTHS: dict[str, int | None] = {
    column: getattr(Participant._meta.get_field(name), "max_length", None)
    for column, name in COLUMNS.items()
}


@dataclass(frozen=True)
class ImportProblem:
    """One thing to fix. `row` is the spreadsheet row (header = 1), None for the whole file;
    `column` is the column's name (or its letter when it has none), empty for the whole file."""

    row: int | None
    column: str
    message: str


@dataclass(frozen=True)
class ImportDuplicate:
    """A row that looks like a participant already there (`participant`) or like an earlier row
    of the same file (`earlier_row`), and why (`by_code`: the same code; otherwise the same
    name and year of birth)."""

    row: int
    name: str
    birth_year: int | None
    participant: Participant | None
    earlier_row: int | None
    by_code: bool


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    merged: int = 0
    skipped: int = 0
    problems: tuple[ImportProblem, ...] = field(default=())
    # Set when nothing was saved because these rows need a decision (skip or merge), with the
    # number of rows of the file.
    duplicates: tuple[ImportDuplicate, ...] = field(default=())
    rows: int = 0

    @property
    def new_count(self) -> int:
        """Rows that are no likely duplicate: they will be new participants."""
        return self.rows - len(self.duplicates)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.duplicates

    @property
    def reported_problems(self) -> tuple[ImportProblem, ...]:
        return self.problems[:MAX_REPORTED_PROBLEMS]

    @property
    def unreported_count(self) -> int:
        return max(0, len(self.problems) - MAX_REPORTED_PROBLEMS)


@dataclass(frozen=True)
class _Table:
    header_row: int
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, values); blank rows left out


def participants_import(
    *,
    organisation: Organisation,
    uploaded_file_name: str,
    data: bytes,
    actor: Any,
    decisions: Mapping[int, str] | None = None,
) -> ImportResult:
    """Creates every participant of the file, or none. Likely duplicates need a decision per
    row (`decisions`: spreadsheet row -> SKIP or MERGE); while one is missing nothing is saved
    and the result lists them. Queries do not grow with the rows: the duplicates are found with
    one query; saving is one bulk insert with fresh codes, one bulk update, one audit line, plus
    for merges one lock, one check for erasures and one audit line per merged participant (one
    insert)."""
    try:
        table = _read_table(uploaded_file_name, data)
    except ApplicationError as error:
        return ImportResult(problems=(ImportProblem(None, "", str(error.message)),))

    # Every row is checked even when the header is wrong: one report lists everything to fix.
    columns, problems = _columns(table)
    rows: list[tuple[int, Participant]] = []
    for row_number, values in table.rows:
        participant, row_problems = _participant_from_row(organisation, row_number, values, columns)
        problems += row_problems
        rows.append((row_number, participant))
    if problems:
        return ImportResult(problems=tuple(problems))

    duplicates, problems = _duplicates(organisation, rows)
    if problems:
        return ImportResult(problems=tuple(problems))
    decisions = decisions or {}
    if any(decisions.get(duplicate.row) not in DECISIONS for duplicate in duplicates):
        return ImportResult(duplicates=tuple(duplicates), rows=len(rows))

    by_row = {duplicate.row: duplicate for duplicate in duplicates}
    new: dict[int, Participant] = {}  # row -> participant to create
    merges: list[tuple[int, int, Participant]] = []  # (row, pk it is merged into, the row)
    skipped = 0
    for row_number, participant in rows:
        duplicate = by_row.get(row_number)
        if duplicate is None:
            new[row_number] = participant
        elif decisions[row_number] == SKIP:
            skipped += 1
        elif duplicate.participant is not None:
            merges.append((row_number, duplicate.participant.pk, participant))
        else:
            # The earlier row of the file it repeats is created (it is no duplicate itself).
            _merge(participant, into=new[cast(int, duplicate.earlier_row)])

    with transaction.atomic():
        targets = _merge_targets(organisation, {pk for _row, pk, _p in merges})
        gone = sorted({row for row, pk, _p in merges if pk not in targets})
        if gone:
            return ImportResult(
                problems=tuple(
                    ImportProblem(
                        row,
                        "",
                        _(
                            "The participant this row was to be merged into can no longer be "
                            "changed. Upload the file again to check it anew."
                        ),
                    )
                    for row in gone
                )
            )
        changed: dict[int, set[str]] = {}  # pk -> names of the fields the merge changed
        for _row, pk, participant in merges:
            changed.setdefault(pk, set()).update(_merge(participant, into=targets[pk]))
        merged = [targets[pk] for pk in changed]

        codes = participant_codes_generate(organisation=organisation, count=len(new))
        for participant, code in zip(new.values(), codes, strict=True):
            participant.code = code
        Participant.objects.bulk_create(new.values())
        if merged:
            for participant in merged:
                # bulk_update skips save(): the time that `changed_since` syncs by is set here.
                participant.updated_at = timezone.now()
            # In batches: bound by the server, one statement takes at most 65,535 parameters,
            # and each row passes about twenty.
            Participant.objects.bulk_update(merged, [*MERGED_FIELDS, "updated_at"], batch_size=1000)
            # Each merged participant's own trail says it was changed, as an edit would:
            # which fields, never their values. One insert for all of them.
            audit_record_many(
                organisation=organisation,
                actor=actor,
                action="participant.updated",
                targets=(
                    (participant, {"fields": sorted(changed[participant.pk]), "import": True})
                    for participant in merged
                ),
            )
        audit_record(
            organisation=organisation,
            actor=actor,
            action="participants.imported",
            details={
                "count": len(new),
                "merged": len(merged),
                "skipped": skipped,
                "file": uploaded_file_name[:200],
            },
        )
    return ImportResult(created=len(new), merged=len(merged), skipped=skipped)


def _merge_targets(organisation: Organisation, pks: set[int]) -> dict[int, Participant]:
    """The participants to merge into, read again and locked for this transaction, leaving out
    any erased since the file was checked. Locked first, then checked for an erasure: an
    erasure locks the same row before it writes its record, so it is either seen here or
    waits until the import is saved."""
    if not pks:
        return {}
    locked = {
        p.pk: p
        for p in Participant.objects.for_org(organisation).select_for_update().filter(pk__in=pks)
    }
    for pk in (
        _erased(organisation).filter(subject_id__in=locked).values_list("subject_id", flat=True)
    ):
        del locked[pk]
    return locked


def _erased(organisation: Organisation) -> QuerySet[ErasureRecord]:
    return ErasureRecord.objects.for_org(organisation).filter(
        subject_type=Participant._meta.label_lower
    )


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _duplicates(
    organisation: Organisation, rows: list[tuple[int, Participant]]
) -> tuple[list[ImportDuplicate], list[ImportProblem]]:
    """The rows that look like a participant of the organisation or an earlier row of the file.
    One query: the participants whose code the file names or whose year of birth it has; the
    names are compared here, ignoring case and spaces."""
    codes = {p.code for _row, p in rows if p.code}
    years = {p.birth_year for _row, p in rows}
    same_year = Q(birth_year__in=[y for y in years if y is not None])
    if None in years:
        same_year |= Q(birth_year__isnull=True)
    candidates = list(
        Participant.objects.for_org(organisation)
        .filter(Q(code__in=codes) | same_year)
        .annotate(erased=Exists(_erased(organisation).filter(subject_id=OuterRef("pk"))))
    )
    # An erased participant is kept, anonymised, for the counts; it is never a match: a merge
    # would write a person's details back onto a record erased on their request.
    candidates = [p for p in candidates if not p.erased]
    by_code = {p.code: p for p in candidates}
    by_name: dict[tuple[str, int | None], Participant] = {}
    for candidate in candidates:
        by_name.setdefault((_name_key(candidate.display_name), candidate.birth_year), candidate)

    duplicates: list[ImportDuplicate] = []
    problems: list[ImportProblem] = []
    first_rows: dict[tuple[str, int | None] | str, int] = {}
    for row_number, participant in rows:
        key = (_name_key(participant.display_name), participant.birth_year)
        found: Participant | None = None
        if participant.code:
            found = by_code.get(participant.code)
            # An erased participant's code gets the same answer as a code never given: the
            # file says nothing about whether, or whom, it was.
            if found is None:
                problems.append(
                    ImportProblem(
                        row_number,
                        "code",
                        _(
                            "No participant has the code “%(code)s”. Leave the cell empty for "
                            "someone new."
                        )
                        % {"code": _shorten(participant.code)},
                    )
                )
                continue
        else:
            found = by_name.get(key)
        earlier = first_rows.get(participant.code or key)
        if found is None and earlier is not None:
            duplicates.append(
                ImportDuplicate(
                    row_number,
                    participant.display_name,
                    participant.birth_year,
                    None,
                    earlier,
                    bool(participant.code),
                )
            )
        elif found is not None:
            duplicates.append(
                ImportDuplicate(
                    row_number,
                    participant.display_name,
                    participant.birth_year,
                    found,
                    None,
                    bool(participant.code),
                )
            )
        first_rows.setdefault(participant.code or key, row_number)
    return duplicates, problems


def _merge(row: Participant, *, into: Participant) -> set[str]:
    """Copies the row's filled-in cells onto `into`; answers the names of the fields it changed."""
    changed = set()
    for name in MERGED_FIELDS:
        value = getattr(row, name)
        if value not in ("", None) and getattr(into, name) != value:
            setattr(into, name, value)
            changed.add(name)
    return changed


def participants_import_template() -> bytes:
    """The empty file people fill in: the header row, UTF-8 with a BOM so Excel reads it right."""
    # Without `code`: that column is for updating people already here, not for new ones.
    return (",".join(c for c in COLUMNS if c != "code") + "\r\n").encode("utf-8-sig")


# Reading the file ------------------------------------------------------------------------------


def _read_table(file_name: str, data: bytes) -> _Table:
    if len(data) > MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_MEGABYTES}
        )
    if not data.strip():
        raise ApplicationError(_("The file is empty."))
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension == "csv":
        records: Generator[tuple[int, Sequence[Any]], None, None] = _csv_records(data)
    elif extension == "xlsx":
        records = _xlsx_records(data)
    else:
        raise ApplicationError(
            _("Upload a .csv or an .xlsx file; “%(name)s” is neither.")
            % {"name": _shorten(file_name)}
        )

    header_row, header = 0, None
    rows: list[tuple[int, list[Any]]] = []
    # closing(): stopping early (too many rows) still closes the workbook.
    with closing(records):
        for row_number, values in records:
            # Blank rows count too: a file of endless empty rows must not keep a worker busy.
            if row_number > MAX_LINES_READ:
                raise ApplicationError(
                    _(
                        "The file has more than %(limit)s lines, most of them empty. Delete the "
                        "empty rows and upload it again."
                    )
                    % {"limit": number_format(MAX_LINES_READ, force_grouping=True)}
                )
            if all(_text(value) == "" for value in values):
                continue  # blank rows (often trailing ones) are not participants
            if header is None:
                header_row, header = row_number, list(values)
                continue
            rows.append((row_number, list(values)))
            if len(rows) > MAX_ROWS:
                raise ApplicationError(
                    _(
                        "The file has more than %(limit)s participants. Split it into files of at "
                        "most %(limit)s rows each."
                    )
                    % {"limit": number_format(MAX_ROWS, force_grouping=True)}
                )
    if header is None:
        raise ApplicationError(_("The file is empty."))
    if not rows:
        raise ApplicationError(
            _("The file has column names but no participants: add one row per participant.")
        )
    return _Table(header_row=header_row, header=header, rows=rows)


def _csv_records(data: bytes) -> Generator[tuple[int, Sequence[Any]], None, None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ApplicationError(
            _(
                "The file is not UTF-8 (the first unreadable character is in row %(row)s): "
                "save it as CSV UTF-8 and upload it again."
            )
            % {"row": data[: error.start].count(b"\n") + 1}
        ) from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # The header names hold neither separator, so whichever the first line has more of is it.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # A quoted cell may span several lines; a spreadsheet still shows it as one row, so rows
    # are counted by record, not by line.
    row_number = 0
    try:
        for row_number, record in enumerate(reader, start=1):
            yield row_number, record
    except csv.Error:
        raise ApplicationError(
            _(
                "The file could not be read as CSV after row %(row)s. Check that every quote "
                "that opens a cell also closes it."
            )
            % {"row": row_number}
        ) from None


def _xlsx_records(data: bytes) -> Generator[tuple[int, Sequence[Any]], None, None]:
    import openpyxl

    unreadable = ApplicationError(
        _(
            "The file could not be read as an Excel workbook (.xlsx). Open it in your "
            "spreadsheet program, save it as .xlsx or as CSV UTF-8, and upload it again."
        )
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ApplicationError(
            _("The workbook is too large once unpacked. Split it into smaller files.")
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # A damaged workbook can fail in many ways inside openpyxl (zip, XML, missing parts, bad
    # styles); every one of them means the same thing to the person uploading it.
    except Exception:
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise unreadable
        sheet = workbook.worksheets[0]
        # Some programs write wrong dimensions; read what is really there. Missing rows come
        # back as empty tuples, so numbering by position gives the spreadsheet's row numbers.
        sheet.reset_dimensions()
        # Read only as many columns as a participant file can have: one stray styled cell far
        # to the right must not make every row thousands of cells wide.
        yield from enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1)
    except ApplicationError:
        raise
    except Exception:
        raise unreadable from None
    finally:
        workbook.close()


# Checking the rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    known: dict[int, str]  # position -> column name, for the columns we import
    headed: frozenset[int]  # every position that has a heading, known or not


def _columns(table: _Table) -> tuple[_Columns, list[ImportProblem]]:
    known: dict[int, str] = {}
    headed: set[int] = set()
    problems: list[ImportProblem] = []
    for position, raw in enumerate(table.header):
        heading = _text(raw)
        name = heading.lower()
        if not name:
            continue  # a value under an empty heading is reported on its row
        headed.add(position)
        if name not in COLUMNS:
            problems.append(
                ImportProblem(
                    table.header_row,
                    _shorten(heading),
                    _("“%(column)s” is not a column we know. The columns are: %(allowed)s.")
                    % {"column": _shorten(heading), "allowed": ", ".join(COLUMNS)},
                )
            )
        elif name in known.values():
            problems.append(
                ImportProblem(
                    table.header_row,
                    name,
                    _("The column “%(column)s” appears more than once.") % {"column": name},
                )
            )
        else:
            known[position] = name
    if REQUIRED_COLUMN not in known.values():
        problems.append(
            ImportProblem(
                table.header_row,
                REQUIRED_COLUMN,
                _(
                    "The column “%(column)s” is missing: every participant needs a name (a "
                    "first name or a nickname is enough)."
                )
                % {"column": REQUIRED_COLUMN},
            )
        )
    return _Columns(known=known, headed=frozenset(headed)), problems


def _participant_from_row(
    organisation: Organisation, row_number: int, values: list[Any], columns: _Columns
) -> tuple[Participant, list[ImportProblem]]:
    problems: list[ImportProblem] = []
    fields: dict[str, Any] = {}

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(row_number, column, message))

    for position, raw in enumerate(values):
        if position not in columns.headed and _text(raw) != "":
            problem(_column_letter(position), _("There is a value in a column without a heading."))

    for position, column in columns.known.items():
        raw = values[position] if position < len(values) else None
        value = _text(raw)
        if "\x00" in value:
            problem(column, _("This cell holds a control character (NUL) that cannot be saved."))
        elif column == "birth_year":
            try:
                fields["birth_year"] = _birth_year(raw, value)
            except ApplicationError as error:
                problem(column, str(error.message))
        elif (message := _text_problem(column, value)) is not None:
            problem(column, message)
        else:
            if column == "preferred_language":
                value = value.lower()
            elif column == "code":
                value = value.upper()  # codes are written in capitals; people type either
            fields[COLUMNS[column]] = value

    # Only a name that was read and found empty: a missing column or an unreadable cell has
    # been reported already.
    if fields.get("display_name") == "":
        problem(REQUIRED_COLUMN, _("The name is empty: a first name or a nickname is enough."))
    return Participant(organisation=organisation, **fields), problems


def _birth_year(raw: Any, value: str) -> int | None:
    if value == "":
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        year = raw
    elif DIGITS.fullmatch(value):
        year = int(value)
    else:
        raise ApplicationError(
            _("“%(value)s” is not a year: write it with four digits, for example 2009.")
            % {"value": _shorten(value)}
        )
    # The same plausibility rule as the participant form.
    participant_validate_birth_year(year)
    return year


def _text_problem(column: str, value: str) -> str | None:
    if column == "preferred_language" and value and value.lower() not in LANGUAGE_CODES:
        return _("“%(value)s” is not a language we offer. Use one of: %(allowed)s.") % {
            "value": _shorten(value),
            "allowed": ", ".join(LANGUAGE_CODES),
        }
    if column in EMAIL_COLUMNS and value:
        try:
            validate_email(value)
        except ValidationError:
            return _("“%(value)s” is not an email address.") % {"value": _shorten(value)}
    if column in NAME_COLUMNS:
        try:
            validate_name(value)
        except ValidationError as error:
            return " ".join(error.messages)
    limit = MAX_LENGTHS[column]
    if limit is not None and len(value) > limit:
        return _("This is longer than %(limit)s characters.") % {"limit": limit}
    return None


# Cells ------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text. Spreadsheets store numbers typed into a cell as floats (2009.0) and may
    turn phone numbers into integers; both come back as the digits the person typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _column_letter(position: int) -> str:
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
