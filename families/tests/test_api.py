"""Family activities and guardians' links through the API: the same services and roles as the
pages, and a link's secret never in an answer."""

import pytest
import time_machine

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from families.links import link_secret
from families.models import GuardianLink
from families.tests.factories import FamilyActivityFactory
from families.tests.helpers import NOW, scene
from programmes.tests.factories import CohortFactory, CohortTrainerFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/o/{slug}/"

ACTIVITY_FIELDS = {
    "id",
    "cohort",
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "notes",
    "adults_attended",
    "young_people_attended",
    "counts_recorded_at",
    "created_at",
}


def _url(org, path):
    return BASE.format(slug=org.slug) + path


@time_machine.travel(NOW, tick=False)
def test_a_coordinator_plans_invites_and_records_through_the_api(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    with org_context(org.pk):
        world = scene(org)
    created = client.post(
        _url(org, "family-activities/"),
        {
            "cohort": world["cohort"].pk,
            "kind": "mothers_group",
            "title": "Mothers' group",
            "starts_at": "2026-03-10T10:00:00",
            "ends_at": "2026-03-10T12:00:00",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) == ACTIVITY_FIELDS
    assert body["starts_at"].startswith("2026-03-10T10:00:00+01:00")
    activity = _url(org, f"family-activities/{body['id']}/")

    invited = client.post(
        activity + "invitations/", {"participants": [world["ali"].pk]}, format="json"
    )
    assert invited.json() == {"invited": 1, "already": 0, "unreachable": 0}
    everyone = client.post(activity + "invitations/", {}, format="json")
    assert everyone.json() == {"invited": 1, "already": 1, "unreachable": 1}

    early = client.post(
        activity + "counts/", {"adults_attended": 4, "young_people_attended": 1}, format="json"
    )
    assert early.status_code == 400
    assert client.patch(activity, {"cohort": world["cohort"].pk}, format="json").status_code == 400


@time_machine.travel(NOW, tick=False)
def test_a_trainer_reads_the_activities_of_their_cohorts_and_changes_nothing(org, api_client):
    client = api_client(org, Role.TRAINER)
    mine = CohortFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=mine, user=client.membership.user)
    own = FamilyActivityFactory(organisation=org, cohort=mine)
    FamilyActivityFactory(organisation=org)

    listed = client.get(_url(org, "family-activities/")).json()
    assert [a["id"] for a in listed["results"]] == [own.pk]
    assert (
        client.post(_url(org, f"family-activities/{own.pk}/counts/"), {}, format="json").status_code
        == 403
    )
    assert client.get(_url(org, "guardian-links/")).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_sending_a_link_answers_its_facts_never_its_secret(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    with org_context(org.pk):
        world = scene(org)
    sent = client.post(
        _url(org, "guardian-links/"), {"participant": world["bea"].pk}, format="json"
    )
    assert sent.status_code == 201
    assert set(sent.json()) == {
        "id",
        "participant",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_opened_at",
        "working",
    }
    with org_context(org.pk):
        link = GuardianLink.objects.for_org(org).get()
    assert link_secret(link.nonce) not in sent.content.decode()
    refused = client.post(
        _url(org, "guardian-links/"), {"participant": world["cem"].pk}, format="json"
    )
    assert refused.status_code == 400
    revoked = client.post(_url(org, f"guardian-links/{link.pk}/revoke/"), format="json")
    assert revoked.json()["working"] is False
