"""Invitations: sending, accepting with a new or an existing account, and every way a link fails."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cocora.accounts.models import User
from cocora.organisations.context import org_context
from cocora.organisations.models import Invitation, Membership, Role
from cocora.organisations.services import invitation_token
from cocora.organisations.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _accept_url(invitation):
    return reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})


def test_admin_invites_by_email_and_the_link_in_the_email_works(
    org, member_client, django_capture_on_commit_callbacks
):
    client = member_client(org, Role.ADMIN)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation_create", kwargs={"org_slug": org.slug}),
            {"email": "New.Person@Example.org", "role": Role.TRAINER},
        )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert org.name in message.subject
    link = next(line for line in message.body.splitlines() if "/invitations/" in line)
    path = link[link.index("/invitations/") :].strip()
    assert client.get(path).status_code == 200


def test_inviting_an_existing_member_is_a_form_error(org, member_client):
    client = member_client(org, Role.ADMIN)
    member = MembershipFactory(organisation=org, role=Role.TRAINER)

    response = client.post(
        reverse("invitation_create", kwargs={"org_slug": org.slug}),
        {"email": member.user.email, "role": Role.TRAINER},
    )

    assert response.status_code == 400
    assert b"is a member of this organisation already" in response.content
    with org_context(org.pk):
        assert not Invitation.objects.for_org(org).exists()


def test_new_person_creates_an_account_and_joins_with_the_invited_role(client, org):
    invitation = InvitationFactory(organisation=org, email="fresh@example.org", role=Role.TRAINER)

    response = client.post(
        _accept_url(invitation),
        {"name": "Fresh Face", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("org_home", kwargs={"org_slug": org.slug})
    user = User.objects.get(email="fresh@example.org")
    with org_context(org.pk):
        assert Membership.objects.for_org(org).get(user=user).role == Role.TRAINER
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
    # Signed in straight away, and the organisation home answers.
    assert client.get(response["Location"]).status_code == 200


def test_a_weak_password_is_refused_and_nothing_is_created(client, org):
    invitation = InvitationFactory(organisation=org, email="fresh@example.org")

    response = client.post(
        _accept_url(invitation), {"name": "Fresh", "password1": "123", "password2": "123"}
    )

    assert response.status_code == 400
    assert not User.objects.filter(email="fresh@example.org").exists()


def test_existing_user_signs_in_and_accepts(client, org):
    user = UserFactory(email="known@example.org")
    invitation = InvitationFactory(organisation=org, email="known@example.org", role=Role.ADMIN)
    assert b"Sign in to accept" in client.get(_accept_url(invitation)).content

    client.force_login(user)
    response = client.post(_accept_url(invitation))

    assert response.status_code == 302
    with org_context(org.pk):
        assert Membership.objects.for_org(org).get(user=user).role == Role.ADMIN


def test_invitation_for_another_email_is_refused(client, org):
    intruder = UserFactory(email="someone.else@example.org")
    invitation = InvitationFactory(organisation=org, email="invited@example.org")
    client.force_login(intruder)

    response = client.post(_accept_url(invitation))

    assert response.status_code == 400
    assert b"was sent to invited@example.org" in response.content
    with org_context(org.pk):
        assert not Membership.objects.for_org(org).filter(user=intruder).exists()
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_already_a_member_gets_an_explanation(client, org):
    membership = MembershipFactory(organisation=org, role=Role.TRAINER)
    invitation = InvitationFactory(organisation=org, email=membership.user.email)
    client.force_login(membership.user)

    response = client.post(_accept_url(invitation))

    assert response.status_code == 400
    assert b"is a member of" in response.content
    with org_context(org.pk):
        assert Membership.objects.for_org(org).get(user=membership.user).role == Role.TRAINER


def test_expired_invitation_explains_itself(client, org):
    invitation = InvitationFactory(organisation=org)
    url = _accept_url(invitation)

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(url)

    assert response.status_code == 410
    assert b"has expired" in response.content


def test_tampered_token_is_a_clear_400(client, org):
    invitation = InvitationFactory(organisation=org)
    token = invitation_token(invitation)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    response = client.get(reverse("invitation_accept", kwargs={"token": tampered}))

    assert response.status_code == 400
    assert b"not valid" in response.content


def test_used_and_withdrawn_invitations_cannot_be_used_again(client, org):
    used = InvitationFactory(organisation=org, accepted_at=timezone.now())
    withdrawn = InvitationFactory(organisation=org, revoked_at=timezone.now())

    assert client.get(_accept_url(used)).status_code == 410
    assert client.get(_accept_url(withdrawn)).status_code == 410


def test_admin_withdraws_an_invitation(org, member_client):
    client = member_client(org, Role.ADMIN)
    invitation = InvitationFactory(organisation=org)

    response = client.post(
        reverse("invitation_revoke", kwargs={"org_slug": org.slug, "invitation_id": invitation.pk})
    )

    assert response.status_code == 302
    assert client.get(_accept_url(invitation)).status_code == 410
