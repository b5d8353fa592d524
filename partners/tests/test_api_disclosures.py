"""Disclosures through the API: a POST goes through `disclosure_record`, the one path for
sharing, with every check of the page (agreement, integrity check, consent) and the admin's
override; the list names nobody and shows no purpose; reading one disclosure is recorded."""

import pytest

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from partners.models import Disclosure
from partners.tests.api_support import actions, request_queries, url
from partners.tests.factories import (
    AgreementFactory,
    DisclosureFactory,
    IntegrityCheckFactory,
    PartnerOrganisationFactory,
    SharingConsentFactory,
    SharingRuleFactory,
)
from programmes.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

STAFF = [Role.ADMIN, Role.COORDINATOR]
NOT_STAFF = [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER]

# What staff see: a list by ids only (no name, no purpose); one disclosure with its purpose.
DISCLOSURE_FIELDS = {
    "id",
    "partner",
    "participant",
    "information_class",
    "basis",
    "is_override",
    "disclosed_by",
    "disclosed_at",
}
DISCLOSURE_DETAIL_FIELDS = DISCLOSURE_FIELDS | {"purpose", "override_reason"}


def disclosures(org):
    with org_context(org.pk):
        return list(Disclosure.objects.for_org(org).order_by("pk").values())


def sharing_partner(org, *, level="allowed", checked=True, **kwargs):
    """An active partner whose agreement sets `level` for participant names."""
    partner = PartnerOrganisationFactory(organisation=org, status="active", **kwargs)
    agreement = AgreementFactory(organisation=org, partner=partner)
    SharingRuleFactory(
        organisation=org, agreement=agreement, information_class="participant_names", level=level
    )
    if checked:
        IntegrityCheckFactory(organisation=org, partner=partner)
    return partner


def share(client, org, partner, participant, **extra):
    payload = {
        "partner": partner.pk,
        "participant": participant.pk,
        "information_class": "participant_names",
        "purpose": "Invitations to the joint event.",
    }
    return client.post(url("disclosure-list", org), payload | extra, format="json")


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_exactly_the_policys_disclosure_fields(org, api_client, role):
    disclosure = DisclosureFactory(
        organisation=org, participant__display_name="Zaynab", purpose="Planning the event."
    )
    client = api_client(org, role)
    listed = client.get(url("disclosure-list", org)).json()
    one = client.get(url("disclosure-detail", org, disclosure_id=disclosure.pk)).json()
    assert set(listed["results"][0]) == DISCLOSURE_FIELDS
    assert "Zaynab" not in str(listed) and "Planning the event." not in str(listed)
    assert set(one) == DISCLOSURE_DETAIL_FIELDS
    assert one["purpose"] == "Planning the event."
    assert "Zaynab" not in str(one)


def test_reading_one_disclosure_is_recorded(org, api_client):
    disclosure = DisclosureFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    client.get(url("disclosure-list", org))
    assert "disclosure.viewed" not in actions(org)
    client.get(url("disclosure-detail", org, disclosure_id=disclosure.pk))
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="disclosure.viewed")
    assert event.target_id == str(disclosure.pk)


def test_sharing_allowed_by_the_agreement_is_recorded(org, api_client):
    partner = sharing_partner(org)
    participant = ParticipantFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    response = share(client, org, partner, participant)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == DISCLOSURE_DETAIL_FIELDS
    assert (body["basis"], body["is_override"], body["override_reason"]) == (
        "agreement",
        False,
        "",
    )
    assert body["disclosed_by"] == client.membership.user_id
    assert actions(org)[-2:] == ["disclosure.recorded", "api.api-disclosure-list"]


def test_sharing_that_needs_consent_rests_on_the_consent(org, api_client):
    partner = sharing_partner(org, level="consent")
    participant = ParticipantFactory(organisation=org, birth_year=2000)
    client = api_client(org, Role.COORDINATOR)
    refused = share(client, org, partner, participant)
    assert refused.status_code == 400
    assert "consent to share" in refused.json()["message"]
    SharingConsentFactory(organisation=org, participant=participant, partner=partner)
    response = share(client, org, partner, participant)
    assert response.status_code == 201, response.json()
    assert response.json()["basis"] == "consent"


def test_a_refusal_names_every_missing_piece_and_records_nothing(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org, name="Club North", status="active")
    participant = ParticipantFactory(organisation=org, birth_year=2000)
    client = api_client(org, Role.ADMIN)
    response = share(client, org, partner, participant)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "refused"
    assert "there is no agreement with Club North" in body["message"]
    assert "no integrity check on record" in body["message"]
    assert disclosures(org) == []
    assert not {"disclosure.recorded", "api.api-disclosure-list"} & set(actions(org))


