"""In-app notifications: who gets them, after commit only, the page, the header's count, marking
read, and the API."""

import pytest
from django.db import transaction
from django.urls import reverse

from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries, tenant_settings_queries

from ..inbox import (
    STAFF_ROLES,
    notification_create,
    notification_create_after_commit,
    notification_mark_all_read,
)
from ..models import Notification, NotificationKind
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _member(org, role):
    return MembershipFactory(organisation=org, role=role).user


def test_staff_roles_get_one_each_except_who_caused_it_and_nobody_outside(org, other_org):
    admin, coordinator, actor = (
        _member(org, Role.ADMIN),
        _member(org, Role.COORDINATOR),
        _member(org, Role.COORDINATOR),
    )
    _member(org, Role.TRAINER)
    outsider = _member(other_org, Role.COORDINATOR)
    with org_context(org.pk):
        created = notification_create(
            organisation=org,
            kind=NotificationKind.PROPOSAL,
            roles=STAFF_ROLES,
            recipient_ids=[outsider.pk],
            exclude_ids=[actor.pk],
            context={"by": "Harbour Mosque", "title": "Open day"},
            link="/o/alpha/",
        )
    assert sorted(n.recipient_id for n in created) == sorted([admin.pk, coordinator.pk])


def test_within_roles_keeps_a_former_coordinator_out(org):
    moved = _member(org, Role.TRAINER)
    with org_context(org.pk):
        assert (
            notification_create(
                organisation=org,
                kind=NotificationKind.CONFIDENTIAL_NOTE,
                recipient_ids=[moved.pk],
                within_roles=STAFF_ROLES,
            )
            == []
        )
        with pytest.raises(ApplicationError):
            notification_create(organisation=org, kind="gossip", roles=STAFF_ROLES)


def test_after_commit_creates_nothing_when_the_change_rolls_back(
    org, django_capture_on_commit_callbacks
):
    coordinator = _member(org, Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True), org_context(org.pk):
        notification_create_after_commit(
            organisation=org, kind=NotificationKind.PROPOSAL, roles=STAFF_ROLES
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic(), org_context(org.pk):
                notification_create_after_commit(
                    organisation=org, kind=NotificationKind.PROPOSAL, roles=STAFF_ROLES
                )
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert callbacks == []
    with org_context(org.pk):
        assert list(Notification.objects.for_org(org).values_list("recipient_id", flat=True)) == [
            coordinator.pk
        ]


def test_page_lists_own_notifications_with_the_unread_count_in_the_header(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    me = client.membership.user
    NotificationFactory(organisation=org, recipient=me)
    NotificationFactory(
        organisation=org,
        recipient=me,
        kind=NotificationKind.DIFFICULT_MOMENT,
        context={"ambassador": "Samira", "task": "Talk to the football team"},
    )
    NotificationFactory(organisation=org, recipient=_member(org, Role.ADMIN))

    response = client.get(reverse("notification_list", args=[org.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbour Mosque proposed “Open day”." in html
    assert "Samira reported a difficult moment in the task “Talk to the football team”." in html
    assert len(response.context["paged"].items) == 2
    # The header's count, on any page of the organisation.
    home = client.get(reverse("org_home", args=[org.slug])).content.decode()
    assert 'Notifications <span class="badge text-bg-primary">2' in home


def test_open_marks_read_and_follows_the_link_mark_all_read_empties_the_count(org, member_client):
    client = member_client(org, Role.ADMIN)
    me = client.membership.user
    first = NotificationFactory(organisation=org, recipient=me, link=f"/o/{org.slug}/cohorts/")
    NotificationFactory(organisation=org, recipient=me)

    response = client.post(reverse("notification_read", args=[org.slug, first.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/o/{org.slug}/cohorts/"
    first.refresh_from_db()
    assert first.read_at is not None

    response = client.post(reverse("notification_read_all", args=[org.slug]), follow=True)
    assert "1 notification marked read." in response.content.decode()
    with org_context(org.pk):
        assert not Notification.objects.for_org(org).filter(read_at__isnull=True).exists()
        assert notification_mark_all_read(organisation=org, user=me) == 0


def test_someone_elses_notification_is_a_404(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    theirs = NotificationFactory(organisation=org, recipient=_member(org, Role.COORDINATOR))
    response = client.post(reverse("notification_read", args=[org.slug, theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_other_roles_have_no_notifications_page_nor_count(org, member_client, role):
    client = member_client(org, role)
    assert client.get(reverse("notification_list", args=[org.slug])).status_code == 403
    home = client.get(reverse("org_home", args=[org.slug])).content.decode()
    assert reverse("notification_list", args=[org.slug]) not in home


def test_list_query_count_is_the_same_for_5_and_50(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    me = client.membership.user

    def measure(count):
        for _ in range(count):
            NotificationFactory(organisation=org, recipient=me)
        queries, response = count_queries(
            lambda: client.get(reverse("notification_list", args=[org.slug]))
        )
        assert response.status_code == 200
        return queries

    # session, user, the member's memberships with their organisations and unread counts (the
    # switcher too), the page's count and rows = 5 (+2 tenant settings on PostgreSQL).
    assert measure(5) == measure(50) == 5 + 2 * tenant_settings_queries()


def test_api_lists_filters_and_marks_read(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    me = client.membership.user
    one = NotificationFactory(organisation=org, recipient=me)
    NotificationFactory(organisation=org, recipient=me)
    NotificationFactory(organisation=org, recipient=_member(org, Role.ADMIN))
    base = f"/api/v1/o/{org.slug}/notifications/"

    listed = client.get(base).json()
    assert listed["count"] == 2
    assert listed["results"][0]["message"] == "Harbour Mosque proposed “Open day”."

    assert client.post(f"{base}{one.pk}/read/").json()["read"] is True
    assert client.get(base + "?unread=true").json()["count"] == 1
    assert client.post(f"{base}read/").json() == {"marked": 1}
    assert client.get(base + "?unread=true").json()["count"] == 0


def test_api_refuses_trainers(org, api_client):
    client = api_client(org, Role.TRAINER)
    assert client.get(f"/api/v1/o/{org.slug}/notifications/").status_code == 403
