"""Fixtures shared by every app's tests."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, cast

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.utils import translation

from cocora.organisations.models import Membership, Organisation, Role
from cocora.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Rate limits and other cached state live in the real Redis; no test sees another's. The
    # versions of the organisations' data live there too, and the parts of pages kept under them
    # in this process's memory go with them.
    cache.clear()
    caches["pages"].clear()
    yield


@pytest.fixture
def committed() -> Callable[[], AbstractContextManager[None]]:
    """`with committed(): ...`: as if the test's transaction committed at the end of the block,
    for the kept parts of pages (cocora.organisations.page_cache): the data versions that the
    writes so far move now, and the transaction no longer counts as having written."""
    from django.db import connection

    from cocora.organisations.page_cache import pending_moves

    @contextmanager
    def block() -> Iterator[None]:
        yield
        pending = pending_moves(connection)
        connection.run_on_commit[:] = [
            entry for entry in connection.run_on_commit if entry[1] not in pending
        ]
        for move in pending:
            move()

    return block


@pytest.fixture(autouse=True)
def _next_test_starts_in_english() -> Iterator[None]:
    # A page requested in Italian leaves Italian active on the test's thread (the language
    # middleware activates one and nothing deactivates it): the next test's messages came out
    # in Italian or English depending on the order the tests ran in.
    yield
    translation.deactivate()


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


def make_api_client(
    organisation: Organisation, role: str, *, read_only: bool = False, user: Any = None
) -> Any:
    """A DRF test client that sends a fresh personal access token of a new member (or of `user`,
    who must be a member already) of `organisation`. Has `.membership`, `.token` and `.raw`."""
    from rest_framework.test import APIClient

    from cocora.api.services import api_token_create
    from cocora.organisations.context import org_context

    if user is None:
        membership = cast(Membership, MembershipFactory(organisation=organisation, role=role))
    else:
        with org_context(organisation.pk):
            membership = Membership.objects.for_org(organisation).get(user=user)
    with org_context(organisation.pk, user_id=membership.user_id):
        token, raw = api_token_create(
            organisation=organisation, user=membership.user, name="test", read_only=read_only
        )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.membership = membership  # type: ignore[attr-defined]
    client.token = token  # type: ignore[attr-defined]
    client.raw = raw  # type: ignore[attr-defined]
    return client


@pytest.fixture
def api_client():  # type: ignore[no-untyped-def]
    """Factory: api_client(org, role, read_only=False) -> an APIClient sending a token, with
    `.membership`, `.token` and `.raw` (the token itself)."""
    return make_api_client
