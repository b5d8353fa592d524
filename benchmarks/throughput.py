"""Throughput under gunicorn (called from benchmarks/run.py): how many requests per second a
page serves compared with `/healthz`, both served by the same gunicorn with production
settings, on PostgreSQL as the restricted role, measured in turns (healthz, page, healthz,
page...) so that a busy moment of the shared machine weighs on both alike.

The ratio page / healthz is what docs/performance.md's goals are stated in: healthz is the
cheapest request that still passes the whole middleware stack and touches the database.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from importlib import import_module
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
TURNS = int(os.environ.get("BENCH_TURNS", "3"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _session_cookie(email: str) -> str:
    """A signed-in session of `email` in the shared database, as the sign-in page would make,
    and the CSRF cookie a browser holds after its first form (the pages that keep their
    content key it on that secret: without it, each request would make a new one)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from cocora.accounts.models import User
    from cocora.core.middleware import LOGIN_AT_SESSION_KEY

    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # When the person signed in: sessions end 12 hours after it (SessionLifetimeMiddleware).
    store[LOGIN_AT_SESSION_KEY] = int(time.time())
    store.save()
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def _rate(port: int, path: str, cookie: str, seconds: float) -> float:
    """Requests per second that CLIENTS keep-alive clients get for `path` in `seconds`."""
    done = [0] * CLIENTS
    failed: list[str] = []
    stop = time.perf_counter() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": "127.0.0.1", "Cookie": cookie, "X-Forwarded-Proto": "https"}
        try:
            while time.perf_counter() < stop:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed.append(f"{path}: {response.status}")
                    return
                done[index] += 1
        except OSError as error:
            failed.append(f"{path}: {error}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise ConnectionError(failed[0])
    return sum(done) / (time.perf_counter() - start)


def run(cases: dict[str, str], email: str, **extra_env: str) -> dict[str, Any]:
    """Each case's requests per second and its ratio to /healthz, median over TURNS turns.
    `extra_env` adds to the server's environment (e.g. DATABASE_CONN_MAX_AGE="0")."""
    from django.conf import settings

    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocora.settings.production",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "COCORA_FIELD_KEYS": ",".join(settings.COCORA_FIELD_KEYS),
        "COCORA_MFA_REQUIRED_ROLES": "",
        "COCORA_TRUSTED_PROXY_COUNT": "0",
        # One person's 600 API requests a minute are far below what the turns ask for.
        "COCORA_API_RATE": "1000000/min",
        **extra_env,
    }
    python = sys.executable
    subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 — our own interpreter and gunicorn
        [
            python,
            "-m",
            "gunicorn",
            "cocora.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        cookie = _session_cookie(email)
        deadline = time.time() + 30
        while True:
            try:
                _rate(port, "/healthz", cookie, 0.2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        rates: dict[str, list[float]] = {name: [] for name in cases}
        ratios: dict[str, list[float]] = {name: [] for name in cases}
        health: list[float] = []
        for path in cases.values():
            _rate(port, path, cookie, 0.3)  # warm the workers' caches
        for _turn in range(TURNS):
            for name, path in cases.items():
                baseline = _rate(port, "/healthz", cookie, SECONDS)
                rate = _rate(port, path, cookie, SECONDS)
                health.append(baseline)
                rates[name].append(rate)
                ratios[name].append(rate / baseline)
        return {
            "clients": CLIENTS,
            "workers": WORKERS,
            "healthz_rps": round(statistics.median(health), 1),
            "cases": {
                name: {
                    "rps": round(statistics.median(rates[name]), 1),
                    "ratio": round(statistics.median(ratios[name]), 3),
                }
                for name in cases
            },
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def table(results: dict[str, Any], per_request: dict[str, Any]) -> list[str]:
    """`results` with the production settings (connections kept between requests), beside
    `per_request`: the same cases with a new database connection for every request."""
    lines = [
        f"gunicorn, {results['workers']} workers, production settings; {results['clients']} "
        f"clients. /healthz served {results['healthz_rps']} requests/s with the connections "
        f"kept, {per_request['healthz_rps']} with a new connection per request, in the same "
        "turns as the pages.",
        "",
        "| page | requests/s | against /healthz | new connection per request: requests/s "
        "| against /healthz |",
        "|---|---|---|---|---|",
    ]
    for name, case in results["cases"].items():
        other = per_request["cases"][name]
        lines.append(
            f"| {name} | {case['rps']} | {case['ratio']}× | {other['rps']} | {other['ratio']}× |"
        )
    return lines
