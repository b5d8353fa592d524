"""A trainer booked into two sessions at once is warned about, on the pages and in the API;
the sessions are saved all the same (a co-trainer may cover)."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries
from programmes.models import Session
from programmes.selectors.sessions import session_clashes
from programmes.tests.factories import CohortFactory, CohortTrainerFactory, SessionFactory

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")
# A Saturday early in May 2027: the sessions below lie ahead of it, in the same year.
NOW = datetime(2027, 5, 1, 10, 0, tzinfo=CPH)


def _at(day, hour, hours=2):
    starts = datetime(day.year, day.month, day.day, hour, 0, tzinfo=CPH)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=hours)}


@pytest.fixture
def booked(org):
    """A trainer of two cohorts, already training Blue on Monday 10 May 2027, 16:00-18:00."""
    trainer = MembershipFactory(organisation=org, role=Role.TRAINER, user__name="Sam Berg").user
    red = CohortFactory(organisation=org, name="Red", starts_on=date(2027, 4, 1))
    blue = CohortFactory(organisation=org, name="Blue", starts_on=date(2027, 4, 1))
    for cohort in (red, blue):
        CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer)
    other = SessionFactory(organisation=org, cohort=blue, **_at(date(2027, 5, 10), 16))
    return SimpleNamespace(trainer=trainer, red=red, blue=blue, other=other)


CLASH = "Trainer clash: Sam Berg also has a session of Blue at Mon 10 May, 16:00–18:00."


def _rule(first_date="2027-05-10", start_time="17:00", count="2"):
    return {
        "first_date": first_date,
        "weekdays": ["0"],
        "every_n_weeks": "1",
        "start_time": start_time,
        "duration_minutes": "60",
        "count": count,
    }


def test_scheduling_into_a_trainers_other_session_warns_and_saves(org, member_client, booked):
    with time_machine.travel(NOW, tick=False):
        client = member_client(org, Role.COORDINATOR)
        response = client.post(
            reverse("sessions_generate", args=[org.slug, booked.red.pk]), _rule(), follow=True
        )
        assert response.status_code == 200
        assert CLASH in response.content.decode()
        with org_context(org.pk):
            first, second = (
                Session.objects.for_org(org).filter(cohort=booked.red).order_by("starts_at")
            )
        # The cohort's page and the session's page mark the clash, on that session only.
        page = client.get(reverse("cohort_detail", args=[org.slug, booked.red.pk])).content.decode()
        assert page.count("Trainer clash") == 1
        detail = client.get(reverse("session_detail", args=[org.slug, first.pk])).content
        assert CLASH in detail.decode()
        assert (
            b"Trainer clash"
            not in client.get(reverse("session_detail", args=[org.slug, second.pk])).content
        )


def test_moving_a_session_onto_another_warns_and_saves(org, member_client, booked):
    session = SessionFactory(organisation=org, cohort=booked.red, **_at(date(2027, 5, 11), 16))
    with time_machine.travel(NOW, tick=False):
        response = member_client(org, Role.COORDINATOR).post(
            reverse("session_edit", args=[org.slug, session.pk]),
            {"starts_at": "2027-05-10T17:30", "ends_at": "2027-05-10T19:00", "venue": "Hall"},
            follow=True,
        )
    assert CLASH in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == datetime(2027, 5, 10, 17, 30, tzinfo=CPH)


def test_assigning_a_trainer_booked_elsewhere_warns(org, member_client, booked):
    green = CohortFactory(organisation=org, name="Green", starts_on=date(2027, 4, 1))
    SessionFactory(organisation=org, cohort=green, **_at(date(2027, 5, 10), 17))
    with time_machine.travel(NOW, tick=False):
        response = member_client(org, Role.COORDINATOR).post(
            reverse("cohort_edit", args=[org.slug, green.pk]),
            {
                "programme": green.programme_id,
                "name": "Green",
                "starts_on": "2027-04-01",
                "capacity": "15",
                "trainers": [str(booked.trainer.pk)],
            },
            follow=True,
        )
    assert CLASH in response.content.decode()


def test_no_clash_when_cancelled_back_to_back_or_another_trainer(org, booked):
    back_to_back = SessionFactory(organisation=org, cohort=booked.red, **_at(date(2027, 5, 10), 18))
    before = SessionFactory(organisation=org, cohort=booked.red, **_at(date(2027, 5, 10), 14))
    cancelled = SessionFactory(
        organisation=org, cohort=booked.red, status="cancelled", **_at(date(2027, 5, 10), 16)
    )
    untrained = SessionFactory(organisation=org, **_at(date(2027, 5, 10), 16))
    with org_context(org.pk):
        found = session_clashes(
            organisation=org,
            sessions=[back_to_back, before, cancelled, untrained, booked.other],
            viewer=None,
        )
    assert found == {}


def test_the_trainers_named_by_the_caller_find_the_same_clashes(org, booked):
    """A cohort's page names its trainers (read already) instead of the subquery: the same
    clashes, and no query at all for a cohort nobody trains, whoever reads it."""
    ours = SessionFactory(organisation=org, cohort=booked.red, **_at(date(2027, 5, 10), 17))
    untrained = SessionFactory(organisation=org, **_at(date(2027, 5, 10), 17))
    with org_context(org.pk):
        asked = session_clashes(organisation=org, sessions=[ours], viewer=None)
        named = session_clashes(
            organisation=org, sessions=[ours], viewer=None, trainer_ids=[booked.trainer.pk]
        )
        trainer = MembershipFactory(organisation=org, role=Role.TRAINER)
        queries, nobody = count_queries(
            lambda: session_clashes(
                organisation=org, sessions=[untrained], viewer=trainer, trainer_ids=[]
            )
        )
    assert [clash.session_id for clash in asked[ours.pk]] == [booked.other.pk]
    assert named == asked
    assert (queries, nobody) == (0, {})


def test_the_api_carries_clashes_on_each_session(org, api_client, booked):
    client = api_client(org, Role.COORDINATOR)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("api-cohort-sessions-generate", args=[org.slug, booked.red.pk]),
            {"first_date": "2027-05-10", "weekdays": [0], "start_time": "17:00", "count": 2},
            format="json",
        )
        assert response.status_code == 201
        first, second = response.json()
        assert first["clashes"] == [
            {
                "session": booked.other.pk,
                "cohort": booked.blue.pk,
                "cohort_name": "Blue",
                "starts_at": "2027-05-10T16:00:00+02:00",
                "ends_at": "2027-05-10T18:00:00+02:00",
                "trainers": [booked.trainer.pk],
            }
        ]
        assert second["clashes"] == []
        # The other side sees it too.
        blue_side = client.get(
            reverse("api-session-detail", args=[org.slug, booked.other.pk])
        ).json()
        assert [c["session"] for c in blue_side["clashes"]] == [first["id"]]


def test_clashes_cost_one_query_on_the_cohort_page_and_the_api_list(
    org, member_client, api_client, booked
):
    client = member_client(org, Role.COORDINATOR)
    api = api_client(org, Role.COORDINATOR)
    api.get(reverse("api-session-list", args=[org.slug]))  # the token notes its first use

    def measure(sessions):
        cohort = CohortFactory(organisation=org, starts_on=date(2027, 4, 1))
        CohortTrainerFactory(organisation=org, cohort=cohort, user=booked.trainer)
        for index in range(sessions):
            # Each overlaps the Blue session in turn, and the one before it.
            starts = booked.other.starts_at + timedelta(minutes=index)
            SessionFactory(
                organisation=org,
                cohort=cohort,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
            )
        page, response = count_queries(
            lambda: client.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))
        )
        assert response.content.decode().count("Trainer clash") >= sessions
        listed, answer = count_queries(
            lambda: api.get(
                reverse("api-cohort-sessions", args=[org.slug, cohort.pk]),
                {"page_size": 100},
            )
        )
        assert all(row["clashes"] for row in answer.json()["results"])
        return page, listed

    assert measure(5) == measure(50)


def test_a_trainer_sees_no_clash_in_a_cohort_they_do_not_train(org, member_client, api_client):
    # Regression: a co-trainer of Red was shown that Sam also trains Blue at that hour (the name
    # and id of a cohort outside the co-trainer's scope); Sam, who trains both, and the
    # coordinator still see it.
    sam = MembershipFactory(organisation=org, role=Role.TRAINER, user__name="Sam Berg")
    red = CohortFactory(organisation=org, name="Red", starts_on=date(2027, 4, 1))
    blue = CohortFactory(organisation=org, name="Blue", starts_on=date(2027, 4, 1))
    for cohort in (red, blue):
        CohortTrainerFactory(organisation=org, cohort=cohort, user=sam.user)
    SessionFactory(organisation=org, cohort=blue, **_at(date(2027, 5, 10), 16))
    ours = SessionFactory(organisation=org, cohort=red, **_at(date(2027, 5, 10), 17))
    session_page = reverse("session_detail", args=[org.slug, ours.pk])
    cohort_page = reverse("cohort_detail", args=[org.slug, red.pk])
    api_session = reverse("api-session-detail", args=[org.slug, ours.pk])

    with time_machine.travel(NOW, tick=False):
        colleague = member_client(org, Role.TRAINER)
        CohortTrainerFactory(organisation=org, cohort=red, user=colleague.membership.user)
        colleague_api = api_client(org, Role.TRAINER, user=colleague.membership.user)
        coordinator = member_client(org, Role.COORDINATOR)
        for page in (session_page, cohort_page):
            seen = colleague.get(page)
            assert seen.status_code == 200
            assert "Trainer clash" not in seen.content.decode()
            assert "Trainer clash" in coordinator.get(page).content.decode()
        answer = colleague_api.get(api_session)
        assert answer.status_code == 200 and answer.json()["clashes"] == []
        with org_context(org.pk):
            assert session_clashes(organisation=org, sessions=[ours], viewer=sam)[ours.pk]
