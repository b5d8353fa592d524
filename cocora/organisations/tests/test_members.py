"""Members page, role changes, removal and the last-admin rule."""

import pytest
from django.urls import reverse

from cocora.core.errors import ApplicationError
from cocora.organisations import services
from cocora.organisations.context import org_context
from cocora.organisations.models import Membership, Role
from cocora.organisations.tests.factories import InvitationFactory, MembershipFactory
from cocora.testing.queries import count_queries, tenant_settings_queries

pytestmark = pytest.mark.django_db


def _members_url(org):
    return reverse("member_list", kwargs={"org_slug": org.slug})


def test_admin_sees_members_and_open_invitations(org, member_client):
    client = member_client(org, Role.ADMIN)
    MembershipFactory(organisation=org, role=Role.TRAINER, user__email="trainer@alpha.example")
    InvitationFactory(organisation=org, email="new@alpha.example")

    response = client.get(_members_url(org))

    assert response.status_code == 200
    assert b"trainer@alpha.example" in response.content
    assert b"new@alpha.example" in response.content


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_admins_reach_the_members_page(org, member_client, role):
    client = member_client(org, role)
    assert client.get(_members_url(org)).status_code == 403
    target = MembershipFactory(organisation=org, role=Role.TRAINER)
    url = reverse("membership_role", kwargs={"org_slug": org.slug, "membership_id": target.pk})
    assert client.post(url, {"role": Role.ADMIN}).status_code == 403
    with org_context(org.pk):
        assert Membership.objects.get(pk=target.pk).role == Role.TRAINER


def test_members_page_query_count_is_the_same_for_5_and_50_members(org, member_client):
    client = member_client(org, Role.ADMIN)
    url = _members_url(org)

    def count_for(total_members):
        with org_context(org.pk):
            have = Membership.objects.for_org(org).count()
        for _ in range(total_members - have):
            MembershipFactory(organisation=org, role=Role.TRAINER)

        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        return count

    # session, user, the member's memberships with their organisations (the switcher too), member
    # list, their working API tokens counted, open invitations = 6; on PostgreSQL also the user
    # (middleware) and the organisation (view) set for the transaction. None of them depends on the
    # number of rows.
    expected = 6 + 2 * tenant_settings_queries()
    assert count_for(5) == expected
    assert count_for(50) == expected


def test_admin_changes_a_role_and_it_is_audited(org, member_client):
    client = member_client(org, Role.ADMIN)
    target = MembershipFactory(organisation=org, role=Role.TRAINER)
    url = reverse("membership_role", kwargs={"org_slug": org.slug, "membership_id": target.pk})

    response = client.post(url, {"role": Role.COORDINATOR})

    assert response.status_code == 302
    with org_context(org.pk):
        assert Membership.objects.get(pk=target.pk).role == Role.COORDINATOR
        from cocora.audit.models import AuditEvent

        event = AuditEvent.objects.for_org(org).get(action="membership.role_changed")
        assert event.details == {"from": "trainer", "to": "coordinator"}


def test_an_unknown_role_is_a_form_error_and_changes_nothing(org, member_client):
    client = member_client(org, Role.ADMIN)
    target = MembershipFactory(organisation=org, role=Role.TRAINER)
    url = reverse("membership_role", kwargs={"org_slug": org.slug, "membership_id": target.pk})

    response = client.post(url, {"role": "superhero"})

    assert response.status_code == 400
    assert b"is not one of the available choices" in response.content
    with org_context(org.pk):
        assert Membership.objects.get(pk=target.pk).role == Role.TRAINER


def test_the_last_admin_cannot_demote_themselves(org, member_client):
    client = member_client(org, Role.ADMIN)
    own = client.membership
    url = reverse("membership_role", kwargs={"org_slug": org.slug, "membership_id": own.pk})

    response = client.post(url, {"role": Role.TRAINER})

    assert response.status_code == 400
    assert b"only admin" in response.content
    with org_context(org.pk):
        assert Membership.objects.get(pk=own.pk).role == Role.ADMIN


def test_the_last_admin_cannot_be_removed(org, member_client):
    client = member_client(org, Role.ADMIN)
    own = client.membership
    url = reverse("membership_remove", kwargs={"org_slug": org.slug, "membership_id": own.pk})

    response = client.post(url)

    assert response.status_code == 400
    with org_context(org.pk):
        assert Membership.objects.filter(pk=own.pk).exists()


def test_with_two_admins_one_can_be_removed(org, member_client):
    client = member_client(org, Role.ADMIN)
    other_admin = MembershipFactory(organisation=org, role=Role.ADMIN)
    url = reverse(
        "membership_remove", kwargs={"org_slug": org.slug, "membership_id": other_admin.pk}
    )

    assert client.post(url).status_code == 302
    with org_context(org.pk):
        assert not Membership.objects.filter(pk=other_admin.pk).exists()
    # The removed person no longer reaches the organisation: the same 404 as a stranger.
    client.force_login(other_admin.user)
    assert client.get(reverse("org_home", kwargs={"org_slug": org.slug})).status_code == 404


def test_service_refuses_to_demote_the_last_admin(org):
    admin = MembershipFactory(organisation=org, role=Role.ADMIN)
    with org_context(org.pk), pytest.raises(ApplicationError):
        services.membership_change_role(
            organisation=org, membership_id=admin.pk, role=Role.TRAINER, actor=admin.user
        )


def test_members_page_of_a_slug_that_does_not_exist_is_404(member_client, org):
    client = member_client(org, Role.ADMIN)
    assert client.get("/o/no-such-organisation/members/").status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, org):
    response = client.get(_members_url(org))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
