"""Signing in: email as the login, rate limiting, no open sign-up."""

import time

import pytest
from django.urls import reverse

from cocora.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-test-password"


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_with_email_and_password(client):
    user = UserFactory(email="someone@example.org")
    response = _login(client, "someone@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_sixth_failed_attempt_within_five_minutes_is_refused(client):
    UserFactory(email="target@example.org")
    for _attempt in range(5):
        response = _login(client, "target@example.org", "wrong-password")
        assert response.status_code == 200
        assert b"Too many failed login attempts" not in response.content

    # Even the right password is refused now: guessing has been stopped.
    response = _login(client, "target@example.org", PASSWORD)
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_there_is_no_open_sign_up(client):
    response = client.get(reverse("account_signup"))
    assert b"Sign Up Closed" in response.content or response.status_code in (403, 404)
    response = client.post(
        reverse("account_signup"),
        {
            "email": "walk-in@example.org",
            "password1": "x-long-password",
            "password2": "x-long-password",
        },
    )
    from cocora.accounts.models import User

    assert not User.objects.filter(email="walk-in@example.org").exists()


def test_every_user_can_turn_on_two_factor_and_is_then_asked_for_a_code(client):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    UserFactory(email="careful@example.org")
    assert _login(client, "careful@example.org", PASSWORD).status_code == 302

    # Turning it on asks for the password once more, as any change to sign-in should.
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    activated = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert activated.status_code == 302

    client.logout()
    response = _login(client, "careful@example.org", PASSWORD)
    # The password alone no longer signs in: the second step is asked for.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
