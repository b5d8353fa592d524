"""The families pages: who may do what (trainers read the activities of their own cohorts,
staff plan, invite, record and send links), the forms, and query counts that do not grow."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from families.models import FamilyActivity, GuardianInvitation, GuardianLink
from families.tests.factories import FamilyActivityFactory, GuardianLinkFactory
from families.tests.helpers import NOW, child, scene
from programmes.tests.factories import CohortFactory, CohortTrainerFactory

pytestmark = pytest.mark.django_db


def _url(org, name, **kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("role", "list_status", "create_status", "links_status"),
    [
        (Role.ADMIN, 200, 200, 200),
        (Role.COORDINATOR, 200, 200, 200),
        (Role.TRAINER, 200, 403, 403),
        (Role.AMBASSADOR, 403, 403, 403),
        (Role.PARTNER, 403, 403, 403),
    ],
)
def test_who_may_read_plan_and_send_links(
    org, member_client, role, list_status, create_status, links_status
):
    client = member_client(org, role)
    cohort = CohortFactory(organisation=org)
    assert client.get(_url(org, "family_activity_list")).status_code == list_status
    assert client.get(_url(org, "family_activity_create")).status_code == create_status
    links = _url(org, "guardian_links", cohort_id=cohort.pk)
    assert client.get(links).status_code == links_status


@time_machine.travel(NOW, tick=False)
def test_a_trainer_sees_the_activities_of_their_own_cohorts_only(org, member_client):
    client = member_client(org, Role.TRAINER)
    mine = CohortFactory(organisation=org, name="Mine")
    CohortTrainerFactory(organisation=org, cohort=mine, user=client.membership.user)
    own = FamilyActivityFactory(organisation=org, cohort=mine, title="Our evening")
    other = FamilyActivityFactory(organisation=org, title="Their evening")

    html = client.get(_url(org, "family_activity_list")).content.decode()
    assert "Our evening" in html and "Their evening" not in html
    detail = client.get(_url(org, "family_activity_detail", family_activity_id=own.pk))
    assert detail.status_code == 200
    assert "Invite guardians" not in detail.content.decode()
    assert (
        client.get(_url(org, "family_activity_detail", family_activity_id=other.pk)).status_code
        == 404
    )
    counts = _url(org, "family_activity_counts", family_activity_id=own.pk)
    assert (
        client.post(counts, {"adults_attended": 1, "young_people_attended": 1}).status_code == 403
    )


@time_machine.travel(NOW, tick=False)
def test_a_coordinator_plans_invites_all_and_records_the_counts(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    with org_context(org.pk):
        world = scene(org)
    response = client.post(
        _url(org, "family_activity_create"),
        {
            "cohort": world["cohort"].pk,
            "kind": "parents_evening",
            "title": "Parents' evening",
            "starts_at": "2026-03-10T18:00",
            "ends_at": "2026-03-10T20:00",
            "venue": "Youth house",
            "notes": "",
        },
    )
    assert response.status_code == 302
    with org_context(org.pk):
        activity = FamilyActivity.objects.for_org(org).get()
    assert activity.starts_at.hour == 17  # 18:00 in Copenhagen is 17:00 UTC in March

    invite = _url(org, "family_activity_invite", family_activity_id=activity.pk)
    page = client.get(invite).content.decode()
    assert "Invite all (2 families)" in page
    assert client.post(invite, {"everyone": "on"}).status_code == 302
    with org_context(org.pk):
        assert GuardianInvitation.objects.for_org(org).filter(activity=activity).count() == 2

    counts = _url(org, "family_activity_counts", family_activity_id=activity.pk)
    early = client.post(counts, {"adults_attended": 5, "young_people_attended": 3})
    assert early.status_code == 400
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        client.force_login(client.membership.user)  # a week later: a new sign-in
        assert (
            client.post(counts, {"adults_attended": 5, "young_people_attended": 3}).status_code
            == 302
        )
        detail = client.get(_url(org, "family_activity_detail", family_activity_id=activity.pk))
    assert "5 adults, 3 young people" in detail.content.decode()


@time_machine.travel(NOW, tick=False)
def test_inviting_some_families_invites_only_those_ticked(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    with org_context(org.pk):
        world = scene(org)
        activity = FamilyActivityFactory(organisation=org, cohort=world["cohort"])
    invite = _url(org, "family_activity_invite", family_activity_id=activity.pk)
    assert client.post(invite, {"participants": [world["ali"].pk]}).status_code == 302
    assert client.post(invite, {"participants": [world["stranger"].pk]}).status_code == 400
    with org_context(org.pk):
        invited = set(
            GuardianInvitation.objects.for_org(org).values_list("participant_id", flat=True)
        )
    assert invited == {world["ali"].pk}


@time_machine.travel(NOW, tick=False)
def test_a_coordinator_sends_and_stops_a_guardians_link_from_the_cohorts_page(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    with org_context(org.pk):
        world = scene(org)
    links = _url(org, "guardian_links", cohort_id=world["cohort"].pk)
    assert "Send a link" in client.get(links).content.decode()
    send = _url(org, "guardian_link_send", participant_id=world["bea"].pk)
    assert client.post(send, {"cohort": world["cohort"].pk})["Location"] == links
    with org_context(org.pk):
        link = GuardianLink.objects.for_org(org).get()
    revoke = _url(org, "guardian_link_revoke", guardian_link_id=link.pk)
    client.post(revoke, {"cohort": world["cohort"].pk})
    with org_context(org.pk):
        link.refresh_from_db()
    assert link.revoked_at is not None
    # The participant's page carries the same panel, and its button comes back to it.
    participant = reverse("participant_detail", args=[org.slug, world["bea"].pk])
    assert client.post(send)["Location"] == participant
    assert "Guardian&#x27;s link" in client.get(participant).content.decode() or (
        "Guardian's link" in client.get(participant).content.decode()
    )


def _activities(org, cohort, count):
    for n in range(count):
        FamilyActivityFactory(
            organisation=org, cohort=cohort, starts_at=NOW - timedelta(days=n + 1)
        )


@time_machine.travel(NOW, tick=False)
def test_the_list_and_the_invitation_page_cost_the_same_for_5_and_50(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    activity = FamilyActivityFactory(organisation=org, cohort=cohort)
    counted = {}
    for size in (5, 50):
        with org_context(org.pk):
            _activities(org, cohort, size - len(counted) * 5)
            for _ in range(size - len(counted) * 5):
                participant = child(org, cohort)
                GuardianLinkFactory(organisation=org, participant=participant)
        list_queries, listed = count_queries(lambda: client.get(_url(org, "family_activity_list")))
        invite_queries, invited = count_queries(
            lambda: client.get(_url(org, "family_activity_invite", family_activity_id=activity.pk))
        )
        assert listed.status_code == invited.status_code == 200
        counted[size] = (list_queries, invite_queries)
    assert counted[5] == counted[50]
