"""Session times people type: the hour the clocks skip or repeat, the cohort's dates, a past
first date, and the year on the pages."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cocora.core.dates import local_datetime
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from programmes.models import Session
from programmes.tests.factories import CohortFactory, SessionFactory

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")

# Summer time starts at 02:00 on Sunday 28 March 2027 (02:30 never shows on a clock) and ends
# at 03:00 on Sunday 31 October 2027 (02:30 shows twice).
GAP = {"day": "2027-03-28", "weekday": 6, "label": b"does not exist in Europe/Copenhagen"}
FOLD = {"day": "2027-10-31", "weekday": 6, "label": b"happens twice in Europe/Copenhagen"}


def _sessions(org):
    with org_context(org.pk):
        return list(Session.objects.for_org(org).order_by("starts_at"))


def test_local_times_the_clocks_skip_or_repeat_are_refused_naming_them():
    with pytest.raises(ApplicationError, match="does not exist in Europe/Copenhagen") as gap:
        local_datetime(date(2027, 3, 28), time(2, 30), CPH, field="start_time")
    assert gap.value.field == "start_time"
    assert "2027" in gap.value.message
    with pytest.raises(ApplicationError, match="happens twice in Europe/Copenhagen"):
        local_datetime(date(2027, 10, 31), time(2, 30), CPH)
    # Either side of the change, and any ordinary day, are plain local times.
    assert local_datetime(date(2027, 3, 28), time(3, 0), CPH).utcoffset().seconds == 7200
    assert local_datetime(date(2027, 10, 31), time(3, 0), CPH).utcoffset().seconds == 3600
    assert local_datetime(date(2027, 6, 1), time(16, 0), CPH) == datetime(
        2027, 6, 1, 16, 0, tzinfo=CPH
    )


@pytest.mark.parametrize("change", [GAP, FOLD], ids=["gap", "fold"])
def test_scheduling_page_refuses_a_rule_that_meets_the_clock_change(org, member_client, change):
    # Regression: a rule meeting the gap was a 500 (session_ends_after_start), the hour
    # that happens twice was silently read as the first one.
    cohort = CohortFactory(organisation=org, starts_on=date(2027, 3, 1))
    response = member_client(org, Role.COORDINATOR).post(
        reverse("sessions_generate", args=[org.slug, cohort.pk]),
        {
            "first_date": change["day"],
            "weekdays": [str(change["weekday"])],
            "every_n_weeks": "1",
            "start_time": "02:30",
            "duration_minutes": "60",
            "count": "3",
        },
    )
    assert response.status_code == 400
    assert change["label"] in response.content
    assert _sessions(org) == []


@pytest.mark.parametrize("change", [GAP, FOLD], ids=["gap", "fold"])
def test_scheduling_api_refuses_a_rule_that_meets_the_clock_change(org, api_client, change):
    cohort = CohortFactory(organisation=org, starts_on=date(2027, 3, 1))
    response = api_client(org, Role.COORDINATOR).post(
        reverse("api-cohort-sessions-generate", args=[org.slug, cohort.pk]),
        {
            "first_date": change["day"],
            "weekdays": [change["weekday"]],
            "start_time": "02:30",
            "duration_minutes": 60,
            "count": 3,
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert change["label"].decode() in body["errors"]["start_time"][0]
    assert _sessions(org) == []


def test_a_session_over_the_night_the_clocks_go_forward_lasts_its_duration(org, member_client):
    cohort = CohortFactory(organisation=org, starts_on=date(2027, 3, 1))
    response = member_client(org, Role.COORDINATOR).post(
        reverse("sessions_generate", args=[org.slug, cohort.pk]),
        {
            "first_date": GAP["day"],
            "weekdays": ["6"],
            "every_n_weeks": "1",
            "start_time": "01:30",
            "duration_minutes": "90",
            "count": "1",
        },
    )
    assert response.status_code == 302
    [session] = _sessions(org)
    # 01:30 winter time plus 90 minutes that pass is 04:00 summer time.
    assert session.ends_at - session.starts_at == datetime(2027, 1, 1, 1, 30) - datetime(
        2027, 1, 1, 0, 0
    )
    assert session.ends_at.astimezone(CPH).hour == 4


@pytest.mark.parametrize("change", [GAP, FOLD], ids=["gap", "fold"])
def test_editing_a_session_into_the_clock_change_is_refused_naming_the_time(
    org, member_client, api_client, change
):
    session = SessionFactory(organisation=org)
    before = (session.starts_at, session.ends_at)
    page = member_client(org, Role.COORDINATOR).post(
        reverse("session_edit", args=[org.slug, session.pk]),
        {"starts_at": f"{change['day']}T02:30", "ends_at": f"{change['day']}T04:00"},
    )
    api = api_client(org, Role.COORDINATOR).patch(
        reverse("api-session-detail", args=[org.slug, session.pk]),
        {"starts_at": f"{change['day']}T02:30", "ends_at": f"{change['day']}T04:00"},
        format="json",
    )
    assert page.status_code == 400
    assert change["label"] in page.content
    assert api.status_code == 400
    assert change["label"].decode() in api.json()["errors"]["starts_at"][0]
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == before


# SECTION: the cohort's dates


@pytest.mark.parametrize(
    ("first_date", "message"),
    [
        ("2027-02-22", "before the cohort starts"),
        ("2027-07-05", "after the cohort ends"),
        ("0001-01-01", "between 2000 and 2100"),
    ],
)
def test_a_first_date_outside_the_cohort_is_refused_on_page_and_api(
    org, member_client, api_client, first_date, message
):
    cohort = CohortFactory(organisation=org, starts_on=date(2027, 3, 1), ends_on=date(2027, 6, 30))
    with time_machine.travel(datetime(2027, 2, 15, 10, 0, tzinfo=CPH), tick=False):
        page = member_client(org, Role.COORDINATOR).post(
            reverse("sessions_generate", args=[org.slug, cohort.pk]),
            {
                "first_date": first_date,
                "weekdays": ["0"],
                "every_n_weeks": "1",
                "start_time": "16:00",
                "duration_minutes": "90",
                "count": "2",
            },
        )
        api = api_client(org, Role.COORDINATOR).post(
            reverse("api-cohort-sessions-generate", args=[org.slug, cohort.pk]),
            {"first_date": first_date, "weekdays": [0], "start_time": "16:00", "count": 2},
            format="json",
        )
    assert page.status_code == 400
    assert message.encode() in page.content
    assert api.status_code == 400
    assert message in api.json()["errors"]["first_date"][0]
    assert _sessions(org) == []


def test_a_first_date_in_the_past_is_scheduled_with_a_warning(org, member_client):
    # Allowed: a group that began before it moved onto the platform records its sessions.
    cohort = CohortFactory(organisation=org, starts_on=date(2027, 3, 1))
    with time_machine.travel(datetime(2027, 3, 20, 10, 0, tzinfo=CPH), tick=False):
        response = member_client(org, Role.COORDINATOR).post(
            reverse("sessions_generate", args=[org.slug, cohort.pk]),
            {
                "first_date": "2027-03-01",
                "weekdays": ["0"],
                "every_n_weeks": "1",
                "start_time": "16:00",
                "duration_minutes": "90",
                "count": "4",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert b"3 of these sessions lie in the past" in response.content
    assert len(_sessions(org)) == 4


def test_session_dates_show_the_year_when_it_is_not_the_current_one(org, member_client):
    cohort = CohortFactory(organisation=org, starts_on=date(2027, 12, 1))
    SessionFactory(
        organisation=org,
        cohort=cohort,
        starts_at=datetime(2027, 12, 20, 16, 0, tzinfo=CPH),
        ends_at=datetime(2027, 12, 20, 18, 0, tzinfo=CPH),
    )
    SessionFactory(
        organisation=org,
        cohort=cohort,
        starts_at=datetime(2028, 1, 10, 16, 0, tzinfo=CPH),
        ends_at=datetime(2028, 1, 10, 18, 0, tzinfo=CPH),
    )
    url = reverse("cohort_detail", args=[org.slug, cohort.pk])
    with time_machine.travel(datetime(2027, 12, 1, 10, 0, tzinfo=CPH), tick=False):
        page = member_client(org, Role.COORDINATOR).get(url).content.decode()
    assert "Mon 20 Dec, 16:00" in page
    assert "Mon 10 Jan 2028, 16:00" in page
