"""Funder reports: the figures of a small programme never leave through any channel (page,
CSV, XLSX, API, PDF), the PDF holds the chart and its table, the narrative's Markdown is
cleaned, and the report's pages and exports keep their query counts whatever the data."""

import io
import json
import re
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from ambassadors.tests.factories import AmbassadorFactory, OutreachTaskFactory
from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries
from impact import services
from impact.models import FunderReport
from impact.tasks import funder_report_render
from impact.tests.factories import FunderReportFactory, IndicatorFactory, ObjectiveFactory
from programmes.models import Enrolment
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
PEOPLE_LABELS = ("Attendance rate", "Participants who completed", "Peers reached by ambassadors")
# The hidden figures of the small programme: a rate of 61.9 % over 3 people, 2 completions,
# 3 peers reached.
SECRET_RATE = ("61.9", "61,9")


@pytest.fixture(autouse=True)
def _files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COCORA_PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"


def small_programme(org, *, people=3, sessions=7):
    """A programme of `people` young people in 2026: `sessions` sessions held, 13 of the first
    21 marks present, then 8 absent, the rest present (3 people: 61.9 %; 6 people: 81.0 %),
    2 completions, 3 peers reached by one ambassador."""
    programme = ProgrammeFactory(organisation=org, title="Small group")
    cohort = CohortFactory(organisation=org, programme=programme)
    enrolments = [EnrolmentFactory(organisation=org, cohort=cohort) for _ in range(people)]
    marks = iter(["present"] * 13 + ["absent"] * 8 + ["present"] * 10_000)
    for i in range(sessions):
        session = SessionFactory(
            organisation=org,
            cohort=cohort,
            status="held",
            starts_at=datetime(2026, 3, 1, 17, tzinfo=CPH) + timedelta(days=7 * i),
        )
        for enrolment in enrolments:
            AttendanceFactory(
                organisation=org, session=session, enrolment=enrolment, status=next(marks)
            )
    with org_context(org.pk):
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments[:2]]).update(
            stage="completed", stage_changed_at=datetime(2026, 6, 1, 12, tzinfo=CPH)
        )
    ambassador = AmbassadorFactory(organisation=org, cohort=cohort)
    OutreachTaskFactory(
        organisation=org,
        ambassador=ambassador,
        status="done",
        completed_on=date(2026, 5, 1),
        peers_reached=3,
    )
    objective = ObjectiveFactory(organisation=org, programme=programme, title="Keep coming")
    IndicatorFactory(organisation=org, objective=objective, metric="attendance_rate", target=80)
    IndicatorFactory(organisation=org, objective=objective, metric="sessions_held", target=30)
    report = FunderReportFactory(
        organisation=org,
        programme=programme,
        title="Report to the foundation",
        narrative_md="## What we learnt\n\nThe group **grew together**.<script>alert(1)</script>",
    )
    return report


def _rows_hide_people(rows, marker):
    """Each row about people shows no figure of its own (a target may follow), and each shows
    the marker at least once (a chart's category name may stand on a line of its own)."""
    seen = set()
    for row in rows:
        # The start of the label: a PDF may hyphenate the rest onto the next line.
        label = next((label for label in PEOPLE_LABELS if label[:14] in row), None)
        if label is None:
            continue
        if marker in row:
            seen.add(label)
        # "fewer than 5" may be cut after "than" at the end of a PDF's line.
        rest = re.sub(re.escape(marker) + r"(\s*5\b)?", "", row).replace("(%)", "")
        # A target, whole or cut at the end of a PDF's line.
        rest = re.sub(r"at least 80 \([^)]*\)?", "", rest)
        # The chart's table gives the target in its own column.
        rest = re.sub(r"\b80\b", "", rest)
        assert not re.search(r"\d", rest.replace(label, "").replace(label[:14], "")), row
    assert seen == set(PEOPLE_LABELS)


def _html_rows(html):
    return [re.sub(r"<[^>]+>", " ", chunk.split("</tr>")[0]) for chunk in html.split("<tr")[1:]]


