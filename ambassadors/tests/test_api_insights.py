"""The peer insight API: an ambassador shares and reads their own insights (no participant
data, nobody else's); coordinators read them all and answer."""

import pytest

from ambassadors.models import PeerInsight
from cocora.organisations.models import Role

from .factories import PeerInsightFactory
from .test_api_support import (
    API_TENANT_QUERIES,
    ambassador_token,
    api,
    audit_actions,
    count,
    fetch,
    measure_list,
    name_of,
)

pytestmark = pytest.mark.django_db

OWN_INSIGHT_KEYS = {
    "id",
    "theme",
    "theme_other",
    "kind",
    "observation",
    "suggestion",
    "status",
    "response",
    "reviewed_at",
    "created_at",
}
STAFF_INSIGHT_KEYS = OWN_INSIGHT_KEYS | {"ambassador", "ambassador_name"}

SHARE = {
    "theme": "leisure",
    "kind": "need",
    "observation": "Nowhere to meet in the evening since the club closed.",
    "suggestion": "Open the youth house on Thursdays.",
}


def test_an_ambassador_shares_an_insight(org):
    own = ambassador_token(org)

    response = own.post(api(org, "ambassadors/insights/"), SHARE)

    assert response.status_code == 201, response.json()
    assert set(response.json()) == OWN_INSIGHT_KEYS
    assert response.json()["status"] == "new"
    stored = fetch(org, PeerInsight, response.json()["id"])
    assert stored.ambassador_id == own.ambassador.pk
    assert audit_actions(org)[-2:] == ["peer_insight.shared", "api.api-peer-insight-list"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"observation": "x" * 2001}, "observation"),
        ({"observation": ""}, "observation"),
        ({"theme": "other"}, "theme_other"),
        ({"theme": "politics"}, "theme"),
        ({"names": "Sam"}, "names"),
    ],
)
def test_a_bad_insight_names_the_field_and_stores_nothing(org, change, field):
    own = ambassador_token(org)
    response = own.post(api(org, "ambassadors/insights/"), {**SHARE, **change})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert count(org, PeerInsight) == 0


def test_an_ambassador_reads_only_their_own_insights_without_participant_data(org, other_org):
    own = ambassador_token(org)
    mine = PeerInsightFactory(organisation=org, ambassador=own.ambassador)
    colleagues = PeerInsightFactory(organisation=org)
    foreign = PeerInsightFactory(organisation=other_org)

    listed = own.get(api(org, "ambassadors/insights/"))
    one = own.get(api(org, f"ambassadors/insights/{mine.pk}/"))

    assert [i["id"] for i in listed.json()["results"]] == [mine.pk]
    assert set(listed.json()["results"][0]) == set(one.json()) == OWN_INSIGHT_KEYS
    assert name_of(org, own.ambassador) not in listed.content.decode()
    for insight in (colleagues, foreign):
        assert own.get(api(org, f"ambassadors/insights/{insight.pk}/")).status_code == 404


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_staff_read_every_insight(org, api_client, role):
    client = api_client(org, role)
    insight = PeerInsightFactory(organisation=org)
    (row,) = client.get(api(org, "ambassadors/insights/")).json()["results"]
    one = client.get(api(org, f"ambassadors/insights/{insight.pk}/")).json()
    assert set(row) == set(one) == STAFF_INSIGHT_KEYS
    assert one["ambassador_name"] == name_of(org, insight.ambassador)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PARTNER])
def test_trainers_and_partner_contacts_reach_no_insight(org, api_client, role):
    client = api_client(org, role)
    insight = PeerInsightFactory(organisation=org)
    assert client.get(api(org, "ambassadors/insights/")).status_code == 403
    assert client.get(api(org, f"ambassadors/insights/{insight.pk}/")).status_code == 404
    assert client.post(api(org, "ambassadors/insights/"), SHARE).status_code == 403


