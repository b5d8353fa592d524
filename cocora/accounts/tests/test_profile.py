"""The profile page: a person's own name."""

import pytest
from django.test import Client

from cocora.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_name_with_a_direction_override_is_refused_and_not_saved():
    """Regression: a name could hold U+202E, which shows the rest of it backwards."""
    person = UserFactory(name="Lene")
    client = Client()
    client.force_login(person)

    response = client.post("/profile/", {"name": "Lene\u202enamdA"})

    assert "invisible or direction-changing character (U+202E)" in response.content.decode()
    person.refresh_from_db()
    assert person.name == "Lene"
