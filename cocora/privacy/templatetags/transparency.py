"""The link to an organisation's transparency page from pages outside it (the sign-in page)."""

import re

from django import template
from django.urls import reverse

register = template.Library()

ORG_PATH = re.compile(r"^/o/(?P<slug>[-a-zA-Z0-9_]+)/")


@register.simple_tag
def transparency_url_for(path: str | None) -> str:
    """The transparency page of the organisation a path such as the sign-in page's `next`
    points into, or "". Reads no database: the sign-in page must say the same for a slug that
    exists and one that does not."""
    match = ORG_PATH.match(path or "")
    if match is None:
        return ""
    return reverse("transparency", kwargs={"org_slug": match["slug"]})
