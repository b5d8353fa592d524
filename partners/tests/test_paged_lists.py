"""The partners app's lists that grow with the data are paged with a count: the Collaborative
Programme's activities, the partner's own portal (its joint activities and what was shared with
it, each paged on its own), and the same two lists on the partner's page. Each keeps its filters
(or the other list's page) in its links, costs the same queries whatever the number of rows, and
never shows another organisation's rows."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cocora.organisations.models import Role
from cocora.testing.queries import queries_as_rows_grow, tenant_settings_queries
from partners.tests.factories import (
    CollaborationPartnerFactory,
    DisclosureFactory,
    IntegrityCheckFactory,
    PartnerContactFactory,
    PartnerOrganisationFactory,
)

pytestmark = pytest.mark.django_db

# The newest activity of each test; the others a day apart before it.
NEWEST = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def _activities(org, partner, count, *, prefix="Meeting", kind="dialogue", start=0):
    """`count` activities with `partner`, numbered from `start`, the lowest number the newest."""
    for number in range(start, start + count):
        CollaborationPartnerFactory(
            organisation=org,
            partner=partner,
            activity__kind=kind,
            activity__title=f"{prefix} {number:02d}",
            activity__held_at=NEWEST - timedelta(days=number),
        )


def _disclosures(org, partner, count, *, prefix="Young", start=0):
    """`count` disclosures of a young person's name to `partner`, the last one made the newest."""
    for number in range(start, start + count):
        DisclosureFactory(
            organisation=org, partner=partner, participant__display_name=f"{prefix} {number:02d}"
        )


def _both_lists(org, partner, count, *, start):
    """`count` more of each list a partner's pages show: joint activities and disclosures."""
    _activities(org, partner, count, prefix="Together", start=start)
    _disclosures(org, partner, count, start=start)


def _partner_client(org, member_client, partner):
    """A member with the partner role, linked to a contact of `partner`."""
    client = member_client(org, Role.PARTNER)
    PartnerContactFactory(organisation=org, partner=partner, user=client.membership.user)
    return client


# Activities of the Collaborative Programme.


def test_the_activity_list_pages_by_50_and_keeps_its_filters(org, member_client):
    # Given 53 dialogue meetings with Club North, and activities that the filters leave out
    client = member_client(org, Role.COORDINATOR)
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    school = PartnerOrganisationFactory(organisation=org, name="School South")
    _activities(org, club, 53)
    _activities(org, club, 3, prefix="Street party", kind="joint_event")
    _activities(org, school, 4, prefix="School dialogue")
    url = reverse("collaboration_list", args=[org.slug])
    filters = {"partner": club.pk, "kind": "dialogue"}

    # When the coordinator reads the filtered list, then its second page
    first = client.get(url, filters)
    second = client.get(url, filters | {"page": 2})

    # Then the first page holds the 50 newest, the second the 3 oldest, with the count of all
    first_html, second_html = first.content.decode(), second.content.decode()
    assert [a.title for a in first.context["activities"]] == [f"Meeting {n:02d}" for n in range(50)]
    assert [a.title for a in second.context["activities"]] == [
        "Meeting 50",
        "Meeting 51",
        "Meeting 52",
    ]
    assert "Meeting 49" in first_html and "Meeting 50" not in first_html
    assert "Meeting 52" in second_html and "Meeting 49" not in second_html
    assert "Street party" not in first_html + second_html
    assert "School dialogue" not in first_html + second_html
    assert "Page 1 of 2 · 53 in all" in first_html
    assert "Page 2 of 2 · 53 in all" in second_html
    # and the pager's links keep both filters.
    assert f'href="?partner={club.pk}&amp;kind=dialogue&amp;page=2">Older</a>' in first_html
    assert f'href="?partner={club.pk}&amp;kind=dialogue&amp;page=1">Newer</a>' in second_html


