"""/healthz: is the database, the cache and the broker reachable? 200 or 503.

Anyone may ask, so an anonymous caller learns only "ok" or "fail"; the details (which part
failed, and why) go to a caller with the health token (`Authorization: Bearer …`,
COCORA_HEALTHZ_TOKEN) or from an internal address (a load balancer or the container's own
check, not forwarded by the reverse proxy).

The checks are safe to run in parallel: each request writes its own cache key, and the broker
connection is opened once per process and reused, so a busy monitor neither races with itself
(a shared key read back by another request gave false 503s) nor opens a connection per call.
"""

import hmac
import ipaddress
import logging
import threading
import uuid
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _check_cache() -> dict[str, Any]:
    # A key of this request's own: parallel checks never read each other's value.
    key = f"cocora:healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, 10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was written")
    finally:
        cache.delete(key)
    return {"ok": True, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


class _Broker:
    """One broker connection per process, opened on first use and reused; dropped after a
    failure so that the next check connects afresh."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Any = None
        self._url = ""
        self.opened = 0  # how many connections this process has opened (read by tests)

    def check(self, url: str) -> None:
        from kombu import Connection

        with self._lock:
            if self._connection is None or self._url != url:
                self._close()
                self._connection = Connection(url, connect_timeout=2)
                self._url = url
                self.opened += 1
            try:
                self._connection.ensure_connection(max_retries=1, timeout=2)
                client = getattr(self._connection.default_channel, "client", None)
                if client is not None and hasattr(client, "ping"):
                    # Redis: a live round trip on the kept connection, not only its state.
                    client.ping()
            except Exception:
                self._close()
                raise

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:
                # A broken connection may fail to close; it is dropped all the same.
                logger.debug("Closing the health check's broker connection failed.")
        self._connection = None


broker = _Broker()


def _check_broker() -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    broker.check(settings.CELERY_BROKER_URL)
    return {"ok": True, "mode": "broker"}


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


# Loopback and the private ranges (RFC 1918, unique local IPv6). Not ipaddress's `is_private`,
# which also counts documentation and benchmarking ranges that can be routed to us.
INTERNAL_NETWORKS = [
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::1/128",
        "fc00::/7",
    )
]


def _client_address(request: HttpRequest) -> str:
    """The caller's address as the sign-in rate limits read it (allauth's, per
    COCORA_TRUSTED_PROXY_COUNT): "" when the forwarded hops do not add up."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return ""


def may_see_details(request: HttpRequest) -> bool:
    token = settings.COCORA_HEALTHZ_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and given.startswith("Bearer "):
        return hmac.compare_digest(given.removeprefix("Bearer ").encode(), token.encode())
    try:
        address = ipaddress.ip_address(_client_address(request))
    except ValueError:
        return False
    return any(address in network for network in INTERNAL_NETWORKS)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:
            logger.error("Health check %s failed: %s", name, error)
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    healthy = all(result["ok"] for result in results.values())
    status = 200 if healthy else 503
    if not may_see_details(request):
        return JsonResponse({"status": "ok" if healthy else "fail"}, status=status)
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": results}, status=status)
