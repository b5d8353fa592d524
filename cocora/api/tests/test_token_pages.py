"""The profile's token pages: create (shown once), list, revoke."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cocora.api.models import ApiToken
from cocora.api.services import api_token_create
from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import queries_as_rows_grow, tenant_settings_queries

pytestmark = pytest.mark.django_db


def _tokens(org):  # type: ignore[no-untyped-def]
    with org_context(org.pk):
        return list(ApiToken.objects.for_org(org).order_by("pk"))


def test_a_member_creates_a_token_that_is_shown_once_and_works(org, member_client, client):
    ambassador = member_client(org, Role.AMBASSADOR)
    url = f"/o/{org.slug}/api-tokens/"
    response = ambassador.post(url, {"name": "phone app", "expires": "30", "read_only": "on"})
    assert response.status_code == 201
    raw = re.search(r'value="(ccr_[^"]+)"', response.content.decode()).group(1)
    [token] = _tokens(org)
    assert token.user == ambassador.membership.user and token.read_only
    assert token.expires_at is not None

    listing = ambassador.get(url).content.decode()
    assert "phone app" in listing and token.prefix in listing
    assert raw not in listing

    me = client.get(f"/api/v1/o/{org.slug}/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.json()["role"] == "ambassador"
    with org_context(org.pk):
        assert AuditEvent.objects.for_org(org).filter(action="api_token.created").count() == 1


def test_a_token_needs_a_name_and_a_known_expiry(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    url = f"/o/{org.slug}/api-tokens/"
    assert coordinator.post(url, {"name": "  ", "expires": "30"}).status_code == 400
    assert coordinator.post(url, {"name": "x", "expires": "9999"}).status_code == 400
    assert _tokens(org) == []


def test_revoking_stops_the_token_and_only_ones_own_tokens_can_be_revoked(
    org, member_client, api_client
):
    owner = api_client(org, Role.TRAINER)
    someone = member_client(org, Role.ADMIN)
    revoke = f"/o/{org.slug}/api-tokens/{owner.token.pk}/revoke/"
    # Even an admin cannot revoke (or see) another person's token through this page.
    assert someone.get(revoke).status_code == 404
    assert someone.post(revoke).status_code == 404
    assert owner.get(f"/api/v1/o/{org.slug}/me/").status_code == 200

    owner_pages = member_client(org, Role.TRAINER)
    owner_pages.force_login(owner.membership.user)
    assert owner_pages.post(revoke).status_code == 302
    assert owner.get(f"/api/v1/o/{org.slug}/me/").status_code == 401
    listing = owner_pages.get(f"/o/{org.slug}/api-tokens/").content.decode()
    assert "revoked" in listing


def test_the_profile_links_to_the_token_page_of_each_organisation(org, other_org, member_client):
    from cocora.organisations.tests.factories import MembershipFactory

    person = member_client(org, Role.TRAINER)
    MembershipFactory(organisation=other_org, role=Role.ADMIN, user=person.membership.user)
    profile = person.get("/profile/").content.decode()
    assert f"/o/{org.slug}/api-tokens/" in profile
    assert f"/o/{other_org.slug}/api-tokens/" in profile


def test_removing_a_member_removes_their_tokens(org, member_client, api_client):
    admin = member_client(org, Role.ADMIN)
    trainer = api_client(org, Role.TRAINER)
    response = admin.post(f"/o/{org.slug}/members/{trainer.membership.pk}/remove/")
    assert response.status_code == 302
    assert _tokens(org) == []
    assert trainer.get(f"/api/v1/o/{org.slug}/me/").status_code == 401


def test_an_admin_sees_and_stops_a_members_tokens_without_seeing_them(
    org, member_client, api_client
):
    admin = member_client(org, Role.ADMIN)
    trainer = api_client(org, Role.TRAINER)
    members = admin.get(f"/o/{org.slug}/members/").content.decode()
    page_url = f"/o/{org.slug}/members/{trainer.membership.pk}/api-tokens/"
    assert page_url in members

    page = admin.get(page_url).content.decode()
    assert trainer.token.prefix in page and trainer.raw not in page
    assert admin.post(page_url).status_code == 302
    assert trainer.get(f"/api/v1/o/{org.slug}/me/").status_code == 401
    with org_context(org.pk):
        [line] = AuditEvent.objects.for_org(org).filter(action="api_token.revoked_for_member")
    assert line.details["count"] == 1 and line.actor == admin.membership.user


def test_only_admins_stop_other_members_tokens(org, member_client, api_client):
    trainer = api_client(org, Role.TRAINER)
    coordinator = member_client(org, Role.COORDINATOR)
    page_url = f"/o/{org.slug}/members/{trainer.membership.pk}/api-tokens/"
    assert coordinator.post(page_url).status_code == 403
    assert trainer.get(f"/api/v1/o/{org.slug}/me/").status_code == 200


def _tokens_of(org, user, n):  # type: ignore[no-untyped-def]
    from cocora.api.services import api_token_create

    with org_context(org.pk):
        have = ApiToken.objects.for_org(org).filter(user=user).count()
        for i in range(n - have):
            api_token_create(organisation=org, user=user, name=f"script {i}")


def test_the_token_pages_take_the_same_queries_for_5_and_20_tokens(org, member_client):
    from cocora.api.services import MAX_TOKENS_PER_PERSON
    from cocora.testing.queries import count_queries

    owner = member_client(org, Role.TRAINER)
    admin = member_client(org, Role.ADMIN)
    user = owner.membership.user
    own_page = f"/o/{org.slug}/api-tokens/"
    member_page = f"/o/{org.slug}/members/{owner.membership.pk}/api-tokens/"

    def counts(n):  # type: ignore[no-untyped-def]
        _tokens_of(org, user, n)
        own, response = count_queries(lambda: owner.get(own_page))
        assert response.content.decode().count("<tr>") == n + 1  # the header row too
        member, response = count_queries(lambda: admin.get(member_page))
        assert response.content.decode().count("<li>") == n
        return own, member

    # At most 20 working tokens a person: the largest list there can be.
    assert counts(5) == counts(MAX_TOKENS_PER_PERSON)


def test_twenty_working_tokens_are_the_most_and_expired_ones_take_no_place(org, member_client):
    from datetime import timedelta

    from django.utils import timezone

    from cocora.api.services import MAX_TOKENS_PER_PERSON

    person = member_client(org, Role.COORDINATOR)
    _tokens_of(org, person.membership.user, MAX_TOKENS_PER_PERSON)
    url = f"/o/{org.slug}/api-tokens/"
    refused = person.post(url, {"name": "one more", "expires": "30"})
    assert refused.status_code == 400 and "revoke one" in refused.content.decode()
    with org_context(org.pk):
        ApiToken.objects.for_org(org).filter(pk=_tokens(org)[0].pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    assert person.post(url, {"name": "one more", "expires": "30"}).status_code == 201


# Revoked tokens stay listed: the own list grows with the years and is paged.

# The first token of each test; each next one a minute later.
FIRST_TOKEN_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _revoked_tokens(org, user, count, *, start=0, prefix="script"):  # type: ignore[no-untyped-def]
    """`count` revoked tokens of `user`, numbered from `start`, each a minute newer."""
    with org_context(org.pk):
        for number in range(start, start + count):
            with time_machine.travel(FIRST_TOKEN_AT + timedelta(minutes=number), tick=False):
                ApiToken.objects.create(
                    organisation=org,
                    user=user,
                    name=f"{prefix} {number:02d}",
                    prefix="ccr_abcdef",
                    key_hash=f"{org.pk}-{prefix}-{number}",
                    revoked_at=timezone.now(),
                )


def _count_text(html):  # type: ignore[no-untyped-def]
    """The pager's count ("Page 1 of 2 · 55 in all"), or None when the page shows none."""
    found = re.search(r"Page \d+ of \d+ · \d+ in all", html)
    return found.group(0) if found else None


