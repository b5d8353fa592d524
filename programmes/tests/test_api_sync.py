"""Syncing: participants, cohorts and sessions changed since a time, for a reporting system that
asks every night for what changed."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from programmes.models import Cohort, Participant, Session
from programmes.tests.factories import CohortFactory, ParticipantFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "model", "factory"),
    [
        ("participants", Participant, ParticipantFactory),
        ("cohorts", Cohort, CohortFactory),
        ("sessions", Session, SessionFactory),
    ],
)
def test_changed_since_returns_only_what_changed_after_that_time(
    org, api_client, path, model, factory
):
    client = api_client(org, Role.COORDINATOR)
    old, new = factory(organisation=org), factory(organisation=org)
    a_week_ago = timezone.now() - timedelta(days=7)
    with org_context(org.pk):
        model.objects.for_org(org).filter(pk=old.pk).update(updated_at=a_week_ago)
    since = quote((timezone.now() - timedelta(days=1)).isoformat())

    changed = client.get(f"/api/v1/o/{org.slug}/{path}/?changed_since={since}").json()
    everything = client.get(f"/api/v1/o/{org.slug}/{path}/").json()

    assert [row["id"] for row in changed["results"]] == [new.pk]
    assert {row["id"] for row in everything["results"]} == {old.pk, new.pk}
    assert "updated_at" in changed["results"][0]


def test_a_change_through_the_api_moves_updated_at(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org)
    with org_context(org.pk):
        Participant.objects.for_org(org).filter(pk=participant.pk).update(
            updated_at=timezone.now() - timedelta(days=7)
        )
    url = f"/api/v1/o/{org.slug}/participants/{participant.pk}/"
    before = client.get(url).json()["updated_at"]
    client.patch(url, {"display_name": "Renamed"}, format="json")
    assert client.get(url).json()["updated_at"] > before
