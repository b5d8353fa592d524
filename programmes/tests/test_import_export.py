"""Participant import (CSV and XLSX, all or nothing) and the cohort export (CSV and XLSX)."""

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries
from programmes.exports import cell_neutralise
from programmes.models import Participant
from programmes.services.imports import MAX_BYTES, participants_import
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "name,birth_year,email,phone,guardian_name,guardian_email,guardian_phone,preferred_language"
)


def _import_url(org):
    return reverse("participant_import", kwargs={"org_slug": org.slug})


def _export_url(org, cohort_id, fmt):
    return reverse(
        "cohort_export", kwargs={"org_slug": org.slug, "cohort_id": cohort_id, "fmt": fmt}
    )


def _upload(client, org, name, content):
    return client.post(_import_url(org), {"file": SimpleUploadedFile(name, content)})


def _participants(org):
    with org_context(org.pk):
        return list(Participant.objects.for_org(org).order_by("display_name"))


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _csv_rows(count, label="Person"):
    return (HEADER + "\n" + "".join(f"{label} {i},2009,,,,,,da\n" for i in range(count))).encode()


def _import_rows(org, count, label, data=None, **decisions):
    """Imports `count` people (or `data`, a file of them) through the service, in the
    organisation's context."""
    with org_context(org.pk):
        return participants_import(
            organisation=org,
            uploaded_file_name="a.csv",
            data=data or _csv_rows(count, label),
            actor=None,
            **decisions,
        )


# Import: files that are right --------------------------------------------------------------------


def test_a_valid_csv_is_imported_with_codes_and_an_audit_line(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    content = (
        HEADER + "\n"
        "Sam,2009,sam@example.org,+45 1234 5678,Lene,lene@example.org,+45 8765 4321,da\n"
        "Aya,,,,,,,\n"
    ).encode()

    response = _upload(client, org, "group.csv", content)

    assert response.status_code == 302
    assert response["Location"] == _import_url(org)
    page = client.get(response["Location"])
    assert "2 participants were imported." in page.content.decode()
    aya, sam = _participants(org)
    assert (sam.display_name, sam.birth_year, sam.email, sam.phone) == (
        "Sam",
        2009,
        "sam@example.org",
        "+45 1234 5678",
    )
    assert (sam.guardian_name, sam.guardian_email, sam.guardian_phone) == (
        "Lene",
        "lene@example.org",
        "+45 8765 4321",
    )
    assert sam.preferred_language == "da"
    assert (aya.birth_year, aya.email, aya.preferred_language) == (None, "", "")
    assert sam.code.startswith("P-") and aya.code.startswith("P-") and sam.code != aya.code
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="participants.imported")
    assert event.details == {"count": 2, "merged": 0, "skipped": 0, "file": "group.csv"}
    assert event.actor_id == client.membership.user_id


def test_a_valid_xlsx_is_imported(org, member_client):
    client = member_client(org, Role.ADMIN)
    # Headings in any case and with spaces; numbers as spreadsheets store them.
    content = _xlsx(
        [
            [" Name ", "BIRTH_YEAR", "Phone", "Preferred_Language"],
            ["Sam", 2009, 4512345678, "DA"],
            [None, None, None, None],
            ["Noor", 2010.0, None, "fr"],
        ]
    )

    response = _upload(client, org, "group.xlsx", content)

    assert response.status_code == 302
    noor, sam = _participants(org)
    assert (sam.birth_year, sam.phone, sam.preferred_language) == (2009, "4512345678", "da")
    assert (noor.birth_year, noor.phone, noor.preferred_language) == (2010, "", "fr")


