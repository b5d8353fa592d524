"""Throwaway security probes (review). DELETE after use."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ambassadors.tests.factories import AmbassadorFactory, OutreachTaskFactory, DebriefFactory
from ambassadors.models import Ambassador
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.fixtures import make_api_client
from programmes.tests.factories import ParticipantFactory, ConsentFactory

pytestmark = pytest.mark.django_db


def api(org, p):
    return f"/api/v1/o/{org.slug}/{p}"


def probe(client, method, url, data=None):
    client.raise_request_exception = False
    fn = getattr(client, method)
    try:
        r = fn(url, data, format="json") if data is not None else fn(url)
    except Exception as e:  # noqa
        print("EXC", method, url, repr(e)[:200])
        return None
    body = r.content[:200]
    print(r.status_code, method, url, data, body)
    return r


def test_hostile_inputs(org, api_client):
    coord = api_client(org, Role.COORDINATOR)
    amb = AmbassadorFactory(organisation=org)
    p = ParticipantFactory(organisation=org)
    ConsentFactory(organisation=org, participant=p)
    big = "9" * 25
    for q in [
        "ambassadors/tasks/?changed_since=0001-01-01T00:00:00",
        "ambassadors/tasks/?changed_since=9999-12-31T23:59:59-12:00",
        "ambassadors/tasks/?changed_since=2020-01-01T00:00:00-18:46",
        f"ambassadors/tasks/?ambassador={big}",
        f"ambassadors/?cohort={big}",
        f"ambassadors/check-ins/?ambassador={big}",
        f"ambassadors/debriefs/?task={big}",
        "ambassadors/insights/?created_since=0001-01-01T00:00:00",
        f"participants/{p.pk}/consents/?changed_since=0001-01-01T00:00:00",
        f"participants/{p.pk}/consents/?changed_since=2020-01-01T00:00:00-18:46",
        f"participants/{big}/",
        f"participants/{big}/consents/",
        f"consents/{big}/",
        f"partners/{big}/checks/",
        f"collaboration/{big}/follow-ups/",
        f"programmes/{big}/handbooks/",
        f"disclosures/?participant={big}",
        "follow-ups/?due_before=0001-01-01",
        "ambassadors/check-ins/?held_since=0001-01-01",
    ]:
        probe(coord, "get", api(org, q))
    probe(coord, "post", api(org, "ambassadors/tasks/"), {
        "ambassador": amb.pk, "kind": "peer_conversation", "title": "t", "due_on": "9999-12-31",
        "estimated_hours": "1"})
    probe(coord, "post", api(org, "ambassadors/tasks/"), {
        "ambassador": amb.pk, "kind": "peer_conversation", "title": "t", "due_on": "2026-12-01",
        "estimated_hours": "-5"})
    t = OutreachTaskFactory(organisation=org, ambassador=amb)
    probe(coord, "patch", api(org, f"ambassadors/tasks/{t.pk}/"), {"due_on": "9999-12-31"})
    d = DebriefFactory(organisation=org, ambassador=amb)
    probe(coord, "post", api(org, f"ambassadors/debriefs/{d.pk}/record/"), {"held_on": "0001-01-01"})
    probe(coord, "post", api(org, f"ambassadors/debriefs/{d.pk}/record/"), {"held_on": "9999-12-31"})
    probe(coord, "post", api(org, "ambassadors/check-ins/"), {"ambassador": amb.pk, "held_on": "0001-01-01", "wellbeing": "okay"})
    probe(coord, "get", api(org, "ambassadors/"))
    probe(coord, "post", api(org, f"participants/{p.pk}/consents/"), {"scope": "contact", "given_by": "self", "given_on": "2024-01-01", "expires_on": "9999-12-31"})
    probe(coord, "get", api(org, f"participants/{p.pk}/"))
    probe(coord, "get", api(org, "participants/"))
    probe(coord, "patch", api(org, f"participants/{p.pk}/"), {"display_name": "x" * 80, "phone": "\x00"})
    probe(coord, "post", api(org, "participants/"), {"display_name": "a\x00b"})
    probe(coord, "get", api(org, "participants/?search=%00"))
    probe(coord, "get", api(org, "participants/?page=999999999999999999999"))
    probe(coord, "get", api(org, "deliveries/?created_since=0001-01-01T00:00:00"))


def test_ambassador_probe(org, api_client):
    client = make_api_client(org, Role.AMBASSADOR)
    a = AmbassadorFactory(organisation=org, user=client.membership.user)
    probe(client, "post", api(org, "ambassadors/tasks/propose/"), {
        "kind": "peer_conversation", "title": "t", "due_on": "9999-12-31"})
    other = AmbassadorFactory(organisation=org)
    t = OutreachTaskFactory(organisation=org, ambassador=other)
    probe(client, "get", api(org, f"ambassadors/tasks/{t.pk}/"))
    probe(client, "post", api(org, f"ambassadors/tasks/{t.pk}/start/"), {})
    probe(client, "get", api(org, "participants/"))
    probe(client, "get", api(org, f"participants/{a.participant_id}/"))
    probe(client, "get", api(org, "participants/999999/"))
    probe(client, "options", api(org, "ambassadors/tasks/"))


def test_headers_and_csrf(org, api_client):
    coord = api_client(org, Role.COORDINATOR)
    r = coord.get(api(org, "me/"))
    print("token me headers", dict(r.headers))
    m = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    c = Client(enforce_csrf_checks=True)
    c.force_login(m.user)
    from django.conf import settings
    print("session get", c.get(api(org, "me/")).status_code)
    r = c.post(api(org, "participants/"), '{"display_name":"x"}', content_type="application/json")
    print("session post no csrf", r.status_code, r.content[:200])