def test_staff_do_not_share_insights_and_read_only_tokens_do_not_write(org, api_client):
    coordinator = api_client(org, Role.COORDINATOR)
    assert coordinator.post(api(org, "ambassadors/insights/"), SHARE).status_code == 403
    own = ambassador_token(org, read_only=True)
    response = own.post(api(org, "ambassadors/insights/"), SHARE)
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert count(org, PeerInsight) == 0


def test_a_coordinator_answers_and_the_ambassador_sees_it(org, api_client):
    coordinator = api_client(org, Role.COORDINATOR)
    own = ambassador_token(org)
    insight = PeerInsightFactory(organisation=org, ambassador=own.ambassador)
    url = api(org, f"ambassadors/insights/{insight.pk}/review/")

    missing = coordinator.post(url, {"status": "acted_on"})
    assert (missing.status_code, list(missing.json()["errors"])) == (400, ["response"])
    wrong = coordinator.post(url, {"status": "new"})
    assert (wrong.status_code, list(wrong.json()["errors"])) == (400, ["status"])
    assert fetch(org, PeerInsight, insight.pk).status == "new"

    answered = coordinator.post(
        url, {"status": "acted_on", "response": "The youth house opens on Thursdays."}
    )
    assert answered.status_code == 200, answered.json()
    assert set(answered.json()) == STAFF_INSIGHT_KEYS
    assert audit_actions(org)[-2:] == ["peer_insight.reviewed", "api.api-peer-insight-review"]
    seen = own.get(api(org, f"ambassadors/insights/{insight.pk}/")).json()
    assert (seen["status"], seen["response"]) == (
        "acted_on",
        "The youth house opens on Thursdays.",
    )


def test_only_coordinators_answer_and_only_their_organisations_insights(org, other_org, api_client):
    own = ambassador_token(org)
    mine = PeerInsightFactory(organisation=org, ambassador=own.ambassador)
    body = {"status": "acknowledged"}
    assert own.post(api(org, f"ambassadors/insights/{mine.pk}/review/"), body).status_code == 403
    coordinator = api_client(org, Role.COORDINATOR)
    foreign = PeerInsightFactory(organisation=other_org)
    response = coordinator.post(api(org, f"ambassadors/insights/{foreign.pk}/review/"), body)
    assert response.status_code == 404
    assert fetch(org, PeerInsight, mine.pk).status == "new"
    assert fetch(other_org, PeerInsight, foreign.pk).status == "new"


def test_filters(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    need = PeerInsightFactory(organisation=org, kind="need", theme="leisure")
    resource = PeerInsightFactory(organisation=org, kind="resource", theme="online")

    def ids(**query):
        response = client.get(api(org, "ambassadors/insights/"), query)
        assert response.status_code == 200, response.json()
        return {i["id"] for i in response.json()["results"]}

    assert ids(kind="resource") == {resource.pk}
    assert ids(theme="leisure") == {need.pk}
    assert ids(ambassador=need.ambassador_id) == {need.pk}
    assert ids(status="acted_on") == set()


def test_the_staff_list_query_count_is_the_same_for_5_and_50(org, api_client):
    client = api_client(org, Role.COORDINATOR)

    def make(n):
        for _ in range(n):
            PeerInsightFactory(organisation=org)

    # token with its user, the membership with its organisation, count, insights with their
    # ambassadors = 4 (+ tenant settings on PostgreSQL).
    counts = measure_list(client, api(org, "ambassadors/insights/"), make)
    assert counts == [4 + API_TENANT_QUERIES] * 2


def test_the_ambassadors_list_query_count_is_the_same_for_5_and_50(org):
    own = ambassador_token(org)

    def make(n):
        for _ in range(n):
            PeerInsightFactory(organisation=org, ambassador=own.ambassador)

    # As for staff, plus the ambassador's own record = 5 (+ tenant settings on PostgreSQL).
    counts = measure_list(own, api(org, "ambassadors/insights/"), make)
    assert counts == [5 + API_TENANT_QUERIES] * 2
