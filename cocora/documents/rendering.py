"""HTML to PDF with WeasyPrint, reading resources only through SafeURLFetcher.

PDF/UA-1 (tagged PDF, so that screen readers follow headings, lists and tables in reading order)
with embedded font subsets; fonts come from fontconfig (DejaVu on our machines). WeasyPrint keeps
memory until the process ends: run it in workers whose processes are recycled
(`--max-tasks-per-child`), never in the web process.
"""

import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pydyf
from weasyprint import CSS, HTML
from weasyprint import css as weasyprint_css
from weasyprint.pdf import tags as weasyprint_tags

from .fetcher import SafeURLFetcher, static_file_url

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


# Each document WeasyPrint renders parses its linked stylesheets again: the handbook's (4.6 KB)
# took 25 to 35 ms a time, for every part of a book and for the page numbers laid over it
# (docs/performance.md, "Handbook PDFs"). A renderer process keeps what it parsed, keyed on the
# stylesheet's address, its bytes (read through the document's fetcher every time, with the
# same checks) and the media type, and hands the next document the parsed rules. That is safe
# for a stylesheet whose rules belong to itself: its selectors (its own matcher) and its @page
# rules (its own list, which WeasyPrint reads sheet by sheet). A stylesheet with a rule that
# registers something for the whole document (a font face, a counter style, a layer, a colour
# profile, an import of another sheet) is parsed for each document as before.
_DOCUMENT_WIDE_RULES = re.compile(rb"@(font-face|counter-style|layer|color-profile|import)\b", re.I)
_PARSED_STYLESHEETS: dict[tuple[str, bytes, str], CSS] = {}
_PARSED_STYLESHEETS_MAX = 16
# The arguments WeasyPrint (70) passes for a <link rel="stylesheet">; any other call (a <style>,
# an @import into its parent's rules) is left to it.
_LINKED_SHEET_ARGUMENTS = {
    "url",
    "url_fetcher",
    "media_type",
    "font_config",
    "counter_style",
    "color_profiles",
    "page_rules",
    "layers",
    "_check_mime_type",
}
_css_class = getattr(weasyprint_css.CSS, "__wrapped__", weasyprint_css.CSS)


def _stylesheet(*args: Any, **kwargs: Any) -> CSS:
    """What WeasyPrint's stylesheet finder calls instead of CSS(...): a linked stylesheet of our
    own comes parsed from this process's memory where it can (see above)."""
    url, fetcher = kwargs.get("url"), kwargs.get("url_fetcher")
    served = None
    if not args and set(kwargs) <= _LINKED_SHEET_ARGUMENTS and isinstance(url, str):
        served = fetcher.stylesheet(url) if isinstance(fetcher, SafeURLFetcher) else None
    if served is None or _DOCUMENT_WIDE_RULES.search(served[1]):
        return _css_class(*args, **kwargs)
    address, body = served
    media = str(kwargs.get("media_type") or "print")
    key = (address, hashlib.sha256(body).digest(), media)
    sheet = _PARSED_STYLESHEETS.get(key)
    if sheet is None:
        # Parsed with lists of its own, not the document's, so that it carries only its rules.
        sheet = _css_class(
            file_obj=io.BytesIO(body),
            base_url=address,
            url_fetcher=fetcher,
            media_type=media,
            font_config=kwargs.get("font_config"),
            page_rules=[],
            layers=[],
            counter_style={},
            color_profiles={},
        )
        if len(_PARSED_STYLESHEETS) >= _PARSED_STYLESHEETS_MAX:
            _PARSED_STYLESHEETS.clear()
        _PARSED_STYLESHEETS[key] = sheet
    return sheet


_stylesheet.__wrapped__ = _css_class  # type: ignore[attr-defined]
weasyprint_css.CSS = _stylesheet


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
    """Renders a small tagged document with the handbook's fonts (regular, bold, italic, mono)
    and stylesheet, a running page number and a hyphenated word in each of the site's
    languages, and says whether it did. Run once by the server that forks the handbook's
    renderers (render_boot), so that what WeasyPrint sets up on first use (the fonts found and
    loaded, the hyphenation dictionaries, the modules that write tagged PDF and subset fonts,
    the handbook's stylesheet parsed) is set up once and inherited: each renderer's first part
    took a tenth to a third of a second more without it (docs/performance.md, "Handbook
    PDFs"). Never raises: a renderer that starts cold is only slower."""
    from django.conf import settings

    words = "".join(
        f'<p lang="{code}">{_WARM_UP_WORDS.get(code, "")}</p>' for code, _name in settings.LANGUAGES
    )
    html = (
        '<!doctype html><html lang="en"><head><title>-</title>'
        f'<link rel="stylesheet" href="{static_file_url("documents/handbook.css")}"><style>'
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
