"""Partners' proposals through the API: a partner contact proposes and comments, staff accept
(changed or not) or decline; a contact of another partner gets 404s, trainers and ambassadors
403s; fields that do not apply to a kind are a 400, never a 500."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from partners.models import CollaborationActivity, Proposal
from partners.tests.api_support import actions, url
from partners.tests.factories import (
    AgreementFactory,
    PartnerContactFactory,
    PartnerOrganisationFactory,
    ProposalCommentFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)

PROPOSAL_FIELDS = {
    "id",
    "partner",
    "partner_name",
    "kind",
    "status",
    "title",
    "text",
    "reason",
    "collaboration_kind",
    "held_at",
    "place",
    "programme",
    "follow_up_of",
    "due_on",
    "module",
    "curriculum_activity",
    "decided_at",
    "decision_note",
    "edited",
    "created_activity",
    "created_follow_up",
    "applied_title",
    "applied_text",
    "comment_count",
    "created_at",
}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _partner_api(api_client, org, partner):
    client = api_client(org, Role.PARTNER)
    PartnerContactFactory(organisation=org, partner=partner, user=client.membership.user)
    AgreementFactory(organisation=org, partner=partner, starts_on=TODAY - timedelta(days=10))
    return client


def test_a_partner_proposes_and_staff_accept_with_a_change(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_api(api_client, org, partner)
    response = client.post(
        url("proposal-list", org),
        {
            "kind": "activity",
            "title": "Parents' evening",
            "collaboration_kind": "dialogue",
            "held_at": "2026-04-02T18:00",
            "place": "Clubhouse",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == PROPOSAL_FIELDS
    assert (body["partner"], body["status"]) == (partner.pk, "open")

    staff = api_client(org, Role.COORDINATOR)
    accepted = staff.post(
        url("proposal-accept", org, proposal_id=body["id"]),
        {"held_at": "2026-04-03T18:00", "note": "Friday is better."},
        format="json",
    )
    assert accepted.status_code == 200, accepted.json()
    result = accepted.json()
    assert (result["status"], result["edited"]) == ("accepted", True)
    with org_context(org.pk):
        activity = CollaborationActivity.objects.for_org(org).get(pk=result["created_activity"])
    # Copenhagen in April: UTC+2.
    assert activity.held_at.isoformat() == "2026-04-03T16:00:00+00:00"
    # The partner reads the outcome; deciding twice is a 400.
    seen = client.get(url("proposal-detail", org, proposal_id=body["id"])).json()
    assert seen["decision_note"] == "Friday is better."
    again = staff.post(url("proposal-decline", org, proposal_id=body["id"]), {"reason": "x"})
    assert again.status_code == 400
    assert "proposal.accepted" in actions(org)


def test_a_field_that_does_not_apply_to_the_kind_is_a_400(org, api_client):
    proposal = ProposalFactory(organisation=org)
    staff = api_client(org, Role.ADMIN)
    response = staff.post(
        url("proposal-accept", org, proposal_id=proposal.pk), {"due_on": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "due_on" in str(response.json())
    with org_context(org.pk):
        assert Proposal.objects.for_org(org).get().status == "open"


def test_the_thread_through_the_api(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_api(api_client, org, partner)
    proposal = ProposalFactory(organisation=org, partner=partner)
    staff = api_client(org, Role.COORDINATOR)
    comments = url("proposal-comments", org, proposal_id=proposal.pk)
    assert client.post(comments, {"text": "Friday?"}, format="json").status_code == 201
    assert staff.post(comments, {"text": "Friday."}, format="json").status_code == 201
    listed = client.get(comments).json()["results"]
    assert [(c["from_partner"], c["text"]) for c in listed] == [
        (True, "Friday?"),
        (False, "Friday."),
    ]


def test_another_partners_contact_gets_404_and_sees_none_in_the_list(org, api_client):
    proposal = ProposalFactory(organisation=org, title="Ours alone")
    ProposalCommentFactory(organisation=org, proposal=proposal)
    other = _partner_api(api_client, org, PartnerOrganisationFactory(organisation=org))
    assert other.get(url("proposal-detail", org, proposal_id=proposal.pk)).status_code == 404
    comments = url("proposal-comments", org, proposal_id=proposal.pk)
    assert other.get(comments).status_code == 404
    assert other.post(comments, {"text": "Hi"}, format="json").status_code == 404
    assert other.get(url("proposal-list", org)).json()["results"] == []


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR])
def test_trainers_and_ambassadors_are_refused(org, api_client, role):
    proposal = ProposalFactory(organisation=org)
    client = api_client(org, role)
    assert client.get(url("proposal-list", org)).status_code == 403
    # An id the role may not see stays a 404 (the API's rule): nothing about it is confirmed.
    assert client.get(url("proposal-detail", org, proposal_id=proposal.pk)).status_code == 404
    comments = url("proposal-comments", org, proposal_id=proposal.pk)
    assert client.get(comments).status_code == 404


def test_staff_cannot_propose_and_partners_cannot_decide(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_api(api_client, org, partner)
    proposal = ProposalFactory(organisation=org, partner=partner)
    staff = api_client(org, Role.COORDINATOR)
    body = {
        "kind": "activity",
        "title": "x",
        "collaboration_kind": "visit",
        "held_at": "2026-04-02T18:00",
    }
    assert staff.post(url("proposal-list", org), body, format="json").status_code == 403
    accept = url("proposal-accept", org, proposal_id=proposal.pk)
    assert client.post(accept, {}, format="json").status_code == 403


def test_read_only_tokens_are_refused_every_write_of_the_proposals(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    proposal = ProposalFactory(organisation=org, partner=partner)
    writer = _partner_api(api_client, org, partner)
    partner_token = api_client(org, Role.PARTNER, read_only=True, user=writer.membership.user)
    staff_token = api_client(org, Role.COORDINATOR, read_only=True)
    comments = url("proposal-comments", org, proposal_id=proposal.pk)
    answers = [
        partner_token.post(url("proposal-list", org), {"kind": "activity"}, format="json"),
        partner_token.post(comments, {"text": "Hi"}, format="json"),
        staff_token.post(comments, {"text": "Hi"}, format="json"),
        staff_token.post(url("proposal-accept", org, proposal_id=proposal.pk), {}, format="json"),
        staff_token.post(
            url("proposal-decline", org, proposal_id=proposal.pk), {"reason": "No"}, format="json"
        ),
    ]
    assert {(a.status_code, a.json()["code"]) for a in answers} == {(403, "token_read_only")}
    with org_context(org.pk):
        assert Proposal.objects.for_org(org).get().status == "open"
