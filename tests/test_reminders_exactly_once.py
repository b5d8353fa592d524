"""Exactly once, for real: a few hundred reminders through two Celery worker processes on the
real Redis broker and PostgreSQL, into a real SMTP server. Planned twice and dispatched twice
(two beat processes), one worker SIGKILLed in the middle of a batch and started again, every
send task enqueued once more at the end (a redelivered task): the mail server accepted every
reminder exactly once."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cocora.celery import app
from cocora.notifications.models import Delivery, DeliveryStatus
from cocora.notifications.services import chunk_size, deliveries_dispatch, deliveries_plan
from cocora.notifications.tests.sink import SmtpSink
from cocora.organisations.context import org_context
from cocora.organisations.tests.factories import OrganisationFactory
from programmes.models import Consent, Enrolment, Participant
from programmes.tests.factories import CohortFactory, SessionFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 300
CLAIM_TIMEOUT = 5
CHUNK = 25


class Worker:
    """A Celery worker in its own process, so that it can be killed with SIGKILL."""

    def __init__(self, name: str, smtp_port: int) -> None:
        self.name = name
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cocora.notifications.tests.worker_settings",
            "COCORA_TEST_SMTP_PORT": str(smtp_port),
            "COCORA_TEST_WORKER_NAME": name,
            "COCORA_NOTIFICATIONS_CLAIM_TIMEOUT": str(CLAIM_TIMEOUT),
            "COCORA_NOTIFICATIONS_CHUNK_SIZE": str(CHUNK),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cocora",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _wait_for_workers(names: set[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        seen = {name.split("@")[0] for reply in replies for name in reply}
        if names <= seen:
            return
    raise AssertionError(f"workers {names} did not start")


@pytest.fixture
def workers(settings: Any) -> Iterator[dict[str, Any]]:
    settings.NOTIFICATIONS_CLAIM_TIMEOUT = CLAIM_TIMEOUT
    settings.NOTIFICATIONS_CHUNK_SIZE = CHUNK
    app.conf.task_always_eager = False
    app.control.purge()
    started: dict[str, Any] = {}
    with SmtpSink() as sink:
        started["sink"] = sink
        started["w1"] = Worker("w1", sink.port)
        started["w2"] = Worker("w2", sink.port)
        try:
            yield started
        finally:
            for key in ("w1", "w2"):
                started[key].stop()
            app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def _cohort_with_session(people: int) -> Any:
    org = OrganisationFactory()
    cohort = CohortFactory(organisation=org)
    SessionFactory(organisation=org, cohort=cohort, starts_at=timezone.now() + timedelta(hours=20))
    today = timezone.localdate()
    with org_context(org.pk):
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    organisation=org,
                    display_name=f"Person {i}",
                    code=f"P-X{i:05d}",
                    birth_year=2000,
                    email=f"person{i}@example.org",
                )
                for i in range(people)
            ]
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    organisation=org, participant=p, scope=scope, given_by="self", given_on=today
                )
                for p in participants
                for scope in ("participation", "contact")
            ]
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    organisation=org, cohort=cohort, participant=p, stage="active", joined_on=today
                )
                for p in participants
            ]
        )
    return org


def test_every_reminder_arrives_exactly_once_through_killed_and_restarted_workers(
    workers: dict[str, Any],
) -> None:
    # Given a cohort of 300 with a session tomorrow, planned twice (two beat processes)
    sink: SmtpSink = workers["sink"]
    org = _cohort_with_session(PEOPLE)
    for _beat in range(2):
        with org_context(org.pk):
            deliveries_plan(organisation=org, rule_names=["programmes.session_participants"])
    with org_context(org.pk):
        keys = set(Delivery.objects.for_org(org).values_list("idempotency_key", flat=True))
    assert len(keys) == PEOPLE
    assert chunk_size() == CHUNK

    # When two workers consume the batches (dispatched twice) and the one holding message 120
    # is SIGKILLed in the middle of its batch, then started again
    sink.handler.hold_at(120)
    _wait_for_workers({"w1", "w2"})
    for _beat in range(2):
        with org_context(org.pk):
            deliveries_dispatch(organisation=org)
    assert sink.handler.holding.wait(timeout=90), "no batch reached message 120"
    victim = sink.handler.held_by
    assert victim in ("w1", "w2")
    workers[victim].kill()
    sink.handler.release()
    workers[victim] = Worker(victim, sink.port)
    _wait_for_workers({"w1", "w2"})

    # Then, once the killed worker's claim has timed out, the next planning run's sweep sends
    # what it had left, and nothing twice
    time.sleep(CLAIM_TIMEOUT + 1)
    with org_context(org.pk):
        deliveries_dispatch(organisation=org)
    assert sink.wait_for(PEOPLE, timeout=120), f"only {sink.count} of {PEOPLE} arrived"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with org_context(org.pk):
            left = Delivery.objects.for_org(org).exclude(status=DeliveryStatus.SENT).count()
        if not left:
            break
        time.sleep(0.2)

    # And a redelivered task for every batch sends nothing more
    from cocora.notifications.tasks import send_deliveries

    with org_context(org.pk):
        ids = list(Delivery.objects.for_org(org).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        send_deliveries.delay(org.pk, ids[start : start + CHUNK])
    time.sleep(3)

    assert sink.count == PEOPLE
    assert set(sink.handler.keys) == keys
    assert max(sink.handler.keys.values()) == 1
    with org_context(org.pk):
        statuses = set(Delivery.objects.for_org(org).values_list("status", flat=True))
    assert statuses == {DeliveryStatus.SENT}
