"""Every list that grows with the data pages with a count and keeps its filters from page to
page (docs/performance.md, "Lists that grow")."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from ambassadors.tests.factories import AmbassadorFactory, OutreachTaskFactory
from cocora.organisations.models import Role
from cocora.testing.queries import queries_as_rows_grow, tenant_settings_queries
from partners.tests.factories import PartnerOrganisationFactory
from programmes.tests.factories import (
    CohortFactory,
    CohortTrainerFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
)

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


def test_the_enrol_page_pages_the_people_not_in_the_cohort_and_keeps_the_search(
    org, other_org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    for number in range(102):
        ParticipantFactory(organisation=org, display_name=f"Pupil {number:03d}")
    EnrolmentFactory(
        organisation=org,
        cohort=cohort,
        participant=ParticipantFactory(organisation=org, display_name="Pupil already in"),
    )
    ParticipantFactory(organisation=org, display_name="Someone else")
    ParticipantFactory(organisation=other_org, display_name="Pupil elsewhere")
    url = reverse("cohort_enrol", args=[org.slug, cohort.pk])

    first = client.get(url, {"q": "Pupil"})
    second = client.get(url, {"q": "Pupil", "page": 2})

    assert len(first.context["rows"]) == 100
    assert first.context["rows"][0].participant.display_name == "Pupil 000"
    names = [row.participant.display_name for row in second.context["rows"]]
    assert names == ["Pupil 100", "Pupil 101"]
    page = second.content.decode()
    assert "Page 2 of 2 · 102 in all" in page
    assert 'href="?q=Pupil&amp;page=1"' in page
    # "Enrol all shown" names this page's people only.
    assert page.count('name="shown"') == 2
    everything = first.content.decode() + page
    assert "Pupil already in" not in everything
    assert "Pupil elsewhere" not in everything


def test_the_enrol_page_costs_the_same_queries_for_5_and_50_people(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    url = reverse("cohort_enrol", args=[org.slug, cohort.pk])

    def add_people(count, _made):
        for _ in range(count):
            participant = ParticipantFactory(organisation=org, birth_year=2000)
            ConsentFactory(organisation=org, participant=participant, given_by="self")
            EnrolmentFactory(organisation=org, participant=participant)  # in another cohort

    (five, rows5), (fifty, rows50) = queries_as_rows_grow(
        lambda: client.get(url), add_people, lambda page: len(page.context["rows"])
    )
    assert (rows5, rows50) == (5, 50)
    # session, user, memberships, the cohort, the count, a page of people, their consents,
    # places taken = 8 (+2 tenant settings on PostgreSQL).
    assert five == fifty == 8 + 2 * tenant_settings_queries()


def test_the_cohort_list_pages_newest_first_with_a_count(org, other_org, member_client):
    client = member_client(org, Role.COORDINATOR)
    first_day = date(2020, 1, 6)
    for number in range(51):
        CohortFactory(
            organisation=org,
            name=f"Term {number:02d}",
            starts_on=first_day + timedelta(weeks=number),
        )
    CohortFactory(organisation=other_org, name="Elsewhere", starts_on=date(2030, 1, 1))
    url = reverse("cohort_list", args=[org.slug])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert [c.name for c in first.context["cohorts"]][:2] == ["Term 50", "Term 49"]
    assert len(first.context["cohorts"]) == 50
    assert [c.name for c in second.context["cohorts"]] == ["Term 00"]
    assert "Page 2 of 2 · 51 in all" in second.content.decode()
    assert "Elsewhere" not in first.content.decode() + second.content.decode()


def test_a_trainers_cohort_list_counts_their_cohorts_only(org, member_client):
    client = member_client(org, Role.TRAINER)
    for _ in range(3):
        CohortTrainerFactory(organisation=org, user=client.membership.user)
    CohortFactory(organisation=org)

    page = client.get(reverse("cohort_list", args=[org.slug]))

    assert len(page.context["cohorts"]) == 3
    assert "Page 1 of 1 · 3 in all" in page.content.decode()


def test_the_cohort_list_costs_the_same_queries_for_5_and_50_cohorts(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("cohort_list", args=[org.slug])

    def add_cohorts(count, _made):
        for _ in range(count):
            EnrolmentFactory(organisation=org, cohort=CohortFactory(organisation=org))

    (five, rows5), (fifty, rows50) = queries_as_rows_grow(
        lambda: client.get(url), add_cohorts, lambda page: len(page.context["cohorts"])
    )
    assert (rows5, rows50) == (5, 50)
    # session, user, memberships, the count, a page of cohorts with their places = 5 (+2
    # tenant settings on PostgreSQL).
    assert five == fifty == 5 + 2 * tenant_settings_queries()
