"""Fixtures shared by the ambassadors app's tests."""

import pytest

from cocora.organisations.models import Role

from .factories import AmbassadorFactory


@pytest.fixture
def ambassador_client(org, member_client):
    """A signed-in ambassador of `org`, linked to their ambassador record (`.ambassador`)."""
    client = member_client(org, Role.AMBASSADOR)
    client.ambassador = AmbassadorFactory(organisation=org, user=client.membership.user)
    return client
