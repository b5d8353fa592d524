"""Authentication, sessions and headers (docs/security.md): two-factor authentication for admins
and coordinators, the idle and absolute session timeouts, the security headers on every page,
the Django admin's sign-in through allauth, deactivation ending sessions, and a clean
`check --deploy` with the production settings."""

import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from cryptography.fernet import Fernet
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cocora.accounts.models import User
from cocora.accounts.services import user_deactivate
from cocora.core.middleware import LOGIN_AT_SESSION_KEY
from cocora.organisations.models import Organisation, Role
from cocora.organisations.tests.factories import (
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "a-good-test-password"
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.COCORA_MFA_REQUIRED_ROLES = ["admin", "coordinator"]


def _client_for(user: User, backend: str = MODEL_BACKEND) -> Client:
    client = Client()
    client.force_login(user, backend=backend)
    return client


def _member(org: Organisation, role: str) -> tuple[User, Client]:
    user = MembershipFactory(organisation=org, role=role).user
    return user, _client_for(user)


def _activate_totp(client: Client) -> None:
    """The real set-up: confirm the password, scan the secret, enter a code."""
    assert client.get(reverse("mfa_activate_totp")).status_code == 302  # asks for the password
    confirmed = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302


def _org_pages(org: Organisation) -> list[str]:
    return [
        reverse(name, kwargs={"org_slug": org.slug})
        for name in ("org_home", "cohort_list", "participant_list", "programme_list")
    ]


# --- Two-factor authentication -------------------------------------------------------------


def test_a_coordinator_without_an_authenticator_reaches_only_the_set_up(org, mfa_required):
    _user, client = _member(org, Role.COORDINATOR)

    for path in [*_org_pages(org), reverse("profile"), reverse("home")]:
        response = client.get(path)
        assert (path, response.status_code) == (path, 302)
        assert response["Location"] == reverse("mfa_activate_totp")
        assert client.post(path, {"name": "x"})["Location"] == reverse("mfa_activate_totp")

    # What is needed to set one up, or to leave, stays open.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    switched = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert switched.status_code == 302 and switched["Location"] == "/"


def test_a_coordinator_passes_once_the_authenticator_is_set_up(org, mfa_required):
    _user, client = _member(org, Role.COORDINATOR)

    _activate_totp(client)

    for path in [*_org_pages(org), reverse("profile")]:
        assert (path, client.get(path).status_code) == (path, 200)


def test_an_admin_is_held_too_but_a_trainer_is_not(org, mfa_required):
    _admin, admin_client = _member(org, Role.ADMIN)
    _trainer, trainer_client = _member(org, Role.TRAINER)

    assert admin_client.get(reverse("member_list", args=[org.slug])).status_code == 302
    assert trainer_client.get(reverse("org_home", args=[org.slug])).status_code == 200
    assert trainer_client.get(reverse("profile")).status_code == 200


def test_a_coordinator_role_in_any_organisation_counts(org, other_org, mfa_required):
    # Regression: the membership read crosses organisations (allowed by the read policy on the
    # user's own memberships); a trainer here who coordinates elsewhere is held here too.
    user, client = _member(org, Role.TRAINER)
    MembershipFactory(organisation=other_org, user=user, role=Role.COORDINATOR)

    assert client.get(reverse("org_home", args=[org.slug]))["Location"] == reverse(
        "mfa_activate_totp"
    )


def test_platform_staff_are_held_too(db, mfa_required):
    staff = UserFactory(is_staff=True)
    client = _client_for(staff)

    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_nobody_is_held_when_the_requirement_is_off(org, settings):
    settings.COCORA_MFA_REQUIRED_ROLES = []
    _user, client = _member(org, Role.COORDINATOR)

    assert client.get(reverse("org_home", args=[org.slug])).status_code == 200


def test_htmx_requests_are_sent_to_the_set_up_as_a_whole_page(org, mfa_required):
    _user, client = _member(org, Role.COORDINATOR)

    response = client.get(reverse("org_home", args=[org.slug]), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_having_an_authenticator_is_trusted_for_a_minute_only(org, mfa_required):
    user, client = _member(org, Role.COORDINATOR)
    home = reverse("org_home", args=[org.slug])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _activate_totp(client)
        assert client.get(home).status_code == 200
        # Removed behind the session's back (e.g. in the Django admin):
        Authenticator.objects.filter(user=user).delete()

        traveller.shift(timedelta(seconds=30))
        assert client.get(home).status_code == 200  # still within the minute
        traveller.shift(timedelta(seconds=31))
        assert client.get(home)["Location"] == reverse("mfa_activate_totp")


# --- Session lifetimes ---------------------------------------------------------------------


def test_the_session_expires_30_minutes_after_the_last_request(org):
    _user, client = _member(org, Role.TRAINER)
    home = reverse("org_home", args=[org.slug])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get(home).status_code == 200
        session = Session.objects.get(pk=client.session.session_key)
        # Kept server side: the row's expiry, not only the cookie's.
        assert abs(session.expire_date - (timezone.now() + timedelta(minutes=30))) < timedelta(
            seconds=5
        )

        traveller.shift(timedelta(minutes=29))
        assert client.get(home).status_code == 200  # activity moves the expiry ahead

        traveller.shift(timedelta(minutes=31))
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert client.get(reverse("profile")).status_code == 302


def test_reading_pages_writes_the_session_at_most_once_a_minute(org):
    """The expiry moves ahead with use, but not with a database write on every request; the
    idle time is then counted from the last move, so a session never outlives 30 idle minutes."""
    _user, client = _member(org, Role.TRAINER)
    home = reverse("org_home", args=[org.slug])

    def expiry() -> Any:
        return Session.objects.get(pk=client.session.session_key).expire_date

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get(home).status_code == 200
        moved_at = expiry()

        traveller.shift(timedelta(seconds=59))
        with CaptureQueriesContext(connection) as context:
            assert client.get(home).status_code == 200
        written = [q["sql"] for q in context.captured_queries]
        assert not [sql for sql in written if re.match(r'\s*(UPDATE|INSERT) "django_session"', sql)]
        assert any('FROM "django_session"' in sql for sql in written)  # read, as every request
        assert expiry() == moved_at

        traveller.shift(timedelta(seconds=2))  # over a minute after the last move
        assert client.get(home).status_code == 200
        assert expiry() == timezone.now() + timedelta(minutes=30)

        traveller.shift(timedelta(seconds=50))
        assert client.get(home).status_code == 200  # not moved: 50 seconds since the last move
        # 29 min 20 s after this last request, but 30 min 10 s after the last move: ended.
        traveller.shift(timedelta(minutes=29, seconds=20))
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_request_without_a_write_still_leaves_29_idle_minutes(org):
    # The tightest case from the other side: the last request moved nothing (59 seconds after
    # the last move), yet 29 minutes after it the session is still alive.
    _user, client = _member(org, Role.TRAINER)
    home = reverse("org_home", args=[org.slug])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get(home).status_code == 200
        traveller.shift(timedelta(seconds=59))
        assert client.get(home).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(home).status_code == 200


def test_signing_in_through_the_form_gives_30_idle_minutes_with_or_without_remember_me(
    org, settings
):
    user, _client = _member(org, Role.TRAINER)
    for remember in (False, True):
        client = Client()
        form = {"login": user.email, "password": PASSWORD}
        if remember:
            form["remember"] = "on"
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            assert client.post(reverse("account_login"), form).status_code == 302
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            # Without "remember me" the cookie ends with the browser; the row expires either way.
            assert bool(cookie["max-age"]) is remember
            row = Session.objects.get(pk=cookie.value)
            assert row.expire_date == timezone.now() + timedelta(minutes=30)

            traveller.shift(timedelta(seconds=61))
            assert client.get(reverse("profile")).status_code == 200
            row.refresh_from_db()
            assert row.expire_date == timezone.now() + timedelta(minutes=30)
            traveller.shift(timedelta(minutes=31))
            assert client.get(reverse("profile")).status_code == 302


def test_the_session_ends_12_hours_after_sign_in_however_active(org):
    _user, client = _member(org, Role.TRAINER)
    profile = reverse("profile")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(_user)
        signed_in_at = timezone.now()
        # A request every 25 minutes keeps the session from going idle...
        while timezone.now() < signed_in_at + timedelta(hours=11, minutes=50):
            assert client.get(profile).status_code == 200
            traveller.shift(timedelta(minutes=25))

        # ...but 12 h 05 min after signing in it ends all the same.
        assert timezone.now() - signed_in_at == timedelta(hours=12, minutes=5)
        response = client.get(profile)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        login_page = client.get(response["Location"])
        assert "signed out 12 hours after signing in" in login_page.content.decode()


def test_a_session_without_a_sign_in_time_is_ended(org):
    _user, client = _member(org, Role.TRAINER)
    session = client.session
    del session[LOGIN_AT_SESSION_KEY]
    session.save()

    assert client.get(reverse("profile")).status_code == 302


# --- Headers -------------------------------------------------------------------------------


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            routes += _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + str(entry.pattern))
    return routes


def _parameterless_org_paths(org: Organisation) -> list[str]:
    prefix = "o/<slug:org_slug>/"
    return sorted(
        "/" + route.replace("<slug:org_slug>", org.slug)
        for route in _routes(get_resolver().url_patterns)
        if route.startswith(prefix) and route.count("<") == 1
    )


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.I)