def test_the_own_token_list_reads_the_same_queries_for_5_and_50_tokens(org, member_client):
    person = member_client(org, Role.TRAINER)
    url = reverse("api_token_list", args=[org.slug])

    (five, shown5), (fifty, shown50), (fifty_five, shown55) = queries_as_rows_grow(
        lambda: person.get(url),
        lambda count, made: _revoked_tokens(org, person.membership.user, count, start=made),
        lambda page: (len(page.context["tokens"].items), _count_text(page.content.decode())),
        totals=(5, 50, 55),
    )

    # One page of 50 at most, with the count of all once there is more than one page.
    assert (shown5, shown50) == ((5, None), (50, None))
    assert shown55 == (50, "Page 1 of 2 · 55 in all")
    # session, user, the member's memberships with their organisations (the switcher too), the
    # count and the page of tokens = 5 (+2 tenant settings on PostgreSQL).
    assert five == fifty == fifty_five == 5 + 2 * tenant_settings_queries()


def test_the_own_token_list_pages_to_the_oldest_and_counts_only_ones_own(
    org, other_org, member_client
):
    # Given 53 revoked tokens and a working one, a colleague's tokens, and the person's own
    # tokens in another organisation
    person = member_client(org, Role.TRAINER)
    user = person.membership.user
    _revoked_tokens(org, user, 53)
    with time_machine.travel(FIRST_TOKEN_AT + timedelta(days=1), tick=False), org_context(org.pk):
        working, _raw = api_token_create(organisation=org, user=user, name="nightly export")
    colleague = member_client(org, Role.TRAINER).membership.user
    _revoked_tokens(org, colleague, 3, prefix="colleague")
    MembershipFactory(organisation=other_org, user=user, role=Role.TRAINER)
    _revoked_tokens(other_org, user, 60, prefix="elsewhere")
    url = reverse("api_token_list", args=[org.slug])

    # When the person reads their tokens, then the second page
    first = person.get(url).content.decode()
    second = person.get(url, {"page": 2}).content.decode()

    # Then the working token and the 49 newest revoked ones come first, the 4 oldest after
    assert "Page 1 of 2 · 54 in all" in first and "Page 2 of 2 · 54 in all" in second
    assert "nightly export" in first and "nightly export" not in second
    revoke = reverse("api_token_revoke", args=[org.slug, working.pk])
    assert revoke in first
    assert "script 52" in first and "script 04" in first and "script 03" not in first
    assert "script 03" in second and "script 00" in second and "script 04" not in second
    assert 'href="?page=2#tokens-heading">Older</a>' in first
    assert 'href="?page=1#tokens-heading">Newer</a>' in second
    # and nobody else's tokens, nor the person's in another organisation, are listed or counted.
    for html in (first, second):
        assert "colleague" not in html and "elsewhere" not in html
