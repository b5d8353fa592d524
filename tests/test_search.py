"""The one search box across participants, cohorts, partners and ambassadors: each group only
for roles that may see it, trainers narrowed to their own cohorts, participants shown leave an
audit line on their record, another organisation's records never appear, and the API agrees."""

import pytest
from django.urls import reverse

from ambassadors.tests.factories import AmbassadorFactory
from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries
from partners.tests.factories import PartnerOrganisationFactory
from programmes.tests.factories import (
    CohortFactory,
    CohortTrainerFactory,
    EnrolmentFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db


def _search(client, org, **params):
    return client.get(reverse("search", args=[org.slug]), params)


def _groups(response):
    return {r.group.key: [h.title for h in r.hits] for r in response.context["results"]}


def _world(org, suffix=""):
    """Participants, a cohort, a partner and an ambassador that all match "harbour"."""
    cohort = CohortFactory(organisation=org, name="Harbour group")
    enrolled = EnrolmentFactory(
        organisation=org, cohort=cohort, participant__display_name="Harbour Hana"
    ).participant
    elsewhere = ParticipantFactory(organisation=org, display_name="Harbour Ali")
    PartnerOrganisationFactory(organisation=org, name=f"Harbour Mosque{suffix}")
    AmbassadorFactory(organisation=org, participant__display_name="Harbour Samira")
    return cohort, enrolled, elsewhere


def test_a_coordinator_finds_every_group_and_each_participant_shown_is_audited(
    org, other_org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    _cohort, enrolled, elsewhere = _world(org)
    ParticipantFactory(organisation=other_org, display_name="Harbour Outsider")

    response = _search(client, org, q="harbour")

    assert response.status_code == 200
    groups = _groups(response)
    assert groups["participants"] == ["Harbour Ali", "Harbour Hana", "Harbour Samira"]
    assert groups["cohorts"] == ["Harbour group"]
    assert groups["partners"] == ["Harbour Mosque"]
    assert groups["ambassadors"] == ["Harbour Samira"]
    assert "Outsider" not in response.content.decode()
    assert reverse("participant_detail", args=[org.slug, enrolled.pk]) in response.content.decode()
    with org_context(org.pk):
        audited = set(
            AuditEvent.objects.for_org(org)
            .filter(action="participant.found_in_search")
            .values_list("target_id", flat=True)
        )
    assert {str(enrolled.pk), str(elsewhere.pk)} <= audited


def test_a_participant_is_found_by_code(org, member_client):
    client = member_client(org, Role.ADMIN)
    participant = ParticipantFactory(organisation=org, code="P-ZX123")
    assert _groups(_search(client, org, q="zx12"))["participants"] == [participant.display_name]


def test_a_trainer_finds_only_their_cohorts_and_the_people_in_them(org, member_client):
    client = member_client(org, Role.TRAINER)
    cohort, enrolled, _elsewhere = _world(org)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=client.membership.user)
    CohortFactory(organisation=org, name="Harbour evening group")

    response = _search(client, org, q="harbour")

    assert _groups(response) == {"participants": ["Harbour Hana"], "cohorts": ["Harbour group"]}
    # Trainers have no participant pages: the hit leads to the cohort.
    html = response.content.decode()
    assert reverse("cohort_detail", args=[org.slug, cohort.pk]) in html
    assert reverse("participant_detail", args=[org.slug, enrolled.pk]) not in html


@pytest.mark.parametrize("role", [Role.AMBASSADOR, Role.PARTNER])
def test_ambassadors_and_partner_contacts_have_no_search(org, member_client, role):
    client = member_client(org, role)
    assert _search(client, org, q="harbour").status_code == 403
    home = client.get(reverse("org_home", args=[org.slug])).content.decode()
    assert 'role="search"' not in home


def test_more_link_leads_to_a_paged_list_of_one_group(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    for index in range(7):
        CohortFactory(organisation=org, name=f"Tuesday group {index}")

    summary = _search(client, org, q="tuesday")
    assert len(_groups(summary)["cohorts"]) == 5
    assert "in=cohorts" in summary.content.decode()

    everything = _search(client, org, q="tuesday", **{"in": "cohorts"})
    assert len(everything.context["paged"].items) == 7


def test_too_short_a_query_searches_nothing(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    response = _search(client, org, q=" a ")
    assert response.status_code == 200 and response.context["too_short"]
    assert "results" not in response.context


def test_query_count_is_the_same_for_5_and_50_matches(org, member_client):
    client = member_client(org, Role.COORDINATOR)

    def measure(count):
        for index in range(count):
            _world(org, suffix=f" {count}-{index}")
        queries, response = count_queries(lambda: _search(client, org, q="harbour"))
        assert response.status_code == 200
        return queries

    # session, user, the member's memberships with their organisations (the switcher too), one query
    # per group (4), one audit insert for the participants shown = 8 (+2 tenant settings on
    # PostgreSQL).
    assert measure(5) == measure(50) == 8 + 2 * tenant_settings_queries()


def test_api_answers_the_same_groups(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    _world(org)
    answer = client.get(f"/api/v1/o/{org.slug}/search/", {"q": "harbour"}).json()
    assert [g["key"] for g in answer["groups"]] == [
        "participants",
        "cohorts",
        "partners",
        "ambassadors",
    ]
    assert answer["groups"][2]["hits"][0]["title"] == "Harbour Mosque"
    assert client.get(f"/api/v1/o/{org.slug}/search/", {"q": "h"}).status_code == 400
    assert client.get(f"/api/v1/o/{org.slug}/search/", {"q": "hh", "x": "1"}).status_code == 400
