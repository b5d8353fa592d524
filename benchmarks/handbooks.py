"""Handbook rendering benchmark (called from benchmarks/run.py).

Renders the Prevention handbook grown to about 30, 60 and 90 pages (its modules repeated), with
WeasyPrint and, from the same HTML in the same run, with Chromium's print-to-PDF (Playwright,
the system Chromium). Each WeasyPrint render runs in a fresh forked process, as in a recycled
worker, which also gives its own peak memory. Then the cached re-export (same content: a hash,
no render) against a fresh render. Bounded: about a minute on a quiet machine.
"""

import multiprocessing
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_PAGES = (30, 60, 90)
CHROMIUM_RUNS = 2


def _vm_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _render_in_child(html: str, base_url: str, out: Any) -> None:
    from cocora.documents.rendering import render_pdf

    start_rss = _vm_kib("VmRSS")
    start = time.perf_counter()
    pdf, pages = render_pdf(html, base_url=base_url)
    seconds = time.perf_counter() - start
    out.send((seconds, pages, len(pdf), (_vm_kib("VmHWM") - start_rss) / 1024))
    out.close()


def _weasyprint(html: str, base_url: str) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_render_in_child, args=(html, base_url, send))
    process.start()
    seconds, pages, size, peak_mib = receive.recv()
    process.join()
    return {
        "seconds": round(seconds, 2),
        "pages": pages,
        "pages_per_second": round(pages / seconds, 1),
        "kib": size // 1024,
        "peak_mib": round(peak_mib, 1),
    }


def _pdf_pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(  # noqa: S603  (poppler on a file we wrote)
            ["pdfinfo", handle.name],  # noqa: S607  (poppler from the PATH, as on CI)
            capture_output=True,
            text=True,
        ).stdout
    return next(
        (int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0
    )


def _chromium(browser: Any, html: str, workdir: Path) -> dict[str, Any]:
    # From a file, so that the stylesheet's and logo's file: addresses load as they do for
    # WeasyPrint. Best of CHROMIUM_RUNS, page load included, browser start-up excluded.
    path = workdir / "handbook.html"
    path.write_text(html)
    times, pdf = [], b""
    for _ in range(CHROMIUM_RUNS):
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        times.append(time.perf_counter() - start)
        page.close()
    return {"seconds": round(min(times), 2), "pages": _pdf_pages(pdf), "kib": len(pdf) // 1024}


def run(organisation: Any) -> dict[str, Any]:
    from django.conf import settings

    from cocora.documents.fetcher import static_file_url
    from cocora.organisations.context import org_context
    from programmes.handbooks import services
    from programmes.handbooks.branding import organisation_branding
    from programmes.handbooks.selectors import handbook_curriculum
    from programmes.models import HandbookExport, Programme

    tests_dir = Path(__file__).resolve().parent.parent / "tests"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import sys

    sys.path.insert(0, str(tests_dir.parent))
    from tests.browser import chromium

    settings.COCORA_PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-handbooks-"))
    with org_context(organisation.pk):
        programme = Programme.objects.for_org(organisation).filter(kind="prevention").first()
        assert programme is not None, "seed_demo makes a Prevention Programme"
        modules = handbook_curriculum(organisation=organisation, programme=programme, language="en")
        branding = organisation_branding(organisation)

    def html_for(copies: int) -> str:
        return services.handbook_html(
            organisation=organisation,
            programme=programme,
            modules=modules * copies,
            branding=branding,
            language="en",
        )

    base_url = static_file_url(services.STYLESHEET)
    one = _weasyprint(html_for(1), base_url)  # also warms fontconfig's cache on disk
    fixed_pages = 5  # cover, contents, three appendices (about)
    per_copy = max(1.0, one["pages"] - fixed_pages)
    results: dict[str, Any] = {"sizes": []}
    workdir = Path(tempfile.mkdtemp(prefix="bench-chromium-"))
    with chromium() as browser:
        _chromium(browser, html_for(1), workdir)  # warm-up
        for target in TARGET_PAGES:
            copies = max(1, round((target - fixed_pages) / per_copy))
            html = html_for(copies)
            weasy = _weasyprint(html, base_url)
            chrome = _chromium(browser, html, workdir)
            results["sizes"].append(
                {
                    "target_pages": target,
                    "module_copies": copies,
                    "modules": len(modules) * copies,
                    "weasyprint": weasy,
                    "chromium": chrome,
                    "ratio_to_chromium": round(weasy["seconds"] / chrome["seconds"], 2),
                }
            )
    small, large = results["sizes"][0]["weasyprint"], results["sizes"][-1]["weasyprint"]
    results["growth"] = {
        "pages_ratio": round(large["pages"] / small["pages"], 2),
        "time_ratio": round(large["seconds"] / small["seconds"], 2),
    }

    # Cached re-export: the same content asked for again is a hash and a lookup, no render.
    with org_context(organisation.pk):
        HandbookExport.objects.for_org(organisation).filter(programme=programme).delete()
        start = time.perf_counter()
        export = services.handbook_export_request(
            organisation=organisation, programme=programme, language="en", actor=None
        )
        rendered = services.handbook_export_render(organisation=organisation, export_id=export.pk)
        assert rendered is not None and rendered.status == "done"
        fresh = time.perf_counter() - start
        cached = []
        for _ in range(7):
            start = time.perf_counter()
            again = services.handbook_export_request(
                organisation=organisation, programme=programme, language="en", actor=None
            )
            cached.append(time.perf_counter() - start)
        assert again.pk == export.pk and again.status == "done"
    results["cache"] = {
        "fresh_seconds": round(fresh, 3),
        "cached_ms": round(statistics.median(cached) * 1000, 2),
        "cached_to_fresh": round(statistics.median(cached) / fresh, 4),
        "pages": rendered.pages,
    }
    return results


def table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| target pages | modules | WeasyPrint: pages · s · pages/s · peak MiB | "
        "Chromium: pages · s | WeasyPrint / Chromium time |",
        "|---|---|---|---|---|",
    ]
    for size in results["sizes"]:
        w, c = size["weasyprint"], size["chromium"]
        lines.append(
            f"| ~{size['target_pages']} | {size['modules']} | {w['pages']} · {w['seconds']} · "
            f"{w['pages_per_second']} · {w['peak_mib']} | {c['pages']} · {c['seconds']} | "
            f"{size['ratio_to_chromium']} |"
        )
    growth, cache = results["growth"], results["cache"]
    lines += [
        "",
        f"Growth from the smallest to the largest book: {growth['pages_ratio']}× the pages in "
        f"{growth['time_ratio']}× the time.",
        f"Cached re-export (same content): {cache['cached_ms']} ms against "
        f"{cache['fresh_seconds']} s for a fresh render of the {cache['pages']}-page handbook "
        f"(ratio {cache['cached_to_fresh']}).",
    ]
    return lines
