"""Fixtures shared by every app's tests."""

from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.test import Client

from cocora.organisations.models import Membership, Organisation, Role
from cocora.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Rate limits and other cached state live in the real Redis; no test sees another's.
    cache.clear()
    yield


@pytest.fixture
def org(db: Any) -> Organisation:
    return cast(Organisation, OrganisationFactory(slug="alpha", name="Alpha Youth Service"))


@pytest.fixture
def other_org(db: Any) -> Organisation:
    return cast(Organisation, OrganisationFactory(slug="beta", name="Beta Community Centre"))


def _member_client(organisation: Organisation, role: str) -> Client:
    membership = cast(Membership, MembershipFactory(organisation=organisation, role=role))
    client = Client()
    client.force_login(membership.user)
    client.membership = membership  # type: ignore[attr-defined]
    return client


@pytest.fixture
def admin_client_(org: Organisation) -> Client:
    return _member_client(org, Role.ADMIN)


@pytest.fixture
def member_client():  # type: ignore[no-untyped-def]
    """Factory: member_client(org, role) -> a logged-in test client with `.membership`."""
    return _member_client
