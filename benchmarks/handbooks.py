"""Handbook rendering benchmark (called from benchmarks/run.py, or on its own:
`.venv/bin/python benchmarks/handbooks.py`, on a throwaway SQLite database).

The Prevention handbook grown to about 60 pages (its modules repeated), in the same run:

- WeasyPrint as the export renders it: in parts, side by side in COCORA_DOCUMENT_WORKERS
  processes, merged (cocora/documents/book.py), with an empty part cache; then again after one
  module was edited (one part rendered, the rest from the cache);
- WeasyPrint on the whole book in one process (as before parts), profiled with cProfile: style,
  boxes, layout, drawing, fonts, tags and writing;
- Chromium from the same HTML, as a running browser (Playwright's page.pdf, the browser already
  started) and as a fresh `chromium --headless --print-to-pdf` process (start-up included).

Each WeasyPrint measurement runs in a fresh forked process, as in a recycled Celery worker,
which also gives its own peak memory; its CPU seconds include the render processes'. Then the
cached re-export (same content: a hash, no render). Bounded: about a minute on a quiet machine.
"""

import cProfile
import dataclasses
import multiprocessing
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_PAGES = 60
CHROMIUM_RUNS = 2
# Where WeasyPrint's time goes: (label, file ending, function), cumulative time of each.
PHASES = (
    ("style", "weasyprint/css/__init__.py", "get_all_computed_styles"),
    ("boxes", "weasyprint/formatting_structure/build.py", "build_formatting_structure"),
    ("layout", "weasyprint/layout/__init__.py", "layout_document"),
    ("drawing", "weasyprint/draw/__init__.py", "draw_page"),
    ("fonts", "weasyprint/pdf/fonts.py", "build_fonts_dictionary"),
    ("tags", "weasyprint/pdf/tags.py", "add_tags"),
    ("writing", "pydyf/__init__.py", "write"),
)


def _vm_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# CPU seconds of the render processes this process used: they are the forkserver's children,
# not ours, so os.times() does not count them (see _prepare_render_processes).
_POOL_CPU = [0.0]


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system + _POOL_CPU[0]