def test_another_organisations_activities_never_appear_in_the_list(org, other_org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ours = PartnerOrganisationFactory(organisation=org, name="Club North")
    theirs = PartnerOrganisationFactory(organisation=other_org, name="Club North")
    _activities(org, ours, 2, prefix="Ours")
    _activities(other_org, theirs, 60, prefix="Theirs")
    url = reverse("collaboration_list", args=[org.slug])

    everything = client.get(url, {"page": 2}).content.decode()
    # Another organisation's partner id in the filter finds nothing, rather than its activities.
    foreign_filter = client.get(url, {"partner": theirs.pk}).content.decode()

    assert "Ours 00" in everything and "Ours 01" in everything
    assert "Page 1 of 1 · 2 in all" in everything
    assert "Theirs" not in everything
    assert "No activity matches these filters." in foreign_filter
    assert "Theirs" not in foreign_filter


# The partner's portal.


def test_the_portal_pages_activities_and_shared_information_each_on_its_own(org, member_client):
    # Given a partner with 22 joint activities and 52 young people's names shared with it
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    client = _partner_client(org, member_client, club)
    _activities(org, club, 22, prefix="Together")
    _disclosures(org, club, 52)
    url = reverse("partner_portal", args=[org.slug])

    # When the partner opens its portal, the second page of each list, and one list's second
    # page alone
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2, "shared_page": 2}).content.decode()
    older_activities = client.get(url, {"page": 2}).content.decode()

    # Then the first view shows the 20 newest activities and the 50 latest names, with counts
    assert "Together 19" in first and "Together 20" not in first
    assert "Young 51" in first and "Young 02" in first and "Young 01" not in first
    assert "Page 1 of 2 · 22 in all" in first
    assert "Page 1 of 2 · 52 in all" in first
    assert 'href="?page=2#portal-activities">Older</a>' in first
    assert 'href="?shared_page=2#portal-disclosures">Older</a>' in first
    # and the second pages show the rest of each, nothing read twice.
    assert "Together 20" in second and "Together 21" in second and "Together 19" not in second
    assert "Young 01" in second and "Young 00" in second and "Young 02" not in second
    assert "Page 2 of 2 · 22 in all" in second
    assert "Page 2 of 2 · 52 in all" in second
    # Each list's links keep the other list's page.
    assert 'href="?shared_page=2&amp;page=1#portal-activities">Newer</a>' in second
    assert 'href="?page=2&amp;shared_page=1#portal-disclosures">Newer</a>' in second
    assert "Together 21" in older_activities and "Young 51" in older_activities
    assert 'href="?page=2&amp;shared_page=2#portal-disclosures">Older</a>' in older_activities


def test_the_portal_shows_no_pager_when_everything_fits(org, member_client):
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    client = _partner_client(org, member_client, club)
    _activities(org, club, 3, prefix="Together")
    _disclosures(org, club, 2)

    html = client.get(reverse("partner_portal", args=[org.slug])).content.decode()

    assert "Together 00" in html and "Together 02" in html
    assert "Young 00" in html and "Young 01" in html
    assert "Page 1 of" not in html


def test_the_portal_query_count_is_the_same_for_5_and_55_rows(org, member_client):
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    client = _partner_client(org, member_client, club)
    url = reverse("partner_portal", args=[org.slug])

    (five, rows5), (fifty, rows50) = queries_as_rows_grow(
        lambda: client.get(url),
        lambda count, made: _both_lists(org, club, count, start=made),
        lambda page: (len(page.context["activities"].items), len(page.context["shared"].items)),
        totals=(5, 55),
    )
    assert (rows5, rows50) == ((5, 5), (20, 50))
    # session, user, the member's memberships with their organisations (the switcher too), the
    # contact with its partner, the agreement (none here: no rules to read), the count and a
    # page of activities, the count and a page of shared information with the young people = 9
    # (+2 tenant settings on PostgreSQL).
    assert five == fifty == 9 + 2 * tenant_settings_queries()