def test_only_an_admin_overrides_a_refusal_with_a_reason(org, api_client):
    partner = sharing_partner(org, checked=False)  # no integrity check: named data is refused
    participant = ParticipantFactory(organisation=org)
    coordinator = api_client(org, Role.COORDINATOR)
    refused = share(coordinator, org, partner, participant, override_reason="Immediate safety.")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"override_reason"}
    assert disclosures(org) == []

    admin = api_client(org, Role.ADMIN)
    response = share(admin, org, partner, participant, override_reason="Immediate safety.")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["basis"], body["is_override"]) == ("override", True)
    assert body["override_reason"] == "Immediate safety."
    assert actions(org)[-2:] == ["disclosure.override", "api.api-disclosure-list"]


def test_an_ended_partnership_is_never_overridden(org, api_client):
    partner = sharing_partner(org)
    with org_context(org.pk):
        type(partner).objects.for_org(org).filter(pk=partner.pk).update(status="ended")
    participant = ParticipantFactory(organisation=org)
    client = api_client(org, Role.ADMIN)
    response = share(client, org, partner, participant, override_reason="Immediate safety.")
    assert response.status_code == 400
    assert disclosures(org) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"information_class": "religion"}, "information_class"),
        ({"purpose": "   "}, "purpose"),  # the service: the purpose is required
        ({"participant": 987654321}, "participant"),
        ({"basis": "override"}, "basis"),  # the basis is the service's conclusion, not input
    ],
)
def test_a_bad_disclosure_is_refused_naming_the_field(org, api_client, change, field):
    partner = sharing_partner(org)
    participant = ParticipantFactory(organisation=org)
    client = api_client(org, Role.ADMIN)
    response = client.post(
        url("disclosure-list", org),
        {
            "partner": partner.pk,
            "participant": participant.pk,
            "information_class": "participant_names",
            "purpose": "Invitations to the joint event.",
        }
        | change,
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert disclosures(org) == []


def test_another_organisations_participant_or_partner_is_no_such_object(org, other_org, api_client):
    partner = sharing_partner(org)
    participant = ParticipantFactory(organisation=org)
    foreign_partner = sharing_partner(other_org)
    foreign_participant = ParticipantFactory(organisation=other_org)
    client = api_client(org, Role.ADMIN)
    for response, field in (
        (share(client, org, partner, foreign_participant), "participant"),
        (share(client, org, foreign_partner, participant), "partner"),
    ):
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {field}
    assert disclosures(org) == disclosures(other_org) == []


def test_another_organisations_disclosure_is_404(org, other_org, api_client):
    foreign = DisclosureFactory(organisation=other_org)
    client = api_client(org, Role.ADMIN)
    assert client.get(url("disclosure-detail", org, disclosure_id=foreign.pk)).status_code == 404
    assert "disclosure.viewed" not in actions(org) + actions(other_org)


def test_the_disclosure_list_filters(org, api_client):
    participant = ParticipantFactory(organisation=org)
    mine = DisclosureFactory(organisation=org, participant=participant, basis="override")
    DisclosureFactory(organisation=org, information_class="aggregate_figures")
    client = api_client(org, Role.COORDINATOR)

    def ids(**params):
        response = client.get(url("disclosure-list", org), params)
        assert response.status_code == 200, response.json()
        return [d["id"] for d in response.json()["results"]]

    assert ids(participant=participant.pk) == [mine.pk]
    assert ids(partner=mine.partner_id) == [mine.pk]
    assert ids(basis="override") == [mine.pk]
    assert ids(information_class="participant_names") == [mine.pk]
    assert ids(disclosed_since="2999-01-01T00:00:00Z") == []


def test_disclosure_list_query_count_is_the_same_for_5_and_50(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    client.get(url("me", org))  # the token's last use is stored once, on the first request
    partner = PartnerOrganisationFactory(organisation=org)

    def measure(count):
        for _ in range(count):
            DisclosureFactory(
                organisation=org, partner=partner, disclosed_by=client.membership.user
            )
        queries, response = count_queries(lambda: client.get(url("disclosure-list", org)))
        assert response.status_code == 200
        return queries, len(response.json()["results"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(45)
    assert (rows5, rows50) == (5, 50)
    # The request's own, the count, the page of disclosures (ids only: no join).
    assert five == fifty == request_queries() + 2


@pytest.mark.parametrize("role", NOT_STAFF)
def test_only_staff_reach_disclosures(org, api_client, role):
    partner = sharing_partner(org)
    participant = ParticipantFactory(organisation=org)
    disclosure = DisclosureFactory(organisation=org, partner=partner)
    client = api_client(org, role)
    assert client.get(url("disclosure-list", org)).status_code == 403
    assert client.get(url("disclosure-detail", org, disclosure_id=disclosure.pk)).status_code == 403
    assert share(client, org, partner, participant).status_code == 403
    assert len(disclosures(org)) == 1


def test_a_read_only_token_cannot_share(org, api_client):
    partner = sharing_partner(org)
    participant = ParticipantFactory(organisation=org)
    client = api_client(org, Role.ADMIN, read_only=True)
    response = share(client, org, partner, participant)
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert disclosures(org) == []
