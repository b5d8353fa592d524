"""HTML to PDF with WeasyPrint, reading resources only through SafeURLFetcher.

PDF/UA-1 (tagged PDF, so that screen readers follow headings, lists and tables in reading order)
with embedded font subsets; fonts come from fontconfig (DejaVu on our machines). WeasyPrint keeps
memory until the process ends: run it in workers whose processes are recycled
(`--max-tasks-per-child`), never in the web process.
"""

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pydyf
from weasyprint import HTML
from weasyprint.pdf import tags as weasyprint_tags

from .fetcher import SafeURLFetcher

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"


# WeasyPrint (70) writes the document's language (<html lang>) into the catalog, but not the
# `lang` of an element into its structure element, so a passage in another language is read
# aloud in the document's. PDF/UA wants the change of language marked (ISO 14289-1, 7.2), and
# WeasyPrint has no setting for it: this wraps its structure-tree builder and gives every
# structure element made for an element with a `lang` attribute a /Lang entry (its children
# inherit it). tests check /Lang in a rendered handbook, so an upgrade that changes the
# builder shows up there.
# The original, also when this module is imported a second time (a reload in development).
_build_box_tree = getattr(
    weasyprint_tags._build_box_tree, "__wrapped__", weasyprint_tags._build_box_tree
)


def _build_box_tree_with_lang(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
    inner = getattr(box, "_box", box)  # absolutely placed boxes wrap the real one
    element = getattr(inner, "element", None)
    lang = ""
    if element is not None and getattr(inner, "element_tag", "") not in ("html", "body"):
        lang = element.get("lang") or ""
    for structure_element in _build_box_tree(box, parent, *args):
        if lang and "Lang" not in structure_element:
            structure_element["Lang"] = pydyf.String(lang)
        yield structure_element


_build_box_tree_with_lang.__wrapped__ = _build_box_tree  # type: ignore[attr-defined]
weasyprint_tags._build_box_tree = _build_box_tree_with_lang


def render_pdf(
    html: str,
    *,
    base_url: str,
    fetcher: SafeURLFetcher | None = None,
    on_progress: Callable[[int], None] | None = None,
    tagged: bool = True,
) -> tuple[bytes, int]:
    """Renders HTML to a tagged PDF; returns the PDF and its number of pages. `base_url` should
    be a file: URL (relative addresses in the HTML resolve against it). `on_progress` is called
    with a percentage after layout and after writing. `tagged=False` leaves out the PDF/UA
    structure (for a layer laid over tagged pages as an artifact, see book.py)."""
    fetcher = fetcher or SafeURLFetcher()
    variant = PDF_VARIANT if tagged else None
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(pdf_variant=variant)
    if on_progress:
        on_progress(80)
    pdf = document.write_pdf(pdf_variant=variant)
    if on_progress:
        on_progress(95)
    if fetcher.refused:
        logger.info("Rendered a document without %d refused resource(s).", len(fetcher.refused))
    return bytes(pdf or b""), len(document.pages)


# A long word in each language, in a column too narrow for it, so that it is hyphenated.
_WARM_UP_WORDS = {
    "en": "responsibilities",
    "da": "fællesskabsorganisationer",
    "de": "Gemeinschaftsorganisationen",
    "fr": "responsabilités",
    "it": "responsabilità",
}


def warm_up() -> bool:
    """Renders a small tagged document with the handbook's fonts (regular, bold, italic, mono),
    a running page number and a hyphenated word in each of the site's languages, and says
    whether it did. Run once by the server that forks the handbook's renderers
    (render_boot), so that what WeasyPrint sets up on first use (the fonts found and loaded,
    the hyphenation dictionaries, the modules that write tagged PDF and subset fonts) is set up
    once and inherited: each renderer's first part took a tenth to a third of a second more
    without it (docs/performance.md, "Handbook PDFs"). Never raises: a renderer that starts
    cold is only slower."""
    from django.conf import settings

    words = "".join(
        f'<p lang="{code}">{_WARM_UP_WORDS.get(code, "")}</p>' for code, _name in settings.LANGUAGES
    )
    html = (
        '<!doctype html><html lang="en"><head><title>-</title><style>'
        "@page { size: A5; @bottom-center { content: counter(page) ' / ' counter(pages) } }"
        "html { font-family: 'DejaVu Serif', serif; hyphens: auto }"
        "h1 { font-family: 'DejaVu Sans', sans-serif } p { width: 3em }"
        "code { font-family: 'DejaVu Sans Mono', monospace }"
        "</style></head><body><h1>Cocora</h1>"
        f"<p><b>bold</b> <i>italic</i> <code>code</code></p>{words}</body></html>"
    )
    try:
        render_pdf(html, base_url="file:///")
    except Exception:  # a cold renderer is only slower (see the docstring)
        logger.warning("The handbook renderers start without a warm-up.", exc_info=True)
        return False
    return True