def test_every_authenticated_page_has_csp_no_store_and_nosniff(org, settings):
    _admin, client = _member(org, Role.ADMIN)
    paths = [
        *_parameterless_org_paths(org),
        reverse("profile"),
        reverse("mfa_index"),
        reverse("account_email"),
    ]
    assert len(paths) > 8

    for path in paths:
        response = client.get(path)
        headers = response.headers
        assert headers.get("Content-Security-Policy") == settings.COCORA_CONTENT_SECURITY_POLICY, (
            path
        )
        assert "no-store" in headers.get("Cache-Control", ""), path
        assert headers.get("Pragma") == "no-cache", path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", path
        assert "camera=()" in headers.get("Permissions-Policy", ""), path
        if response.status_code == 200 and "html" in headers.get("Content-Type", ""):
            # The policy forbids inline script and style: a page that has some is broken.
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), path
            assert not INLINE_HANDLER.search(html.replace("hx-on", "")), path
            assert not INLINE_STYLE.search(html), path


def test_the_csp_has_no_inline_script_and_no_third_party_host(client, settings):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]

    assert csp == settings.COCORA_CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp and "http" not in csp and "*" not in csp


# --- The Django admin signs in through allauth ---------------------------------------------


def test_the_admin_login_goes_through_allauth(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    member = UserFactory()
    assert _client_for(member).get(reverse("admin:login")).status_code == 403
    staff = UserFactory(is_staff=True)
    assert _client_for(staff).get(reverse("admin:index")).status_code == 200


# --- Deactivation ends sessions ------------------------------------------------------------


@pytest.mark.parametrize("backend", [MODEL_BACKEND, ALLAUTH_BACKEND])
def test_a_deactivated_user_is_signed_out_on_the_next_request(db, backend):
    user = UserFactory()
    client = _client_for(user, backend=backend)
    assert client.get(reverse("profile")).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(reverse("profile")).status_code == 302


def test_deactivating_ends_every_session_so_reactivating_revives_none(db):
    user, bystander = UserFactory(), UserFactory()
    phone, laptop = _client_for(user), _client_for(user, backend=ALLAUTH_BACKEND)
    other = _client_for(bystander)
    assert Session.objects.count() == 3

    ended = user_deactivate(user=user)

    assert ended == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        other.session.session_key
    ]
    User.objects.filter(pk=user.pk).update(is_active=True)
    for device in (phone, laptop):
        assert device.get(reverse("profile")).status_code == 302
    assert other.get(reverse("profile")).status_code == 200


