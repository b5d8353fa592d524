"""/healthz under a monitor: parallel checks never fail each other, the broker connection is
kept, and only internal callers or holders of the token learn which part failed."""

import os

import pytest
from django.core.cache import cache

from cocora.core import health

pytestmark = pytest.mark.django_db

OUTSIDE = "198.51.100.7"  # a documentation address: public to us, whatever ipaddress says


@pytest.fixture
def dead_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


def test_a_check_running_between_another_ones_write_and_read_does_not_fail_it(monkeypatch):
    # Two monitors polling at once: the second writes between the first one's set and get.
    # With one shared key the first read back the second's value and answered 503.
    original_set = cache.set
    interleaved = []

    def set_then_let_another_check_run(key, value, *args, **kwargs):
        original_set(key, value, *args, **kwargs)
        if not interleaved:
            interleaved.append(None)
            interleaved[0] = health._check_cache()

    monkeypatch.setattr(cache, "set", set_then_let_another_check_run)

    assert health._check_cache()["ok"] is True
    assert interleaved and interleaved[0]["ok"] is True


def test_the_cache_check_leaves_no_keys_behind():
    health._check_cache()
    health._check_cache()

    if hasattr(cache, "keys"):  # the Redis backend
        assert cache.keys("cocora:healthz*") == []


@pytest.mark.redis
def test_the_broker_connection_is_opened_once_and_reused(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    before = health.broker.opened

    for _ in range(5):
        assert client.get("/healthz").status_code == 200

    assert health.broker.opened - before <= 1


@pytest.mark.redis
def test_after_a_broker_outage_the_next_check_connects_again(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    assert client.get("/healthz").status_code == 503

    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    assert client.get("/healthz").status_code == 200


def test_an_anonymous_caller_outside_learns_only_ok_or_fail(client, dead_broker):
    response = client.get("/healthz", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 503
    assert response.json() == {"status": "fail"}
    assert "9" not in response.content.decode()


def test_a_healthy_answer_outside_is_only_ok(client):
    response = client.get("/healthz", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_token_or_an_internal_address_gets_the_details(client, dead_broker, settings):
    settings.COCORA_HEALTHZ_TOKEN = "s3cret-token-for-the-monitor"

    with_token = client.get(
        "/healthz", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer s3cret-token-for-the-monitor"
    )
    wrong_token = client.get("/healthz", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer guess")
    inside = client.get("/healthz", REMOTE_ADDR="10.0.3.7")

    assert with_token.json()["checks"]["broker"]["ok"] is False
    assert "Error" in with_token.json()["checks"]["broker"]["error"]
    assert wrong_token.json() == {"status": "fail"}
    assert inside.json()["checks"]["broker"]["ok"] is False


def test_behind_the_proxy_the_forwarded_client_counts_not_the_proxy(client, dead_broker, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    # The proxy itself is internal; the visitor it forwards is not, whatever they claim first.
    outside = client.get(
        "/healthz", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"127.0.0.1, {OUTSIDE}"
    )
    inside = client.get("/healthz", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.0.3.7")

    assert outside.json() == {"status": "fail"}
    assert "checks" in inside.json()
