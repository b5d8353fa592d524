"""Lists of the ambassadors app that grow without bound page with a count: the coordinators'
insights and an ambassador's own insights. One page of rows whatever the total, the same number
of queries for 5 rows as for 50, and never another organisation's rows."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries

from .factories import (
    AmbassadorFactory,
    PeerInsightFactory,
)

pytestmark = pytest.mark.django_db

# Rows are dated from here, not from today: the pages order them, they do not judge them.
SHARED_FROM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


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


def test_the_insight_list_reads_the_same_queries_for_5_and_50_insights(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("peer_insight_list", args=[org.slug])
    ambassador = AmbassadorFactory(organisation=org)
    shared = 0

    def measure(total):
        nonlocal shared
        share_insights(ambassador, total - shared)
        shared = total
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        return count, len(response.context["insights"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(50)
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
    shared = 0

    def measure(total):
        nonlocal shared
        share_insights(ambassador_client.ambassador, total - shared)
        shared = total
        count, response = count_queries(lambda: ambassador_client.get(url))
        assert response.status_code == 200
        return count, len(response.context["insights"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(50)
    assert (rows5, rows50) == (5, 20)
    # session, user, the member's memberships with their organisations (the switcher too), own
    # ambassador, the count, the page of insights = 6 (+2 tenant settings on PostgreSQL).
    assert five == fifty == 6 + 2 * tenant_settings_queries()
