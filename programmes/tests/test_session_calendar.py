"""The sessions calendar: week and month, trainers' scope, filters, cancelled sessions, time
zone, and a query count that does not grow with the sessions."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries
from programmes.tests.factories import CohortFactory, CohortTrainerFactory

# The same Wednesday (its week runs from Monday 10 to Sunday 16 March 2025) and helper.
from .test_calendar import COPENHAGEN, WEDNESDAY_MORNING, _session

pytestmark = pytest.mark.django_db


def _url(org, **params):
    url = reverse("session_calendar", kwargs={"org_slug": org.slug})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _shown(response):
    return {s.pk for day in response.context["days"] if day.in_span for s in day.sessions}


def test_week_shows_the_weeks_sessions_in_local_time_with_cancelled_ones_struck_through(
    org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, name="Harbour group")
    # 23:30 on Sunday in Copenhagen is Sunday 22:30 UTC: still this week, on Sunday.
    late_sunday = _session(cohort, datetime(2025, 3, 16, 23, 30, tzinfo=COPENHAGEN))
    monday = _session(cohort, datetime(2025, 3, 10, 17, 0, tzinfo=COPENHAGEN))
    cancelled = _session(
        cohort, datetime(2025, 3, 12, 17, 0, tzinfo=COPENHAGEN), status="cancelled"
    )
    next_monday = _session(cohort, datetime(2025, 3, 17, 0, 30, tzinfo=COPENHAGEN))

    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        response = client.get(_url(org))

    assert response.status_code == 200
    assert _shown(response) == {late_sunday.pk, monday.pk, cancelled.pk}
    days = response.context["days"]
    assert days[0].day.isoformat() == "2025-03-10"
    assert days[6].sessions == [late_sunday]
    assert days[2].is_today
    html = response.content.decode()
    assert "23:30" in html and "17:00" in html
    assert "text-decoration-line-through" in html and "Cancelled" in html
    assert reverse("session_detail", args=[org.slug, monday.pk]) in html
    assert next_monday.pk not in _shown(response)


def test_month_lays_out_whole_weeks_and_links_to_the_neighbouring_months(org, member_client):
    client = member_client(org, Role.ADMIN)
    cohort = CohortFactory(organisation=org)
    first = _session(cohort, datetime(2025, 3, 1, 10, 0, tzinfo=COPENHAGEN))
    last = _session(cohort, datetime(2025, 3, 31, 18, 0, tzinfo=COPENHAGEN))
    april = _session(cohort, datetime(2025, 4, 1, 18, 0, tzinfo=COPENHAGEN))

    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        response = client.get(_url(org, view="month"))

    assert response.status_code == 200
    days = response.context["days"]
    # March 2025 starts on a Saturday and ends on a Monday: 24 Feb to 6 April, six weeks.
    assert (days[0].day.isoformat(), days[-1].day.isoformat()) == ("2025-02-24", "2025-04-06")
    assert len(days) == 42
    assert _shown(response) == {first.pk, last.pk}
    # April's first day is in the grid but outside the month: shown greyed, not counted.
    assert response.context["session_count"] == 2
    assert april.pk in {s.pk for d in days for s in d.sessions}
    html = response.content.decode()
    assert "day=2025-02-01" in html and "day=2025-04-01" in html
    assert "view=week" in html


def test_a_trainer_sees_only_their_cohorts_sessions_in_any_week_they_go_to(org, member_client):
    client = member_client(org, Role.TRAINER)
    mine = CohortTrainerFactory(organisation=org, user=client.membership.user).cohort
    other = CohortFactory(organisation=org)
    far = datetime(2025, 6, 18, 17, 0, tzinfo=COPENHAGEN)
    my_session = _session(mine, far)
    _session(other, far)

    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        response = client.get(_url(org, day="2025-06-18"))

    assert response.status_code == 200
    assert _shown(response) == {my_session.pk}
    # The form offers only their own cohort.
    assert [c for c, _ in response.context["form"].fields["cohort"].choices if c] == [mine.pk]


def test_filters_by_trainer_and_by_cohort(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    link = CohortTrainerFactory(organisation=org)
    trained = link.cohort
    other = CohortFactory(organisation=org)
    when = datetime(2025, 3, 11, 17, 0, tzinfo=COPENHAGEN)
    trained_session = _session(trained, when)
    other_session = _session(other, when)

    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        by_trainer = client.get(_url(org, trainer=link.user_id))
        by_cohort = client.get(_url(org, cohort=other.pk))
        everything = client.get(_url(org))
        # A made-up trainer is a form error: the calendar shows everything, not nothing.
        unknown = client.get(_url(org, trainer=999999))

    assert _shown(by_trainer) == {trained_session.pk}
    assert _shown(by_cohort) == {other_session.pk}
    assert _shown(everything) == _shown(unknown) == {trained_session.pk, other_session.pk}
    # The trainer's name shows with the session.
    assert link.user.name in by_trainer.content.decode()


@pytest.mark.parametrize("role", [Role.AMBASSADOR, Role.PARTNER])
def test_roles_without_sessions_are_refused(org, member_client, role):
    assert member_client(org, role).get(_url(org)).status_code == 403


def test_query_count_is_the_same_for_5_and_50_sessions(org, member_client):
    client = member_client(org, Role.COORDINATOR)

    def measure(count):
        cohort = CohortTrainerFactory(organisation=org).cohort
        for index in range(count):
            _session(
                cohort, datetime(2025, 3, 10, 8, 0, tzinfo=COPENHAGEN) + timedelta(hours=3 * index)
            )
        with time_machine.travel(WEDNESDAY_MORNING, tick=False):
            queries, response = count_queries(lambda: client.get(_url(org, view="month")))
        assert response.status_code == 200
        return queries

    # session, user, the member's memberships with their organisations and unread notifications (the
    # switcher too), trainers and cohorts of the form, sessions, their cohorts' trainers = 7 (+2
    # tenant settings on PostgreSQL).
    assert measure(5) == measure(50) == 7 + 2 * tenant_settings_queries()


def test_api_answers_the_same_week_for_a_trainer(org, api_client):
    client = api_client(org, Role.TRAINER)
    mine = CohortTrainerFactory(organisation=org, user=client.membership.user).cohort
    my_session = _session(mine, datetime(2025, 6, 18, 17, 0, tzinfo=COPENHAGEN))
    _session(CohortFactory(organisation=org), datetime(2025, 6, 18, 17, 0, tzinfo=COPENHAGEN))
    url = f"/api/v1/o/{org.slug}/sessions/calendar/"

    answer = client.get(url, {"day": "2025-06-18"}).json()

    assert (answer["view"], answer["first"], answer["last"]) == ("week", "2025-06-16", "2025-06-22")
    assert [s["id"] for s in answer["sessions"]] == [my_session.pk]
    month = client.get(url, {"day": "2025-06-18", "view": "month"}).json()
    assert (month["first"], month["last"]) == ("2025-05-26", "2025-07-06")
    assert client.get(url, {"view": "year"}).status_code == 400
    assert client.get(url, {"colour": "red"}).status_code == 400
