"""The layout's links (templates/base.html), from addresses worked out once per process."""

from typing import Any

from django import template
from django.urls import get_script_prefix

from ..context_processors import layout_urls

register = template.Library()


@register.simple_tag
def layout_url(name: str, organisation: Any = None) -> str:
    """`{% layout_url "search" current_organisation %}`: the address of one of the layout's
    links, of the organisation the page shows (the one the template tests, whether the member's
    or a public page's), or of the site with none."""
    slug = organisation.slug if organisation else ""
    return layout_urls(get_script_prefix(), slug)[name]
