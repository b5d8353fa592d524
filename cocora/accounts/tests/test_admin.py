"""Platform staff and the Django admin."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from cocora.accounts.models import User
from cocora.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_deactivating_a_user_in_the_admin_ends_their_sessions(client):
    staff = User.objects.create_superuser(email="staff@example.org", password="x-long-password")
    person = UserFactory()
    their_browser = Client()
    their_browser.force_login(person)
    assert Session.objects.count() == 1
    client.force_login(staff)

    response = client.post(
        f"/admin/accounts/user/{person.pk}/change/",
        {
            "email": person.email,
            "name": person.name,
            "is_staff": "",
            "is_active": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    person.refresh_from_db()
    assert person.is_active is False
    # Only the staff member's own session is left.
    assert Session.objects.count() == 1
    assert their_browser.get("/profile/").status_code == 302


def test_users_cannot_be_deleted_from_the_admin(client):
    staff = User.objects.create_superuser(email="staff@example.org", password="x-long-password")
    person = UserFactory()
    client.force_login(staff)
    response = client.post(f"/admin/accounts/user/{person.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=person.pk).exists()