def _pdf_text(path):
    return subprocess.run(  # noqa: S603  (poppler on a file we wrote)
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607  (poppler from the PATH)
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _render(org, report, user):
    with org_context(org.pk):
        services.funder_report_pdf_request(organisation=org, report=report, actor=user)
    # The task itself, run in this process: org_task, the service, the same code as a worker.
    funder_report_render.apply(args=(org.pk, report.pk)).get()
    with org_context(org.pk):
        return FunderReport.objects.for_org(org).get(pk=report.pk)


def test_no_figure_about_fewer_people_than_the_threshold_leaves_through_any_channel(
    org, member_client, api_client
):
    report = small_programme(org)
    client = member_client(org, Role.COORDINATOR)

    page = client.get(reverse("impact_report", args=[org.slug, report.pk])).content.decode()
    csv = client.get(reverse("impact_report_csv", args=[org.slug, report.pk])).content
    xlsx = client.get(reverse("impact_report_xlsx", args=[org.slug, report.pk])).content
    api = api_client(org, Role.COORDINATOR).get(
        f"/api/v1/o/{org.slug}/reports/{report.pk}/figures/"
    )
    impact_page = client.get(
        reverse("impact_programme", args=[org.slug, report.programme_id])
    ).content.decode()
    pdf = _pdf_text(_render(org, report, client.membership.user).pdf_file.path)

    # The page and its chart: seven sessions are shown, the three figures about people not.
    assert re.search(r"Sessions held\s*</th>\s*<td[^>]*>\s*7", page)
    _rows_hide_people(_html_rows(page), "fewer than 5")
    # The CSV and the XLSX give "<5".
    _rows_hide_people(csv.decode("utf-8-sig").splitlines(), "<5")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    _rows_hide_people(
        [
            " ".join(str(c) for c in row if c is not None)
            for row in sheet.iter_rows(values_only=True)
        ],
        "<5",
    )
    # The API: no value, marked suppressed.
    outputs = {row["metric"]: row for row in api.json()["outputs"]}
    assert outputs["sessions_held"]["value"]["value"] == 7
    for metric in ("attendance_rate", "completions", "peers_reached"):
        assert outputs[metric]["value"] == {"value": None, "suppressed": True, "text": "<5"}
    assert outputs["attendance_rate"]["n"]["suppressed"]
    # The PDF, line by line, and the impact page with its indicators.
    assert re.search(r"Sessions held\s+7", pdf)
    _rows_hide_people(pdf.splitlines(), "fewer than")
    for text in (page, pdf, impact_page, json.dumps(api.json()), csv.decode()):
        assert not any(secret in text for secret in SECRET_RATE)


def test_the_same_programme_with_enough_people_shows_its_figures(org, member_client):
    # The same shape with 6 people: the sweep above fails for the right reason, not because
    # the report shows nothing.
    report = small_programme(org, people=6)
    csv = (
        member_client(org, Role.COORDINATOR)
        .get(reverse("impact_report_csv", args=[org.slug, report.pk]))
        .content.decode("utf-8-sig")
    )
    rows = {line.split(",")[1]: line.split(",")[2] for line in csv.splitlines()[1:]}
    assert rows["Attendance rate (%)"] == "81.0"
    assert rows["Participants who completed"] == "<5"  # still 2 people
    assert rows["Sessions held"] == "7"


def test_the_pdf_has_the_narrative_the_chart_and_its_table_and_no_script(org, member_client):
    report = small_programme(org, people=6)
    client = member_client(org, Role.COORDINATOR)
    report = _render(org, report, client.membership.user)
    assert report.pdf_status == "done" and report.pdf_pages >= 1
    text = _pdf_text(report.pdf_file.path)

    assert "Report to the foundation" in text
    assert "What we learnt" in text and "grew together" in text
    assert "alert(1)" not in text
    # The chart's caption, then its table: each measure with its value and its target.
    assert "Outputs against targets" in text
    assert re.search(r"Attendance rate\s+81[.,]0\s*%?\s+80", text)
    assert re.search(r"Sessions held\s+7\s+30", text)

    download = client.get(reverse("impact_report_pdf", args=[org.slug, report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    with org_context(org.pk):
        assert AuditEvent.objects.for_org(org).filter(action="report.downloaded").count() == 1


def test_changing_the_report_removes_the_pdf_made_before(org, member_client):
    report = small_programme(org, people=6)
    client = member_client(org, Role.COORDINATOR)
    report = _render(org, report, client.membership.user)
    response = client.post(
        reverse("impact_report_edit", args=[org.slug, report.pk]),
        {
            "title": "Report, second draft",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "narrative_md": "Shorter.",
        },
    )
    assert response.status_code == 302
    with org_context(org.pk):
        report = FunderReport.objects.for_org(org).get(pk=report.pk)
    assert report.pdf_status == "none" and not report.pdf_file


def test_a_report_period_that_ends_before_it_starts_is_refused(org, member_client):
    programme = ProgrammeFactory(organisation=org)
    response = member_client(org, Role.COORDINATOR).post(
        reverse("impact_report_create", args=[org.slug, programme.pk]),
        {"title": "Report", "period_start": "2026-12-31", "period_end": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "The period must end after the day it starts." in response.content.decode()
    with org_context(org.pk):
        assert not FunderReport.objects.for_org(org).exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_staff_see_reports_and_their_exports(org, member_client, role):
    report = FunderReportFactory(organisation=org)
    client = member_client(org, role)
    for name in ("impact_report", "impact_report_csv", "impact_report_xlsx", "impact_report_pdf"):
        assert client.get(reverse(name, args=[org.slug, report.pk])).status_code == 403


def test_report_page_and_xlsx_make_as_many_queries_for_50_people_as_for_5(org, member_client):
    report = small_programme(org, people=5, sessions=5)
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, programme=report.programme)

    def measure():
        page, response = count_queries(
            lambda: client.get(reverse("impact_report", args=[org.slug, report.pk]))
        )
        assert response.status_code == 200
        xlsx, response = count_queries(
            lambda: client.get(reverse("impact_report_xlsx", args=[org.slug, report.pk]))
        )
        assert response.status_code == 200
        return page, xlsx

    before = measure()
    for i in range(45):
        enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
        session = SessionFactory(
            organisation=org,
            cohort=cohort,
            status="held",
            starts_at=datetime(2026, 9, 1, 17, tzinfo=CPH) + timedelta(days=i),
        )
        AttendanceFactory(organisation=org, session=session, enrolment=enrolment)
    after = measure()
    assert before == after
    # The page: session, user, the member's memberships with their organisations (the switcher too),
    # report, indicators, one query per output metric (5), the questionnaire answers (1: no answers,
    # so no items' wording) = 11 (+2 tenant settings on PostgreSQL); the XLSX adds the audit line.
    assert before == (11 + 2 * tenant_settings_queries(), 12 + 2 * tenant_settings_queries())
