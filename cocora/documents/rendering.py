"""HTML to PDF with WeasyPrint, reading resources only through SafeURLFetcher.

PDF/UA-1 (tagged PDF, so that screen readers follow headings, lists and tables in reading order)
with embedded font subsets; fonts come from fontconfig (DejaVu on our machines). WeasyPrint keeps
memory until the process ends: run it in workers whose processes are recycled
(`--max-tasks-per-child`), never in the web process.
"""

import logging
from collections.abc import Callable

from weasyprint import HTML

from .fetcher import SafeURLFetcher

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"


def render_pdf(
    html: str,
    *,
    base_url: str,
    fetcher: SafeURLFetcher | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """Renders HTML to a tagged PDF; returns the PDF and its number of pages. `base_url` should
    be a file: URL (relative addresses in the HTML resolve against it). `on_progress` is called
    with a percentage after layout and after writing."""
    fetcher = fetcher or SafeURLFetcher()
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT
    )
    if on_progress:
        on_progress(80)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    if on_progress:
        on_progress(95)
    if fetcher.refused:
        logger.info("Rendered a document without %d refused resource(s).", len(fetcher.refused))
    return bytes(pdf or b""), len(document.pages)
