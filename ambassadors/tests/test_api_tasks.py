"""The outreach task API: coordinators assign within the caps and decide; an ambassador's token
reaches only their own tasks, with no participant data, and only the moves of the task page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ambassadors.models import Debrief, OutreachTask
from cocora.organisations.models import Role

from .factories import AmbassadorFactory, DebriefFactory, OutreachTaskFactory
from .test_api_support import (
    API_TENANT_QUERIES,
    ambassador_token,
    api,
    audit_actions,
    count,
    fetch,
    measure_list,
    name_of,
    next_monday,
)

pytestmark = pytest.mark.django_db

# The policy, written out: a field added by accident fails these.
OWN_TASK_KEYS = {
    "id",
    "kind",
    "title",
    "description",
    "due_on",
    "estimated_hours",
    "status",
    "is_overdue",
    "proposed_by_ambassador",
    "has_buddy",
    "coordinator_note",
    "peers_reached",
    "hours_spent",
    "what_worked",
    "what_was_hard",
    "difficult_moment",
    "completed_on",
    "reviewed_at",
    "created_at",
    "updated_at",
}
STAFF_TASK_KEYS = OWN_TASK_KEYS | {"ambassador", "ambassador_name", "buddy", "buddy_name"}


def assign_body(ambassador, **overrides):
    body = {
        "ambassador": ambassador.pk,
        "kind": "peer_conversation",
        "title": "Talk to the basketball group",
        "due_on": str(next_monday()),
        "estimated_hours": "1",
    }
    body.update(overrides)
    return body


# -- what each reader receives ------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_staff_receive_the_staff_shape(org, api_client, role):
    client = api_client(org, role)
    buddy = AmbassadorFactory(organisation=org)
    task = OutreachTaskFactory(organisation=org, buddy=buddy)

    listed = client.get(api(org, "ambassadors/tasks/")).json()["results"]
    one = client.get(api(org, f"ambassadors/tasks/{task.pk}/")).json()

    assert set(listed[0]) == set(one) == STAFF_TASK_KEYS
    assert one["buddy_name"] == name_of(org, buddy)
    assert one["ambassador_name"] == name_of(org, task.ambassador)


def test_an_ambassador_receives_their_own_tasks_without_any_participant_data(org):
    client = ambassador_token(org)
    buddy = AmbassadorFactory(organisation=org)
    task = OutreachTaskFactory(
        organisation=org, ambassador=client.ambassador, buddy=buddy, title="Stand at the fair"
    )

    listed = client.get(api(org, "ambassadors/tasks/"))
    one = client.get(api(org, f"ambassadors/tasks/{task.pk}/"))

    assert set(listed.json()["results"][0]) == set(one.json()) == OWN_TASK_KEYS
    assert one.json()["has_buddy"] is True
    # No names anywhere, not even the buddy's or their own; no participant ids.
    for body in (listed.content.decode(), one.content.decode()):
        assert name_of(org, buddy) not in body
        assert name_of(org, client.ambassador) not in body
        assert "participant" not in body


def test_an_ambassador_never_reaches_another_ambassadors_task(org, other_org):
    client = ambassador_token(org)
    own = OutreachTaskFactory(organisation=org, ambassador=client.ambassador)
    colleagues = OutreachTaskFactory(organisation=org, title="A colleague's task")
    foreign = OutreachTaskFactory(organisation=other_org)

    listed = client.get(api(org, "ambassadors/tasks/")).json()["results"]
    assert [t["id"] for t in listed] == [own.pk]
    for task in (colleagues, foreign):
        assert client.get(api(org, f"ambassadors/tasks/{task.pk}/")).status_code == 404
        start = client.post(api(org, f"ambassadors/tasks/{task.pk}/start/"), {})
        assert start.status_code == 404
        report = client.post(
            api(org, f"ambassadors/tasks/{task.pk}/complete/"),
            {"peers_reached": 3, "hours_spent": "1"},
        )
        assert report.status_code == 404
    assert fetch(org, OutreachTask, colleagues.pk).status == "assigned"
    # Filtering by a colleague's id finds nothing either.
    filtered = client.get(api(org, "ambassadors/tasks/"), {"ambassador": colleagues.ambassador_id})
    assert filtered.json()["results"] == []


def test_an_ambassador_role_member_without_a_record_sees_nothing(org, api_client):
    client = api_client(org, Role.AMBASSADOR)
    OutreachTaskFactory(organisation=org)
    assert client.get(api(org, "ambassadors/tasks/")).json()["results"] == []
    proposal = client.post(
        api(org, "ambassadors/tasks/propose/"),
        {"kind": "online", "title": "A post", "due_on": str(next_monday())},
    )
    assert proposal.status_code == 404


@pytest.mark.parametrize("role", [Role.TRAINER, Role.PARTNER])
def test_trainers_and_partner_contacts_reach_no_task(org, api_client, role):
    client = api_client(org, role)
    task = OutreachTaskFactory(organisation=org)
    assert client.get(api(org, "ambassadors/tasks/")).status_code == 403
    # A task they cannot see is a 404, as on the task page.
    assert client.get(api(org, f"ambassadors/tasks/{task.pk}/")).status_code == 404


# -- assigning ----------------------------------------------------------------------------------


def test_a_coordinator_assigns_a_task(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    ambassador, buddy = AmbassadorFactory(organisation=org), AmbassadorFactory(organisation=org)

    response = client.post(
        api(org, "ambassadors/tasks/"), assign_body(ambassador, buddy=buddy.pk, description="x")
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == STAFF_TASK_KEYS
    assert (body["ambassador"], body["buddy"], body["status"]) == (
        ambassador.pk,
        buddy.pk,
        "assigned",
    )
    assert audit_actions(org)[-2:] == ["outreach_task.assigned", "api.api-outreach-task-list"]


def test_the_open_tasks_cap_is_a_409_and_nothing_is_assigned(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    for week in range(3):
        due = str(next_monday() + timedelta(weeks=week))
        created = client.post(api(org, "ambassadors/tasks/"), assign_body(ambassador, due_on=due))
        assert created.status_code == 201
    response = client.post(
        api(org, "ambassadors/tasks/"),
        assign_body(ambassador, due_on=str(next_monday() + timedelta(weeks=4))),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "cap"
    assert "the cap is 3 open tasks" in response.json()["errors"]["ambassador"][0]
    assert count(org, OutreachTask, ambassador=ambassador) == 3


def test_the_weekly_hours_cap_is_a_409_on_the_hours(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    client.post(api(org, "ambassadors/tasks/"), assign_body(ambassador, estimated_hours="3"))
    response = client.post(
        api(org, "ambassadors/tasks/"), assign_body(ambassador, estimated_hours="1.5")
    )
    assert response.status_code == 409
    assert (response.json()["code"], list(response.json()["errors"])) == (
        "cap",
        ["estimated_hours"],
    )
    assert count(org, OutreachTask, ambassador=ambassador) == 1


def test_an_outstanding_debrief_is_a_409(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    DebriefFactory(organisation=org, ambassador=ambassador)
    response = client.post(api(org, "ambassadors/tasks/"), assign_body(ambassador))
    assert (response.status_code, response.json()["code"]) == (409, "debrief")
    assert count(org, OutreachTask) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "gossip"}, "kind"),
        ({"estimated_hours": "-2"}, "estimated_hours"),
        ({"due_on": "2001-01-01"}, "due_on"),
        ({"peer_names": ["Sam"]}, "peer_names"),
    ],
)
def test_bad_input_names_the_field_and_assigns_nothing(org, api_client, change, field):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    response = client.post(api(org, "ambassadors/tasks/"), assign_body(ambassador, **change))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert count(org, OutreachTask) == 0


def test_another_organisations_ambassador_is_no_such_object(org, other_org, api_client):
    client = api_client(org, Role.COORDINATOR)
    foreign = AmbassadorFactory(organisation=other_org)
    response = client.post(api(org, "ambassadors/tasks/"), assign_body(foreign))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ambassador"]
    assert count(org, OutreachTask) == 0 and count(other_org, OutreachTask) == 0


def test_ambassadors_cannot_assign_and_a_read_only_token_cannot_write(org, api_client):
    ambassador = AmbassadorFactory(organisation=org)
    own = ambassador_token(org)
    assert own.post(api(org, "ambassadors/tasks/"), assign_body(ambassador)).status_code == 403
    read_only = api_client(org, Role.COORDINATOR, read_only=True)
    response = read_only.post(api(org, "ambassadors/tasks/"), assign_body(ambassador))
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert count(org, OutreachTask) == 0


# -- changing -----------------------------------------------------------------------------------


def test_a_coordinator_changes_a_task(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    task = OutreachTaskFactory(organisation=org, due_on=next_monday())
    url = api(org, f"ambassadors/tasks/{task.pk}/")

    response = client.patch(
        url, {"title": "Stand at the fair", "due_on": str(next_monday() + timedelta(days=1))}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Stand at the fair"
    assert fetch(org, OutreachTask, task.pk).due_on == next_monday() + timedelta(days=1)
    assert audit_actions(org)[-2:] == ["outreach_task.changed", "api.api-outreach-task-detail"]


def test_an_overdue_task_keeps_its_due_date_when_its_title_changes(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    late = timezone.localdate() - timedelta(days=3)
    task = OutreachTaskFactory(organisation=org, due_on=late)
    response = client.patch(api(org, f"ambassadors/tasks/{task.pk}/"), {"title": "Still to do"})
    assert response.status_code == 200, response.json()
    assert response.json()["is_overdue"] is True


def test_changing_the_hours_honours_the_weekly_cap(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    OutreachTaskFactory(
        organisation=org, ambassador=ambassador, due_on=next_monday(), estimated_hours=Decimal("3")
    )
    task = OutreachTaskFactory(organisation=org, ambassador=ambassador, due_on=next_monday())
    url = api(org, f"ambassadors/tasks/{task.pk}/")

    refused = client.patch(url, {"estimated_hours": "2"})
    assert (refused.status_code, refused.json()["code"]) == (409, "cap")
    assert fetch(org, OutreachTask, task.pk).estimated_hours == Decimal("1")
    # Its own old hours do not count against it: 3 + 1 is exactly the cap of 4.
    assert client.patch(url, {"estimated_hours": "1", "title": "Same hours"}).status_code == 200


def test_reassigning_honours_the_new_ambassadors_caps(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    full = AmbassadorFactory(organisation=org)
    for week in range(3):
        OutreachTaskFactory(
            organisation=org, ambassador=full, due_on=next_monday() + timedelta(weeks=week)
        )
    task = OutreachTaskFactory(organisation=org)
    url = api(org, f"ambassadors/tasks/{task.pk}/")
    refused = client.patch(url, {"ambassador": full.pk})
    assert (refused.status_code, refused.json()["code"]) == (409, "cap")
    assert fetch(org, OutreachTask, task.pk).ambassador_id == task.ambassador_id
    free = AmbassadorFactory(organisation=org)
    assert client.patch(url, {"ambassador": free.pk}).json()["ambassador"] == free.pk


@pytest.mark.parametrize(
    ("status", "change", "code", "field"),
    [
        ("in_progress", "ambassador", "invalid", "ambassador"),
        ("done", "title", "conflict", "status"),
        ("cancelled", "title", "conflict", "status"),
    ],
)
def test_what_cannot_change_any_more(org, api_client, status, change, code, field):
    client = api_client(org, Role.COORDINATOR)
    task = OutreachTaskFactory(organisation=org, status=status, title="As it was")
    other = AmbassadorFactory(organisation=org)
    value = other.pk if change == "ambassador" else "Changed"
    response = client.patch(api(org, f"ambassadors/tasks/{task.pk}/"), {change: value})
    assert (response.json()["code"], list(response.json()["errors"])) == (code, [field])
    assert response.status_code == (409 if code == "conflict" else 400)
    stored = fetch(org, OutreachTask, task.pk)
    assert (stored.title, stored.ambassador_id) == ("As it was", task.ambassador_id)


def test_patch_bad_input_foreign_ids_and_roles(org, other_org, api_client):
    coordinator = api_client(org, Role.COORDINATOR)
    task = OutreachTaskFactory(organisation=org, title="As it was")
    foreign = OutreachTaskFactory(organisation=other_org, title="Elsewhere")
    url = api(org, f"ambassadors/tasks/{task.pk}/")

    assert "estimated_hours" in coordinator.patch(url, {"estimated_hours": "lots"}).json()["errors"]
    assert "status" in coordinator.patch(url, {"status": "done"}).json()["errors"]  # not here
    foreign_url = api(org, f"ambassadors/tasks/{foreign.pk}/")
    assert coordinator.patch(foreign_url, {"title": "Mine now"}).status_code == 404
    assert fetch(other_org, OutreachTask, foreign.pk).title == "Elsewhere"
    own = ambassador_token(org)
    own_task = OutreachTaskFactory(organisation=org, ambassador=own.ambassador)
    own_url = api(org, f"ambassadors/tasks/{own_task.pk}/")
    assert own.patch(own_url, {"title": "x"}).status_code == 403
    assert fetch(org, OutreachTask, task.pk).title == "As it was"


# -- the ambassador's moves and the coordinator's decisions ---------------------------------------


def test_propose_approve_start_report_review(org, api_client):
    own = ambassador_token(org)
    coordinator = api_client(org, Role.COORDINATOR)

    proposal = own.post(
        api(org, "ambassadors/tasks/propose/"),
        {"kind": "online", "title": "A post about the youth council", "due_on": str(next_monday())},
    )
    assert proposal.status_code == 201, proposal.json()
    assert set(proposal.json()) == OWN_TASK_KEYS
    assert (proposal.json()["status"], proposal.json()["proposed_by_ambassador"]) == (
        "proposed",
        True,
    )
    task_url = api(org, f"ambassadors/tasks/{proposal.json()['id']}/")

    approved = coordinator.post(task_url + "approve/", {"note": "Go for it"})
    assert approved.json()["status"] == "assigned"
    assert own.post(task_url + "start/", {}).json()["status"] == "in_progress"
    report = own.post(
        task_url + "complete/",
        {"peers_reached": 12, "hours_spent": "1.5", "what_worked": "Short videos"},
    )
    assert report.status_code == 200, report.json()
    assert (report.json()["status"], report.json()["peers_reached"]) == ("done", 12)
    reviewed = coordinator.post(task_url + "review/", {"note": "Thank you"})
    assert (reviewed.json()["status"], reviewed.json()["coordinator_note"]) == (
        "reviewed",
        "Thank you",
    )
    assert own.get(task_url).json()["coordinator_note"] == "Thank you"

    actions = audit_actions(org)
    for name in ("propose", "approve", "start", "complete", "review"):
        assert f"api.api-outreach-task-{name}" in actions


def test_a_difficult_moment_opens_a_debrief(org):
    own = ambassador_token(org)
    task = OutreachTaskFactory(organisation=org, ambassador=own.ambassador, status="in_progress")
    response = own.post(
        api(org, f"ambassadors/tasks/{task.pk}/complete/"),
        {"peers_reached": 4, "hours_spent": "2", "difficult_moment": True},
    )
    assert response.status_code == 200, response.json()
    assert count(org, Debrief, ambassador=own.ambassador, task_id=task.pk, held_on=None) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"peers_reached": -3, "hours_spent": "1"}, "peers_reached"),
        ({"peers_reached": 3, "hours_spent": "-1"}, "hours_spent"),
        ({"hours_spent": "1"}, "peers_reached"),
        # A report counts peers; it has no place for names.
        ({"peers_reached": 2, "hours_spent": "1", "peer_names": "Sam, Alex"}, "peer_names"),
    ],
)
def test_a_bad_report_names_the_field_and_changes_nothing(org, body, field):
    own = ambassador_token(org)
    task = OutreachTaskFactory(organisation=org, ambassador=own.ambassador, status="in_progress")
    response = own.post(api(org, f"ambassadors/tasks/{task.pk}/complete/"), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert fetch(org, OutreachTask, task.pk).status == "in_progress"


def test_moves_out_of_order_are_409(org, api_client):
    own = ambassador_token(org)
    task = OutreachTaskFactory(organisation=org, ambassador=own.ambassador)
    url = api(org, f"ambassadors/tasks/{task.pk}/")
    report = own.post(url + "complete/", {"peers_reached": 1, "hours_spent": "1"})
    assert (report.status_code, report.json()["code"]) == (409, "conflict")
    assert own.post(url + "start/", {}).status_code == 200
    again = own.post(url + "start/", {})
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    coordinator = api_client(org, Role.COORDINATOR)
    assert coordinator.post(url + "approve/", {}).status_code == 409


def test_each_side_only_makes_its_own_moves(org, api_client):
    own = ambassador_token(org)
    coordinator = api_client(org, Role.COORDINATOR)
    task = OutreachTaskFactory(organisation=org, ambassador=own.ambassador, status="proposed")
    url = api(org, f"ambassadors/tasks/{task.pk}/")
    for move in ("approve", "decline", "review", "cancel"):
        assert own.post(url + f"{move}/", {"note": "x"}).status_code == 403
    for move in ("start", "complete"):
        assert coordinator.post(url + f"{move}/", {}).status_code == 403
    assert coordinator.post(api(org, "ambassadors/tasks/propose/"), {}).status_code == 403
    assert fetch(org, OutreachTask, task.pk).status == "proposed"


def test_declining_and_cancelling_need_a_word_for_the_ambassador(org, api_client):
    coordinator = api_client(org, Role.COORDINATOR)
    proposal = OutreachTaskFactory(organisation=org, status="proposed")
    url = api(org, f"ambassadors/tasks/{proposal.pk}/")
    missing = coordinator.post(url + "decline/", {})
    assert (missing.status_code, list(missing.json()["errors"])) == (400, ["note"])
    assert fetch(org, OutreachTask, proposal.pk).status == "proposed"
    declined = coordinator.post(url + "decline/", {"note": "Not this month"})
    assert declined.json()["status"] == "cancelled"
    task = OutreachTaskFactory(organisation=org)
    cancelled = coordinator.post(
        api(org, f"ambassadors/tasks/{task.pk}/cancel/"), {"note": "Rained off"}
    )
    assert (cancelled.json()["status"], cancelled.json()["coordinator_note"]) == (
        "cancelled",
        "Rained off",
    )


def test_decisions_on_another_organisations_task_are_404(org, other_org, api_client):
    coordinator = api_client(org, Role.COORDINATOR)
    foreign = OutreachTaskFactory(organisation=other_org, status="proposed")
    url = api(org, f"ambassadors/tasks/{foreign.pk}/")
    for move in ("approve", "decline", "cancel"):
        assert coordinator.post(url + f"{move}/", {"note": "x"}).status_code == 404
    assert fetch(other_org, OutreachTask, foreign.pk).status == "proposed"


def test_a_read_only_ambassador_token_cannot_start_a_task(org):
    own = ambassador_token(org, read_only=True)
    task = OutreachTaskFactory(organisation=org, ambassador=own.ambassador)
    response = own.post(api(org, f"ambassadors/tasks/{task.pk}/start/"), {})
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert fetch(org, OutreachTask, task.pk).status == "assigned"


# -- filters and query counts -------------------------------------------------------------------


def test_filters(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    late = OutreachTaskFactory(organisation=org, due_on=timezone.localdate() - timedelta(days=1))
    later = OutreachTaskFactory(organisation=org, due_on=timezone.localdate() + timedelta(days=30))
    done = OutreachTaskFactory(organisation=org, status="done")
    url = api(org, "ambassadors/tasks/")

    def ids(**query):
        response = client.get(url, query)
        assert response.status_code == 200, response.json()
        return {t["id"] for t in response.json()["results"]}

    assert ids(due="overdue") == {late.pk}
    assert ids(due="later") == {later.pk}
    assert ids(status="done") == {done.pk}
    assert ids(ambassador=late.ambassador_id) == {late.pk}
    assert ids(changed_since=(timezone.now() + timedelta(hours=1)).isoformat()) == set()
    assert client.get(url, {"due": "someday"}).status_code == 400


def test_the_staff_list_query_count_is_the_same_for_5_and_50_tasks(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    buddy = AmbassadorFactory(organisation=org)

    def make(n):
        for _ in range(n):
            OutreachTaskFactory(organisation=org, buddy=buddy)

    # token with its user, the membership with its organisation, count, the tasks with their
    # ambassadors and buddies in one join = 4 (+ tenant settings on PostgreSQL), whatever the
    # number.
    counts = measure_list(client, api(org, "ambassadors/tasks/"), make)
    assert counts == [4 + API_TENANT_QUERIES] * 2


def test_the_ambassadors_list_query_count_is_the_same_for_5_and_50_tasks(org):
    own = ambassador_token(org)
    buddy = AmbassadorFactory(organisation=org)

    def make(n):
        for _ in range(n):
            OutreachTaskFactory(organisation=org, ambassador=own.ambassador, buddy=buddy)

    # As for staff, plus the ambassador's own record = 5 (+ tenant settings on PostgreSQL);
    # no buddy is read.
    counts = measure_list(own, api(org, "ambassadors/tasks/"), make)
    assert counts == [5 + API_TENANT_QUERIES] * 2


def test_a_method_the_path_does_not_offer_is_405_on_a_visible_task_and_404_otherwise(org):
    own = ambassador_token(org)
    mine = OutreachTaskFactory(organisation=org, ambassador=own.ambassador)
    colleagues = OutreachTaskFactory(organisation=org)
    assert own.delete(api(org, f"ambassadors/tasks/{mine.pk}/")).status_code == 405
    assert own.put(api(org, f"ambassadors/tasks/{mine.pk}/"), {}).status_code == 405
    assert own.delete(api(org, f"ambassadors/tasks/{colleagues.pk}/")).status_code == 404
    assert count(org, OutreachTask) == 2


def test_a_date_years_away_is_a_400_not_a_500(org, api_client):
    coordinator = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    response = coordinator.post(
        f"/api/v1/o/{org.slug}/ambassadors/tasks/",
        {"ambassador": ambassador.pk, "kind": "online", "title": "Far", "due_on": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"due_on"}


def test_a_read_only_token_reads_its_tasks_without_linking_the_account(org, api_client):
    from django.utils import timezone as tz

    from cocora.organisations.context import org_context
    from cocora.organisations.tests.factories import InvitationFactory

    client = api_client(org, Role.AMBASSADOR, read_only=True)
    user = client.membership.user
    invitation = InvitationFactory(
        organisation=org, email=user.email, role=Role.AMBASSADOR, accepted_at=tz.now()
    )
    ambassador = AmbassadorFactory(organisation=org, invitation=invitation, user=None)
    OutreachTaskFactory(organisation=org, ambassador=ambassador, title="First task")

    listed = client.get(f"/api/v1/o/{org.slug}/ambassadors/tasks/")
    assert [t["title"] for t in listed.json()["results"]] == ["First task"]
    with org_context(org.pk):
        ambassador.refresh_from_db()
    assert ambassador.user_id is None
    assert "ambassador.account_linked" not in audit_actions(org)
