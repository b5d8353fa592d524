"""The partner directory through the API: partners, agreements with their sharing matrix, and
integrity checks. Same rules as the pages (the services), same permissions, audit lines, and
the fields each role sees written out as literal sets."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from partners.models import Agreement, IntegrityCheck, PartnerOrganisation, SharingRule
from partners.services.agreements import agreement_save
from partners.tests.api_support import actions, request_queries, rows, url
from partners.tests.factories import (
    AgreementFactory,
    IntegrityCheckFactory,
    PartnerContactFactory,
    PartnerOrganisationFactory,
    SharingRuleFactory,
)

pytestmark = pytest.mark.django_db

STAFF = [Role.ADMIN, Role.COORDINATOR]
NOT_STAFF = [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER]

# What staff see of each resource: admins and coordinators alike. Adding a field by accident
# fails these tests; adding one on purpose means changing the policy here.
PARTNER_FIELDS = {
    "id",
    "name",
    "kind",
    "status",
    "communities_served",
    "languages",
    "address",
    "website",
    "contact_count",
    "agreement_count",
    "check",
    "created_at",
    "updated_at",
}
PARTNER_CHECK_FIELDS = {"state", "review", "latest_check", "next_review_on"}
AGREEMENT_FIELDS = {
    "id",
    "partner",
    "purpose",
    "starts_on",
    "review_on",
    "signed_for_us_by",
    "signed_for_partner_by",
    "signed_on",
    "matrix",
    "created_at",
    "updated_at",
}
MATRIX_CLASSES = {
    "aggregate_figures",
    "programme_materials",
    "session_dates",
    "participant_names",
    "named_attendance",
    "session_log_summaries",
    "confidential_notes",
}
MATRIX_CELL_FIELDS = {"level", "purpose", "named"}
# A check in a list has no notes; one check read on its own has them (and that is recorded).
CHECK_FIELDS = {
    "id",
    "partner",
    "checked_on",
    "outcome",
    "checklist",
    "next_review_on",
    "informed_on",
    "informed_how",
    "reviewer",
    "reviewer_name",
    "created_at",
}
CHECK_DETAIL_FIELDS = CHECK_FIELDS | {"notes"}
CHECKLIST_FIELDS = {
    "governance_known",
    "safeguarding_policy_seen",
    "named_contact",
    "code_of_conduct_agreed",
    "no_conflicting_activities",
}
# The strict defaults of a new agreement.
DEFAULT_LEVELS = {
    "aggregate_figures": "allowed",
    "programme_materials": "allowed",
    "session_dates": "consent",
    "participant_names": "consent",
    "named_attendance": "consent",
    "session_log_summaries": "consent",
    "confidential_notes": "never",
}


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_exactly_the_policys_partner_fields(org, api_client, role):
    partner = PartnerOrganisationFactory(organisation=org)
    PartnerContactFactory(organisation=org, partner=partner, email="private@example.org")
    client = api_client(org, role)

    listed = client.get(url("partner-list", org)).json()["results"][0]
    one = client.get(url("partner-detail", org, partner_id=partner.pk)).json()

    assert set(listed) == set(one) == PARTNER_FIELDS
    assert set(one["check"]) == PARTNER_CHECK_FIELDS
    assert one["contact_count"] == 1
    # Contacts' addresses are not part of a partner.
    assert "private@example.org" not in str(one)


def test_the_partner_list_takes_the_directorys_filters(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    today = timezone.localdate()
    school = PartnerOrganisationFactory(
        organisation=org, kind="school", name="West School", languages="Danish, Somali"
    )
    IntegrityCheckFactory(
        organisation=org,
        partner=school,
        checked_on=today - timedelta(days=400),
        next_review_on=today - timedelta(days=35),
    )
    club = PartnerOrganisationFactory(organisation=org, kind="youth_club", name="Club East")
    IntegrityCheckFactory(organisation=org, partner=club)
    PartnerOrganisationFactory(organisation=org, status="ended", name="Old Friends")

    def names(**params):
        response = client.get(url("partner-list", org), params)
        assert response.status_code == 200, response.json()
        return [p["name"] for p in response.json()["results"]]

    assert names() == ["Club East", "Old Friends", "West School"]
    assert names(kind="school") == ["West School"]
    assert names(status="ended") == ["Old Friends"]
    assert names(review="overdue") == ["Old Friends", "West School"]
    assert names(review="ok") == ["Club East"]
    assert names(search="somali") == ["West School"]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert names(changed_since=later) == []
    by_name = {p["name"]: p for p in client.get(url("partner-list", org)).json()["results"]}
    assert by_name["West School"]["check"]["state"] == "review_overdue"
    assert by_name["Club East"]["check"]["state"] == "passed"
    assert by_name["Old Friends"]["check"] == {
        "state": "never_checked",
        "review": "overdue",
        "latest_check": None,
        "next_review_on": None,
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "vanished"},
        {"review": "someday"},
        # Year 1 would leave the calendar in UTC: a 400, not a 500.
        {"changed_since": "0001-01-01T00:00"},
        {"changed_since": "yesterday"},
    ],
)
def test_a_bad_filter_is_a_400_naming_it(org, api_client, bad):
    client = api_client(org, Role.COORDINATOR)
    response = client.get(url("partner-list", org), bad)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(bad)


def test_partner_list_query_count_is_the_same_for_5_and_50_partners(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    client.get(url("me", org))  # the token's last use is stored once, on the first request

    def measure(partners):
        for _ in range(partners):
            partner = PartnerOrganisationFactory(organisation=org)
            PartnerContactFactory(organisation=org, partner=partner)
            IntegrityCheckFactory(organisation=org, partner=partner)
            IntegrityCheckFactory(organisation=org, partner=partner, outcome="not_passed")
        count, response = count_queries(lambda: client.get(url("partner-list", org)))
        assert response.status_code == 200
        return count, len(response.json()["results"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(45)
    assert (rows5, rows50) == (5, 50)
    # The request's own, the count, the page of partners with their counts, their latest checks.
    assert five == fifty == request_queries() + 3


def test_adding_a_partner(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        url("partner-list", org),
        {"name": " Club North ", "kind": "youth_club", "website": "https://club.example.org"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == PARTNER_FIELDS
    assert body["name"] == "Club North"
    assert body["status"] == "prospective"  # the model's default, as on the page
    assert body["check"]["state"] == "never_checked"
    assert actions(org)[-2:] == ["partner.created", "api.api-partner-list"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "school"}, "name"),
        ({"name": "A", "kind": "temple"}, "kind"),
        ({"name": "A", "kind": "school", "website": "not a url"}, "website"),
        ({"name": "A", "kind": "school", "risk_score": 3}, "risk_score"),
        ({"name": "Taken", "kind": "school"}, "name"),  # the service: names are unique
        ({"name": "   ", "kind": "school"}, "name"),
    ],
)
def test_a_bad_partner_is_refused_naming_the_field(org, api_client, payload, field):
    PartnerOrganisationFactory(organisation=org, name="taken")
    client = api_client(org, Role.ADMIN)
    before = rows(PartnerOrganisation, org)
    response = client.post(url("partner-list", org), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert rows(PartnerOrganisation, org) == before


def test_changing_a_partners_status_goes_through_the_service(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org, name="Club North", status="active")
    client = api_client(org, Role.COORDINATOR)
    response = client.patch(
        url("partner-detail", org, partner_id=partner.pk), {"status": "paused"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paused"
    assert response.json()["name"] == "Club North"  # untouched
    assert actions(org)[-3:] == [
        "partner.updated",
        "partner.status_changed",
        "api.api-partner-detail",
    ]
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="partner.status_changed")
    assert event.details == {"from": "active", "to": "paused"}


def test_a_bad_change_of_a_partner_changes_nothing(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    before = rows(PartnerOrganisation, org)
    response = client.patch(
        url("partner-detail", org, partner_id=partner.pk),
        {"status": "gone", "name": "New name"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status"}
    assert rows(PartnerOrganisation, org) == before


def test_another_organisations_partner_is_404_and_unchanged(org, other_org, api_client):
    foreign = PartnerOrganisationFactory(organisation=other_org, status="active")
    client = api_client(org, Role.ADMIN)
    path = url("partner-detail", org, partner_id=foreign.pk)
    before = rows(PartnerOrganisation, other_org)
    assert client.get(path).status_code == 404
    assert client.patch(path, {"status": "ended"}, format="json").status_code == 404
    assert rows(PartnerOrganisation, other_org) == before


@pytest.mark.parametrize("role", NOT_STAFF)
def test_only_staff_reach_the_directory(org, api_client, role):
    client = api_client(org, role)
    assert client.get(url("partner-list", org)).status_code == 403
    response = client.post(url("partner-list", org), {"name": "X", "kind": "ngo"}, format="json")
    assert response.status_code == 403
    assert rows(PartnerOrganisation, org) == []


def test_a_read_only_token_cannot_add_a_partner(org, api_client):
    client = api_client(org, Role.ADMIN, read_only=True)
    response = client.post(url("partner-list", org), {"name": "X", "kind": "ngo"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert rows(PartnerOrganisation, org) == []


# -- agreements -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_exactly_the_policys_agreement_fields(org, api_client, role):
    agreement = AgreementFactory(organisation=org)
    client = api_client(org, role)
    listed = client.get(url("agreement-list", org)).json()["results"][0]
    one = client.get(url("agreement-detail", org, agreement_id=agreement.pk)).json()
    assert set(listed) == set(one) == AGREEMENT_FIELDS
    assert set(one["matrix"]) == MATRIX_CLASSES
    assert all(set(cell) == MATRIX_CELL_FIELDS for cell in one["matrix"].values())


def test_an_agreement_without_rules_shows_the_strict_defaults(org, api_client):
    agreement = AgreementFactory(organisation=org)
    SharingRuleFactory(
        organisation=org, agreement=agreement, information_class="session_dates", level="never"
    )
    client = api_client(org, Role.COORDINATOR)
    matrix = client.get(url("agreement-detail", org, agreement_id=agreement.pk)).json()["matrix"]
    assert {k: v["level"] for k, v in matrix.items()} == DEFAULT_LEVELS | {"session_dates": "never"}
    assert matrix["participant_names"]["named"] is True
    assert matrix["aggregate_figures"]["named"] is False


def test_recording_an_agreement_with_part_of_the_matrix(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        url("agreement-list", org),
        {
            "partner": partner.pk,
            "purpose": "Dialogue meetings",
            "starts_on": "2026-01-01",
            "review_on": "2027-01-01",
            "matrix": {
                "participant_names": {"level": "allowed", "purpose": "Invitations"},
                "confidential_notes": {"level": "never"},
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == AGREEMENT_FIELDS
    assert body["partner"] == partner.pk
    # Classes left out take the strict defaults; every class has a stored rule.
    assert {k: v["level"] for k, v in body["matrix"].items()} == DEFAULT_LEVELS | {
        "participant_names": "allowed"
    }
    assert body["matrix"]["participant_names"]["purpose"] == "Invitations"
    assert len(rows(SharingRule, org)) == 7
    assert actions(org)[-2:] == ["agreement.created", "api.api-agreement-list"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("purpose", "w" * 100_000, "at most 2,000 fit here"),
        ("matrix_purpose", "w" * 301, "300"),
    ],
)
def test_too_long_a_purpose_is_refused_not_cut(org, api_client, field, value, message):
    """Regression: an agreement's purpose took 100,000 characters, and a sharing rule's purpose
    was cut to 300 without a word."""
    partner = PartnerOrganisationFactory(organisation=org)
    body = {"partner": partner.pk, "purpose": "Dialogue meetings", "starts_on": "2026-01-01"}
    if field == "purpose":
        body["purpose"] = value
    else:
        body["matrix"] = {"participant_names": {"level": "allowed", "purpose": value}}

    response = api_client(org, Role.COORDINATOR).post(
        url("agreement-list", org), body, format="json"
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert rows(Agreement, org) == [] and rows(SharingRule, org) == []


def test_the_service_refuses_a_sharing_purpose_it_used_to_cut(org):
    from cocora.core.errors import ApplicationError
    from cocora.organisations.context import org_context
    from partners.services.agreements import agreement_save

    partner = PartnerOrganisationFactory(organisation=org)
    with org_context(org.pk), pytest.raises(ApplicationError) as refused:
        agreement_save(
            organisation=org,
            partner=partner,
            purpose="Dialogue meetings",
            starts_on=date(2026, 1, 1),
            matrix={"participant_names": ("allowed", "w" * 301)},
            actor=None,
        )
    assert refused.value.field == "purpose_participant_names"
    assert "at most 300 fit here" in str(refused.value.message)


def test_a_second_agreement_for_a_partner_is_a_conflict(org, api_client):
    agreement = AgreementFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    before = rows(Agreement, org)
    response = client.post(
        url("agreement-list", org),
        {"partner": agreement.partner_id, "purpose": "Again", "starts_on": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert set(response.json()["errors"]) == {"partner"}
    assert rows(Agreement, org) == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"starts_on": "2026-01-01"}, "purpose"),
        ({"purpose": "  ", "starts_on": "2026-01-01"}, "purpose"),  # the service
        ({"purpose": "P"}, "starts_on"),
        ({"purpose": "P", "starts_on": "1066-10-14"}, "starts_on"),
        (
            {"purpose": "P", "starts_on": "2026-01-01", "review_on": "2025-01-01"},
            "review_on",
        ),
        (
            {
                "purpose": "P",
                "starts_on": "2026-01-01",
                "matrix": {"confidential_notes": {"level": "perhaps"}},
            },
            "matrix.confidential_notes.level",
        ),
        (
            {"purpose": "P", "starts_on": "2026-01-01", "matrix": {"religion": {"level": "never"}}},
            "matrix.religion",
        ),
    ],
)
def test_a_bad_agreement_is_refused_naming_the_field(org, api_client, payload, field):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        url("agreement-list", org), {"partner": partner.pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert rows(Agreement, org) == rows(SharingRule, org) == []


def test_an_agreement_with_another_organisations_partner_is_refused(org, other_org, api_client):
    foreign = PartnerOrganisationFactory(organisation=other_org)
    client = api_client(org, Role.ADMIN)
    response = client.post(
        url("agreement-list", org),
        {"partner": foreign.pk, "purpose": "P", "starts_on": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"partner"}
    assert rows(Agreement, other_org) == rows(Agreement, org) == []


def test_changing_one_cell_keeps_the_rest_of_the_agreement(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    with org_context(org.pk):
        agreement = agreement_save(
            organisation=org,
            partner=partner,
            purpose="Dialogue",
            starts_on=date(2026, 1, 1),
            signed_for_us_by="Ana",
            matrix={"session_dates": ("consent", "Planning")},
        )
    client = api_client(org, Role.COORDINATOR)
    response = client.patch(
        url("agreement-detail", org, agreement_id=agreement.pk),
        {"matrix": {"session_dates": {"level": "allowed"}}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["matrix"]["session_dates"] == {
        "level": "allowed",
        "purpose": "Planning",  # kept: no purpose was sent
        "named": False,
    }
    assert (body["purpose"], body["signed_for_us_by"]) == ("Dialogue", "Ana")
    assert actions(org)[-2:] == ["agreement.updated", "api.api-agreement-detail"]
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="agreement.updated")
    assert event.details["matrix_changes"] == {"session_dates": "allowed"}


def test_a_bad_change_of_an_agreement_changes_nothing(org, api_client):
    agreement = AgreementFactory(organisation=org, starts_on=date(2026, 1, 1))
    client = api_client(org, Role.COORDINATOR)
    before = rows(Agreement, org), rows(SharingRule, org)
    response = client.patch(
        url("agreement-detail", org, agreement_id=agreement.pk),
        {"review_on": "2025-06-01", "matrix": {"session_dates": {"level": "allowed"}}},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"review_on"}
    # The partner cannot be moved to another agreement.
    moved = client.patch(
        url("agreement-detail", org, agreement_id=agreement.pk), {"partner": 1}, format="json"
    )
    assert moved.status_code == 400
    assert set(moved.json()["errors"]) == {"partner"}
    assert (rows(Agreement, org), rows(SharingRule, org)) == before


def test_another_organisations_agreement_is_404(org, other_org, api_client):
    foreign = AgreementFactory(organisation=other_org)
    client = api_client(org, Role.ADMIN)
    path = url("agreement-detail", org, agreement_id=foreign.pk)
    before = rows(Agreement, other_org)
    assert client.get(path).status_code == 404
    assert client.patch(path, {"purpose": "Mine"}, format="json").status_code == 404
    assert rows(Agreement, other_org) == before


def test_the_agreement_list_filters_by_partner_and_change(org, api_client):
    first = AgreementFactory(organisation=org)
    AgreementFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    listed = client.get(url("agreement-list", org), {"partner": first.partner_id}).json()
    assert [a["id"] for a in listed["results"]] == [first.pk]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert client.get(url("agreement-list", org), {"changed_since": later}).json()["count"] == 0
    huge = client.get(url("agreement-list", org), {"partner": str(2**70)})
    assert huge.status_code == 400
    assert set(huge.json()["errors"]) == {"partner"}


def test_agreement_list_query_count_is_the_same_for_5_and_50_agreements(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    client.get(url("me", org))  # the token's last use is stored once, on the first request

    def measure(agreements):
        for _ in range(agreements):
            agreement = AgreementFactory(organisation=org)
            SharingRuleFactory(organisation=org, agreement=agreement)
            SharingRuleFactory(
                organisation=org, agreement=agreement, information_class="session_dates"
            )
        count, response = count_queries(lambda: client.get(url("agreement-list", org)))
        assert response.status_code == 200
        return count, len(response.json()["results"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(45)
    assert (rows5, rows50) == (5, 50)
    # The request's own, the count, the page of agreements, their rules (one prefetch).
    assert five == fifty == request_queries() + 3


def test_a_read_only_token_cannot_change_an_agreement(org, api_client):
    agreement = AgreementFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR, read_only=True)
    before = rows(Agreement, org)
    response = client.patch(
        url("agreement-detail", org, agreement_id=agreement.pk), {"purpose": "X"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert rows(Agreement, org) == before


# -- integrity checks -------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_exactly_the_policys_check_fields(org, api_client, role):
    check = IntegrityCheckFactory(organisation=org, notes="Met the board.")
    client = api_client(org, role)
    listed = client.get(url("partner-checks", org, partner_id=check.partner_id)).json()
    one = client.get(url("integrity-check-detail", org, check_id=check.pk)).json()
    assert set(listed["results"][0]) == CHECK_FIELDS
    assert "Met the board." not in str(listed)
    assert set(one) == CHECK_DETAIL_FIELDS
    assert set(one["checklist"]) == CHECKLIST_FIELDS
    assert one["notes"] == "Met the board."


def test_reading_a_checks_notes_is_recorded(org, api_client):
    check = IntegrityCheckFactory(organisation=org, notes="Met the board.")
    client = api_client(org, Role.COORDINATOR)
    client.get(url("partner-checks", org, partner_id=check.partner_id))
    assert "integrity_check.viewed" not in actions(org)
    client.get(url("integrity-check-detail", org, check_id=check.pk))
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="integrity_check.viewed")
    assert (event.target_id, event.actor_id) == (str(check.pk), client.membership.user_id)


def test_recording_a_check(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    checked_on = timezone.localdate() - timedelta(days=3)
    response = client.post(
        url("partner-checks", org, partner_id=partner.pk),
        {
            "checked_on": checked_on.isoformat(),
            "outcome": "conditions",
            "checklist": {"governance_known": True, "named_contact": True},
            "notes": "Safeguarding policy promised by March.",
            "informed_on": checked_on.isoformat(),
            "informed_how": "letter",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == CHECK_FIELDS  # the notes are read one check at a time
    assert body["reviewer"] == client.membership.user_id
    assert body["next_review_on"] == checked_on.replace(year=checked_on.year + 1).isoformat()
    assert body["checklist"] == {
        "governance_known": True,
        "safeguarding_policy_seen": False,
        "named_contact": True,
        "code_of_conduct_agreed": False,
        "no_conflicting_activities": False,
    }
    assert actions(org)[-2:] == ["integrity_check.recorded", "api.api-partner-checks"]
    # The partner's state follows at once.
    partner_state = client.get(url("partner-detail", org, partner_id=partner.pk)).json()
    assert partner_state["check"]["state"] == "passed"
    assert partner_state["check"]["latest_check"] == body["id"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": "passed"}, "checked_on"),
        ({"checked_on": "2026-01-10", "outcome": "fine"}, "outcome"),
        ({"checked_on": "2026-01-10", "outcome": "passed", "checklist": {"vibes": True}}, None),
        (
            {"checked_on": "2026-01-10", "outcome": "passed", "next_review_on": "2025-12-01"},
            "next_review_on",
        ),
        (
            {"checked_on": "2026-01-10", "outcome": "passed", "informed_on": "2026-01-05"},
            "informed_how",
        ),
        ({"checked_on": "2099-01-10", "outcome": "passed"}, "checked_on"),  # in the future
    ],
)
def test_a_bad_check_is_refused_naming_the_field(org, api_client, payload, field):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        url("partner-checks", org, partner_id=partner.pk), payload, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert (field or "checklist.vibes") in errors, errors
    assert rows(IntegrityCheck, org) == []


def test_recording_how_the_partner_was_informed(org, api_client):
    check = IntegrityCheckFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    path = url("integrity-check-informed", org, check_id=check.pk)
    bad = client.post(path, {"informed_on": "2026-01-05"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"informed_how"}
    today = timezone.localdate().isoformat()
    response = client.post(path, {"informed_on": today, "informed_how": "meeting"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["informed_on"], response.json()["informed_how"]) == (today, "meeting")
    assert set(response.json()) == CHECK_FIELDS
    assert actions(org)[-2:] == [
        "integrity_check.partner_informed",
        "api.api-integrity-check-informed",
    ]


def test_another_organisations_partner_has_no_checks_here(org, other_org, api_client):
    foreign = IntegrityCheckFactory(organisation=other_org)
    client = api_client(org, Role.ADMIN)
    nested = url("partner-checks", org, partner_id=foreign.partner_id)
    before = rows(IntegrityCheck, other_org)
    assert client.get(nested).status_code == 404
    payload = {"checked_on": "2026-01-10", "outcome": "passed"}
    assert client.post(nested, payload, format="json").status_code == 404
    assert client.get(url("integrity-check-detail", org, check_id=foreign.pk)).status_code == 404
    informed = url("integrity-check-informed", org, check_id=foreign.pk)
    payload = {"informed_on": "2026-01-10", "informed_how": "email"}
    assert client.post(informed, payload, format="json").status_code == 404
    assert rows(IntegrityCheck, other_org) == before
    assert "integrity_check.viewed" not in actions(other_org)


def test_check_list_query_count_is_the_same_for_5_and_50_checks(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    path = url("partner-checks", org, partner_id=partner.pk)
    client.get(url("me", org))  # the token's last use is stored once, on the first request

    def measure(checks):
        for _ in range(checks):
            IntegrityCheckFactory(
                organisation=org, partner=partner, reviewer=client.membership.user
            )
        count, response = count_queries(lambda: client.get(path))
        assert response.status_code == 200
        return count, len(response.json()["results"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(45)
    assert (rows5, rows50) == (5, 50)
    # The request's own, the partner, the count, the page of checks with their reviewers.
    assert five == fifty == request_queries() + 3


def test_a_read_only_token_cannot_record_a_check(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.ADMIN, read_only=True)
    response = client.post(
        url("partner-checks", org, partner_id=partner.pk),
        {"checked_on": "2026-01-10", "outcome": "passed"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert rows(IntegrityCheck, org) == []


@pytest.mark.parametrize("role", NOT_STAFF)
def test_only_staff_reach_agreements_and_checks(org, api_client, role):
    check = IntegrityCheckFactory(organisation=org)
    agreement = AgreementFactory(organisation=org, partner=check.partner)
    client = api_client(org, role)
    for path in (
        url("agreement-list", org),
        url("agreement-detail", org, agreement_id=agreement.pk),
        url("partner-checks", org, partner_id=check.partner_id),
        url("integrity-check-detail", org, check_id=check.pk),
    ):
        assert client.get(path).status_code == 403, path
    assert "integrity_check.viewed" not in actions(org)