def test_a_semicolon_csv_is_read(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    content = b'name;birth_year;email\nSam;2009;sam@example.org\n"Aya; Jr";2010;\n'

    assert _upload(client, org, "excel.csv", content).status_code == 302

    assert [(p.display_name, p.birth_year) for p in _participants(org)] == [
        ("Aya; Jr", 2010),
        ("Sam", 2009),
    ]


def test_a_csv_with_a_byte_order_mark_is_read(org, member_client):
    # Regression: without utf-8-sig the first heading reads "\ufeffname", an unknown column.
    client = member_client(org, Role.COORDINATOR)
    content = "name,birth_year\r\nSøren,2009\r\n".encode("utf-8-sig")

    assert _upload(client, org, "excel.csv", content).status_code == 302

    assert [p.display_name for p in _participants(org)] == ["Søren"]


def test_the_import_page_offers_the_form_the_columns_and_the_template(org, member_client):
    client = member_client(org, Role.COORDINATOR)

    page = client.get(_import_url(org)).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    for column in HEADER.split(","):
        assert column in page
    template_url = reverse("participant_import_template", kwargs={"org_slug": org.slug})
    assert template_url in page
    response = client.get(template_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").strip() == HEADER


# Import: files that are refused ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "content", "expected"),
    [
        pytest.param(
            "a.csv",
            b"name,shoe_size\nSam,42\n",
            [
                "“shoe_size” is not a column we know. The columns are: name, birth_year, email, "
                "phone, guardian_name, guardian_email, guardian_phone, preferred_language, code."
            ],
            id="unknown column",
        ),
        pytest.param(
            "a.csv",
            b"email\nsam@example.org\n",
            ["The column “name” is missing"],
            id="missing name column",
        ),
        pytest.param(
            "a.csv",
            b"name,birth_year\nSam,two thousand\n",
            ["“two thousand” is not a year"],
            id="year not a number",
        ),
        pytest.param(
            "a.csv",
            b"name,birth_year\nSam,1850\n",
            ["The year of birth 1850 does not look right."],
            id="implausible year",
        ),
        pytest.param(
            "a.csv",
            b"name,email\nSam,sam-at-example.org\n",
            ["“sam-at-example.org” is not an email address."],
            id="bad email",
        ),
        pytest.param(
            "a.csv",
            b"name,guardian_email\nSam,lene@\n",
            ["“lene@” is not an email address."],
            id="bad guardian email",
        ),
        pytest.param(
            "a.csv",
            b"name,preferred_language\nSam,sv\n",
            ["“sv” is not a language we offer. Use one of: en, da, de, fr, it."],
            id="unknown language",
        ),
        pytest.param(
            "a.csv",
            "name\nSøren\n".encode("latin-1"),
            ["The file is not UTF-8", "save it as CSV UTF-8"],
            id="not utf-8",
        ),
        pytest.param(
            "a.xlsx",
            b"this is not a workbook",
            ["The file could not be read as an Excel workbook (.xlsx)."],
            id="unreadable xlsx",
        ),
        pytest.param("a.csv", b"", ["The file is empty."], id="empty file"),
        pytest.param("a.csv", b"\n\n", ["The file is empty."], id="blank lines only"),
        pytest.param(
            "a.csv",
            b"name,birth_year\n",
            ["The file has column names but no participants"],
            id="header only",
        ),
        pytest.param(
            "a.csv",
            b"name,email\n   ,sam@example.org\n",
            ["The name is empty"],
            id="empty name",
        ),
        pytest.param(
            "a.csv",
            b"name\n" + b"x" * 81 + b"\n",
            ["This is longer than 80 characters."],
            id="name too long",
        ),
        pytest.param(
            "a.csv",
            b"name\nSa\x00m\n",
            ["control character (NUL)"],
            id="nul byte",
        ),
        pytest.param(
            "a.csv",
            b"name,,\nSam,,extra\n",
            ["There is a value in a column without a heading."],
            id="value without heading",
        ),
        pytest.param(
            "a.csv",
            b"name,Name\nSam,Sam\n",
            ["The column “name” appears more than once."],
            id="duplicate column",
        ),
        pytest.param(
            "a.xls",
            b"whatever",
            ["Upload a .csv or an .xlsx file; “a.xls” is neither."],
            id="other file type",
        ),
        pytest.param(
            "a.csv",
            _csv_rows(5001),
            ["The file has more than 5,000 participants."],
            id="5001 rows",
        ),
        pytest.param(
            "a.csv",
            b"name\n" + b"x" * MAX_BYTES,
            ["The file is larger than 5 MB."],
            id="over 5 MB",
        ),
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_imported(
    org, member_client, file_name, content, expected
):
    client = member_client(org, Role.COORDINATOR)

    response = _upload(client, org, file_name, content)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    for message in expected:
        assert message in page
    assert _participants(org) == []
    with org_context(org.pk):
        assert not AuditEvent.objects.for_org(org).filter(action="participants.imported").exists()


def test_an_unreadable_xlsx_inside_a_valid_zip_is_refused(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")

    response = _upload(client, org, "a.xlsx", stream.getvalue())

    assert response.status_code == 400
    assert "could not be read as an Excel workbook" in response.content.decode()


def test_every_row_is_checked_and_reported_with_spreadsheet_row_numbers(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    # Row 1 header, row 2 fine, row 3 bad year, row 4 blank, row 5 bad email and language.
    content = b"name,birth_year,email,preferred_language\nSam,2009,,\nAya,20x9,,\n\nNoor,,no,xx\n"

    response = _upload(client, org, "a.csv", content)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The file has 3 problems." in page
    assert "<caption>" in page and 'scope="col"' in page
    reported_rows = re.findall(r'<th scope="row">(?:<span[^>]*>[^<]*</span>)?(\d+)</th>', page)
    assert reported_rows == ["3", "5", "5"]
    assert _participants(org) == []


def test_an_xlsx_reports_its_own_row_numbers(org):
    content = _xlsx([["name", "birth_year"], ["Sam", 2009], [], ["Aya", "soon"]])

    with org_context(org.pk):
        result = participants_import(
            organisation=org, uploaded_file_name="a.xlsx", data=content, actor=None
        )

    assert [(p.row, p.column) for p in result.problems] == [(4, "birth_year")]


# Import: queries ---------------------------------------------------------------------------------


def test_import_query_count_is_the_same_for_5_and_50_rows(org, member_client):
    def service_count(rows, label):
        with org_context(org.pk):
            count, result = count_queries(
                lambda: participants_import(
                    organisation=org,
                    uploaded_file_name="a.csv",
                    data=_csv_rows(rows, label),
                    actor=None,
                )
            )
        assert result.created == rows
        return count

    # Likely duplicates (one query), existing codes (one query), one bulk insert, one audit line.
    assert service_count(5, "Service") == 4
    assert service_count(50, "Services") == 4

    client = member_client(org, Role.COORDINATOR)

    def view_count(rows, label):
        count, response = count_queries(
            lambda: _upload(client, org, "a.csv", _csv_rows(rows, label))
        )
        assert response.status_code == 302
        return count

    # session, user, the member's memberships with their organisations, then the four of the import
    # and the page's audit line = 8; on PostgreSQL also the user (middleware) and the organisation
    # (view) set for the transaction.
    expected = 8 + 2 * tenant_settings_queries()
    assert view_count(5, "Page") == expected
    assert view_count(50, "Pages") == expected
    assert len(_participants(org)) == 5 + 50 + 5 + 50


def test_a_name_with_a_direction_override_is_reported_on_its_row(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    content = (HEADER + "\nSam\u202egpj,2009,,,,,,\n").encode()

    response = _upload(client, org, "rlo.csv", content)

    assert response.status_code == 400
    assert "invisible or direction-changing character (U+202E)" in response.content.decode()
    assert _participants(org) == []


# Import: likely duplicates -----------------------------------------------------------------------

GROUP = (HEADER + "\nSam,2009,sam@example.org,,Lene,,,da\nAya,2010,,,,,,\n").encode()


def _decide(client, org, page, decisions):
    """Sends the preview's form back as a browser without JavaScript would."""
    token = re.search(r'name="checked_file" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(_import_url(org), {"checked_file": token, **decisions})


def test_reimporting_the_same_file_asks_per_row_and_creates_no_duplicates(org, member_client):
    """Regression: uploading the same file twice silently created every participant twice."""
    client = member_client(org, Role.COORDINATOR)
    assert _upload(client, org, "group.csv", GROUP).status_code == 302
    before = {p.display_name: (p.pk, p.code) for p in _participants(org)}

    preview = _upload(client, org, "group.csv", GROUP)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Nothing is imported yet: some rows look like people already here" in page
    assert 'name="row_2"' in page and 'name="row_3"' in page
    assert f"Sam ({before['Sam'][1]}), by the same name and year of birth" in page
    assert len(_participants(org)) == 2  # nothing saved by the preview

    done = _decide(client, org, preview, {"row_2": "skip", "row_3": "skip"})

    assert done.status_code == 302
    assert {p.display_name: (p.pk, p.code) for p in _participants(org)} == before
    assert (
        "0 participants were imported. Merged into participants already here: 0. "
        "Rows skipped: 2." in client.get(done["Location"]).content.decode()
    )


def test_a_merge_updates_the_participant_it_matches_and_keeps_its_id_and_code(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    sam = ParticipantFactory(
        organisation=org, display_name="Sam", birth_year=2009, email="", phone="+45 1111"
    )
    content = (
        HEADER + "\n"
        "  sam ,2009,sam@example.org,,,,,en\n"  # the same name, other case and spaces
        "Noor,2011,,,,,,\n"
    ).encode()

    preview = _upload(client, org, "update.csv", content)
    # A decision on a row no number names ("row_²") is ignored, not a server error.
    done = _decide(client, org, preview, {"row_2": "merge", "row_²": "skip"})

    assert done.status_code == 302
    noor, merged = _participants(org)
    assert (merged.pk, merged.code) == (sam.pk, sam.code)
    # Filled-in cells replace, empty cells keep what was there.
    assert (merged.email, merged.phone, merged.preferred_language) == (
        "sam@example.org",
        "+45 1111",
        "en",
    )
    assert noor.display_name == "Noor" and noor.code != sam.code
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="participants.imported")
    assert event.details == {"count": 1, "merged": 1, "skipped": 0, "file": "update.csv"}


def test_duplicates_within_one_file_are_found_and_merged_into_the_earlier_row(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    content = (HEADER + "\nAya,2010,,,,,,\nAYA,2010,aya@example.org,,,,,\n").encode()

    preview = _upload(client, org, "twice.csv", content)

    assert "Row 2 of this file" in preview.content.decode()
    assert _decide(client, org, preview, {"row_3": "merge"}).status_code == 302
    (aya,) = _participants(org)
    assert (aya.display_name, aya.email) == ("AYA", "aya@example.org")


def test_a_row_with_a_participants_code_is_that_participant(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    sam = ParticipantFactory(organisation=org, display_name="Sam", birth_year=2009)
    content = (
        f"name,birth_year,code\nSamuel,2009,{sam.code.lower()}\nKim,2009,P-NOSUCH\n"
    ).encode()

    refused = _upload(client, org, "codes.csv", content)
    assert refused.status_code == 400
    assert "No participant has the code “P-NOSUCH”." in refused.content.decode()

    preview = _upload(client, org, "codes.csv", content.replace(b"Kim,2009,P-NOSUCH", b"Kim,2009,"))
    assert "by the same code" in preview.content.decode()
    _decide(client, org, preview, {"row_2": "merge"})
    kim, samuel = _participants(org)
    assert (samuel.pk, samuel.display_name, samuel.code) == (sam.pk, "Samuel", sam.code)
    assert kim.display_name == "Kim"


def test_without_a_decision_for_every_row_nothing_is_imported(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ParticipantFactory(organisation=org, display_name="Sam", birth_year=2009)
    ParticipantFactory(organisation=org, display_name="Aya", birth_year=2010)

    preview = _upload(client, org, "group.csv", GROUP)
    again = _decide(client, org, preview, {"row_2": "merge", "row_3": "maybe"})
    expired = client.post(_import_url(org), {"checked_file": "forgotten", "row_2": "skip"})

    assert again.status_code == 400
    assert "Choose skip or merge for every row below." in again.content.decode()
    assert expired.status_code == 400
    assert "The checked file is no longer here" in expired.content.decode()
    assert {p.email for p in _participants(org)} == {""}
    assert len(_participants(org)) == 2


def test_another_person_cannot_use_the_checked_file(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ParticipantFactory(organisation=org, display_name="Sam", birth_year=2009)
    preview = _upload(client, org, "group.csv", GROUP)

    response = _decide(member_client(org, Role.COORDINATOR), org, preview, {"row_2": "skip"})

    assert response.status_code == 400
    assert len(_participants(org)) == 1


def test_the_preview_query_count_is_the_same_for_5_and_50_duplicates(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    for label, rows in (("Few", 5), ("Many", 50)):
        _import_rows(org, rows, label)

    def preview_count(rows, label):
        count, response = count_queries(
            lambda: _upload(client, org, "a.csv", _csv_rows(rows, label))
        )
        assert response.status_code == 200
        assert response.content.decode().count('value="merge"') == rows
        return count

    # Sign-in and membership reads, the duplicates query, the page's audit line: the rows only
    # change how many participants that one query returns.
    assert preview_count(5, "Few") == preview_count(50, "Many")


# Export ------------------------------------------------------------------------------------------


@pytest.fixture
def cohort_with_attendance(org):
    """Four sessions in March 2025 (Copenhagen is UTC+1 then): two held, one cancelled, one
    still scheduled. Sam joined before the first, Aya after it."""
    cohort = CohortFactory(organisation=org, name="Spring group", starts_on=date(2025, 3, 1))
    held_1, held_2, cancelled, _scheduled = (
        SessionFactory(
            organisation=org,
            cohort=cohort,
            starts_at=datetime(2025, 3, day, 17, tzinfo=UTC),
            status=s,
        )
        for day, s in ((4, "held"), (11, "held"), (18, "cancelled"), (25, "scheduled"))
    )
    sam = EnrolmentFactory(
        organisation=org,
        cohort=cohort,
        joined_on=date(2025, 3, 1),
        participant=ParticipantFactory(
            organisation=org,
            display_name="Sam",
            code="P-SAM001",
            email="sam@example.org",
            phone="+4511112222",
            guardian_name="Lene Guardian",
            guardian_email="lene@example.org",
        ),
    )
    aya = EnrolmentFactory(
        organisation=org,
        cohort=cohort,
        joined_on=date(2025, 3, 10),
        stage="enrolled",
        participant=ParticipantFactory(organisation=org, display_name="Aya", code="P-AYA001"),
    )
    AttendanceFactory(organisation=org, session=held_1, enrolment=sam, status="present")
    AttendanceFactory(organisation=org, session=held_2, enrolment=sam, status="absent")
    AttendanceFactory(organisation=org, session=held_2, enrolment=aya, status="late")
    # Attendance taken before the session was cancelled: the session is still left out.
    AttendanceFactory(organisation=org, session=cancelled, enrolment=sam, status="present")
    return cohort


EXPECTED_HEADER = [
    "Code",
    "Name",
    "Stage",
    "Joined on",
    "2025-03-04 18:00",
    "2025-03-11 18:00",
    "2025-03-25 18:00",
    "Sessions attended",
    "Sessions held",
    "Attendance rate (%)",
]


def test_csv_export_has_one_row_per_enrolment_with_attendance(
    org, member_client, cohort_with_attendance
):
    client = member_client(org, Role.COORDINATOR)
    cohort = cohort_with_attendance

    response = client.get(_export_url(org, cohort.pk, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="cohort-{cohort.pk}-')
    assert disposition.endswith('.csv"')
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # The cancelled session of 18 March has no column.
    assert rows[0] == EXPECTED_HEADER
    assert rows[1:] == [
        # Aya joined on 10 March: only the second held session counts for her.
        ["P-AYA001", "Aya", "Enrolled", "2025-03-10", "", "Late", "", "1", "1", "100"],
        ["P-SAM001", "Sam", "Active", "2025-03-01", "Present", "Absent", "", "1", "2", "50"],
    ]
    # Data minimisation: no contact details, no guardian.
    for secret in ("sam@example.org", "+4511112222", "Lene", "lene@example.org"):
        assert secret not in text
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="cohort.exported")
    assert event.details == {"format": "csv", "rows": 2}
    assert (event.target_type, event.target_id) == ("programmes.cohort", str(cohort.pk))


def test_xlsx_export_holds_the_same_table(org, member_client, cohort_with_attendance):
    client = member_client(org, Role.ADMIN)
    cohort = cohort_with_attendance

    response = client.get(_export_url(org, cohort.pk, "xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == EXPECTED_HEADER
    assert rows[2] == [
        "P-SAM001",
        "Sam",
        "Active",
        datetime(2025, 3, 1),
        "Present",
        "Absent",
        None,
        1,
        2,
        50,
    ]
    assert rows[1][:2] == ["P-AYA001", "Aya"]
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="cohort.exported")
    assert event.details == {"format": "xlsx", "rows": 2}


def test_export_leaves_out_people_who_withdrew_participation_consent(
    org, member_client, cohort_with_attendance
):
    client = member_client(org, Role.COORDINATOR)
    cohort = cohort_with_attendance
    with org_context(org.pk):
        sam = Participant.objects.for_org(org).get(code="P-SAM001")
    ConsentFactory(organisation=org, participant=sam, withdrawn_at=datetime(2025, 4, 1, tzinfo=UTC))

    text = client.get(_export_url(org, cohort.pk, "csv")).content.decode("utf-8-sig")

    assert "P-SAM001" not in text
    assert "P-AYA001" in text


NASTY_NAMES = ['=HYPERLINK("http://x")', "@SUM(A1)", "-2+3"]


def _cohort_with_nasty_names(org):
    cohort = CohortFactory(organisation=org)
    for name in NASTY_NAMES:
        EnrolmentFactory(
            organisation=org,
            cohort=cohort,
            participant=ParticipantFactory(organisation=org, display_name=name),
        )
    return cohort


def test_csv_export_neutralises_formulas(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = _cohort_with_nasty_names(org)

    text = client.get(_export_url(org, cohort.pk, "csv")).content.decode("utf-8-sig")

    names = {row[1] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert names == {"'" + name for name in NASTY_NAMES}


def test_xlsx_export_neutralises_formulas(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = _cohort_with_nasty_names(org)

    content = client.get(_export_url(org, cohort.pk, "xlsx")).content

    # Without data_only, a formula would come back as a formula cell ("f"), not as text.
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in cells} == {"'" + name for name in NASTY_NAMES}
    assert {cell.data_type for cell in cells} == {"s"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Sa\x00m", "'Sam"),
        ("Sa\x01m", "Sam"),
        ("Sam", "Sam"),
        ("Sam = Aya", "Sam = Aya"),
        (-2, -2),
        (None, None),
    ],
)
def test_cell_neutralise(value, expected):
    assert cell_neutralise(value) == expected


def test_export_of_another_organisations_cohort_is_404(org, other_org, member_client):
    client = member_client(org, Role.ADMIN)
    foreign = CohortFactory(organisation=other_org)

    for fmt in ("csv", "xlsx"):
        assert client.get(_export_url(org, foreign.pk, fmt)).status_code == 404
        assert client.post(_export_url(org, foreign.pk, fmt)).status_code == 404
    with org_context(other_org.pk):
        assert not AuditEvent.objects.for_org(other_org).exists()
    with org_context(org.pk):
        assert not AuditEvent.objects.for_org(org).exclude(action="access.denied").exists()


def test_export_only_answers_get_and_other_methods_log_nothing(org, member_client):
    client = member_client(org, Role.ADMIN)
    cohort = CohortFactory(organisation=org)

    assert client.post(_export_url(org, cohort.pk, "csv")).status_code == 405
    assert client.head(_export_url(org, cohort.pk, "csv")).status_code == 405
    with org_context(org.pk):
        assert not AuditEvent.objects.for_org(org).exclude(action="access.denied").exists()


def test_export_in_an_unknown_format_is_404(org, member_client):
    client = member_client(org, Role.ADMIN)
    cohort = CohortFactory(organisation=org)
    base = _export_url(org, cohort.pk, "csv").removesuffix("csv/")

    for fmt in ("pdf", "json", "CSV", "xls"):
        assert client.get(f"{base}{fmt}/").status_code == 404


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_staff_import_and_export(org, member_client, role):
    client = member_client(org, role)
    cohort = CohortFactory(organisation=org)

    assert client.get(_import_url(org)).status_code == 403
    assert _upload(client, org, "a.csv", b"name\nSam\n").status_code == 403
    template_url = reverse("participant_import_template", kwargs={"org_slug": org.slug})
    assert client.get(template_url).status_code == 403
    assert client.get(_export_url(org, cohort.pk, "csv")).status_code == 403
    assert client.get(_export_url(org, cohort.pk, "xlsx")).status_code == 403
    assert _participants(org) == []
    with org_context(org.pk):
        assert not AuditEvent.objects.for_org(org).exclude(action="access.denied").exists()


def test_export_query_count_is_the_same_for_5_and_50_participants(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    sessions = [
        SessionFactory(
            organisation=org,
            cohort=cohort,
            starts_at=datetime(2025, 3, day, 17, tzinfo=UTC),
            status="held",
        )
        for day in (4, 11, 18)
    ]

    def count_for(total, fmt):
        with org_context(org.pk):
            have = cohort.enrolments.count()
        for _ in range(total - have):
            enrolment = EnrolmentFactory(
                organisation=org, cohort=cohort, joined_on=date(2025, 3, 1)
            )
            for session in sessions:
                AttendanceFactory(organisation=org, session=session, enrolment=enrolment)
        count, response = count_queries(lambda: client.get(_export_url(org, cohort.pk, fmt)))
        assert response.status_code == 200
        return count

    # session, user, the member's memberships with their organisations, cohort, sessions, enrolments
    # with participants, attendance, the audit line = 8; on PostgreSQL also the user (middleware)
    # and the organisation (view) set for the transaction. None depends on the number of rows.
    expected = 8 + 2 * tenant_settings_queries()
    for fmt in ("csv", "xlsx"):
        assert count_for(5, fmt) == expected
        assert count_for(50, fmt) == expected


def test_a_stray_cell_far_to_the_right_and_endless_blank_rows_cannot_stall_an_import(
    org, member_client
):
    """Regression: a styled cell in column XFD made every row 16,384 cells wide, and blank rows
    were read without limit."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "birth_year"])
    sheet.append(["Sam", 2008])
    sheet.cell(row=1, column=16384).value = ""
    sheet.cell(row=2, column=16384).number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(member_client(org, Role.COORDINATOR), org, "wide.xlsx", buffer.getvalue())
    assert response.status_code in (200, 302)
    assert [p.display_name for p in _participants(org)] == ["Sam"]

    blank = "name\n" + "\n" * 20_000 + "Late entry\n"
    response = _upload(member_client(org, Role.COORDINATOR), org, "blank.csv", blank.encode())
    assert b"most of them empty" in response.content
    assert [p.display_name for p in _participants(org)] == ["Sam"]


# Import: erased participants, double submits, the merged participants' trail ---------------------


def _erase(org, participant):
    from cocora.privacy.services import subject_erase

    with org_context(org.pk):
        subject_erase(organisation=org, subject=participant, actor=None)
        participant.refresh_from_db()
    return participant


def test_an_erased_participant_is_never_matched_nor_filled_in_again(org, member_client):
    """Regression: an erased (anonymised) participant was offered for merging, by its code or
    by its anonymised name, and a merge wrote name and contact details back onto it."""
    client = member_client(org, Role.COORDINATOR)
    erased = _erase(org, ParticipantFactory(organisation=org, display_name="Sam", birth_year=2009))

    by_code = _upload(
        client, org, "codes.csv", f"name,email,code\nSam,sam@example.org,{erased.code}\n".encode()
    )
    # The anonymised name and no year of birth: someone new, not the erased record.
    by_name = _upload(
        client, org, "name.csv", f"name,email\n{erased.display_name},x@example.org\n".encode()
    )

    assert by_code.status_code == 400
    # The same words as for a code never given: nothing says the code was someone's.
    assert f"No participant has the code “{erased.code}”." in by_code.content.decode()
    assert by_name.status_code == 302
    again = next(p for p in _participants(org) if p.pk == erased.pk)
    assert (again.display_name, again.email) == (erased.display_name, "")
    assert len(_participants(org)) == 2


def test_a_participant_erased_after_the_preview_is_not_merged_into(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    sam = ParticipantFactory(organisation=org, display_name="Sam", birth_year=2009, email="")
    preview = _upload(client, org, "group.csv", GROUP)
    erased = _erase(org, sam)

    done = _decide(client, org, preview, {"row_2": "merge"})

    # Checked again: the row no longer matches anyone, so it is someone new.
    assert done.status_code == 302
    again, new = sorted(
        (p for p in _participants(org) if p.display_name != "Aya"), key=lambda p: p.pk != sam.pk
    )
    assert (again.pk, again.display_name, again.email, again.guardian_name) == (
        sam.pk,
        erased.display_name,
        "",
        "",
    )
    assert (new.display_name, new.email) == ("Sam", "sam@example.org")


def test_a_participant_erased_while_the_import_runs_is_not_merged_into(
    org, member_client, monkeypatch
):
    """The erasure lands between the check of the file and its saving: the merge targets are
    read again, locked, inside the import's transaction, and an erased one refuses the file."""
    from programmes.services import imports

    client = member_client(org, Role.COORDINATOR)
    sam = ParticipantFactory(organisation=org, display_name="Sam", birth_year=2009, email="")
    preview = _upload(client, org, "group.csv", GROUP)
    lock_for_real = imports._merge_targets

    def erased_meanwhile(organisation, pks):
        _erase(org, sam)
        return lock_for_real(organisation, pks)

    monkeypatch.setattr(imports, "_merge_targets", erased_meanwhile)
    done = _decide(client, org, preview, {"row_2": "merge"})

    assert done.status_code == 400
    assert "can no longer be changed" in done.content.decode()
    (again,) = _participants(org)
    assert (again.display_name, again.email, again.guardian_name) != (
        "Sam",
        "sam@example.org",
        "Lene",
    )
    assert again.email == "" and again.guardian_name == ""


def test_a_second_submit_of_the_same_preview_imports_nothing(org, member_client, monkeypatch):
    """Regression: a double click (or the preview open in two tabs) imported the file twice,
    because the checked file stayed in the cache until the first import had finished."""
    from programmes.views import io as io_views

    client = member_client(org, Role.COORDINATOR)
    ParticipantFactory(organisation=org, display_name="Sam", birth_year=2009)
    preview = _upload(client, org, "group.csv", GROUP)
    import_for_real = io_views.participants_import
    calls, seconds = [], []

    def second_submit_arrives_meanwhile(**kwargs):
        # The second submit reaches the server while the first one is still importing.
        calls.append(kwargs)
        if len(calls) == 1:
            seconds.append(_decide(client, org, preview, {"row_2": "skip", "row_3": "skip"}))
        return import_for_real(**kwargs)

    monkeypatch.setattr(io_views, "participants_import", second_submit_arrives_meanwhile)
    first = _decide(client, org, preview, {"row_2": "skip", "row_3": "skip"})

    assert first.status_code == 302
    (second,) = seconds
    assert second.status_code == 400
    assert "The checked file is no longer here" in second.content.decode()
    assert sorted(p.display_name for p in _participants(org)) == ["Aya", "Sam"]


def test_missing_decisions_keep_the_checked_file_for_the_next_try(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ParticipantFactory(organisation=org, display_name="Sam", birth_year=2009)
    preview = _upload(client, org, "group.csv", GROUP)

    assert _decide(client, org, preview, {}).status_code == 400
    retry = _decide(client, org, preview, {"row_2": "skip"})
    assert retry.status_code == 302, retry.content.decode()
    assert sorted(p.display_name for p in _participants(org)) == ["Aya", "Sam"]


def test_each_merged_participant_gets_an_audit_line_with_the_changed_fields(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    sam = ParticipantFactory(
        organisation=org, display_name="Sam", birth_year=2009, email="", guardian_name="Lene"
    )
    aya = ParticipantFactory(organisation=org, display_name="Aya", birth_year=2010)

    preview = _upload(client, org, "group.csv", GROUP)
    assert _decide(client, org, preview, {"row_2": "merge", "row_3": "merge"}).status_code == 302

    with org_context(org.pk):
        lines = {
            e.target_id: e.details
            for e in AuditEvent.objects.for_org(org).filter(action="participant.updated")
        }
    # Names of the fields only: the values (an email address here) stay out of the trail.
    assert lines == {
        str(sam.pk): {"fields": ["email", "preferred_language"], "import": True},
        str(aya.pk): {"fields": [], "import": True},
    }
    assert "sam@example.org" not in str(lines)


def test_the_merge_query_count_is_the_same_for_5_and_50_rows(org):
    def result_pks(label):
        return (
            Participant.objects.for_org(org)
            .filter(display_name__startswith=label + " ")
            .values_list("pk", flat=True)
        )

    def merge_count(rows, label):
        _import_rows(org, rows, label)
        data = _csv_rows(rows, label).replace(b",da\n", b",en\n")
        decisions = {row: "merge" for row in range(2, rows + 2)}
        count, result = count_queries(
            lambda: _import_rows(org, rows, label, data=data, decisions=decisions)
        )
        assert result.merged == rows
        with org_context(org.pk):
            assert (
                AuditEvent.objects.for_org(org)
                .filter(action="participant.updated", details__fields=["preferred_language"])
                .filter(target_id__in=[str(pk) for pk in result_pks(label)])
                .count()
                == rows
            )
        return count

    assert merge_count(5, "Few") == merge_count(50, "Many")
