"""Markdown of the curriculum (module content, activity instructions) rendered to safe HTML.

The text is written by members of an organisation and read by others, so the rendered HTML is
cleaned with an allow-list: plain text structure only. No images at all (a remote image would
tell a third party who opened the page and when), no scripts, styles, frames or event handlers,
and links only to http, https and mailto addresses, marked so that they pass no referrer on.
"""

import xml.etree.ElementTree as etree
from functools import lru_cache

# The dev dependencies carry no stubs for Markdown.
import markdown  # type: ignore[import-untyped]
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.extensions.tables import TableExtension  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "blockquote",
        "code",
        "pre",
        "a",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
# Removed together with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
)
LINK_SCHEMES = ("http://", "https://", "mailto:")
LINK_REL = "noopener noreferrer nofollow"
HIGHEST_HEADING, LOWEST_HEADING = 2, 4


class _HeadingLevels(Treeprocessor):
    """Fits Markdown headings into the page's outline: `##` becomes the `top` level, deeper
    headings follow, `#` counts as `##` and nothing goes below h4."""

    def __init__(self, md: markdown.Markdown, top: int) -> None:
        super().__init__(md)
        self.shift = top - HIGHEST_HEADING

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456":
                level = max(int(element.tag[1]), HIGHEST_HEADING) + self.shift
                element.tag = f"h{min(level, LOWEST_HEADING)}"


class _HeadingLevelsExtension(Extension):
    def __init__(self, top: int) -> None:
        super().__init__()
        self.top = top

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # the name is Markdown's API
        md.treeprocessors.register(_HeadingLevels(md, self.top), "cocora_heading_levels", 5)


def _keep_safe_links(tag: str, attribute: str, value: str) -> str | None:
    # Relative and scheme-less addresses are dropped too: a link either leaves for the web or
    # opens a mail program, nothing else.
    if tag == "a" and attribute == "href":
        return value if value.strip().lower().startswith(LINK_SCHEMES) else None
    return value


def clean_html(html: str) -> str:
    """Keeps only the allow-listed tags, attributes and link schemes of an HTML fragment."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_safe_links,
        url_schemes={scheme.rstrip(":/") for scheme in LINK_SCHEMES},
        link_rel=LINK_REL,
        strip_comments=True,
    )


# Rendering is a pure function of the text: the same module content is rendered once per process
# however often its page is shown.
@lru_cache(maxsize=512)
def _render(text: str, top_heading: int) -> SafeString:
    html = markdown.markdown(
        text,
        extensions=[
            "sane_lists",
            "fenced_code",
            TableExtension(use_align_attribute=True),
            _HeadingLevelsExtension(top_heading),
        ],
        output_format="html",
    )
    # Safe to mark: the allow-list above has cleaned it.
    return mark_safe(clean_html(html))


def render_markdown(text: str | None, *, top_heading: int = HIGHEST_HEADING) -> SafeString:
    """Markdown to cleaned HTML. `top_heading` is the level (2 to 4) that a `##` heading gets,
    so that the content fits under the page's own headings."""
    if not HIGHEST_HEADING <= top_heading <= LOWEST_HEADING:
        raise ValueError(f"top_heading must be between {HIGHEST_HEADING} and {LOWEST_HEADING}.")
    if not text or not text.strip():
        return SafeString("")
    return _render(text, top_heading)
