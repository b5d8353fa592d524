"""The one layout of every email the platform sends: text and HTML from the same words.

Callers say what an email says (`EmailContent`); the layout (templates/emails/layout.txt and
layout.html) says how it looks. The HTML part is small and inline-styled (mail clients drop
style sheets), has no images or scripts, and declares the language it is written in; the text
part says everything on its own, the link included. Render inside `translation.override` of
the recipient's language and `timezone.override` of the organisation's time zone."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Section:
    title: str
    items: Sequence[str]


@dataclass(frozen=True)
class EmailContent:
    """The words of one email. Everything here is plain text: the HTML template escapes it."""

    subject: str
    greeting: str
    paragraphs: Sequence[str] = ()
    facts: Sequence[tuple[str, str]] = ()
    sections: Sequence[Section] = ()
    link: tuple[str, str] | None = None  # (label, absolute URL): a button, and the raw URL
    closing: Sequence[str] = ()  # paragraphs after the link
    reason: str = ""  # why the person gets this email, shown in the footer


# A text part rendered from a template with optional blocks keeps at most one empty line.
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def email_bodies(
    *,
    content: EmailContent,
    organisation_name: str = "",
    template: str = "emails/layout",
    extra: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """(text, html) of an email. `template` names a pair `<template>.txt` and
    `<template>.html`, the layout itself or a template that extends it (for a footer of its
    own)."""
    context = {"content": content, "organisation_name": organisation_name, **(extra or {})}
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n", html


def email_message(
    *,
    content: EmailContent,
    to: str,
    organisation_name: str = "",
    headers: Mapping[str, str] | None = None,
    from_email: str | None = None,
) -> EmailMultiAlternatives:
    """The email, text with an HTML alternative, in the layout."""
    text, html = email_bodies(content=content, organisation_name=organisation_name)
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=text,
        from_email=from_email,
        to=[to],
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    return message