def test_the_portal_shows_only_this_partners_rows_of_this_organisation(
    org, other_org, member_client
):
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    client = _partner_client(org, member_client, club)
    _activities(org, club, 1, prefix="Together")
    _disclosures(org, club, 1)
    # Another partner of the same organisation, and a namesake in another organisation.
    school = PartnerOrganisationFactory(organisation=org, name="School South")
    _activities(org, school, 25, prefix="School only")
    _disclosures(org, school, 55, prefix="Pupil")
    namesake = PartnerOrganisationFactory(organisation=other_org, name="Club North")
    _activities(other_org, namesake, 25, prefix="Theirs")
    _disclosures(other_org, namesake, 55, prefix="Foreign")
    url = reverse("partner_portal", args=[org.slug])

    for params in ({}, {"page": 2, "shared_page": 2}):
        html = client.get(url, params).content.decode()
        assert "Together 00" in html and "Young 00" in html
        for other in ("School only", "Pupil", "Theirs", "Foreign"):
            assert other not in html, other
        assert "Page 1 of" not in html


# The partner's page on the staff side.


def test_the_partner_page_says_how_many_activities_and_disclosures_there_are(org, member_client):
    # Regression: the page showed the latest 20 activities and 50 disclosures and said nothing
    # of the others.
    client = member_client(org, Role.COORDINATOR)
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    _activities(org, club, 22, prefix="Together")
    _disclosures(org, club, 52)
    url = reverse("partner_detail", args=[org.slug, club.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2, "shared_page": 2}).content.decode()

    assert "Together 19" in first and "Together 20" not in first
    assert "Young 02" in first and "Young 01" not in first
    assert "Page 1 of 2 · 22 in all" in first
    assert "Page 1 of 2 · 52 in all" in first
    assert 'href="?page=2#activities-heading">Older</a>' in first
    assert 'href="?shared_page=2#disclosures-heading">Older</a>' in first
    assert "Together 21" in second and "Together 19" not in second
    assert "Young 00" in second and "Young 02" not in second
    assert 'href="?shared_page=2&amp;page=1#activities-heading">Newer</a>' in second


def test_the_partner_page_counts_only_this_organisations_rows(org, other_org, member_client):
    client = member_client(org, Role.COORDINATOR)
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    _activities(org, club, 2, prefix="Together")
    _disclosures(org, club, 2)
    namesake = PartnerOrganisationFactory(organisation=other_org, name="Club North")
    _activities(other_org, namesake, 25, prefix="Theirs")
    _disclosures(other_org, namesake, 55, prefix="Foreign")

    html = client.get(reverse("partner_detail", args=[org.slug, club.pk])).content.decode()

    assert "Together 01" in html and "Young 01" in html
    assert "Theirs" not in html and "Foreign" not in html
    # Everything fits: no pager, no count.
    assert "Page 1 of" not in html