def _process_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a live process of ours, from /proc (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _prepare_render_processes() -> float:
    """Counts the render processes' CPU time into _POOL_CPU when each book's pool closes (read
    while they are alive and idle, every part rendered, just before they are shut down), and
    starts the forkserver they come from, which loads Django and WeasyPrint: a worker starts it
    for its first book and keeps it. Returns the seconds that start took."""
    from contextlib import contextmanager, suppress

    from cocora.documents import book

    original = book._pool

    @contextmanager
    def counted(size: int) -> Any:
        with original(size) as executor:
            try:
                yield executor
            finally:
                for pid in list(getattr(executor, "_processes", None) or {}):
                    # One already gone would make the figure read low, never high.
                    with suppress(FileNotFoundError, ProcessLookupError):
                        _POOL_CPU[0] += _process_cpu_seconds(pid)

    book._pool = counted  # type: ignore[assignment]
    boot = time.perf_counter()
    first = book._CONTEXT.Process(target=os.getpid)  # its first process waits for the load
    first.start()
    first.join()
    return round(time.perf_counter() - boot, 2)


def _in_child(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Runs `work` in a forked process; returns its result with seconds and peak MiB."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def target() -> None:
        boot_seconds = _prepare_render_processes()  # before the clock, reported on its own
        start_rss = _vm_kib("VmRSS")
        start, cpu = time.perf_counter(), _cpu_seconds()
        result = work()
        result["forkserver_start_seconds"] = boot_seconds
        result["seconds"] = round(time.perf_counter() - start, 2)
        # CPU time of this process and of the render processes it waited for: on a shared
        # machine the wall-clock time depends on the neighbours, this much less.
        result["cpu_seconds"] = round(_cpu_seconds() - cpu, 2)
        result["peak_mib"] = round((_vm_kib("VmHWM") - start_rss) / 1024, 1)
        send.send(result)
        send.close()

    process = context.Process(target=target)
    process.start()
    result: dict[str, Any] = receive.recv()
    process.join()
    if "pages" in result:
        result["pages_per_second"] = round(result["pages"] / result["seconds"], 1)
    return result


def _profile(html: str, base_url: str) -> dict[str, Any]:
    from cocora.documents.rendering import render_pdf

    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    pdf, pages = render_pdf(html, base_url=base_url)
    profile.disable()
    total = time.perf_counter() - start
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    phases: dict[str, float] = {}
    for label, filename, function in PHASES:
        phases[label] = sum(
            cumulative
            for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items()
            if path.endswith(filename) and name == function
        )
    phases["other"] = max(0.0, total - sum(phases.values()))  # parsing HTML, bookmarks, ...
    profiled = sum(phases.values())
    shares = {label: round(100 * seconds / profiled) for label, seconds in phases.items()}
    return {"pages": pages, "kib": len(pdf) // 1024, "phase_percent": shares}


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(  # noqa: S603  (poppler on a file we wrote)
        ["pdfinfo", str(path)],  # noqa: S607  (poppler from the PATH, as on CI)
        capture_output=True,
        text=True,
    ).stdout
    return next(
        (int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0
    )


def _chromium_running(browser: Any, path: Path) -> dict[str, Any]:
    # From a file, so that the stylesheet's and logo's file: addresses load as they do for
    # WeasyPrint. Best of CHROMIUM_RUNS, page load included, browser start-up excluded.
    times, out = [], path.with_suffix(".running.pdf")
    for _ in range(CHROMIUM_RUNS):
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        out.write_bytes(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
        times.append(time.perf_counter() - start)
        page.close()
    return {"seconds": round(min(times), 2), "pages": _pdf_pages(out)}


def _chromium_fresh(path: Path) -> dict[str, Any]:
    # A new Chromium process per document, start-up and shut-down included (best of two).
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    out, times = path.with_suffix(".fresh.pdf"), []
    profile = tempfile.mkdtemp(prefix="bench-chromium-profile-")
    cpu = []
    for _ in range(CHROMIUM_RUNS):
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        subprocess.run(  # noqa: S603  (the system Chromium on a file we wrote)
            [
                CHROMIUM,
                "--headless",
                *CHROMIUM_ARGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={out}",
                path.as_uri(),
            ],
            capture_output=True,
            check=True,
            timeout=120,
        )
        times.append(time.perf_counter() - start)
        cpu.append(_cpu_seconds() - cpu_start)
    return {
        "seconds": round(min(times), 2),
        "cpu_seconds": round(min(cpu), 2),
        "pages": _pdf_pages(out),
    }


def run(organisation: Any) -> dict[str, Any]:
    from django.conf import settings

    from cocora.documents.fetcher import static_file_url
    from cocora.documents.rendering import render_pdf
    from cocora.organisations.context import org_context
    from programmes.handbooks import services
    from programmes.handbooks.branding import organisation_branding
    from programmes.handbooks.selectors import handbook_curriculum
    from programmes.models import HandbookExport, Programme

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium

    settings.COCORA_PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-handbooks-"))
    with org_context(organisation.pk):
        programme = Programme.objects.for_org(organisation).filter(kind="prevention").first()
        assert programme is not None, "seed_demo makes a Prevention Programme"
        modules = handbook_curriculum(organisation=organisation, programme=programme, language="en")
        branding = organisation_branding(organisation)
    base_url = static_file_url(services.STYLESHEET)
    book_args = {
        "organisation": organisation,
        "programme": programme,
        "branding": branding,
        "language": "en",
    }

    def html_for(copies: int) -> str:
        return services.handbook_html(modules=modules * copies, **book_args)

    def whole(html: str) -> Callable[[], dict[str, Any]]:
        def work() -> dict[str, Any]:
            pdf, pages = render_pdf(html, base_url=base_url)
            return {"pages": pages, "kib": len(pdf) // 1024}

        return work

    def in_parts(book_modules: list[Any]) -> Callable[[], dict[str, Any]]:
        def work() -> dict[str, Any]:
            book = services.handbook_book(modules=book_modules, **book_args)
            return {"pages": book.pages, "kib": len(book.pdf) // 1024, "parts": len(book.rendered)}

        return work

    one = _in_child(whole(html_for(1)))  # also warms fontconfig's cache on disk
    fixed_pages = 5  # cover, contents, three appendices (about)
    copies = max(1, round((TARGET_PAGES - fixed_pages) / max(1.0, one["pages"] - fixed_pages)))
    book_modules = modules * copies
    html = html_for(copies)
    results: dict[str, Any] = {
        "workers": settings.COCORA_DOCUMENT_WORKERS or os.cpu_count(),
        "cpus": os.cpu_count(),
        "modules": len(book_modules),
        "parts": len(book_modules) + 4,
    }
    results["parts_cold"] = _in_child(in_parts(book_modules))
    # One module edited: a word more, so that its part (alone) is rendered again.
    edited = list(book_modules)
    text = dataclasses.replace(edited[0].content_md, text=edited[0].content_md.text + " Edited.")
    edited[0] = dataclasses.replace(edited[0], content_md=text)
    results["parts_one_edited"] = _in_child(in_parts(edited))
    results["whole"] = _in_child(whole(html))
    results["profile"] = _in_child(lambda: _profile(html, base_url))
    workdir = Path(tempfile.mkdtemp(prefix="bench-chromium-"))
    path = workdir / "handbook.html"
    path.write_text(html)
    with chromium() as browser:
        warm = workdir / "warm.html"
        warm.write_text(html_for(1))
        _chromium_running(browser, warm)
        results["chromium_running"] = _chromium_running(browser, path)
    results["chromium_fresh"] = _chromium_fresh(path)
    running, fresh = results["chromium_running"]["seconds"], results["chromium_fresh"]["seconds"]
    for key in ("parts_cold", "parts_one_edited", "whole"):
        results[key]["to_running_chromium"] = round(results[key]["seconds"] / running, 2)
        results[key]["to_fresh_chromium"] = round(results[key]["seconds"] / fresh, 2)

    # Cached re-export: the same content asked for again is a hash and a lookup, no render.
    with org_context(organisation.pk):
        HandbookExport.objects.for_org(organisation).filter(programme=programme).delete()
        start = time.perf_counter()
        export = services.handbook_export_request(
            organisation=organisation, programme=programme, language="en", actor=None
        )
        rendered = services.handbook_export_render(organisation=organisation, export_id=export.pk)
        assert rendered is not None and rendered.status == "done"
        fresh_export = time.perf_counter() - start
        cached = []
        for _ in range(7):
            start = time.perf_counter()
            again = services.handbook_export_request(
                organisation=organisation, programme=programme, language="en", actor=None
            )
            cached.append(time.perf_counter() - start)
        assert again.pk == export.pk and again.status == "done"
    results["cache"] = {
        "fresh_seconds": round(fresh_export, 3),
        "cached_ms": round(statistics.median(cached) * 1000, 2),
        "cached_to_fresh": round(statistics.median(cached) / fresh_export, 4),
        "pages": rendered.pages,
    }
    return results


def table(results: dict[str, Any]) -> list[str]:
    running, fresh = results["chromium_running"], results["chromium_fresh"]
    rows = [
        (
            f"WeasyPrint in {results['parts']} parts, {results['workers']} processes, "
            "empty part cache",
            results["parts_cold"],
        ),
        ("WeasyPrint in parts, one module edited", results["parts_one_edited"]),
        ("WeasyPrint, the whole book in one process", results["whole"]),
    ]
    lines = [
        f"The Prevention handbook with {results['modules']} modules, on {results['cpus']} CPUs.",
        "",
        "| renderer | pages | seconds | CPU seconds | peak MiB | ÷ running Chromium | "
        "÷ fresh Chromium |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, row in rows:
        lines.append(
            f"| {label} | {row['pages']} | {row['seconds']} | {row['cpu_seconds']} | "
            f"{row['peak_mib']} | "
            f"{row['to_running_chromium']} | {row['to_fresh_chromium']} |"
        )
    lines += [
        f"| Chromium, running browser (page.pdf) | {running['pages']} | {running['seconds']} "
        "| | | 1 | |",
        f"| Chromium, fresh `--print-to-pdf` process | {fresh['pages']} | {fresh['seconds']} "
        f"| {fresh['cpu_seconds']} | | | 1 |",
    ]
    profile, cache = results["profile"], results["cache"]
    shares = ", ".join(f"{label} {share} %" for label, share in profile["phase_percent"].items())
    lines += [
        "",
        f"Where one process's time goes (cProfile, {profile['pages']} pages): {shares}.",
        "The parts' render processes come from a forkserver already running, as in a worker "
        "after its first book; starting it (loading Django and WeasyPrint) took "
        f"{results['parts_cold']['forkserver_start_seconds']} s.",
        f"Cached re-export (same content): {cache['cached_ms']} ms against "
        f"{cache['fresh_seconds']} s for a fresh export of the {cache['pages']}-page handbook "
        f"(ratio {cache['cached_to_fresh']}).",
    ]
    return lines


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocora.settings.test")
    import django

    django.setup()
    import json

    from django.core.management import call_command
    from django.db import connection

    from benchmarks.run import write_section
    from cocora.organisations.models import Organisation

    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(ROOT / "var" / "bench-handbooks.sqlite3")
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
    call_command("seed_demo", "--force", "--scale", "12", stdout=open(os.devnull, "w"))  # noqa: SIM115
    results = run(Organisation.objects.get(slug="nordby"))
    write_section("bench-handbooks", table(results))
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-handbooks.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