# --- check --deploy ------------------------------------------------------------------------


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COCORA_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cocora.settings.production",
        DJANGO_SECRET_KEY=Fernet.generate_key().decode() + Fernet.generate_key().decode(),
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_SECURE_HSTS_SECONDS="31536000",
        COCORA_FIELD_KEYS=Fernet.generate_key().decode(),
        REDIS_URL="redis://127.0.0.1:6379/0",
        # An empty database: the checks must not depend on a server or on stored data.
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    env.update(extra)
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_production_settings(tmp_path):
    result = _check_deploy(_production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr


def _production_database(tmp_path: Path, **extra: str) -> dict[str, Any]:
    env = _production_env(
        tmp_path, DATABASE_URL="postgres://cocora_app@db.example.org/cocora", **extra
    )
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; "
        "o = d.get('OPTIONS', {}); "
        "print(json.dumps([d.get('CONN_MAX_AGE'), d.get('CONN_HEALTH_CHECKS'), "
        "o.get('pool', False), o.get('server_side_binding', False), "
        "o.get('prepare_threshold')]))"
    )
    result = subprocess.run(  # noqa: S603 — our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    age, checks, pool, binding, threshold = json.loads(result.stdout.strip().splitlines()[-1])
    return {"age": age, "checks": checks, "pool": pool, "prepared": binding and threshold}


def test_production_keeps_database_connections_between_requests(tmp_path):
    # Kept for a minute and checked before reuse, unless told otherwise; the pool replaces it.
    assert _production_database(tmp_path) == {
        "age": 60,
        "checks": True,
        "pool": False,
        "prepared": 5,
    }
    assert _production_database(tmp_path, DATABASE_CONN_MAX_AGE="0")["age"] == 0
    assert _production_database(tmp_path, DATABASE_POOL="true") == {
        "age": 0,
        "checks": False,
        "pool": True,
        "prepared": 5,
    }


def test_production_keeps_statements_prepared_unless_a_pooler_cannot(tmp_path):
    # After five runs on a connection (the threshold can move), or not at all.
    assert _production_database(tmp_path)["prepared"] == 5
    assert _production_database(tmp_path, DATABASE_PREPARE_THRESHOLD="2")["prepared"] == 2
    assert not _production_database(tmp_path, DATABASE_PREPARED_STATEMENTS="false")["prepared"]


def test_check_deploy_warns_about_a_local_cache_and_no_two_factor(tmp_path):
    env = _production_env(tmp_path, COCORA_MFA_REQUIRED_ROLES="")
    del env["REDIS_URL"]

    result = _check_deploy(env)

    assert result.returncode != 0
    assert "cocora.W101" in result.stderr and "cocora.W102" in result.stderr


def test_production_defaults(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.COCORA_MFA_REQUIRED_ROLES, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST, s.COCORA_SESSION_ABSOLUTE_SECONDS)"
    )
    result = subprocess.run(  # noqa: S603  (this interpreter, our own fixed code)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == [
        "['admin',",
        "'coordinator']",
        "True",
        "True",
        "1800",
        "False",
        "43200",
    ], result.stderr
