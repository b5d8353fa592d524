"""The data-protection framework of the core: periods, their page, the nightly task and the
owner's audit purge. Domain providers are tested in their apps (programmes/tests/test_privacy.py);
here the core imports none of them."""

import io
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cocora import celery_app
from cocora.audit.models import AuditEvent
from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.privacy import registry
from cocora.privacy.models import RetentionPolicy
from cocora.privacy.periods import months_before
from cocora.privacy.selectors import retention_periods
from cocora.privacy.services import (
    audit_events_purge,
    retention_policy_set,
    retention_preview,
    retention_run,
)
from cocora.privacy.tasks import retention_nightly
from cocora.testing.require import service_missing

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=CPH)
ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 6, 15, 10, 0), 24, datetime(2024, 6, 15, 10, 0)),
        (datetime(2026, 3, 31), 1, datetime(2026, 2, 28)),
        (datetime(2024, 3, 31), 1, datetime(2024, 2, 29)),  # a leap year
        (datetime(2026, 1, 10), 13, datetime(2024, 12, 10)),
        (datetime(2026, 1, 10), 0, datetime(2026, 1, 10)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_periods_default_in_code_until_an_organisation_sets_its_own(org):
    with org_context(org.pk):
        defaults = retention_periods(organisation=org)
        RetentionPolicy.objects.create(organisation=org, record_type="session_logs", period=12)
        changed = retention_periods(organisation=org)

    assert {k: (p.period, p.unit, p.is_default) for k, p in defaults.items()} == {
        "participants": (24, "months", True),
        "session_logs": (36, "months", True),
        "audit_events": (60, "months", True),
        "exports": (30, "days", True),
    }
    assert (changed["session_logs"].period, changed["session_logs"].is_default) == (12, False)


def test_a_cutoff_is_counted_on_the_organisations_calendar():
    (period,) = [p for p in _defaults() if p.record_type == "exports"]
    # 00:30 in Copenhagen on 1 March is still 28 February in UTC: the organisation's day counts.
    now = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    assert period.cutoff(now, CPH) == datetime(2026, 1, 30, 0, 30, tzinfo=CPH)


def _defaults():
    from cocora.privacy.models import RETENTION_RULES
    from cocora.privacy.periods import RetentionPeriod

    return [
        RetentionPeriod(record_type=t, period=r.default, unit=r.unit, is_default=True)
        for t, r in RETENTION_RULES.items()
    ]


@pytest.mark.parametrize(
    ("record_type", "period"),
    [("participants", 0), ("participants", 241), ("audit_events", 11), ("religion", 12)],
)
def test_periods_out_of_bounds_or_unknown_types_are_refused(org, record_type, period):
    with org_context(org.pk), pytest.raises(ApplicationError):
        retention_policy_set(organisation=org, record_type=record_type, period=period, actor=None)
    with org_context(org.pk):
        assert not RetentionPolicy.objects.for_org(org).exists()


def test_a_changed_period_is_audited_and_an_unchanged_one_is_not_stored(org):
    with org_context(org.pk):
        unchanged = retention_policy_set(
            organisation=org, record_type="participants", period=24, actor=None
        )
        policy = retention_policy_set(
            organisation=org, record_type="participants", period=18, actor=None
        )
        events = list(AuditEvent.objects.for_org(org).filter(action="privacy.retention_changed"))

    assert unchanged is None
    assert policy is not None and policy.period == 18
    assert [e.details for e in events] == [{"record_type": "participants", "from": 24, "to": 18}]


def test_a_provider_gives_both_the_preview_and_the_run_or_neither():
    def due(**kwargs):
        return {}

    with pytest.raises(ValueError, match="both"):
        registry.register("half", retention_due=due)
    assert "half" not in registry.providers


# --- audit events -------------------------------------------------------------------------


def _audit_event_at(org, moment):
    with time_machine.travel(moment, tick=False), org_context(org.pk):
        return audit_record(organisation=org, actor=None, action="test.old")


def test_old_audit_events_are_previewed_but_left_to_the_owners_purge(org):
    _audit_event_at(org, months_before(NOW, 61))
    _audit_event_at(org, months_before(NOW, 59))

    with time_machine.travel(NOW, tick=False), org_context(org.pk):
        preview = retention_preview(organisation=org)
        counts = retention_run(organisation=org)
        remaining = AuditEvent.objects.for_org(org).filter(action="test.old").count()
        run = AuditEvent.objects.for_org(org).get(action="privacy.retention_applied")

    assert preview["audit_events"] == 1
    assert "audit_events" not in counts
    assert remaining == 2
    assert run.details["audit_events_due"] == 1


def test_the_purge_dry_run_counts_what_is_due_and_changes_nothing(org, other_org):
    _audit_event_at(org, months_before(NOW, 61))
    _audit_event_at(org, months_before(NOW, 59))
    _audit_event_at(other_org, months_before(NOW, 70))

    with time_machine.travel(NOW, tick=False), org_context(org.pk):
        due = audit_events_purge(organisation=org, dry_run=True)
        left = AuditEvent.objects.for_org(org).count()

    assert (due, left) == (1, 2)


@pytest.mark.postgres
def test_the_application_role_may_not_purge_the_audit_trail(org):
    _audit_event_at(org, months_before(NOW, 61))

    # The trail is append-only for the runtime role: the command says how to run it instead.
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match="owner role"):
        call_command("privacy_purge_audit", stdout=io.StringIO())

    with org_context(org.pk):
        assert AuditEvent.objects.for_org(org).filter(action="test.old").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_purge_command_run_as_the_owner_role_removes_only_what_is_past_the_period(
    org, other_org
):
    owner_url = os.environ.get("COCORA_TEST_OWNER_DATABASE_URL")
    if not owner_url:
        service_missing("the owner role of the throwaway database is needed (make test)")
    now = datetime.now(UTC)
    old = _audit_event_at(org, now - timedelta(days=62 * 31))
    kept = _audit_event_at(org, now - timedelta(days=30))
    foreign_kept = _audit_event_at(other_org, now - timedelta(days=30))

    result = subprocess.run(
        [sys.executable, "manage.py", "privacy_purge_audit"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": owner_url,
            "DJANGO_SETTINGS_MODULE": "cocora.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert f"{org.slug}: 1 audit event(s) deleted" in result.stdout
    assert f"{other_org.slug}: 0 audit event(s) deleted" in result.stdout
    with org_context(org.pk):
        left = set(AuditEvent.objects.for_org(org).values_list("pk", flat=True))
        purge = AuditEvent.objects.for_org(org).get(action="privacy.audit_purged")
    assert old.pk not in left and kept.pk in left
    assert purge.details["count"] == 1
    with org_context(other_org.pk):
        assert AuditEvent.objects.for_org(other_org).filter(pk=foreign_kept.pk).exists()


@pytest.fixture
def eager_celery():
    """`.apply()` makes the Celery app create and cache its result backend for the thread (a
    disabled one: tests configure none). Put back what was there before, so that a later test
    can still configure a real backend (tests/test_celery.py's worker does)."""
    cached, local = celery_app._backend_cache, vars(celery_app._local).get("backend")
    yield
    celery_app._backend_cache = cached
    if local is None:
        vars(celery_app._local).pop("backend", None)
    else:
        celery_app._local.backend = local


# --- the nightly task ---------------------------------------------------------------------


def test_one_organisations_failure_does_not_stop_the_others(
    org, other_org, monkeypatch, eager_celery
):
    seen = []

    def due(*, organisation, policies, now):
        return {}

    def apply(*, organisation, policies, now):
        seen.append(organisation.pk)
        if organisation.pk == org.pk:
            raise RuntimeError("broken for this one")
        return {"exports": 2}

    monkeypatch.setitem(
        registry.providers,
        "flaky",
        registry.Provider(name="flaky", retention_due=due, retention_apply=apply),
    )

    with pytest.raises(RuntimeError, match=str(org.pk)):
        retention_nightly.apply().get()

    assert set(seen) >= {org.pk, other_org.pk}
    with org_context(other_org.pk):
        run = AuditEvent.objects.for_org(other_org).get(action="privacy.retention_applied")
    assert run.details["counts"]["exports"] == 2
    with org_context(org.pk):
        # The failed organisation's transaction was rolled back: no half-done run recorded.
        assert not AuditEvent.objects.for_org(org).filter(action="privacy.retention_applied")


def test_the_nightly_run_is_scheduled(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["privacy-retention-nightly"]
    assert schedule["task"] == retention_nightly.name == "privacy.retention_nightly"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({2}, {30})


# --- the page -----------------------------------------------------------------------------


def _page_url(org):
    return reverse("retention_settings", kwargs={"org_slug": org.slug})


FORM = {"participants": 24, "session_logs": 36, "audit_events": 60, "exports": 30}


def test_admins_see_the_periods_and_what_the_next_run_would_affect(org, admin_client_):
    response = admin_client_.get(_page_url(org))

    assert response.status_code == 200
    page = response.content.decode()
    assert "What the next nightly run would affect" in page
    assert re.search(r'name="participants"[^>]*value="24"', page)
    assert re.search(r'name="exports"[^>]*value="30"', page)
    assert "No erasure yet" in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_admins_reach_the_retention_page(org, member_client, role):
    client = member_client(org, role)

    answers = [
        client.get(_page_url(org)).status_code,
        client.post(_page_url(org), {**FORM, "participants": 1}).status_code,
    ]

    assert answers == [403, 403]
    with org_context(org.pk):
        assert not RetentionPolicy.objects.for_org(org).exists()


def test_admins_change_a_period(org, admin_client_):
    response = admin_client_.post(_page_url(org), {**FORM, "session_logs": 48})

    assert response.status_code == 302
    with org_context(org.pk):
        stored = dict(RetentionPolicy.objects.for_org(org).values_list("record_type", "period"))
        event = AuditEvent.objects.for_org(org).get(action="privacy.retention_changed")
    assert stored == {"session_logs": 48}
    assert event.actor_id == admin_client_.membership.user_id
    assert "48 months after the session" in admin_client_.get(_page_url(org)).content.decode()


def test_a_period_out_of_bounds_is_explained_and_nothing_is_saved(org, admin_client_):
    response = admin_client_.post(_page_url(org), {**FORM, "audit_events": 3, "exports": 2})

    assert response.status_code == 400
    assert "greater than or equal to 12" in response.content.decode()
    with org_context(org.pk):
        assert not RetentionPolicy.objects.for_org(org).exists()
