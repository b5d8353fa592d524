"""Check-ins on schedule (twice in the first month, then monthly), with a frozen clock."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ambassadors.selectors.ambassadors import ambassador_roster, ambassadors_owed_care
from ambassadors.services.care import checkin_next_due, checkin_record
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory

from .factories import AmbassadorFactory, CheckInFactory, DebriefFactory, OutreachTaskFactory

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
ACTIVE_SINCE = date(2026, 3, 2)


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=CPH), tick=False)


def test_the_schedule_is_two_in_the_first_month_then_monthly():
    due = checkin_next_due
    assert due(active_since=None, held_count=0, last_held_on=None) is None
    assert due(active_since=ACTIVE_SINCE, held_count=0, last_held_on=None) == date(2026, 3, 16)
    assert due(active_since=ACTIVE_SINCE, held_count=1, last_held_on=date(2026, 3, 16)) == date(
        2026, 3, 30
    )
    assert due(active_since=ACTIVE_SINCE, held_count=2, last_held_on=date(2026, 3, 30)) == date(
        2026, 4, 29
    )


def test_an_overdue_check_in_shows_on_the_roster(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org, active_since=ACTIVE_SINCE)
    url = reverse("ambassador_roster", args=[org.slug])

    with at(date(2026, 3, 16)), org_context(org.pk):
        (row,) = ambassador_roster(organisation=org)
        assert (row.checkin_due, row.checkin_overdue) == (date(2026, 3, 16), False)
    with at(date(2026, 3, 17)):
        client.force_login(client.membership.user)  # sessions last 12 hours
        page = client.get(url)
        assert b"check-in overdue since" in page.content
        assert page.context["checkins_overdue"] == 1

    CheckInFactory(organisation=org, ambassador=ambassador, held_on=date(2026, 3, 17))
    with at(date(2026, 3, 20)):
        client.force_login(client.membership.user)  # sessions last 12 hours
        page = client.get(url)
        assert b"check-in overdue" not in page.content
        assert page.context["rows"][0].checkin_due == date(2026, 3, 31)

    CheckInFactory(organisation=org, ambassador=ambassador, held_on=date(2026, 3, 31))
    with at(date(2026, 4, 30)), org_context(org.pk):
        (row,) = ambassador_roster(organisation=org)
        assert (row.checkin_due, row.checkin_overdue) == (date(2026, 4, 30), False)
    with at(date(2026, 5, 1)), org_context(org.pk):
        (row,) = ambassador_roster(organisation=org)
        assert row.checkin_overdue


def test_paused_ambassadors_and_those_in_training_are_not_on_the_schedule(org):
    AmbassadorFactory(organisation=org, status="paused", active_since=ACTIVE_SINCE)
    AmbassadorFactory(organisation=org, status="in_training", active_since=None)
    with at(date(2026, 6, 1)), org_context(org.pk):
        assert [r.checkin_overdue for r in ambassador_roster(organisation=org)] == [False, False]


def test_the_home_pages_care_list_judges_as_the_roster_does(org):
    today = date(2026, 6, 1)

    def ambassador(name, **fields):
        return AmbassadorFactory(
            organisation=org, participant__display_name=name, active_since=ACTIVE_SINCE, **fields
        )

    late = ambassador("Asta")  # no check-in for three months
    on_time = ambassador("Bo")
    CheckInFactory(organisation=org, ambassador=on_time, held_on=date(2026, 5, 20))
    waiting = ambassador("Cai", status="paused")  # off the schedule, but owed a debrief
    DebriefFactory(organisation=org, ambassador=waiting, due_on=date(2026, 6, 3))
    DebriefFactory(organisation=org, ambassador=waiting, due_on=date(2026, 5, 30))
    debriefed = ambassador("Dan")
    CheckInFactory(organisation=org, ambassador=debriefed, held_on=date(2026, 5, 25))
    DebriefFactory(organisation=org, ambassador=debriefed, held_on=date(2026, 5, 26))
    ambassador("Eli", status="alumni")
    # Tasks weigh on the roster's other columns, never on care.
    OutreachTaskFactory(organisation=org, ambassador=on_time, status="proposed")

    with at(today), org_context(org.pk):
        owed = ambassadors_owed_care(organisation=org, today=today)
        roster = ambassador_roster(organisation=org, today=today)

    def judged(rows):
        return [(r.ambassador.pk, r.checkin_due, r.debrief_due) for r in rows]

    assert judged(owed) == judged(r for r in roster if r.checkin_overdue or r.debrief_pending)
    assert judged(owed) == [
        (late.pk, date(2026, 3, 16), None),
        (waiting.pk, None, date(2026, 5, 30)),
    ]
    assert owed[0].ambassador.participant.display_name == "Asta"


def test_a_check_in_in_the_future_is_refused(org):
    ambassador = AmbassadorFactory(organisation=org)
    coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
    with (
        at(date(2026, 3, 10)),
        org_context(org.pk),
        pytest.raises(ApplicationError, match="future"),
    ):
        checkin_record(
            organisation=org,
            ambassador=ambassador,
            held_on=date(2026, 3, 11),
            wellbeing="good",
            actor=coordinator,
        )
