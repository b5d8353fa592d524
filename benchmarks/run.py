"""Benchmarks: `make bench`. Measures pages and writes that matter at scale, comparing a small
and a large case in the same run (the machines are shared and noisy: read the ratios, not the
milliseconds). Writes var/bench.json and the table in docs/performance.md.

Runs on a throwaway database (SQLite, or PostgreSQL when started through
cocora.testing.services) with `seed_demo --scale N` data.
"""

import itertools
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocora.settings.test")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.tables import small_large_table  # noqa: E402
from cocora.accounts.models import User  # noqa: E402
from cocora.organisations import page_cache  # noqa: E402
from cocora.organisations.context import org_context  # noqa: E402
from cocora.organisations.models import Organisation  # noqa: E402

SCALE = int(os.environ.get("BENCH_SCALE", "300"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
ALTERNATING = ("present", "absent")


def measure(action: Callable[[], Any]) -> dict[str, float]:
    action()  # warm up
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        action()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "queries": len(queries.captured_queries),
        "peak_kib": round(peak / 1024, 1),
    }


def analyze(table: str = "") -> None:
    """Fresh planner statistics after a bulk load, as autovacuum keeps them in production.

    Only a table's owner may gather them (the application's role is refused without a word),
    so this connects as the owner when the test services name one; on SQLite it does nothing.
    """
    owner_url = os.environ.get("COCORA_TEST_OWNER_DATABASE_URL")
    if connection.vendor != "postgresql" or not owner_url:
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)) if table else "ANALYZE")


