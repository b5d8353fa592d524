"""Lists of the ambassadors app that grow without bound page with a count: the coordinators'
insights, an ambassador's own insights, and the tasks, check-ins and debriefs on one
ambassador's page. One page of rows whatever the total, the same number of queries for 5 rows
as for 50, and never another organisation's rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cocora.organisations.models import Role
from cocora.testing.queries import queries_as_rows_grow, tenant_settings_queries

from .factories import (
    AmbassadorFactory,
    CheckInFactory,
    DebriefFactory,
    OutreachTaskFactory,
    PeerInsightFactory,
)

pytestmark = pytest.mark.django_db

# Rows are dated from here, not from today: the pages order them, they do not judge them.
SHARED_FROM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIRST_DAY = date(2026, 3, 2)


def share_insights(ambassador, count, *, label="Observation", **fields):
    """`count` insights of one ambassador, shared a minute apart (the first is the oldest):
    '<label> 00', '<label> 01', ..."""
    with time_machine.travel(SHARED_FROM, tick=False) as clock:
        made = []
        for number in range(count):
            made.append(
                PeerInsightFactory(
                    organisation=ambassador.organisation,
                    ambassador=ambassador,
                    observation=f"{label} {number:02d}",
                    **fields,
                )
            )
            clock.shift(timedelta(minutes=1))
    return made


def observations(response):
    return [insight.observation for insight in response.context["insights"]]


# The coordinators' list of insights ---------------------------------------------------------


def test_the_insight_list_pages_newest_first_and_keeps_the_status_filter(org, member_client):
    # Given 53 insights still to be read and 3 already acted on
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    share_insights(ambassador, 53, label="Shared")
    share_insights(ambassador, 3, label="Done", status="acted_on")
    url = reverse("peer_insight_list", args=[org.slug])

    # When the coordinator reads those still to be read, then the older page
    first = client.get(url, {"status": "new"})
    second = client.get(url, {"status": "new", "page": 2})

    # Then the first page holds the newest 50 and the second the 3 oldest, each with the count,
    # and the navigation keeps the filter.
    assert observations(first) == [f"Shared {n:02d}" for n in range(52, 2, -1)]
    assert observations(second) == ["Shared 02", "Shared 01", "Shared 00"]
    first_html, second_html = first.content.decode(), second.content.decode()
    assert "Page 1 of 2 · 53 in all" in first_html
    assert 'href="?status=new&amp;page=2"' in first_html
    assert "Page 2 of 2 · 53 in all" in second_html
    assert 'href="?status=new&amp;page=1"' in second_html
    assert "Done 0" not in first_html + second_html


def test_an_insight_filter_that_matches_nothing_says_so(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    share_insights(AmbassadorFactory(organisation=org), 2, label="Shared")
    url = reverse("peer_insight_list", args=[org.slug])

    filtered = client.get(url, {"status": "acted_on"}).content.decode()
    unfiltered = client.get(url).content.decode()

    assert "No insight matches this filter." in filtered
    assert "No insights yet" not in filtered
    assert "No insight matches this filter." not in unfiltered


def test_the_insight_list_reads_the_same_queries_for_5_and_50_insights(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("peer_insight_list", args=[org.slug])
    ambassador = AmbassadorFactory(organisation=org)

    (five, rows5), (fifty, rows50) = queries_as_rows_grow(
        lambda: client.get(url),
        lambda count, _made: share_insights(ambassador, count),
        lambda page: len(page.context["insights"]),
    )
    assert (rows5, rows50) == (5, 50)
    # session, user, the member's memberships with their organisations (the switcher too), the
    # count, the page of insights with their ambassadors = 5 (+2 tenant settings on PostgreSQL).
    assert five == fifty == 5 + 2 * tenant_settings_queries()


def test_the_insight_list_never_shows_or_counts_another_organisations_insights(
    org, other_org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    share_insights(AmbassadorFactory(organisation=org), 51, label="Ours")
    share_insights(AmbassadorFactory(organisation=other_org), 5, label="Theirs")
    url = reverse("peer_insight_list", args=[org.slug])

    pages = [client.get(url), client.get(url, {"page": 2})]

    html = "".join(page.content.decode() for page in pages)
    assert sum(len(page.context["insights"]) for page in pages) == 51
    assert "Page 2 of 2 · 51 in all" in html
    assert "Theirs" not in html


# An ambassador's own insights ---------------------------------------------------------------


def test_my_insights_page_by_20_newest_first_and_show_nobody_elses(
    org, other_org, ambassador_client
):
    # Given 23 of my insights, a colleague's and another organisation's
    share_insights(ambassador_client.ambassador, 23, label="Mine")
    share_insights(AmbassadorFactory(organisation=org), 3, label="Colleague")
    share_insights(AmbassadorFactory(organisation=other_org), 3, label="Elsewhere")
    url = reverse("my_insights", args=[org.slug])

    first = ambassador_client.get(url)
    second = ambassador_client.get(url, {"page": 2})

    assert observations(first) == [f"Mine {n:02d}" for n in range(22, 2, -1)]
    assert observations(second) == ["Mine 02", "Mine 01", "Mine 00"]
    html = first.content.decode() + second.content.decode()
    assert "Page 2 of 2 · 23 in all" in html
    # The older page is a tap away, and brings the reader back to the list under the form.
    assert 'href="?page=2#mine-heading"' in html
    assert "Colleague" not in html and "Elsewhere" not in html


def test_my_insights_page_still_shows_after_a_refused_insight(org, ambassador_client):
    share_insights(ambassador_client.ambassador, 23, label="Mine")
    url = reverse("my_insights", args=[org.slug])

    refused = ambassador_client.post(url, {"theme": "leisure", "kind": "need", "observation": ""})

    assert refused.status_code == 400
    assert observations(refused)[0] == "Mine 22"
    assert "Page 1 of 2 · 23 in all" in refused.content.decode()


def test_my_insights_read_the_same_queries_for_5_and_50_insights(org, ambassador_client):
    url = reverse("my_insights", args=[org.slug])

    (five, rows5), (fifty, rows50) = queries_as_rows_grow(
        lambda: ambassador_client.get(url),
        lambda count, _made: share_insights(ambassador_client.ambassador, count),
        lambda page: len(page.context["insights"]),
    )
    assert (rows5, rows50) == (5, 20)
    # session, user, the member's memberships with their organisations (the switcher too), own
    # ambassador, the count, the page of insights = 6 (+2 tenant settings on PostgreSQL).
    assert five == fifty == 6 + 2 * tenant_settings_queries()


# One ambassador's page: tasks, check-ins, debriefs ------------------------------------------


def give_tasks(ambassador, count, *, label="Task"):
    """Tasks due a day apart from FIRST_DAY: '<label> 00' falls due first."""
    return [
        OutreachTaskFactory(
            organisation=ambassador.organisation,
            ambassador=ambassador,
            title=f"{label} {number:02d}",
            due_on=FIRST_DAY + timedelta(days=number),
        )
        for number in range(count)
    ]


def hold_checkins(ambassador, count, *, label="Check-in"):
    """Check-ins a week apart from FIRST_DAY, with notes '<label> 00' (the first held) ..."""
    return [
        CheckInFactory(
            organisation=ambassador.organisation,
            ambassador=ambassador,
            held_on=FIRST_DAY + timedelta(weeks=number),
            notes=f"{label} {number:02d}",
        )
        for number in range(count)
    ]


def hold_debriefs(ambassador, count, *, label="Debrief"):
    """Debriefs held, a week apart from FIRST_DAY, with notes '<label> 00' (the first) ..."""
    return [
        DebriefFactory(
            organisation=ambassador.organisation,
            ambassador=ambassador,
            due_on=FIRST_DAY + timedelta(weeks=number),
            held_on=FIRST_DAY + timedelta(weeks=number),
            notes=f"{label} {number:02d}",
        )
        for number in range(count)
    ]


def test_the_ambassador_page_shows_the_latest_20_tasks_and_links_to_all_on_the_board(
    org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    give_tasks(ambassador, 25)
    give_tasks(AmbassadorFactory(organisation=org), 2, label="Colleague task")
    detail = client.get(reverse("ambassador_detail", args=[org.slug, ambassador.pk]))

    html = detail.content.decode()
    assert [task.title for task in detail.context["tasks"]] == [
        f"Task {n:02d}" for n in range(24, 4, -1)
    ]
    assert "Task 04" not in html
    assert "The latest 20 of 25 tasks." in html
    board_url = reverse("outreach_task_board", args=[org.slug]) + f"?ambassador={ambassador.pk}"
    assert f'href="{board_url}"' in html

    # The board, filtered to this ambassador, holds every one of their tasks and no one else's.
    board = client.get(board_url).content.decode()
    assert all(f"Task {n:02d}" in board for n in range(25))
    assert "Colleague task" not in board
    assert "Page 1 of 1 · 25 in all" in board


def test_the_ambassador_page_says_nothing_more_when_every_task_is_shown(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    give_tasks(ambassador, 20)

    html = client.get(reverse("ambassador_detail", args=[org.slug, ambassador.pk])).content

    assert b"Task 00" in html and b"Task 19" in html
    assert b"The latest" not in html


def test_the_ambassador_page_pages_check_ins_and_debriefs_each_on_its_own(org, member_client):
    # Given 15 check-ins and 14 debriefs held, and one more debrief still due, the oldest
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    hold_checkins(ambassador, 15)
    hold_debriefs(ambassador, 14)
    due = DebriefFactory(
        organisation=org, ambassador=ambassador, due_on=FIRST_DAY - timedelta(days=1)
    )
    url = reverse("ambassador_detail", args=[org.slug, ambassador.pk])

    # When the coordinator opens the page, then the older debriefs, then the older check-ins
    first = client.get(url)
    older_debriefs = client.get(url, {"debriefs_page": 2})
    both_older = client.get(url, {"debriefs_page": 2, "checkins_page": 2})

    # Then each list shows its latest 12 and pages on its own, keeping the other's page
    def notes(response, name):
        return [row.notes for row in response.context[name].items]

    assert notes(first, "checkins") == [f"Check-in {n:02d}" for n in range(14, 2, -1)]
    assert notes(first, "debriefs")[:2] == ["Debrief 13", "Debrief 12"]
    assert notes(older_debriefs, "checkins") == notes(first, "checkins")
    assert notes(older_debriefs, "debriefs") == ["Debrief 01", "Debrief 00", ""]
    assert notes(both_older, "checkins") == ["Check-in 02", "Check-in 01", "Check-in 00"]
    html = both_older.content.decode()
    assert "Page 2 of 2 · 15 in all" in html  # check-ins
    assert "Page 2 of 2 · 15 in all" in older_debriefs.content.decode()  # debriefs, the due one
    assert 'href="?debriefs_page=2&amp;checkins_page=1#checkins-heading"' in html
    assert 'href="?checkins_page=2&amp;debriefs_page=1#debriefs-heading"' in html
    # The debrief still due is called for on every page of the lists.
    record = reverse("debrief_record", args=[org.slug, due.pk])
    assert all(record in page.content.decode() for page in (first, older_debriefs, both_older))
    assert "A debrief after a difficult moment is due by" in first.content.decode()


def test_a_refused_check_in_shows_the_page_and_its_navigation_still_leads_on(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    hold_checkins(ambassador, 15)
    create = reverse("checkin_create", args=[org.slug, ambassador.pk])

    refused = client.post(create, {"held_on": "", "wellbeing": "good"})
    followed = client.get(create, {"checkins_page": 2})

    assert refused.status_code == 400
    assert "Page 1 of 2 · 15 in all" in refused.content.decode()
    # The navigation's link on the re-rendered page is relative to the form's address: it
    # leads back to the ambassador's page, on the page it names.
    detail = reverse("ambassador_detail", args=[org.slug, ambassador.pk])
    assert followed.status_code == 302
    assert followed["Location"] == f"{detail}?checkins_page=2"


def test_the_ambassador_page_reads_the_same_queries_for_5_and_50_of_each(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    buddy = AmbassadorFactory(organisation=org)
    url = reverse("ambassador_detail", args=[org.slug, ambassador.pk])

    def add(count, made):
        for number in range(made, made + count):
            task = OutreachTaskFactory(
                organisation=org,
                ambassador=ambassador,
                buddy=buddy,
                due_on=FIRST_DAY + timedelta(days=number),
            )
            CheckInFactory(
                organisation=org,
                ambassador=ambassador,
                held_on=FIRST_DAY + timedelta(days=number),
                recorded_by=client.membership.user,
            )
            DebriefFactory(
                organisation=org,
                ambassador=ambassador,
                task=task,
                due_on=FIRST_DAY + timedelta(days=number),
                held_on=FIRST_DAY + timedelta(days=number),
            )

    def shown(page):
        context = page.context
        return len(context["tasks"]), len(context["checkins"].items), len(context["debriefs"].items)

    (five, shown5), (fifty, shown50) = queries_as_rows_grow(lambda: client.get(url), add, shown)
    assert (shown5, shown50) == ((5, 5, 5), (20, 12, 12))
    # session, user, the member's memberships with their organisations (the switcher too), the
    # ambassador, their participant, the counts (one row of subqueries), the latest tasks with
    # their buddies, the debriefs still due, the caps, a page of check-ins, a page of debriefs
    # with their tasks = 11 (+2 tenant settings on PostgreSQL).
    assert five == fifty == 11 + 2 * tenant_settings_queries()


def test_the_ambassador_page_counts_only_this_ambassadors_rows(org, other_org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    give_tasks(ambassador, 21)
    hold_checkins(ambassador, 13)
    hold_debriefs(ambassador, 13)
    colleague = AmbassadorFactory(organisation=org)
    give_tasks(colleague, 4, label="Colleague task")
    hold_checkins(colleague, 4, label="Colleague check-in")
    hold_debriefs(colleague, 4, label="Colleague debrief")
    foreign = AmbassadorFactory(organisation=other_org)
    give_tasks(foreign, 4, label="Foreign task")
    hold_checkins(foreign, 4, label="Foreign check-in")
    hold_debriefs(foreign, 4, label="Foreign debrief")

    url = reverse("ambassador_detail", args=[org.slug, ambassador.pk])
    pages = [client.get(url), client.get(url, {"checkins_page": 2, "debriefs_page": 2})]

    html = "".join(page.content.decode() for page in pages)
    assert "The latest 20 of 21 tasks." in html
    assert html.count("Page 2 of 2 · 13 in all") == 2  # check-ins and debriefs
    assert "Colleague" not in html and "Foreign" not in html
    # Another organisation's ambassador is not found here, whichever page is asked for.
    foreign_url = reverse("ambassador_detail", args=[org.slug, foreign.pk])
    assert client.get(foreign_url, {"checkins_page": 2}).status_code == 404
