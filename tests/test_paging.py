"""Every list that grows with the data pages by a hundred with a count, and keeps its filters
from page to page."""

import pytest
from django.urls import reverse

from ambassadors.tests.factories import AmbassadorFactory, OutreachTaskFactory
from cocora.organisations.models import Role
from partners.tests.factories import PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_partner_directory_pages_and_keeps_its_filter(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    for number in range(102):
        PartnerOrganisationFactory(organisation=org, name=f"Club {number:03d}", kind="association")
    PartnerOrganisationFactory(organisation=org, name="A school", kind="school")
    url = reverse("partner_list", args=[org.slug])

    first = client.get(url, {"kind": "association"})
    second = client.get(url, {"kind": "association", "page": 2})

    assert len(first.context["rows"]) == 100
    assert [row.partner.name for row in second.context["rows"]] == ["Club 100", "Club 101"]
    assert "Page 2 of 2 · 102 in all" in second.content.decode()
    assert 'href="?kind=association&amp;page=1"' in second.content.decode()


def test_the_task_board_and_the_roster_page_with_a_count(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    for _ in range(101):
        OutreachTaskFactory(organisation=org, ambassador=ambassador)

    board = client.get(reverse("outreach_task_board", args=[org.slug]), {"page": 2})
    roster = client.get(reverse("ambassador_roster", args=[org.slug]))

    assert len(board.context["tasks"]) == 1
    assert "Page 2 of 2 · 101 in all" in board.content.decode()
    assert "Page 1 of 1 · 1 in all" in roster.content.decode()