def test_the_partner_page_query_count_is_the_same_for_5_and_55_rows(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    url = reverse("partner_detail", args=[org.slug, club.pk])

    def add(count, made):
        _both_lists(org, club, count, start=made)
        _checks(org, club, count, start=made)

    (five, rows5), (fifty, rows50) = queries_as_rows_grow(
        lambda: client.get(url),
        add,
        lambda page: (
            len(page.context["checks"].items),
            len(page.context["activities"].items),
            len(page.context["disclosures"].items),
        ),
        totals=(5, 55),
    )
    assert (rows5, rows50) == ((5, 5, 5), (50, 20, 50))
    # session, user, the member's memberships with their organisations (the switcher too), the
    # partner, its agreement (none here: no rules to read), its contacts, its history, the
    # count and a page of checks with their reviewers (the first page's first row is the
    # latest check: no query for the partner's state), the count and a page of activities,
    # the count and a page of disclosures with the young people and who shared = 13 (+2
    # tenant settings on PostgreSQL).
    assert five == fifty == 13 + 2 * tenant_settings_queries()


# The partner's integrity checks, on the partner's page.

# The latest check of each test; the others a day apart before it.
LATEST_CHECK = date(2026, 3, 2)


def _checks(org, partner, count, *, start=0, **fields):
    """`count` checks of `partner`, numbered from `start`, the lowest number the latest."""
    return [
        IntegrityCheckFactory(
            organisation=org,
            partner=partner,
            checked_on=LATEST_CHECK - timedelta(days=number),
            **fields,
        )
        for number in range(start, start + count)
    ]


def _count_text(html):
    """The pager's counts ("Page 1 of 2 · 55 in all"), in the order the page shows them."""
    return re.findall(r"Page \d+ of \d+ · \d+ in all", html)


@time_machine.travel(datetime(2026, 3, 10, 11, 0, tzinfo=UTC), tick=False)
def test_the_partner_page_reads_the_same_queries_for_5_and_50_checks(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    url = reverse("partner_detail", args=[org.slug, club.pk])

    (five, shown5), (fifty, shown50), (fifty_five, shown55) = queries_as_rows_grow(
        lambda: client.get(url),
        lambda count, made: _checks(org, club, count, start=made),
        lambda page: (len(page.context["checks"].items), _count_text(page.content.decode())),
        totals=(5, 50, 55),
    )

    # One page of 50 at most, with the count of all once there is more than one page.
    assert (shown5, shown50) == ((5, []), (50, []))
    assert shown55 == (50, ["Page 1 of 2 · 55 in all"])
    # As on the page with activities and disclosures (above), less the page of each: with
    # none counted, their empty pages read nothing = 11 (+2 tenant settings on PostgreSQL)
    # whatever the number of checks.
    assert five == fifty == fifty_five == 11 + 2 * tenant_settings_queries()


@time_machine.travel(datetime(2026, 3, 10, 11, 0, tzinfo=UTC), tick=False)
def test_the_partner_page_pages_its_checks_and_keeps_their_state_from_the_latest(
    org, other_org, member_client
):
    # Given a partner whose latest check did not pass after 52 that did, beside 22 joint
    # activities, and another organisation's checks of a namesake
    client = member_client(org, Role.COORDINATOR)
    club = PartnerOrganisationFactory(organisation=org, name="Club North")
    [latest] = _checks(org, club, 1, outcome="not_passed")
    older = _checks(org, club, 52, start=1)
    _activities(org, club, 22, prefix="Together")
    namesake = PartnerOrganisationFactory(organisation=other_org, name="Club North")
    foreign = _checks(other_org, namesake, 3)
    url = reverse("partner_detail", args=[org.slug, club.pk])

    # When the coordinator reads the partner's page, then the second page of its checks
    first = client.get(url).content.decode()
    second = client.get(url, {"checks_page": 2}).content.decode()

    # Then the first page holds the 50 latest checks, the second the 3 oldest, with the count
    def link(check):
        return reverse("integrity_check_detail", args=[org.slug, check.pk])

    assert link(latest) in first and link(older[48]) in first and link(older[49]) not in first
    assert link(older[49]) in second and link(older[51]) in second
    assert link(latest) not in second and link(older[48]) not in second
    assert "Page 1 of 2 · 53 in all" in first and "Page 2 of 2 · 53 in all" in second
    # and each list's links keep the other's page;
    assert 'href="?checks_page=2#checks-heading">Older</a>' in first
    assert 'href="?checks_page=2&amp;page=2#activities-heading">Older</a>' in second
    assert 'href="?checks_page=1#checks-heading">Newer</a>' in second
    # the partner's state rests on the latest check on every page;
    for html in (first, second):
        assert "check not passed" in html and ">checked<" not in html
        assert "Named information about young people is not shared" in html
    # and another organisation's checks are neither shown nor counted.
    for html in (first, second):
        assert all(link(check) not in html for check in foreign)
