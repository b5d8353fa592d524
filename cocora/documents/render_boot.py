"""Loaded once by the server process that starts the handbook renderers (multiprocessing's
forkserver): Django configured from the environment and WeasyPrint imported, so that each
renderer forked from it starts ready, from a clean process rather than a copy of the caller's
(whose open broker and database connections a forked copy would share).

It also renders one small document, so that what WeasyPrint sets up on first use is set up
here, once, and every renderer forked from this process inherits it: the fonts found and
loaded, the hyphenation dictionary of each language we print in, the modules that write
tagged PDF and subset fonts. Without it each renderer spent a tenth to a third of a second
more on its first part (docs/performance.md, "Handbook PDFs")."""

import logging
import os

import django
from django.apps import apps

if os.environ.get("DJANGO_SETTINGS_MODULE") and not apps.ready:
    django.setup()

import weasyprint  # noqa: F401  (imported here so that each renderer has it already)

logger = logging.getLogger(__name__)

# A long word in each language, in a column too narrow for it, so that it is hyphenated.
_WORDS = {
    "en": "responsibilities",
    "da": "fællesskabsorganisationer",
    "de": "Gemeinschaftsorganisationen",
    "fr": "responsabilités",
    "it": "responsabilità",
}


def warm_up() -> bool:
    """Renders a small tagged document with the handbook's fonts (regular, bold, italic, mono),
    a running page number and a hyphenated word in each of the site's languages; whether it
    did. Never fails the process: a renderer that starts cold is only slower."""
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return False
    from django.conf import settings

    from .rendering import render_pdf

    words = "".join(
        f'<p lang="{code}">{_WORDS.get(code, "")}</p>' for code, _name in settings.LANGUAGES
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


warm_up()
