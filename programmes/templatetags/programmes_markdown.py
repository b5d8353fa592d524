"""`{{ text|markdown }}`: curriculum Markdown as cleaned HTML (see programmes.markdown).

An optional argument sets the level a `##` heading gets, so that rendered content fits under the
page's own headings: `{{ module.content_md|markdown:3 }}`."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from programmes.markdown import HIGHEST_HEADING, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: Any, top_heading: Any = HIGHEST_HEADING) -> SafeString:
    return render_markdown("" if value is None else str(value), top_heading=int(top_heading))
