"""Outreach tasks: the caps, the debrief block, who may move a task where, and bad input."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Debrief, OutreachTask
from ambassadors.services import tasks as services
from ambassadors.services.ambassadors import ambassador_cap_raise, ambassador_settings_update
from ambassadors.services.care import debrief_record
from cocora.audit.models import AuditEvent
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory

from .factories import AmbassadorFactory, OutreachTaskFactory

pytestmark = pytest.mark.django_db


def staff(org, role=Role.COORDINATOR):
    return MembershipFactory(organisation=org, role=role).user


def linked_ambassador(org, **kwargs):
    user = MembershipFactory(organisation=org, role=Role.AMBASSADOR).user
    return AmbassadorFactory(organisation=org, user=user, **kwargs)


def assign(org, ambassador, actor, **overrides):
    values = {
        "kind": "peer_conversation",
        "title": "Talk to the basketball group",
        "due_on": timezone.localdate() + timedelta(days=1),
        "estimated_hours": Decimal("1"),
    }
    values.update(overrides)
    with org_context(org.pk):
        return services.task_assign(organisation=org, ambassador=ambassador, actor=actor, **values)


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def test_the_open_tasks_cap_refuses_the_fourth_task_and_names_the_cap(org):
    ambassador, coordinator = AmbassadorFactory(organisation=org), staff(org)
    for n in range(3):
        assign(org, ambassador, coordinator, due_on=next_monday() + timedelta(weeks=n))
    with pytest.raises(ApplicationError, match="the cap is 3 open tasks per ambassador"):
        assign(org, ambassador, coordinator, due_on=next_monday() + timedelta(weeks=4))
    with org_context(org.pk):
        assert OutreachTask.objects.for_org(org).count() == 3


def test_the_weekly_hours_cap_counts_open_tasks_due_in_the_same_week(org):
    ambassador, coordinator = AmbassadorFactory(organisation=org), staff(org)
    monday = next_monday()
    assign(org, ambassador, coordinator, due_on=monday, estimated_hours=Decimal("3"))
    with pytest.raises(ApplicationError, match="the cap is 4 hours per week"):
        assign(
            org, ambassador, coordinator, due_on=monday + timedelta(days=4), estimated_hours="1.5"
        )
    # The next week has room again.
    assign(org, ambassador, coordinator, due_on=monday + timedelta(days=7), estimated_hours="3")


def test_the_organisations_caps_and_a_raised_cap_with_a_reason(org):
    admin, coordinator = staff(org, Role.ADMIN), staff(org)
    ambassador = AmbassadorFactory(organisation=org)
    with org_context(org.pk):
        ambassador_settings_update(
            organisation=org, open_tasks_cap=1, weekly_hours_cap=Decimal("4"), actor=admin
        )
    assign(org, ambassador, coordinator)
    with pytest.raises(ApplicationError, match="the cap is 1 open tasks"):
        assign(org, ambassador, coordinator)

    with org_context(org.pk):
        with pytest.raises(ApplicationError, match="Only an admin"):
            ambassador_cap_raise(
                organisation=org,
                ambassador=ambassador,
                open_tasks_cap=2,
                weekly_hours_cap=None,
                reason="Runs the festival week",
                actor=coordinator,
            )
        with pytest.raises(ApplicationError, match="Say why"):
            ambassador_cap_raise(
                organisation=org,
                ambassador=ambassador,
                open_tasks_cap=2,
                weekly_hours_cap=None,
                reason=" ",
                actor=admin,
            )
        ambassador_cap_raise(
            organisation=org,
            ambassador=ambassador,
            open_tasks_cap=2,
            weekly_hours_cap=None,
            reason="Runs the festival week",
            actor=admin,
        )
        event = AuditEvent.objects.for_org(org).get(action="ambassador.cap_raised")
        # Numbers only in the audit trail; the reason stays on the record.
        assert "festival" not in str(event.details)
    assign(org, ambassador, coordinator, due_on=next_monday() + timedelta(weeks=2))


def test_a_difficult_moment_blocks_new_tasks_until_the_debrief_is_recorded(org):
    ambassador, coordinator = linked_ambassador(org), staff(org)
    task = OutreachTaskFactory(organisation=org, ambassador=ambassador, status="in_progress")
    with org_context(org.pk):
        services.task_complete(
            organisation=org,
            task=task,
            peers_reached=8,
            hours_spent="2",
            what_was_hard="Someone got angry.",
            difficult_moment=True,
            actor=ambassador.user,
        )
        debrief = Debrief.objects.for_org(org).get(ambassador=ambassador)
        assert debrief.due_on == timezone.localdate() + timedelta(days=7)
    with pytest.raises(ApplicationError, match="Record the debrief before assigning"):
        assign(org, ambassador, coordinator)
    with org_context(org.pk):
        debrief_record(
            organisation=org,
            debrief=debrief,
            held_on=timezone.localdate(),
            notes="Talked it through.",
            actor=coordinator,
        )
    assign(org, ambassador, coordinator)


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ({"peers_reached": -1, "hours_spent": "1"}, "Peers reached cannot be negative"),
        ({"peers_reached": 3, "hours_spent": "-0.5"}, "The hours spent cannot be negative"),
    ],
)
def test_a_report_with_negative_numbers_is_refused_and_changes_nothing(org, report, message):
    ambassador = linked_ambassador(org)
    task = OutreachTaskFactory(organisation=org, ambassador=ambassador, status="in_progress")
    with org_context(org.pk):
        with pytest.raises(ApplicationError, match=message):
            services.task_complete(organisation=org, task=task, actor=ambassador.user, **report)
        task.refresh_from_db()
        assert (task.status, task.peers_reached) == ("in_progress", None)


def test_a_new_task_due_in_the_past_is_refused(org):
    ambassador, coordinator = AmbassadorFactory(organisation=org), staff(org)
    with pytest.raises(ApplicationError, match="is in the past"):
        assign(org, ambassador, coordinator, due_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ApplicationError, match="estimated hours cannot be negative"):
        assign(org, ambassador, coordinator, estimated_hours="-1")
    with org_context(org.pk):
        assert not OutreachTask.objects.for_org(org).exists()


def test_a_task_for_another_organisations_ambassador_is_refused(org, other_org):
    foreign = AmbassadorFactory(organisation=other_org)
    with pytest.raises(ApplicationError, match="belongs to another organisation"):
        assign(org, foreign, staff(org))


def test_the_assign_page_refuses_another_organisations_ambassador(org, other_org, member_client):
    client = member_client(org, Role.COORDINATOR)
    foreign = AmbassadorFactory(organisation=other_org)
    response = client.post(
        reverse("outreach_task_create", args=[org.slug]),
        {
            "ambassador": foreign.pk,
            "kind": "other",
            "title": "Sneaky",
            "due_on": timezone.localdate().isoformat(),
            "estimated_hours": "1",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ambassador"]
    with org_context(other_org.pk):
        assert not OutreachTask.objects.for_org(other_org).exists()


def test_an_ambassador_moves_their_own_task_but_cannot_mark_it_reviewed(org):
    ambassador, coordinator = linked_ambassador(org), staff(org)
    task = assign(org, ambassador, coordinator)
    with org_context(org.pk):
        with pytest.raises(ApplicationError, match="start it first"):
            services.task_complete(
                organisation=org, task=task, peers_reached=1, hours_spent=1, actor=ambassador.user
            )
        services.task_start(organisation=org, task=task, actor=ambassador.user)
        services.task_complete(
            organisation=org, task=task, peers_reached=4, hours_spent="1.5", actor=ambassador.user
        )
        with pytest.raises(ApplicationError, match="Only a coordinator can mark a task reviewed"):
            services.task_review(organisation=org, task=task, actor=ambassador.user)
        task.refresh_from_db()
        assert task.status == "done"
        services.task_review(organisation=org, task=task, actor=coordinator)
        task.refresh_from_db()
        assert task.status == "reviewed"


def test_the_review_button_does_nothing_for_an_ambassador(org, member_client):
    client = member_client(org, Role.AMBASSADOR)
    ambassador = AmbassadorFactory(organisation=org, user=client.membership.user)
    task = OutreachTaskFactory(organisation=org, ambassador=ambassador, status="done")
    url = reverse("outreach_task_action", args=[org.slug, task.pk])
    response = client.post(url, {"action": "review"}, follow=True)
    assert b"Only a coordinator can mark a task reviewed" in response.content
    with org_context(org.pk):
        task.refresh_from_db()
    assert task.status == "done"


def test_nobody_else_moves_an_ambassadors_task(org):
    ambassador, other = linked_ambassador(org), linked_ambassador(org)
    task = OutreachTaskFactory(organisation=org, ambassador=ambassador)
    with org_context(org.pk), pytest.raises(ApplicationError, match="ambassador themself"):
        services.task_start(organisation=org, task=task, actor=other.user)


def test_a_proposal_is_approved_within_the_caps_or_declined_with_a_word(org):
    ambassador, coordinator = linked_ambassador(org), staff(org)
    due = timezone.localdate() + timedelta(days=3)
    with org_context(org.pk):
        proposal = services.task_propose(
            organisation=org,
            ambassador=ambassador,
            kind="online",
            title="A clip about the youth house",
            due_on=due,
            estimated_hours="2",
            actor=ambassador.user,
        )
        assert proposal.status == "proposed"
        with pytest.raises(ApplicationError, match="Only a coordinator"):
            services.task_approve(organisation=org, task=proposal, actor=ambassador.user)
        with pytest.raises(ApplicationError, match="word of explanation"):
            services.task_decline(organisation=org, task=proposal, note="", actor=coordinator)
        services.task_decline(
            organisation=org, task=proposal, note="Not this month, sorry.", actor=coordinator
        )
        proposal.refresh_from_db()
        assert (proposal.status, proposal.coordinator_note) == (
            "cancelled",
            "Not this month, sorry.",
        )

        second = services.task_propose(
            organisation=org,
            ambassador=ambassador,
            kind="online",
            title="A poster",
            due_on=due,
            estimated_hours="5",
            actor=ambassador.user,
        )
        with pytest.raises(ApplicationError, match="hours per week"):
            services.task_approve(organisation=org, task=second, actor=coordinator)
