"""The API's own rules: tokens, errors, limits, paging, ETags, and the core resources."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from cocora.api.models import ApiToken
from cocora.api.services import api_token_revoke
from cocora.audit.models import AuditEvent
from cocora.notifications.models import Delivery
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries

pytestmark = pytest.mark.django_db


def _me(org: Any) -> str:
    return f"/api/v1/o/{org.slug}/me/"


def _audit(org: Any, action: str) -> list[AuditEvent]:
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).filter(action=action))


def test_a_token_signs_in_as_its_person_with_their_role(org, api_client):
    client = api_client(org, Role.TRAINER)
    response = client.get(_me(org))
    assert response.status_code == 200
    assert response.json() == {
        "email": client.membership.user.email,
        "name": client.membership.user.name,
        "organisation": org.slug,
        "role": "trainer",
        "time_zone": "Europe/Copenhagen",
        "token_read_only": False,
        "token_expires_at": None,
    }


def test_only_a_hash_of_the_token_is_stored_and_use_is_recorded(org, api_client):
    client = api_client(org, Role.ADMIN)
    client.get(_me(org))
    with org_context(org.pk):
        token = ApiToken.objects.for_org(org).get()
        stored = list(ApiToken.objects.for_org(org).values_list(flat=False))
    assert client.raw not in repr(stored)
    assert token.key_hash != client.raw and len(token.key_hash) == 64
    assert client.raw.startswith(token.prefix)
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ccr_not-a-real-token", "Bearer a b", "Token abc", "Bearer ünïcode"],
)
def test_missing_or_unknown_tokens_get_401_with_the_error_shape(org, client, header):
    MembershipFactory(organisation=org, role=Role.ADMIN)
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(_me(org), **extra)
    # "Token abc" is not our scheme: it is ignored, and nobody is signed in.
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] in {"token_invalid", "not_authenticated"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_revoked_and_deactivated_tokens_are_refused(org, api_client):
    expired, revoked, deactivated = (api_client(org, Role.ADMIN) for _ in range(3))
    with org_context(org.pk):
        ApiToken.objects.filter(pk=expired.token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        api_token_revoke(token=revoked.token, actor=revoked.membership.user)
    user = deactivated.membership.user
    user.is_active = False
    user.save()
    for client in (expired, revoked, deactivated):
        response = client.get(_me(org))
        assert response.status_code == 401
        assert response.json()["code"] == "token_invalid"
    assert len(_audit(org, "api_token.revoked")) == 1


def test_a_token_works_only_in_its_own_organisation(org, other_org, api_client):
    client = api_client(org, Role.ADMIN)
    # The same person is an admin of the other organisation too: the token still does not work.
    MembershipFactory(organisation=other_org, role=Role.ADMIN, user=client.membership.user)
    response = client.get(_me(other_org))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert [e.details["status"] for e in _audit(other_org, "access.denied")] == [404]


def test_a_read_only_token_reads_but_never_writes(org, api_client):
    client = api_client(org, Role.ADMIN, read_only=True)
    assert client.get(_me(org)).json()["token_read_only"] is True
    response = client.post(f"/api/v1/o/{org.slug}/programmes/", {"title": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"


def test_requests_past_the_rate_are_answered_429_per_token(org, api_client):
    first, second = api_client(org, Role.ADMIN), api_client(org, Role.ADMIN)
    with override_settings(COCORA_API_RATE="3/min"):
        codes = [first.get(_me(org)).status_code for _ in range(4)]
        other = second.get(_me(org)).status_code
        limited = first.get(_me(org))
    assert codes == [200, 200, 200, 429]
    assert other == 200
    assert limited.json()["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0


def test_malformed_json_wrong_media_type_and_huge_pages_get_documented_errors(org, api_client):
    client = api_client(org, Role.ADMIN)
    base = f"/api/v1/o/{org.slug}"
    malformed = client.post(f"{base}/programmes/", "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "malformed"
    form = client.post(f"{base}/programmes/", "title=x", content_type="text/plain")
    assert form.status_code == 415
    assert form.json()["code"] == "unsupported_media_type"
    for size in ("100000", "0", "-1", "many"):
        page = client.get(f"{base}/deliveries/?page_size={size}")
        assert page.status_code == 400
        assert "page_size" in page.json()["errors"]
    past_the_end = client.get(f"{base}/deliveries/?page=99")
    assert past_the_end.status_code == 400
    assert "page" in past_the_end.json()["errors"]


def test_unchanged_reads_answer_304_to_their_etag(org, api_client):
    client = api_client(org, Role.ADMIN)
    first = client.get(_me(org))
    etag = first["ETag"]
    again = client.get(_me(org), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(_me(org), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def _delivery(org: Any, n: int) -> None:
    with org_context(org.pk):
        Delivery.objects.bulk_create(
            Delivery(
                organisation=org,
                rule="session_reminder",
                kind="session_reminder",
                object_type="programmes.session",
                object_id=str(i),
                occasion="24h",
                recipient_kind="user",
                address_hash="x" * 64,
                language="en",
                idempotency_key=f"{org.pk}-{n}-{i}",
            )
            for i in range(n)
        )


def test_deliveries_are_for_admins_with_the_same_queries_for_5_and_50(org, api_client):
    admin = api_client(org, Role.ADMIN)
    url = f"/api/v1/o/{org.slug}/deliveries/"
    assert api_client(org, Role.COORDINATOR).get(url).status_code == 403
    admin.get(url)  # the token's first use of the minute is written once
    _delivery(org, 5)
    few, response = count_queries(lambda: admin.get(url))
    assert response.json()["count"] == 5
    _delivery(org, 45)
    many, response = count_queries(lambda: admin.get(url + "?page_size=200"))
    assert response.json()["count"] == 50
    assert few == many
    item = response.json()["results"][0]
    assert set(item) == {
        "id", "rule", "kind", "occasion", "recipient_kind", "language", "status", "attempts",
        "sent_at", "last_error", "created_at",
    }  # fmt: skip


def test_refusals_are_recorded_like_the_pages(org, api_client):
    coordinator = api_client(org, Role.COORDINATOR)
    coordinator.get(f"/api/v1/o/{org.slug}/deliveries/")
    [denied] = _audit(org, "access.denied")
    assert denied.details["status"] == 403 and denied.details["member"] is True


def test_create_api_token_prints_a_working_token(org, client):
    membership = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    out = StringIO()
    call_command(
        "create_api_token", membership.user.email, org.slug, "--read-only", "--days", "7",
        stdout=out,
    )  # fmt: skip
    raw = out.getvalue().strip()
    body = client.get(_me(org), HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["role"] == "coordinator" and body["token_read_only"] is True
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody@example.org", org.slug)
    with pytest.raises(CommandError):
        call_command("create_api_token", membership.user.email, "no-such-org")


def test_the_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/o/{org_slug}/me/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_unknown_api_paths_answer_in_the_error_shape_and_pages_stay_html(org, api_client):
    client = api_client(org, Role.ADMIN)
    response = client.get(f"/api/v1/o/{org.slug}/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]


def test_a_role_without_the_permission_gets_403_on_visible_objects_and_404_on_others(
    org, other_org, api_client
):
    coordinator = api_client(org, Role.COORDINATOR)
    _delivery(org, 1)
    _delivery(other_org, 1)
    with org_context(org.pk):
        own = Delivery.objects.for_org(org).get().pk
    with org_context(other_org.pk):
        foreign = Delivery.objects.for_org(other_org).get().pk
    base = f"/api/v1/o/{org.slug}/deliveries"
    assert coordinator.get(f"{base}/{own}/").status_code == 403
    assert coordinator.get(f"{base}/{foreign}/").status_code == 404
    assert coordinator.get(f"{base}/999999/").status_code == 404


def test_query_filters_never_turn_a_refusal_into_a_yes_no_answer(org, api_client):
    """A role without the permission gets the same 403 whatever filters it adds: otherwise
    403-or-404 would tell it a hidden field's value, one question at a time."""
    coordinator = api_client(org, Role.COORDINATOR)
    _delivery(org, 1)
    with org_context(org.pk):
        delivery = Delivery.objects.for_org(org).get()
    base = f"/api/v1/o/{org.slug}/deliveries/{delivery.pk}/"
    answers = {
        status: coordinator.get(f"{base}?status={status}").status_code
        for status in ("planned", "sent", "failed", "skipped")
    }
    assert set(answers.values()) == {403}


def test_a_misspelt_filter_is_a_400_not_an_unfiltered_list(org, api_client):
    admin = api_client(org, Role.ADMIN)
    response = admin.get(f"/api/v1/o/{org.slug}/deliveries/?stauts=sent")
    assert response.status_code == 400
    assert response.json()["errors"] == {"stauts": ["Unknown query parameter."]}
    assert admin.get(f"/api/v1/o/{org.slug}/deliveries/?status=sent").status_code == 200


def test_weak_etags_match_too(org, api_client):
    client = api_client(org, Role.ADMIN)
    etag = client.get(_me(org))["ETag"]
    assert client.get(_me(org), HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304


@pytest.mark.parametrize("debug", [False, True])
def test_a_path_without_its_slash_is_a_json_404_never_a_redirect(org, api_client, debug):
    client = api_client(org, Role.ADMIN)
    with override_settings(DEBUG=debug):
        for method in ("get", "post"):
            response = getattr(client, method)(
                f"/api/v1/o/{org.slug}/programmes", {}, format="json"
            )
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
            assert "slash" in response.json()["message"]
        unknown = client.get(f"/api/v1/o/{org.slug}/sessions/abc/")
        assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
