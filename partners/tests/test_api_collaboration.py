"""Collaboration activities and their follow-ups through the API: the services' rules (at least
one partner, counts not negative, a cohort of the programme), staff only, counts and never
names, and the fields staff see written out as literal sets."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from partners.models import CollaborationActivity, CollaborationPartner, FollowUp
from partners.tests.api_support import actions, request_queries, rows, url
from partners.tests.factories import (
    CollaborationActivityFactory,
    CollaborationPartnerFactory,
    FollowUpFactory,
    PartnerOrganisationFactory,
)
from programmes.tests.factories import CohortFactory, ParticipantFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

STAFF = [Role.ADMIN, Role.COORDINATOR]
NOT_STAFF = [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER]

# What staff see (admins and coordinators alike): who came is two counts, never names.
ACTIVITY_FIELDS = {
    "id",
    "kind",
    "title",
    "held_at",
    "place",
    "partners",
    "programme",
    "cohort",
    "community_members",
    "professionals",
    "agreed",
    "created_at",
}
FOLLOW_UP_FIELDS = {
    "id",
    "activity",
    "description",
    "owner",
    "owner_name",
    "owner_partner",
    "due_on",
    "done_at",
    "created_at",
}


def partner_ids(org, activity_id):
    with org_context(org.pk):
        return set(
            CollaborationPartner.objects.for_org(org)
            .filter(activity_id=activity_id)
            .values_list("partner_id", flat=True)
        )


# -- activities -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_exactly_the_policys_activity_fields(org, api_client, role):
    ParticipantFactory(organisation=org, display_name="Zaynab")
    link = CollaborationPartnerFactory(organisation=org)
    client = api_client(org, role)
    listed = client.get(url("collaboration-list", org)).json()
    one = client.get(url("collaboration-detail", org, collaboration_id=link.activity_id)).json()
    assert set(listed["results"][0]) == set(one) == ACTIVITY_FIELDS
    assert one["partners"] == [link.partner_id]
    assert "Zaynab" not in str(listed) + str(one)


def test_recording_an_activity_with_two_partners(org, api_client):
    first = PartnerOrganisationFactory(organisation=org)
    second = PartnerOrganisationFactory(organisation=org)
    programme = ProgrammeFactory(organisation=org)
    cohort = CohortFactory(organisation=org, programme=programme)
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        url("collaboration-list", org),
        {
            "kind": "dialogue",
            "title": " Dialogue on safety ",
            "held_at": "2026-03-04T18:00",
            "partners": [first.pk, second.pk],
            "programme": programme.pk,
            "cohort": cohort.pk,
            "community_members": 20,
            "professionals": 4,
            "agreed": "Meet again in May.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == ACTIVITY_FIELDS
    assert body["title"] == "Dialogue on safety"
    assert sorted(body["partners"]) == sorted([first.pk, second.pk])
    # Without an offset, the time is the organisation's (Copenhagen, winter: UTC+1).
    assert body["held_at"] == "2026-03-04T18:00:00+01:00"
    assert partner_ids(org, body["id"]) == {first.pk, second.pk}
    assert actions(org)[-2:] == ["collaboration.created", "api.api-collaboration-list"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"community_members": -3}, "community_members"),  # the service's message
        ({"partners": []}, "partners"),  # the service: at least one
        ({"partners": [987654321]}, "partners"),
        ({"kind": "party"}, "kind"),
        ({"title": "  "}, "title"),
        ({"held_at": "0001-01-01T00:00"}, "held_at"),
        ({"participants": ["Zaynab"]}, "participants"),
    ],
)
def test_a_bad_activity_is_refused_naming_the_field(org, api_client, change, field):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    payload = {
        "kind": "joint_event",
        "title": "Street party",
        "held_at": "2026-03-04T18:00",
        "partners": [partner.pk],
    }
    response = client.post(url("collaboration-list", org), payload | change, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert rows(CollaborationActivity, org) == rows(CollaborationPartner, org) == []


def test_another_organisations_partner_or_cohort_is_no_such_object(org, other_org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    foreign_partner = PartnerOrganisationFactory(organisation=other_org)
    foreign_cohort = CohortFactory(organisation=other_org)
    client = api_client(org, Role.ADMIN)
    payload = {"kind": "dialogue", "title": "M", "held_at": "2026-03-04T18:00"}
    for extra, field in (
        ({"partners": [partner.pk, foreign_partner.pk]}, "partners"),
        ({"partners": [partner.pk], "cohort": foreign_cohort.pk}, "cohort"),
    ):
        response = client.post(url("collaboration-list", org), payload | extra, format="json")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {field}
    assert rows(CollaborationActivity, org) == rows(CollaborationActivity, other_org) == []


def test_a_change_replaces_the_partners_and_keeps_the_rest(org, api_client):
    link = CollaborationPartnerFactory(organisation=org, activity__title="Visit")
    newcomer = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    response = client.patch(
        url("collaboration-detail", org, collaboration_id=link.activity_id),
        {"partners": [newcomer.pk], "professionals": 5},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["partners"], body["professionals"], body["title"]) == ([newcomer.pk], 5, "Visit")
    assert partner_ids(org, link.activity_id) == {newcomer.pk}
    assert actions(org)[-2:] == ["collaboration.updated", "api.api-collaboration-detail"]


def test_a_partial_change_cannot_pair_a_cohort_with_another_programme(org, api_client):
    # The regression: the service checked cohort against programme only when both were sent.
    programme = ProgrammeFactory(organisation=org)
    activity = CollaborationActivityFactory(organisation=org, programme=programme)
    other_cohort = CohortFactory(organisation=org)  # of another programme
    client = api_client(org, Role.COORDINATOR)
    before = rows(CollaborationActivity, org)
    response = client.patch(
        url("collaboration-detail", org, collaboration_id=activity.pk),
        {"cohort": other_cohort.pk},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"cohort"}
    assert rows(CollaborationActivity, org) == before


def test_an_archived_programme_is_not_offered(org, api_client):
    archived = ProgrammeFactory(organisation=org, archived_at=timezone.now())
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        url("collaboration-list", org),
        {
            "kind": "dialogue",
            "title": "M",
            "held_at": "2026-03-04T18:00",
            "partners": [partner.pk],
            "programme": archived.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"programme"}
    assert rows(CollaborationActivity, org) == []


def test_the_activity_list_filters(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    with_partner = CollaborationPartnerFactory(
        organisation=org, partner=partner, activity__kind="joint_event"
    ).activity
    last_year = CollaborationPartnerFactory(
        organisation=org, activity__held_at=timezone.now() - timedelta(days=400)
    ).activity
    client = api_client(org, Role.COORDINATOR)

    def ids(**params):
        response = client.get(url("collaboration-list", org), params)
        assert response.status_code == 200, response.json()
        return [a["id"] for a in response.json()["results"]]

    assert ids() == [with_partner.pk, last_year.pk]  # newest first
    assert ids(partner=partner.pk) == [with_partner.pk]
    assert ids(kind="joint_event") == [with_partner.pk]
    # 400 days ago is always in an earlier year.
    assert ids(year=last_year.held_at.year) == [last_year.pk]
    cut = (timezone.now() - timedelta(days=30)).isoformat()
    assert ids(held_before=cut) == [last_year.pk]
    assert ids(held_from=cut) == [with_partner.pk]
    for bad in (
        {"year": "99999"},
        {"partner": "-1"},
        {"kind": "party"},
        {"held_from": "0001-01-01T00:00"},
    ):
        response = client.get(url("collaboration-list", org), bad)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(bad)


def test_activity_list_query_count_is_the_same_for_5_and_50_activities(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    client.get(url("me", org))  # the token's last use is stored once, on the first request
    programme = ProgrammeFactory(organisation=org)

    def measure(activities):
        for _ in range(activities):
            link = CollaborationPartnerFactory(organisation=org, activity__programme=programme)
            CollaborationPartnerFactory(organisation=org, activity=link.activity)
        count, response = count_queries(lambda: client.get(url("collaboration-list", org)))
        assert response.status_code == 200
        return count, len(response.json()["results"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(45)
    assert (rows5, rows50) == (5, 50)
    # The request's own, the count, the page of activities, their partner links (a prefetch).
    assert five == fifty == request_queries() + 3


def test_another_organisations_activity_is_404_and_unchanged(org, other_org, api_client):
    foreign = CollaborationPartnerFactory(organisation=other_org).activity
    client = api_client(org, Role.ADMIN)
    path = url("collaboration-detail", org, collaboration_id=foreign.pk)
    before = rows(CollaborationActivity, other_org)
    assert client.get(path).status_code == 404
    assert client.patch(path, {"title": "Mine"}, format="json").status_code == 404
    assert rows(CollaborationActivity, other_org) == before


@pytest.mark.parametrize("role", NOT_STAFF)
def test_only_staff_reach_collaboration(org, api_client, role):
    activity = CollaborationPartnerFactory(organisation=org).activity
    follow_up = FollowUpFactory(organisation=org, activity=activity)
    client = api_client(org, role)
    for path in (
        url("collaboration-list", org),
        url("collaboration-detail", org, collaboration_id=activity.pk),
        url("collaboration-follow-ups", org, collaboration_id=activity.pk),
        url("follow-up-list", org),
        url("follow-up-detail", org, follow_up_id=follow_up.pk),
    ):
        assert client.get(path).status_code == 403, path
    done = client.post(url("follow-up-done", org, follow_up_id=follow_up.pk))
    assert done.status_code == 403
    assert rows(FollowUp, org)[0]["done_at"] is None


def test_a_read_only_token_cannot_record_an_activity(org, api_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR, read_only=True)
    response = client.post(
        url("collaboration-list", org),
        {"kind": "dialogue", "title": "M", "held_at": "2026-03-04T18:00", "partners": [partner.pk]},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert rows(CollaborationActivity, org) == []


# -- follow-ups -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_exactly_the_policys_follow_up_fields(org, api_client, role):
    follow_up = FollowUpFactory(organisation=org)
    client = api_client(org, role)
    listed = client.get(url("follow-up-list", org)).json()["results"][0]
    nested = client.get(
        url("collaboration-follow-ups", org, collaboration_id=follow_up.activity_id)
    ).json()["results"][0]
    one = client.get(url("follow-up-detail", org, follow_up_id=follow_up.pk)).json()
    assert set(listed) == set(nested) == set(one) == FOLLOW_UP_FIELDS


def test_adding_follow_ups_and_marking_one_done(org, api_client):
    link = CollaborationPartnerFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    colleague = api_client(org, Role.TRAINER).membership.user
    path = url("collaboration-follow-ups", org, collaboration_id=link.activity_id)

    by_partner = client.post(
        path,
        {
            "description": "Send the minutes",
            "owner_partner": link.partner_id,
            "due_on": "2026-03-20",
        },
        format="json",
    )
    by_member = client.post(
        path,
        {"description": "Book the hall", "owner": colleague.pk, "due_on": "2026-03-10"},
        format="json",
    )
    assert (by_partner.status_code, by_member.status_code) == (201, 201), by_member.json()
    assert set(by_member.json()) == FOLLOW_UP_FIELDS
    assert by_member.json()["owner_name"] == colleague.name
    assert actions(org)[-2:] == ["follow_up.created", "api.api-collaboration-follow-ups"]
    listed = client.get(path).json()["results"]
    assert [f["description"] for f in listed] == ["Book the hall", "Send the minutes"]

    done_path = url("follow-up-done", org, follow_up_id=by_member.json()["id"])
    done = client.post(done_path)
    assert done.status_code == 200 and done.json()["done_at"] is not None
    assert actions(org)[-2:] == ["follow_up.done", "api.api-follow-up-done"]
    again = client.post(done_path)  # doing it twice changes nothing
    assert again.json()["done_at"] == done.json()["done_at"]
    open_ones = client.get(url("follow-up-list", org), {"open": "true"}).json()["results"]
    assert [f["description"] for f in open_ones] == ["Send the minutes"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner_partner": None}, "owner"),  # the service: someone owns it
        ({"description": "  "}, "description"),
        ({"due_on": "3000-01-01"}, "due_on"),
        ({"owner": 987654321}, "owner"),
        ({"owner_partner": "not-an-id"}, "owner_partner"),
    ],
)
def test_a_bad_follow_up_is_refused_naming_the_field(org, api_client, change, field):
    link = CollaborationPartnerFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    payload = {"description": "Minutes", "owner_partner": link.partner_id, "due_on": "2026-03-20"}
    response = client.post(
        url("collaboration-follow-ups", org, collaboration_id=link.activity_id),
        payload | change,
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert rows(FollowUp, org) == []


def test_a_follow_up_is_owned_by_the_team_or_a_partner_taking_part(org, api_client):
    link = CollaborationPartnerFactory(organisation=org)
    bystander = PartnerOrganisationFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    partner_member = api_client(org, Role.PARTNER).membership.user
    path = url("collaboration-follow-ups", org, collaboration_id=link.activity_id)
    for owner, field in (
        ({"owner_partner": bystander.pk}, "owner_partner"),
        ({"owner": partner_member.pk}, "owner"),  # a partner contact is not the team
    ):
        payload = {"description": "Minutes", "due_on": "2026-03-20", **owner}
        response = client.post(path, payload, format="json")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {field}
    assert rows(FollowUp, org) == []


def test_another_organisations_activity_and_follow_ups_are_404(org, other_org, api_client):
    foreign = FollowUpFactory(organisation=other_org)
    client = api_client(org, Role.ADMIN)
    nested = url("collaboration-follow-ups", org, collaboration_id=foreign.activity_id)
    before = rows(FollowUp, other_org)
    assert client.get(nested).status_code == 404
    payload = {
        "description": "Mine",
        "owner_partner": foreign.owner_partner_id,
        "due_on": "2026-03-20",
    }
    assert client.post(nested, payload, format="json").status_code == 404
    assert client.get(url("follow-up-detail", org, follow_up_id=foreign.pk)).status_code == 404
    assert client.post(url("follow-up-done", org, follow_up_id=foreign.pk)).status_code == 404
    assert rows(FollowUp, other_org) == before


@pytest.mark.parametrize("nested", [False, True])
def test_follow_up_lists_query_count_is_the_same_for_5_and_50(org, api_client, nested):
    client = api_client(org, Role.COORDINATOR)
    client.get(url("me", org))  # the token's last use is stored once, on the first request
    link = CollaborationPartnerFactory(organisation=org)
    owner = client.membership.user
    path = (
        url("collaboration-follow-ups", org, collaboration_id=link.activity_id)
        if nested
        else url("follow-up-list", org)
    )

    def measure(follow_ups):
        for _ in range(follow_ups):
            FollowUpFactory(
                organisation=org, activity=link.activity, owner=owner, owner_partner=link.partner
            )
        count, response = count_queries(lambda: client.get(path))
        assert response.status_code == 200
        return count, len(response.json()["results"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(45)
    assert (rows5, rows50) == (5, 50)
    # The request's own, (the activity, when nested), the count, the page of follow-ups with
    # their owners.
    assert five == fifty == request_queries() + 2 + nested


def test_a_read_only_token_cannot_add_or_complete_a_follow_up(org, api_client):
    follow_up = FollowUpFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR, read_only=True)
    before = rows(FollowUp, org)
    for response in (
        client.post(url("follow-up-done", org, follow_up_id=follow_up.pk)),
        client.post(
            url("collaboration-follow-ups", org, collaboration_id=follow_up.activity_id),
            {
                "description": "M",
                "owner_partner": follow_up.owner_partner_id,
                "due_on": "2026-03-20",
            },
            format="json",
        ),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert rows(FollowUp, org) == before
