"""Throwaway security probes (review). DELETE after use."""
import pytest
from django.utils import timezone

from ambassadors.models import Ambassador
from ambassadors.tests.factories import AmbassadorFactory, CheckInFactory, DebriefFactory, OutreachTaskFactory
from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import InvitationFactory
from cocora.testing.fixtures import make_api_client
from partners.tests.factories import DisclosureFactory, PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


def api(org, p):
    return f"/api/v1/o/{org.slug}/{p}"


def codes(client, org, path, queries):
    return {q: client.get(api(org, path) + q).status_code for q in queries}


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_filter_oracle(org, role):
    c = make_api_client(org, role)
    d = DisclosureFactory(organisation=org, basis="override")
    pid, partner = d.participant_id, d.partner_id
    print(role, "disclosure", codes(c, org, f"disclosures/{d.pk}/", [
        "", f"?participant={pid}", f"?participant={pid + 1000}", f"?partner={partner}&basis=override",
        "?basis=consent", "?disclosed_since=2030-01-01T00:00:00Z", "?disclosed_since=2020-01-01T00:00:00Z"]))
    ci = CheckInFactory(organisation=org, wellbeing="struggling")
    print(role, "checkin", codes(c, org, f"ambassadors/check-ins/{ci.pk}/", [
        "", f"?ambassador={ci.ambassador_id}&wellbeing=struggling", "?wellbeing=good"]))
    db = DebriefFactory(organisation=org)
    print(role, "debrief", codes(c, org, f"ambassadors/debriefs/{db.pk}/", [
        "", f"?ambassador={db.ambassador_id}&pending=true", "?pending=false"]))
    print(role, "ambassador", codes(c, org, f"ambassadors/{db.ambassador_id}/", [
        "?debrief_pending=true", "?debrief_pending=false"]))
    with org_context(org.pk):
        n = AuditEvent.objects.for_org(org).filter(action="access.denied").count()
    print(role, "denied lines", n)


def test_get_links_account_with_read_only_token(org):
    c = make_api_client(org, Role.AMBASSADOR, read_only=True)
    inv = InvitationFactory(organisation=org, email=c.membership.user.email, role=Role.AMBASSADOR,
                            accepted_at=timezone.now())
    a = AmbassadorFactory(organisation=org, invitation=inv, user=None)
    r = c.get(api(org, "ambassadors/tasks/"))
    with org_context(org.pk):
        a = Ambassador.objects.for_org(org).get(pk=a.pk)
        acts = list(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    print("read-only GET", r.status_code, "linked user", a.user_id, c.membership.user.pk, acts)


def test_proposal_9999_breaks_approve(org, api_client):
    amb = make_api_client(org, Role.AMBASSADOR)
    AmbassadorFactory(organisation=org, user=amb.membership.user)
    r = amb.post(api(org, "ambassadors/tasks/propose/"),
                 {"kind": "peer_conversation", "title": "t", "due_on": "9999-12-31"}, format="json")
    tid = r.json()["id"]
    coord = api_client(org, Role.COORDINATOR)
    coord.raise_request_exception = False
    print("approve", coord.post(api(org, f"ambassadors/tasks/{tid}/approve/"), {}, format="json").status_code)
    print("board", coord.get(api(org, "ambassadors/tasks/")).status_code)
    from django.test import Client
    cl = Client(raise_request_exception=False)
    cl.force_login(coord.membership.user)
    print("pages:", {u: cl.get(u).status_code for u in [f"/o/{org.slug}/ambassadors/tasks/", f"/o/{org.slug}/ambassadors/", f"/o/{org.slug}/"]})
    ac = Client(raise_request_exception=False)
    ac.force_login(amb.membership.user)
    print("amb pages:", {u: ac.get(u).status_code for u in [f"/o/{org.slug}/ambassadors/home/", f"/o/{org.slug}/"]})
