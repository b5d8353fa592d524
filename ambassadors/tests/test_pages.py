"""The pages: what an ambassador sees (their own, nothing else), query counts, insights."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import PeerInsight
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import InvitationFactory
from cocora.testing.queries import count_queries, tenant_settings_queries
from programmes.tests.factories import SessionFactory

from .factories import (
    AmbassadorFactory,
    CheckInFactory,
    OutreachTaskFactory,
    PeerInsightFactory,
)

pytestmark = pytest.mark.django_db


def test_an_ambassador_sees_only_their_own_tasks(org, other_org, ambassador_client):
    client, mine = ambassador_client, ambassador_client.ambassador
    own = OutreachTaskFactory(organisation=org, ambassador=mine, title="My stand")
    overdue = OutreachTaskFactory(
        organisation=org,
        ambassador=mine,
        title="Late one",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    someone_else = OutreachTaskFactory(organisation=org, title="Their conversation")
    foreign = OutreachTaskFactory(organisation=other_org, title="Elsewhere")
    CheckInFactory(organisation=org, ambassador=mine, notes="Seems tired lately")

    home = client.get(reverse("ambassador_home", args=[org.slug]))
    assert home.status_code == 200
    text = home.content.decode()
    assert "My stand" in text and "Late one" in text
    assert "Their conversation" not in text and "Elsewhere" not in text
    assert "Seems tired" not in text  # check-ins are for coordinators only
    assert [t.pk for t in home.context["home"].current] == [overdue.pk, own.pk]  # by due date
    assert "overdue" in text

    detail = "outreach_task_detail"
    assert client.get(reverse(detail, args=[org.slug, own.pk])).status_code == 200
    assert client.get(reverse(detail, args=[org.slug, someone_else.pk])).status_code == 404
    assert client.get(reverse(detail, args=[org.slug, foreign.pk])).status_code == 404
    assert client.post(reverse(detail, args=[org.slug, someone_else.pk]), {}).status_code == 404
    # No coordinator page, no participant data.
    assert client.get(reverse("ambassador_roster", args=[org.slug])).status_code == 403
    assert client.get(reverse("participant_list", args=[org.slug])).status_code == 403
    amb = reverse("ambassador_detail", args=[org.slug, mine.pk])
    assert client.get(amb).status_code == 403


def test_a_trainer_reaches_no_task(org, member_client):
    client = member_client(org, Role.TRAINER)
    task = OutreachTaskFactory(organisation=org)
    assert client.get(reverse("outreach_task_detail", args=[org.slug, task.pk])).status_code == 404


def test_the_ambassador_reports_a_task_done_on_the_page(org, ambassador_client):
    client = ambassador_client
    task = OutreachTaskFactory(organisation=org, ambassador=client.ambassador)
    action = reverse("outreach_task_action", args=[org.slug, task.pk])
    detail = reverse("outreach_task_detail", args=[org.slug, task.pk])
    client.post(action, {"action": "start"})
    bad = client.post(detail, {"peers_reached": "-3", "hours_spent": "1"})
    assert bad.status_code == 400
    assert "cannot be negative" in bad.content.decode()
    done = client.post(detail, {"peers_reached": "6", "hours_spent": "1.5", "what_worked": "Q&A"})
    assert done.status_code == 302
    with org_context(org.pk):
        task.refresh_from_db()
    assert (task.status, task.peers_reached, task.what_worked) == ("done", 6, "Q&A")


def test_the_account_that_accepted_the_invitation_is_linked_on_the_first_visit(org, member_client):
    client = member_client(org, Role.AMBASSADOR)
    user = client.membership.user
    invitation = InvitationFactory(
        organisation=org, email=user.email, role=Role.AMBASSADOR, accepted_at=timezone.now()
    )
    ambassador = AmbassadorFactory(organisation=org, invitation=invitation, user=None)
    OutreachTaskFactory(organisation=org, ambassador=ambassador, title="First task")
    page = client.get(reverse("ambassador_home", args=[org.slug]))
    assert b"First task" in page.content
    with org_context(org.pk):
        ambassador.refresh_from_db()
    assert ambassador.user_id == user.pk


def test_ambassador_home_shows_the_next_session_and_hours_this_month(org, ambassador_client):
    client = ambassador_client
    mine = client.ambassador
    SessionFactory(
        organisation=org,
        cohort=mine.cohort,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=2),
        venue="Youth house",
    )
    OutreachTaskFactory(
        organisation=org,
        ambassador=mine,
        status="done",
        hours_spent="2.5",
        peers_reached=3,
        completed_on=timezone.localdate(),
    )
    home = client.get(reverse("ambassador_home", args=[org.slug])).context["home"]
    assert home.next_session.venue == "Youth house"
    assert str(home.hours_this_month) == "2.5"
    org_home = client.get(reverse("org_home", args=[org.slug]))
    assert b"All my tasks" in org_home.content


def test_the_home_page_says_tasks_will_come_only_when_there_are_none(org, ambassador_client):
    # Regression: the home page listed the tasks and, under them, "will appear here once your
    # coordinator assigns them".
    client = ambassador_client
    empty_state = "will appear here once your coordinator assigns them"
    url = reverse("org_home", args=[org.slug])
    assert client.get(url).content.decode().count(empty_state) == 1
    OutreachTaskFactory(organisation=org, ambassador=client.ambassador, title="Poster round")
    html = client.get(url).content.decode()
    assert "Poster round" in html
    assert empty_state not in html


def test_an_ambassador_not_yet_linked_is_told_where_tasks_come_from(org, member_client):
    client = member_client(org, Role.AMBASSADOR)
    html = client.get(reverse("org_home", args=[org.slug])).content.decode()
    assert html.count("will appear here once your coordinator assigns them") == 1
    assert "All my tasks" not in html


def test_roster_query_count_is_the_same_for_5_and_50_ambassadors(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("ambassador_roster", args=[org.slug])
    made = 0

    def measure(total):
        nonlocal made
        for _ in range(total - made):
            ambassador = AmbassadorFactory(organisation=org)
            OutreachTaskFactory(organisation=org, ambassador=ambassador)
            CheckInFactory(organisation=org, ambassador=ambassador)
        made = total
        count, response = count_queries(lambda: client.get(url))
        assert len(response.context["rows"]) == total
        return count

    # session, user, the member's memberships with their organisations (the switcher too), the
    # roster (one query with subqueries) = 4 (+2 tenant settings on PostgreSQL).
    assert measure(5) == measure(50) == 4 + 2 * tenant_settings_queries()


def test_ambassador_home_query_count_is_the_same_for_5_and_50_tasks(org, ambassador_client):
    client = ambassador_client
    url = reverse("ambassador_home", args=[org.slug])
    made = 0

    def measure(total):
        nonlocal made
        for _ in range(total - made):
            OutreachTaskFactory(organisation=org, ambassador=client.ambassador)
        made = total
        count, response = count_queries(lambda: client.get(url))
        assert len(response.context["home"].current) == total
        return count

    # session, user, the member's memberships with their organisations (the switcher too), own
    # ambassador, tasks with buddies, next session, hours, answered insights = 8 (+2 tenant settings
    # on PostgreSQL).
    assert measure(5) == measure(50) == 8 + 2 * tenant_settings_queries()


def test_an_insight_over_2000_characters_is_refused_and_nothing_is_stored(org, ambassador_client):
    url = reverse("my_insights", args=[org.slug])
    response = ambassador_client.post(
        url, {"theme": "leisure", "kind": "need", "observation": "x" * 2001}
    )
    assert response.status_code == 400
    assert "keep it to 2000 characters" in response.content.decode()
    with org_context(org.pk):
        assert not PeerInsight.objects.for_org(org).exists()

    ok = ambassador_client.post(
        url, {"theme": "leisure", "kind": "need", "observation": "Nowhere to meet."}
    )
    assert ok.status_code == 302


def test_coordinators_review_insights_and_ambassadors_see_what_became_of_them(
    org, member_client, ambassador_client
):
    coordinator = member_client(org, Role.COORDINATOR)
    insight = PeerInsightFactory(organisation=org, ambassador=ambassador_client.ambassador)
    theirs = PeerInsightFactory(organisation=org, observation="Someone else's observation")
    url = reverse("peer_insight_review", args=[org.slug, insight.pk])
    refused = coordinator.post(url, {"status": "acted_on", "response": ""})
    assert refused.status_code == 400
    coordinator.post(url, {"status": "acted_on", "response": "We opened on Fridays."})
    mine = ambassador_client.get(reverse("my_insights", args=[org.slug]))
    assert b"We opened on Fridays." in mine.content
    assert theirs.observation.encode() not in mine.content
    assert (
        ambassador_client.get(
            reverse("peer_insight_review", args=[org.slug, insight.pk])
        ).status_code
        == 403
    )
