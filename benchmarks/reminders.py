"""Reminder fan-out benchmark (part of `make bench`): 5,000 reminders planned by the real
participant rule, sent through two Celery worker processes (real Redis, real PostgreSQL) into a
local SMTP server, against the ceiling: one process rendering and sending the same messages
over one SMTP connection, with no Celery and no delivery log. Counts duplicates and missing
messages by their X-Cocora-Delivery header. Writes var/bench-reminders.json and the table
between the bench-reminders markers in docs/performance.md.
"""

import json
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("BENCH_REMINDERS", "5000"))
CHUNK = int(os.environ.get("BENCH_REMINDERS_CHUNK", "100"))


def run_reminders_benchmark() -> dict[str, Any] | None:
    from django.db import connection

    if connection.vendor != "postgresql" or not os.environ.get("CELERY_BROKER_URL"):
        print("reminders benchmark skipped: needs PostgreSQL and Redis (make bench starts them)")
        return None
    from django.core.mail import get_connection
    from django.utils import timezone

    from cocora.celery import app
    from cocora.notifications.models import Delivery, DeliveryStatus
    from cocora.notifications.services import deliveries_plan, delivery_message
    from cocora.notifications.tasks import send_deliveries
    from cocora.notifications.tests.sink import SmtpSink
    from cocora.organisations.context import org_context
    from cocora.organisations.models import Organisation

    org = _scene(MESSAGES)
    start = time.perf_counter()
    with org_context(org.pk):
        deliveries_plan(organisation=org, rule_names=["programmes.session_participants"])
        ids = list(Delivery.objects.for_org(org).order_by("pk").values_list("pk", flat=True))
    plan_seconds = time.perf_counter() - start
    assert len(ids) == MESSAGES, len(ids)

    # The ceiling: one process, one SMTP connection, the same messages, no Celery, no log.
    with SmtpSink() as sink:
        with org_context(org.pk), timezone.override(org.time_zone):
            rows = list(Delivery.objects.for_org(org).order_by("pk"))
            organisation = Organisation.objects.get(pk=org.pk)
            start = time.perf_counter()
            mail = get_connection(
                "django.core.mail.backends.smtp.EmailBackend",
                host="127.0.0.1",
                port=sink.port,
                use_tls=False,
                use_ssl=False,
                username="",
                password="",
            )
            mail.open()
            for row in rows:
                message = delivery_message(organisation=organisation, delivery=row)
                message.connection = mail
                mail.send_messages([message])
            mail.close()
            ceiling_seconds = time.perf_counter() - start
        assert sink.count == MESSAGES

    # Through two workers.
    with SmtpSink() as sink:
        workers = [_worker(name, sink.port) for name in ("bench1", "bench2")]
        try:
            app.conf.task_always_eager = False
            _wait_for_workers({"bench1", "bench2"}, app)
            start = time.perf_counter()
            for i in range(0, len(ids), CHUNK):
                send_deliveries.delay(org.pk, ids[i : i + CHUNK])
            sink.wait_for(MESSAGES, timeout=600)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with org_context(org.pk):
                    left = Delivery.objects.for_org(org).exclude(status=DeliveryStatus.SENT).count()
                if not left:
                    break
                time.sleep(0.05)
            workers_seconds = time.perf_counter() - start
            time.sleep(1)  # anything late would show as a duplicate
            keys = dict(sink.handler.keys)
        finally:
            for process in workers:
                process.terminate()
            for process in workers:
                process.wait(timeout=30)
    with org_context(org.pk):
        expected = set(Delivery.objects.for_org(org).values_list("idempotency_key", flat=True))
    results = {
        "messages": MESSAGES,
        "chunk": CHUNK,
        "plan_seconds": round(plan_seconds, 2),
        "ceiling_seconds": round(ceiling_seconds, 2),
        "ceiling_per_second": round(MESSAGES / ceiling_seconds, 1),
        "workers_seconds": round(workers_seconds, 2),
        "workers_per_second": round(MESSAGES / workers_seconds, 1),
        "ratio_to_ceiling": round(ceiling_seconds / workers_seconds, 2),
        "duplicates": sum(n - 1 for n in keys.values() if n > 1),
        "missing": len(expected - set(keys)),
        "cpus": os.cpu_count(),
    }
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-reminders.json").write_text(json.dumps(results, indent=2))
    _write_table(results)
    print(json.dumps(results, indent=2))
    return results


def _scene(people: int) -> Any:
    from django.utils import timezone

    from cocora.organisations.context import org_context
    from cocora.organisations.models import Organisation
    from programmes.models import Cohort, Consent, Enrolment, Participant, Programme, Session

    Organisation.objects.filter(slug="bench-reminders").delete()
    org = Organisation.objects.create(
        name="Bench reminders", slug="bench-reminders", country="DK", time_zone="Europe/Copenhagen"
    )
    today = timezone.localdate()
    with org_context(org.pk):
        programme = Programme.objects.create(organisation=org, kind="prevention", title="Bench")
        cohort = Cohort.objects.create(
            organisation=org,
            programme=programme,
            name="Bench cohort",
            starts_on=today,
            capacity=people,
            venue="Town hall",
        )
        starts = timezone.now() + timedelta(hours=20)
        Session.objects.create(
            organisation=org, cohort=cohort, starts_at=starts, ends_at=starts + timedelta(hours=2)
        )
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    organisation=org,
                    display_name=f"Person {i}",
                    code=f"P-B{i:06d}",
                    birth_year=2000,
                    email=f"person{i}@example.org",
                )
                for i in range(people)
            ],
            batch_size=1000,
        )
        Consent.objects.bulk_create(
            [
                Consent(organisation=org, participant=p, scope=s, given_by="self", given_on=today)
                for p in participants
                for s in ("participation", "contact")
            ],
            batch_size=1000,
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    organisation=org,
                    cohort=cohort,
                    participant=p,
                    stage="active",
                    joined_on=today,
                )
                for p in participants
            ],
            batch_size=1000,
        )
    return org


def _worker(name: str, port: int) -> Any:
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocora.notifications.tests.worker_settings",
        "COCORA_TEST_SMTP_PORT": str(port),
        "COCORA_TEST_WORKER_NAME": name,
    }
    return subprocess.Popen(  # noqa: S603 -- a fixed command line, no outside input
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


def _wait_for_workers(names: set[str], app: Any, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if names <= {n.split("@")[0] for reply in replies for n in reply}:
            return
    raise RuntimeError(f"workers {names} did not start")


def _write_table(r: dict[str, Any]) -> None:
    lines = [
        f"{r['messages']} reminders (participant rule, planned in {r['plan_seconds']} s), "
        f"chunks of {r['chunk']}, local SMTP sink (aiosmtpd) in the benchmark process, "
        f"{r['cpus']} CPUs shared by everything.",
        "",
        "| path | seconds | messages / s | ratio to ceiling | duplicates | missing |",
        "|---|---|---|---|---|---|",
        f"| one process, one connection, no Celery (ceiling) | {r['ceiling_seconds']} | "
        f"{r['ceiling_per_second']} | 1.0 | – | – |",
        f"| two Celery workers, claim + send + mark sent | {r['workers_seconds']} | "
        f"{r['workers_per_second']} | {r['ratio_to_ceiling']} | {r['duplicates']} | "
        f"{r['missing']} |",
    ]
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    begin, end = "<!-- bench-reminders:begin -->", "<!-- bench-reminders:end -->"
    if begin not in text:
        text += f"\n## Reminder fan-out\n\n{begin}\n{end}\n"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    path.write_text(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocora.settings.test")
    import django

    django.setup()
    run_reminders_benchmark()
