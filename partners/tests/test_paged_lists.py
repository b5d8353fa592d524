"""The partners app's lists that grow with the data are paged with a count: the Collaborative
Programme's activities, the partner's own portal (its joint activities and what was shared with
it, each paged on its own), and the same two lists on the partner's page. Each keeps its filters
(or the other list's page) in its links, costs the same queries whatever the number of rows, and
never shows another organisation's rows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from cocora.organisations.models import Role
from partners.tests.factories import (
    CollaborationPartnerFactory,
    DisclosureFactory,
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
