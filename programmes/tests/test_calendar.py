"""The personal calendar feed, its settings page and the "My sessions" page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from cocora.accounts.models import User
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries, tenant_settings_queries
from programmes.models import Session
from programmes.services.calendar import (
    calendar_token_ensure,
    calendar_token_reset,
    calendar_user_for_token,
)
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    CohortTrainerFactory,
    EnrolmentFactory,
    ModuleFactory,
    SessionFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
LONDON = ZoneInfo("Europe/London")
# A Wednesday. The week runs from Monday 10 March to Sunday 16 March 2025.
WEDNESDAY_MORNING = datetime(2025, 3, 12, 9, 0, tzinfo=COPENHAGEN)


def _session(cohort, starts_at, **extra):
    return SessionFactory(
        organisation=cohort.organisation,
        cohort=cohort,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        **extra,
    )


def _feed_url(user):
    return reverse("calendar_feed", kwargs={"token": user.calendar_token})


def _trainer_with_token(org, role=Role.TRAINER):
    user = MembershipFactory(organisation=org, role=role).user
    calendar_token_ensure(user=user)
    return user


def _events(content):
    return {str(e["UID"]): e for e in Calendar.from_ical(content).walk("VEVENT")}


# Feed


def test_feed_holds_the_persons_sessions_of_two_organisations_in_their_local_times(
    client, org, other_org
):
    # Given a trainer in Alpha (Copenhagen) who also coordinates a cohort in Beta (London)
    other_org.time_zone = "Europe/London"
    other_org.save()
    user = _trainer_with_token(org)
    MembershipFactory(organisation=other_org, user=user, role=Role.COORDINATOR)
    trained = CohortTrainerFactory(organisation=org, user=user, cohort__name="Tuesday group").cohort
    module = ModuleFactory(
        organisation=org, programme=trained.programme, title="Democracy and rights"
    )
    coordinated = CohortFactory(organisation=other_org, coordinator=user, name="Harbour cohort")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        alpha = _session(trained, datetime(2025, 3, 18, 18, 0, tzinfo=COPENHAGEN), module=module)
        beta = _session(coordinated, datetime(2025, 4, 2, 17, 30, tzinfo=LONDON), venue="Hall B")

        # When the calendar app fetches the feed
        response = client.get(_feed_url(user))

    # Then both sessions are there, each at its local time with its time zone
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    content = response.content
    assert b"DTSTART;TZID=Europe/Copenhagen:20250318T180000" in content
    assert b"DTEND;TZID=Europe/Copenhagen:20250318T200000" in content
    assert b"DTSTART;TZID=Europe/London:20250402T173000" in content
    assert b"TZID:Europe/Copenhagen" in content and b"TZID:Europe/London" in content
    assert b"X-WR-CALNAME:" in content

    calendar = Calendar.from_ical(content)
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {
        "Europe/Copenhagen",
        "Europe/London",
    }
    events = _events(content)
    assert set(events) == {f"session-{alpha.pk}@cocora", f"session-{beta.pk}@cocora"}
    first = events[f"session-{alpha.pk}@cocora"]
    assert first["DTSTART"].dt == datetime(2025, 3, 18, 18, 0, tzinfo=COPENHAGEN)
    assert str(first["SUMMARY"]) == "Tuesday group · Democracy and rights"
    assert str(first["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in first
    second = events[f"session-{beta.pk}@cocora"]
    assert str(second["SUMMARY"]) == "Harbour cohort"
    assert str(second["LOCATION"]) == "Hall B"


def test_feed_leaves_out_cohorts_the_person_is_not_assigned_to_and_other_organisations(
    client, org, other_org
):
    user = _trainer_with_token(org)
    own = CohortTrainerFactory(organisation=org, user=user).cohort
    someone_elses = CohortTrainerFactory(organisation=org).cohort
    coordinated_by_another = CohortFactory(
        organisation=org, coordinator=MembershipFactory(organisation=org).user
    )
    # Beta: the person is no member there at all.
    foreign = CohortFactory(organisation=other_org)
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        start = datetime(2025, 3, 20, 10, 0, tzinfo=COPENHAGEN)
        mine = _session(own, start)
        not_mine = [
            _session(someone_elses, start),
            _session(coordinated_by_another, start),
            _session(foreign, start),
        ]
        response = client.get(_feed_url(user))

    assert set(_events(response.content)) == {f"session-{mine.pk}@cocora"}
    for session in not_mine:
        assert f"session-{session.pk}@".encode() not in response.content


def test_feed_window_is_sixty_days_back_to_a_year_ahead(client, org):
    user = _trainer_with_token(org)
    cohort = CohortTrainerFactory(organisation=org, user=user).cohort
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        inside = [
            _session(cohort, WEDNESDAY_MORNING - timedelta(days=59)),
            _session(cohort, WEDNESDAY_MORNING + timedelta(days=364)),
        ]
        outside = [
            _session(cohort, WEDNESDAY_MORNING - timedelta(days=61)),
            _session(cohort, WEDNESDAY_MORNING + timedelta(days=366)),
        ]
        response = client.get(_feed_url(user))

    uids = set(_events(response.content))
    assert uids == {f"session-{s.pk}@cocora" for s in inside}
    assert not uids & {f"session-{s.pk}@cocora" for s in outside}


def test_feed_lists_a_coordinators_session_once_however_many_trainers_the_cohort_has(client, org):
    # Regression: a join on the cohort's trainers repeated the session once per trainer.
    user = _trainer_with_token(org, role=Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, coordinator=user)
    for _ in range(3):
        CohortTrainerFactory(organisation=org, cohort=cohort)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=user)
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        session = _session(cohort, WEDNESDAY_MORNING + timedelta(days=1))
        response = client.get(_feed_url(user))

    assert response.content.count(f"UID:session-{session.pk}@cocora".encode()) == 1


def test_feed_names_no_participant(client, org):
    # Given a session with enrolled young people, attendance and a log
    user = _trainer_with_token(org)
    cohort = CohortTrainerFactory(organisation=org, user=user).cohort
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        session = _session(cohort, WEDNESDAY_MORNING + timedelta(hours=3), venue="Youth club")
        enrolment = EnrolmentFactory(
            organisation=org,
            cohort=cohort,
            participant__display_name="Yasmina",
            participant__code="P-QX7KZT",
            participant__email="yasmina@example.org",
            participant__guardian_name="Guardian Karimi",
        )
        AttendanceFactory(organisation=org, session=session, enrolment=enrolment)
        SessionLogFactory(organisation=org, session=session, summary="Yasmina spoke about school")

        # When the feed is built
        response = client.get(_feed_url(user))

    # Then the session is there, and nothing about the young person is
    assert f"session-{session.pk}@cocora".encode() in response.content
    for personal in (b"Yasmina", b"P-QX7KZT", b"yasmina@example.org", b"Karimi", b"school"):
        assert personal not in response.content


def test_feed_marks_cancelled_sessions(client, org):
    user = _trainer_with_token(org)
    cohort = CohortTrainerFactory(organisation=org, user=user, cohort__name="Evening group").cohort
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        cancelled = _session(cohort, WEDNESDAY_MORNING + timedelta(days=2), status="cancelled")
        held = _session(cohort, WEDNESDAY_MORNING - timedelta(days=2), status="held")
        response = client.get(_feed_url(user))

    events = _events(response.content)
    assert str(events[f"session-{cancelled.pk}@cocora"]["STATUS"]) == "CANCELLED"
    # Some calendar apps ignore STATUS in subscriptions; the title says it too.
    assert str(events[f"session-{cancelled.pk}@cocora"]["SUMMARY"]) == "Cancelled: Evening group"
    assert str(events[f"session-{held.pk}@cocora"]["STATUS"]) == "CONFIRMED"


def test_feed_leaves_out_organisations_where_the_role_has_no_sessions(client, org, other_org):
    # An ambassador in Beta who was once assigned there as a trainer sees no Beta sessions.
    user = _trainer_with_token(org)
    MembershipFactory(organisation=other_org, user=user, role=Role.AMBASSADOR)
    old_assignment = CohortTrainerFactory(organisation=other_org, user=user).cohort
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        session = _session(old_assignment, WEDNESDAY_MORNING + timedelta(days=1))
        response = client.get(_feed_url(user))

    assert response.status_code == 200
    assert f"session-{session.pk}@".encode() not in response.content


def test_resetting_the_link_ends_the_old_one_at_once(org, member_client):
    # Given a trainer who has opened the calendar page and so has a feed link
    client = member_client(org, Role.TRAINER)
    user = client.membership.user
    settings_url = reverse("calendar_settings", kwargs={"org_slug": org.slug})
    page = client.get(settings_url)
    assert page.status_code == 200
    user.refresh_from_db()
    old_url = _feed_url(user)
    assert f'value="http://testserver{old_url}"'.encode() in page.content
    assert client.get(old_url).status_code == 200

    # When they reset it
    response = client.post(reverse("calendar_reset", kwargs={"org_slug": org.slug}))

    # Then the page shows the new link and says the old one stopped working
    assert response.status_code == 302
    assert response["Location"] == settings_url
    page = client.get(settings_url)
    assert b"The old link stopped working" in page.content
    user.refresh_from_db()
    new_url = _feed_url(user)
    assert new_url != old_url
    assert f'value="http://testserver{new_url}"'.encode() in page.content
    # and the old link is gone at once while the new one works
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_the_reset_is_a_post_only(org, member_client):
    client = member_client(org, Role.TRAINER)
    assert client.get(reverse("calendar_reset", kwargs={"org_slug": org.slug})).status_code == 405


def test_opening_the_calendar_page_twice_keeps_the_link(org, member_client):
    client = member_client(org, Role.AMBASSADOR)
    user = client.membership.user
    url = reverse("calendar_settings", kwargs={"org_slug": org.slug})

    first = client.get(url)
    user.refresh_from_db()
    token = user.calendar_token
    second = client.get(url)
    user.refresh_from_db()

    assert first.status_code == second.status_code == 200
    assert len(token) >= 32 and user.calendar_token == token
    # An ambassador reaches the page, and is told why their feed has no sessions from here.
    assert b"your role does not include sessions" in second.content


def test_unknown_empty_and_short_tokens_are_404(client, org):
    # Members without a feed have an empty token; a short stored value is not ours either.
    MembershipFactory(organisation=org, role=Role.TRAINER)
    short = MembershipFactory(organisation=org, role=Role.TRAINER).user
    User.objects.filter(pk=short.pk).update(calendar_token="short")

    assert client.get("/calendar/.ics").status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404
    assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert calendar_user_for_token(token="") is None
    assert calendar_user_for_token(token="short") is None


def test_a_deactivated_persons_feed_is_404(client, org):
    user = _trainer_with_token(org)
    url = _feed_url(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_token_services_make_long_fresh_tokens(org):
    user = MembershipFactory(organisation=org, role=Role.TRAINER).user
    assert user.calendar_token == ""
    first = calendar_token_ensure(user=user)
    assert calendar_token_ensure(user=user) == first
    second = calendar_token_reset(user=user)
    assert len(first) >= 32 and len(second) >= 32 and first != second
    assert User.objects.get(pk=user.pk).calendar_token == second
    assert calendar_user_for_token(token=first) is None
    assert calendar_user_for_token(token=second) == user


# My sessions


def _my_sessions_url(org):
    return reverse("my_sessions", kwargs={"org_slug": org.slug})


def test_my_sessions_shows_today_and_the_rest_of_the_week(org, member_client):
    # Given a trainer's sessions around Wednesday 12 March 2025, in Copenhagen time
    client = member_client(org, Role.TRAINER)
    user = client.membership.user
    cohort = CohortTrainerFactory(
        organisation=org, user=user, cohort__name="Wednesday group"
    ).cohort
    module = ModuleFactory(organisation=org, programme=cohort.programme, title="Equal citizenship")
    others = CohortFactory(organisation=org, name="Not my cohort")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        _session(
            cohort, datetime(2025, 3, 12, 18, 0, tzinfo=COPENHAGEN), module=module, venue="Hall A"
        )
        _session(cohort, datetime(2025, 3, 14, 16, 0, tzinfo=COPENHAGEN))
        _session(cohort, datetime(2025, 3, 13, 17, 0, tzinfo=COPENHAGEN), status="cancelled")
        # Sunday late evening is still this week (and ends on Monday); Monday is next week.
        _session(cohort, datetime(2025, 3, 16, 22, 30, tzinfo=COPENHAGEN))
        _session(cohort, datetime(2025, 3, 17, 8, 0, tzinfo=COPENHAGEN))
        _session(cohort, datetime(2025, 3, 11, 18, 0, tzinfo=COPENHAGEN))
        _session(others, datetime(2025, 3, 12, 19, 0, tzinfo=COPENHAGEN))

        # When they open the page
        response = client.get(_my_sessions_url(org))

    # Then today's session is under "Today", at its local time, with module and venue
    assert response.status_code == 200
    content = response.content.decode()
    today_part, week_part = content.split('id="week-heading"')
    assert 'datetime="2025-03-12T18:00:00+01:00"' in today_part
    assert "Equal citizenship" in today_part and "Hall A" in today_part
    # and the rest of the week under "This week", the cancelled one marked
    assert 'datetime="2025-03-14T16:00:00+01:00"' in week_part
    assert 'datetime="2025-03-16T22:30:00+01:00"' in week_part
    assert 'datetime="2025-03-13T17:00:00+01:00"' in week_part
    assert "text-decoration-line-through" in week_part and "Cancelled" in week_part
    assert "text-decoration-line-through" not in today_part
    # but not yesterday, next week or another trainer's cohort
    assert "2025-03-11T18:00" not in content
    assert "2025-03-17T08:00" not in content
    assert "Not my cohort" not in content


def test_my_sessions_empty_day_says_what_to_do(org, member_client):
    client = member_client(org, Role.TRAINER)
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        response = client.get(_my_sessions_url(org))

    assert response.status_code == 200
    assert b"No sessions today" in response.content
    assert b"coordinator to assign you" in response.content
    assert b"No more sessions this week." in response.content


def test_my_sessions_query_count_is_the_same_for_5_and_50_sessions(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    user = client.membership.user
    cohort = CohortTrainerFactory(organisation=org, user=user).cohort
    module = ModuleFactory(organisation=org, programme=cohort.programme)
    url = _my_sessions_url(org)

    def count_for(total_sessions):
        with org_context(org.pk):
            have = Session.objects.for_org(org).count()
        with time_machine.travel(WEDNESDAY_MORNING, tick=False):
            for n in range(total_sessions - have):
                # Spread over today and the rest of the week, some without a module.
                starts_at = WEDNESDAY_MORNING + timedelta(hours=1 + (n % 5) * 24, minutes=n)
                _session(cohort, starts_at, module=module if n % 2 else None)
            count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert response.content.count(b'class="card mb-2"') == total_sessions
        return count

    # session, user, the member's memberships with their organisations (the switcher too), the
    # week's sessions with cohort, programme and module joined, and the next session after this week
    # = 5; on PostgreSQL also the user (middleware) and the organisation (view) set for the
    # transaction.
    expected = 5 + 2 * tenant_settings_queries()
    assert count_for(5) == expected
    assert count_for(50) == expected


@pytest.mark.parametrize("role", [Role.AMBASSADOR, Role.PARTNER])
def test_ambassadors_and_partners_do_not_reach_my_sessions(org, member_client, role):
    client = member_client(org, role)
    assert client.get(_my_sessions_url(org)).status_code == 403


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.TRAINER])
def test_staff_and_trainers_reach_my_sessions(org, member_client, role):
    client = member_client(org, role)
    assert client.get(_my_sessions_url(org)).status_code == 200


def test_another_organisations_pages_are_404(org, other_org, member_client):
    client = member_client(org, Role.TRAINER)
    for name in ("my_sessions", "calendar_settings"):
        assert client.get(reverse(name, kwargs={"org_slug": other_org.slug})).status_code == 404
    before = client.membership.user.calendar_token
    reset = reverse("calendar_reset", kwargs={"org_slug": other_org.slug})
    assert client.post(reset).status_code == 404
    client.membership.user.refresh_from_db()
    assert client.membership.user.calendar_token == before


def test_anonymous_visitor_is_sent_to_sign_in(client, org):
    response = client.get(_my_sessions_url(org))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