def main() -> None:
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(ROOT / "var" / "bench.sqlite3")
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
    call_command("seed_demo", "--force", "--scale", str(SCALE), stdout=open(os.devnull, "w"))  # noqa: SIM115
    analyze()
    org = Organisation.objects.get(slug="nordby")
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email="coordinator@nordby.example"))
    from programmes.models import Cohort, Session

    with org_context(org.pk):
        small = Cohort.objects.for_org(org).exclude(name__startswith="Measuring").first()
        large = Cohort.objects.for_org(org).get(name__startswith="Measuring")
        small_session = Session.objects.for_org(org).filter(cohort=small, status="held").first()
        large_session = Session.objects.for_org(org).filter(cohort=large).first()

    def page(path: str, as_client: Client = client) -> Callable[[], Any]:
        def run() -> Any:
            response = as_client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return run

    def afresh(get: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            caches[page_cache.LOCAL_CACHE].clear()
            return get()

        return run

    # Every round of a write changes the data: the marks alternate between two statuses, so each
    # round writes every row (saving what is already saved writes nothing and measures a read).
    # The form is posted as a browser posts it (urlencoded), not as the test client's default
    # multipart, whose parsing alone took a fifth of the large save's time.
    def save(session: Any) -> Callable[[], Any]:
        path = f"/o/nordby/sessions/{session.pk}/"
        ids = attendance_ids(session)
        bodies = [urlencode({f"status_{pk}": status for pk in ids}) for status in ALTERNATING]
        rounds = itertools.count()

        def run() -> Any:
            body = bodies[next(rounds) % 2]
            response = client.post(path, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code == 302, response.status_code
            return response

        return run

    def service_save(session: Any) -> Callable[[], Any]:
        """The service alone, as the page calls it: checks, the changed marks' upsert, audit."""
        from programmes.services.attendance import attendance_save

        ids = attendance_ids(session)
        actor = User.objects.get(email="coordinator@nordby.example")
        rounds = itertools.count()

        def run() -> None:
            status = ALTERNATING[next(rounds) % 2]
            with org_context(org.pk):
                attendance_save(
                    organisation=org,
                    session=session,
                    statuses={pk: status for pk in ids},
                    actor=actor,
                )

        return run

    def raw_upsert(session: Any) -> Callable[[], Any]:
        """The floor: the same rows written by one bulk upsert, without page, checks or audit."""
        from programmes.models import Attendance

        ids = attendance_ids(session)
        rounds = itertools.count()

        def run() -> None:
            status = ALTERNATING[next(rounds) % 2]
            with org_context(org.pk), transaction.atomic():
                Attendance.objects.bulk_create(
                    [
                        Attendance(
                            organisation=org, session=session, enrolment_id=pk, status=status
                        )
                        for pk in ids
                    ],
                    update_conflicts=True,
                    unique_fields=["organisation", "session", "enrolment"],
                    update_fields=["status", "recorded_at"],
                )

        return run

    def attendance_ids(session: Any) -> list[int]:
        from programmes.services.attendance import attendance_enrolment_ids

        with org_context(org.pk):
            return sorted(attendance_enrolment_ids(organisation=org, session=session))

    cases = {
        "cohort page": (f"/o/nordby/cohorts/{small.pk}/", f"/o/nordby/cohorts/{large.pk}/"),
        "attendance page": (
            f"/o/nordby/sessions/{small_session.pk}/",
            f"/o/nordby/sessions/{large_session.pk}/",
        ),
        "participant list": (
            f"/o/nordby/participants/?cohort={small.pk}",
            f"/o/nordby/participants/?cohort={large.pk}",
        ),
        "cohort export (xlsx)": (
            f"/o/nordby/cohorts/{small.pk}/export/xlsx/",
            f"/o/nordby/cohorts/{large.pk}/export/xlsx/",
        ),
    }
    results: dict[str, Any] = {
        "scale": SCALE,
        "database": connection.vendor,
        "small": "demo cohort: 12 people, 10 sessions",
        "large": f"measuring cohort: {SCALE} people, 20 held sessions",
        "cases": {},
    }
    # The cohort and attendance pages keep their content until the organisation's data changes
    # (cocora/organisations/page_cache.py): measured here as the first visit after a change
    # meets them, rendered afresh; the throughput below has both.
    kept_pages = ("cohort page", "attendance page")
    for name, (small_path, large_path) in cases.items():
        way = afresh if name in kept_pages else (lambda get: get)
        results["cases"][name] = {
            "small": measure(way(page(small_path))),
            "large": measure(way(page(large_path))),
        }
    # The coordinator's home page answers for the whole organisation, not one cohort: the small
    # case is Südstadt (its demo cohort of 12), the large one Nordby (the same plus the
    # measuring cohort), each through its own coordinator.
    south = Client(HTTP_HOST="localhost")
    south.force_login(User.objects.get(email="coordinator@suedstadt.example"))
    # Measured as the first visit after any change in the organisation meets it (its panels
    # rendered afresh), and as a visit that finds them kept (cocora/organisations/page_cache.py).
    results["cases"]["coordinator home"] = {
        "small": measure(afresh(page("/o/suedstadt/", south))),
        "large": measure(afresh(page("/o/nordby/"))),
    }
    results["cases"]["coordinator home, panels kept"] = {
        "small": measure(page("/o/suedstadt/", south)),
        "large": measure(page("/o/nordby/")),
    }
    results["cases"]["attendance save"] = {
        "small": measure(save(small_session)),
        "large": measure(save(large_session)),
    }
    results["cases"]["attendance save: the service alone"] = {
        "small": measure(service_save(small_session)),
        "large": measure(service_save(large_session)),
    }
    results["cases"]["attendance: raw upsert of the same rows"] = {
        "small": measure(raw_upsert(small_session)),
        "large": measure(raw_upsert(large_session)),
    }
    # The API: the same reads and writes as the pages above, through a token.
    api = api_client(org, "coordinator@nordby.example")

    def api_get(path: str) -> Callable[[], Any]:
        def run() -> Any:
            response = api.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return run

    def api_marks(session: Any) -> Callable[[], Any]:
        path = f"/api/v1/o/nordby/sessions/{session.pk}/attendance/"
        enrolments = [row["enrolment"] for row in api.get(path).json()["marks"]]
        rounds = itertools.count()

        def run() -> Any:
            status = ALTERNATING[next(rounds) % 2]
            marks = [{"enrolment": pk, "status": status} for pk in enrolments]
            response = api.put(path, {"marks": marks}, format="json")
            assert response.status_code == 200, response.status_code
            return response

        return run

    for name, (small_path, large_path) in {
        "API: enrolments (200 a page)": (
            f"/api/v1/o/nordby/cohorts/{small.pk}/enrolments/?page_size=200",
            f"/api/v1/o/nordby/cohorts/{large.pk}/enrolments/?page_size=200",
        ),
        "API: attendance sheet": (
            f"/api/v1/o/nordby/sessions/{small_session.pk}/attendance/",
            f"/api/v1/o/nordby/sessions/{large_session.pk}/attendance/",
        ),
    }.items():
        results["cases"][name] = {
            "small": measure(api_get(small_path)),
            "large": measure(api_get(large_path)),
        }
    results["cases"]["API: attendance PUT (all marks)"] = {
        "small": measure(api_marks(small_session)),
        "large": measure(api_marks(large_session)),
    }
    results["cases"]["audit page (1k vs 300k events)"] = audit_trail(org)
    results["compiled"] = compiled_reads(org, large, large_session)
    for case in results["cases"].values():
        case["time_ratio"] = round(case["large"]["median_ms"] / case["small"]["median_ms"], 2)
    parts = os.environ.get("BENCH_PARTS", "pages,impact,throughput,handbooks,reminders").split(",")
    home, cohort_page = results["cases"]["coordinator home"], results["cases"]["cohort page"]
    results["home_to_cohort_page"] = {
        size: round(home[size]["median_ms"] / cohort_page[size]["median_ms"], 2)
        for size in ("small", "large")
    }
    write_section("bench-dashboards", dashboard_lines(results))
    write_section("bench-compiled", compiled_lines(results["compiled"]))
    if "impact" in parts:
        # Objectives and the funder report (benchmarks/impact.py), 12 against SCALE people.
        from benchmarks import impact

        coordinator = User.objects.get(email="coordinator@nordby.example")
        results["impact"] = impact.run(org, client, measure, coordinator)
        write_section("bench-impact", impact.table(results["impact"], SCALE))
    if "throughput" in parts and connection.vendor == "postgresql":
        # Requests per second under gunicorn against /healthz (benchmarks/throughput.py).
        from benchmarks import throughput

        # The pages that keep their content: each measured on a server that keeps it (a visit
        # with no change in the organisation since the last) and on one that keeps nothing (the
        # first visit after any change).
        kept = {
            # What a coordinator meets first: every running cohort, the large one too.
            "coordinator home": "/o/nordby/",
            "cohort page, 12 people": f"/o/nordby/cohorts/{small.pk}/",
            f"cohort page, {SCALE} people": f"/o/nordby/cohorts/{large.pk}/",
            "attendance page, 12 people": f"/o/nordby/sessions/{small_session.pk}/",
            f"attendance page, {SCALE} people": f"/o/nordby/sessions/{large_session.pk}/",
        }
        pages = {
            **{f"{name}, kept": path for name, path in kept.items()},
            f"participant list, {SCALE} people": f"/o/nordby/participants/?cohort={large.pk}",
            "participant list, everyone": "/o/nordby/participants/",
            f"cohort export (xlsx), {SCALE} people": (f"/o/nordby/cohorts/{large.pk}/export/xlsx/"),
            # The API's lists, read with the same signed-in session as the pages.
            "API: enrolments (200 a page), 12 people": (
                f"/api/v1/o/nordby/cohorts/{small.pk}/enrolments/?page_size=200"
            ),
            f"API: enrolments (200 a page), {SCALE} people": (
                f"/api/v1/o/nordby/cohorts/{large.pk}/enrolments/?page_size=200"
            ),
            "API: attendance sheet, 12 people": (
                f"/api/v1/o/nordby/sessions/{small_session.pk}/attendance/"
            ),
            f"API: attendance sheet, {SCALE} people": (
                f"/api/v1/o/nordby/sessions/{large_session.pk}/attendance/"
            ),
            "API: participants (200 a page), everyone": (
                "/api/v1/o/nordby/participants/?page_size=200"
            ),
        }
        coordinator_email = "coordinator@nordby.example"
        results["throughput"] = throughput.run(pages, email=coordinator_email)
        # As the goals were first measured: a new database connection for every request.
        results["throughput_per_request"] = throughput.run(
            pages, email=coordinator_email, DATABASE_CONN_MAX_AGE="0"
        )
        # The same pages on a server that keeps nothing, in turns with its own /healthz; each
        # row placed before its kept one.
        for key, extra in (
            ("throughput", {}),
            ("throughput_per_request", {"DATABASE_CONN_MAX_AGE": "0"}),
        ):
            afresh_pages = throughput.run(
                {f"{name}, nothing kept": path for name, path in kept.items()},
                email=coordinator_email,
                COCORA_PAGE_CACHE="false",
                **extra,
            )["cases"]
            both = {}
            for name in kept:
                both[f"{name}, nothing kept"] = afresh_pages[f"{name}, nothing kept"]
                both[f"{name}, kept"] = results[key]["cases"][f"{name}, kept"]
            results[key]["cases"] = {**both, **results[key]["cases"]}
        write_section(
            "bench-throughput",
            throughput.table(results["throughput"], results["throughput_per_request"]),
        )
    if "pages" in parts and connection.vendor == "postgresql":
        # Timestamps read with Django's loader and with the C loader (benchmarks/timestamps.py).
        from benchmarks import timestamps

        results["timestamps"] = timestamps.run(measure)
        write_section("bench-timestamps", timestamps.table(results["timestamps"]))
    if "handbooks" in parts:
        # Handbook PDFs (benchmarks/handbooks.py): WeasyPrint against Chromium, cached re-export.
        from benchmarks import handbooks

        results["handbooks"] = handbooks.run(org)
        write_section("bench-handbooks", handbooks.table(results["handbooks"]))
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench.json").write_text(json.dumps(results, indent=2))
    write_table(results)
    print(json.dumps(results, indent=2))
    if "reminders" in parts:
        # Reminder fan-out (benchmarks/reminders.py): two Celery workers against one process;
        # writes var/bench-reminders.json and the bench-reminders section itself.
        from benchmarks import reminders

        reminders.run_reminders_benchmark()


AUDIT_SMALL, AUDIT_LARGE = 1_000, int(os.environ.get("BENCH_AUDIT_EVENTS", "300000"))


def audit_trail(org: Organisation) -> dict[str, Any]:
    """The audit page's first page, unfiltered and filtered to one kind, with a trail of 1,000
    events and then of 300,000: its count is bounded and its filters use the index on
    (organisation, occurred_at), so the time should hardly grow with the trail."""
    from cocora.audit.models import AuditEvent

    admin = Client(HTTP_HOST="localhost")
    admin.force_login(User.objects.get(email="admin@nordby.example"))
    path = "/o/nordby/audit/"

    def fill(total: int) -> None:
        with org_context(org.pk):
            have = AuditEvent.objects.for_org(org).count()
            missing = total - have
            while missing > 0:
                batch = min(missing, 20_000)
                AuditEvent.objects.bulk_create(
                    AuditEvent(
                        organisation=org,
                        action=("participant.viewed", "consent.recorded", "page.cohorts")[i % 3],
                        target_type="programmes.participant",
                        target_id=str(i),
                    )
                    for i in range(batch)
                )
                missing -= batch
        analyze("audit_auditevent")

    def run() -> Any:
        for query in ("", "?action=consent"):
            response = admin.get(path + query)
            assert response.status_code == 200, response.status_code
        return response

    fill(AUDIT_SMALL)
    small = measure(run)
    fill(AUDIT_LARGE)
    large = measure(run)
    return {"small": small, "large": large}


def api_client(org: Organisation, email: str) -> Any:
    """A DRF client sending a fresh personal access token of `email` in `org`."""
    from rest_framework.test import APIClient

    from cocora.api.services import api_token_create

    user = User.objects.get(email=email)
    with org_context(org.pk, user_id=user.pk):
        _token, raw = api_token_create(organisation=org, user=user, name="benchmark")
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def compiled_reads(org: Organisation, cohort: Any, session: Any) -> dict[str, Any]:
    """Three reads of the pages above, each as a compiled read and built afresh by the ORM at
    every call (cocora/core/compiled.py), in alternating turns: the same SQL and rows."""
    from cocora.organisations.context import set_db_context
    from cocora.organisations.selectors import _memberships_of_user
    from programmes.selectors.cohorts import _sessions_counted
    from programmes.services.attendance import _LINES

    user = User.objects.get(email="coordinator@nordby.example")
    with timezone.override(org.time_zone):
        day = timezone.localtime(session.starts_at).date()
    reads = {
        "the member's organisations (every organisation page)": (
            _memberships_of_user,
            {"user": user.pk},
        ),
        f"the cohort's sessions with their marks counted ({SCALE} people)": (
            _sessions_counted,
            {"organisation": org.pk, "cohort": cohort.pk},
        ),
        f"a session's attendance list with marks ({SCALE} people)": (
            _LINES[True],
            {"organisation": org.pk, "cohort": cohort.pk, "day": day, "session": session.pk},
        ),
    }
    found: dict[str, Any] = {}
    with transaction.atomic(), timezone.override(org.time_zone):
        set_db_context(organisation_id=org.pk, user_id=user.pk)
        for name, (read, values) in reads.items():
            assert read(**values) == read.built_afresh(**values), name
            compiled, afresh = [], []
            for _ in range(3):
                compiled.append(measure(lambda r=read, v=values: r(**v))["median_ms"])
                afresh.append(measure(lambda r=read, v=values: r.built_afresh(**v))["median_ms"])
            found[name] = {
                "compiled_ms": statistics.median(compiled),
                "afresh_ms": statistics.median(afresh),
            }
    return found


def compiled_lines(compiled: dict[str, Any]) -> list[str]:
    lines = ["| read | built afresh, ms | compiled, ms | compiled / afresh |", "|---|---|---|---|"]
    for name, row in compiled.items():
        ratio = round(row["compiled_ms"] / row["afresh_ms"], 2)
        lines.append(f"| {name} | {row['afresh_ms']} | {row['compiled_ms']} | {ratio} |")
    return lines


def dashboard_lines(results: dict[str, Any]) -> list[str]:
    home = results["cases"]["coordinator home"]
    ratio = results["home_to_cohort_page"]
    return [
        f"Coordinator home: {home['small']['queries']} queries for 12 people and "
        f"{home['large']['queries']} for {SCALE + 12}; its time is {ratio['small']}× the small "
        f"cohort page's and {ratio['large']}× the large cohort page's in the same run "
        "(goal: within 2×).",
    ]


def write_table(results: dict[str, Any]) -> None:
    write_section(
        "bench",
        small_large_table(
            f"Database: {results['database']}. Small: {results['small']}. "
            f"Large: {results['large']}.",
            results["cases"],
        ),
    )


def write_section(name: str, lines: list[str]) -> None:
    """Replaces the lines between `<!-- name:begin -->` and `<!-- name:end -->`."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    path.write_text(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail)


if __name__ == "__main__":
    main()
