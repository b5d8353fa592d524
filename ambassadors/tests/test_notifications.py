"""A difficult moment in an outreach task tells coordinators and admins at once, after commit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.services import tasks as services
from cocora.notifications.models import Notification, NotificationKind
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory

from .factories import AmbassadorFactory, OutreachTaskFactory

pytestmark = pytest.mark.django_db


def _complete(org, task, *, difficult):
    with org_context(org.pk):
        services.task_complete(
            organisation=org,
            task=task,
            peers_reached=8,
            hours_spent="2",
            what_was_hard="Someone got angry.",
            difficult_moment=difficult,
            actor=task.ambassador.user,
        )


def _samiras_task(org):
    """Samira, an ambassador with an account, and her task in progress."""
    user = MembershipFactory(organisation=org, role=Role.AMBASSADOR).user
    ambassador = AmbassadorFactory(organisation=org, user=user, participant__display_name="Samira")
    return OutreachTaskFactory(
        organisation=org, ambassador=ambassador, status="in_progress", title="Football talk"
    )


def test_a_difficult_moment_notifies_coordinators_and_admins_without_the_report(
    org, django_capture_on_commit_callbacks
):
    coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
    admin = MembershipFactory(organisation=org, role=Role.ADMIN).user
    MembershipFactory(organisation=org, role=Role.TRAINER)
    task = _samiras_task(org)

    with django_capture_on_commit_callbacks(execute=True):
        _complete(org, task, difficult=True)

    with org_context(org.pk):
        notifications = list(Notification.objects.for_org(org))
    assert {n.recipient_id for n in notifications} == {coordinator.pk, admin.pk}
    assert {n.kind for n in notifications} == {NotificationKind.DIFFICULT_MOMENT}
    assert notifications[0].context == {"ambassador": "Samira", "task": "Football talk"}
    assert notifications[0].link == reverse("outreach_task_detail", args=[org.slug, task.pk])
    assert "angry" not in str(notifications[0].context)


def test_a_task_without_a_difficult_moment_notifies_nobody(org, django_capture_on_commit_callbacks):
    MembershipFactory(organisation=org, role=Role.COORDINATOR)
    user = MembershipFactory(organisation=org, role=Role.AMBASSADOR).user
    task = OutreachTaskFactory(
        organisation=org,
        ambassador=AmbassadorFactory(organisation=org, user=user),
        status="in_progress",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _complete(org, task, difficult=False)
    with org_context(org.pk):
        assert not Notification.objects.for_org(org).exists()


def test_a_proposed_task_notifies_coordinators_and_admins(org, django_capture_on_commit_callbacks):
    coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
    user = MembershipFactory(organisation=org, role=Role.AMBASSADOR).user
    ambassador = AmbassadorFactory(
        organisation=org, user=user, participant__display_name="Samira", status="active"
    )
    with django_capture_on_commit_callbacks(execute=True), org_context(org.pk):
        task = services.task_propose(
            organisation=org,
            ambassador=ambassador,
            kind="online",
            title="A clip about the youth house",
            due_on=timezone.localdate() + timedelta(days=10),
            estimated_hours="2",
            actor=user,
        )
    with org_context(org.pk):
        (notification,) = Notification.objects.for_org(org)
    assert (notification.recipient_id, notification.kind) == (
        coordinator.pk,
        NotificationKind.PROPOSAL,
    )
    assert notification.context == {"by": "Samira", "title": "A clip about the youth house"}
    assert notification.link == reverse("outreach_task_detail", args=[org.slug, task.pk])


def test_erasing_the_ambassador_removes_their_name_from_notifications(
    org, django_capture_on_commit_callbacks
):
    from cocora.notifications.kinds import notification_message
    from cocora.privacy.services import subject_erase

    admin = MembershipFactory(organisation=org, role=Role.ADMIN).user
    task = _samiras_task(org)
    ambassador = task.ambassador
    with django_capture_on_commit_callbacks(execute=True):
        _complete(org, task, difficult=True)

    with org_context(org.pk):
        record = subject_erase(organisation=org, subject=ambassador.participant, actor=admin)
        (notification,) = Notification.objects.for_org(org)
    assert notification.context == {}
    assert "Samira" not in notification_message(notification)
    assert record.counts.get("notifications_cleared") == 1
