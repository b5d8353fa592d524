"""Invitation and account emails as they arrive at a real SMTP server: a text part complete on
its own and an HTML part in the shared layout, both in the recipient's language, with the same
working link."""

import re
from collections.abc import Iterator
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client

from cocora.accounts.adapters import AccountAdapter
from cocora.accounts.emails import ACCOUNT_EMAILS
from cocora.accounts.models import User
from cocora.notifications.tests.sink import SmtpSink
from cocora.organisations.context import org_context
from cocora.organisations.services import invitation_create
from cocora.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT_NAME = "<script>alert(1)</script>"
# Left behind by a template that did not render: a variable, a tag or a gettext placeholder.
UNRENDERED = re.compile(r"\{\{|\}\}|\{%|%\}|%\([a-z_]+\)s")


@pytest.fixture
def sink(settings: Any) -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        running.point(settings)
        yield running


def _parts(message: Message) -> tuple[str, str]:
    bodies = {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in message.walk()
        if not part.is_multipart()
    }
    assert set(bodies) == {"text/plain", "text/html"}
    return bodies["text/plain"], bodies["text/html"]


def _subject(message: Message) -> str:
    return str(make_header(decode_header(str(message["Subject"]))))


def _links(text: str, html: str) -> tuple[list[str], list[str]]:
    return re.findall(r"https?://\S+", text), re.findall(r'href="([^"]+)"', html)


def _one_link(text: str, html: str) -> str:
    in_text, in_html = _links(text, html)
    # The HTML part has the link twice: the button and the address written out.
    assert len(set(in_text)) == 1
    assert set(in_html) == set(in_text)
    return in_text[0]


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([a-z-]+)" dir="ltr">', html)
    assert match, html[:200]
    return match.group(1)


def _invite(sink: SmtpSink, organisation, email: str, capture) -> tuple[Message, str, str]:
    inviter = UserFactory(name=SCRIPT_NAME)
    with org_context(organisation.pk), capture(execute=True):
        invitation_create(
            organisation=organisation, email=email, role="trainer", invited_by=inviter
        )
    assert sink.wait_for(1, timeout=10)
    message = sink.handler.messages[0]
    return (message, *_parts(message))


def test_an_invitation_has_text_and_html_with_the_same_working_link(
    sink, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Nordby Youth", language="en")
    message, text, html = _invite(
        sink, organisation, "new@example.org", django_capture_on_commit_callbacks
    )

    assert _subject(message) == "You are invited to join Nordby Youth on Cocora"
    assert _lang(html) == "en"
    url = _one_link(text, html)
    assert Client().get(urlsplit(url).path).status_code == 200
    for part in (text, html):
        assert UNRENDERED.search(part) is None
        assert "Nordby Youth" in part
        assert "You get this email because Nordby Youth invited this address." in part
    # The inviter's name is text in both parts: escaped in HTML, as it is in plain text.
    assert f"The invitation comes from {SCRIPT_NAME}." in text
    assert "<script" not in html
    assert "The invitation comes from &lt;script&gt;alert(1)&lt;/script&gt;." in html
    assert "<img" not in html


@pytest.mark.translations
def test_a_danish_recipient_gets_a_danish_invitation_in_both_parts(
    sink, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Nordby", language="en", time_zone="Europe/Copenhagen")
    User.objects.filter(pk=UserFactory(email="mette@example.org").pk).update(language="da")
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))):
        message, text, html = _invite(
            sink, organisation, "mette@example.org", django_capture_on_commit_callbacks
        )

    assert _subject(message) == "Du er inviteret til at blive en del af Nordby på Cocora"
    assert _lang(html) == "da"
    for part in (text, html):
        assert "Hej," in part
        assert "Invitationen kommer fra" in part
        # The date as Danish writes it, in the organisation's time zone.
        assert re.search(r"Linket er gyldigt indtil \d{1,2}\. [a-zæøå]+ 2026 kl\. 09:00\.", part)
        assert "Sendt af Nordby via Cocora." in part
    assert _one_link(text, html).endswith("/")


def test_a_password_reset_link_is_the_same_in_both_parts_and_works(sink):
    person = UserFactory(email="lene@example.org", name=SCRIPT_NAME)
    browser = Client()

    browser.post("/accounts/password/reset/", {"email": "lene@example.org"})

    assert sink.wait_for(1, timeout=10)
    message = sink.handler.messages[0]
    text, html = _parts(message)
    assert _subject(message) == "Reset your Cocora password"
    assert _lang(html) == "en"
    assert f"Hello {SCRIPT_NAME}," in text
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;," in html
    assert "<script" not in html
    url = _one_link(text, html)
    # The key page stores the key in the session and sends on to the form for the new password.
    form = browser.get(urlsplit(url).path, follow=True)
    assert form.status_code == 200
    assert 'name="password1"' in form.content.decode()
    assert person.email in text


def test_a_reset_for_an_address_without_an_account_says_how_people_join(sink):
    Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert sink.wait_for(1, timeout=10)
    text, html = _parts(sink.handler.messages[0])
    for part in (text, html):
        assert "no account has this address" in part
        assert "invitation" in part
    assert _links(text, html) == ([], [])


def test_a_changed_password_is_announced_with_the_time_in_the_organisations_zone(sink):
    membership = MembershipFactory(organisation=OrganisationFactory(time_zone="Europe/Rome"))
    person = membership.user
    person.set_password("old-pass-2024-long")
    person.save()
    browser = Client()
    browser.force_login(person)

    with time_machine.travel(datetime(2026, 11, 6, 13, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        browser.post(
            "/accounts/password/change/",
            {
                "oldpassword": "old-pass-2024-long",
                "password1": "new-pass-2026-longer",
                "password2": "new-pass-2026-longer",
            },
        )

    assert sink.wait_for(1, timeout=10)
    message = sink.handler.messages[0]
    text, html = _parts(message)
    assert _subject(message) == "Your Cocora password was changed"
    assert "When: 6 November 2026, 14:00 (Europe/Rome)" in text
    assert membership.organisation.name in html
    assert Client().get(urlsplit(_one_link(text, html)).path).status_code == 200


@pytest.mark.parametrize("prefix", sorted(ACCOUNT_EMAILS))
def test_every_account_email_has_both_parts_fully_rendered(sink, prefix):
    person = UserFactory(email="amelie@example.org", name="Amélie")
    context = {
        "user": person,
        "activate_url": "https://cocora.example/accounts/confirm-email/KEY/",
        "password_reset_url": "https://cocora.example/accounts/password/reset/key/1-KEY/",
        "timestamp": datetime(2026, 11, 6, 13, 0, tzinfo=ZoneInfo("UTC")),
        "ip": "192.0.2.7",
        "user_agent": "Firefox",
        "from_email": "old@example.org",
        "to_email": "amelie@example.org",
        "deleted_email": "old@example.org",
    }

    AccountAdapter().send_mail(prefix, person.email, context)

    assert sink.wait_for(1, timeout=10)
    message = sink.handler.messages[0]
    text, html = _parts(message)
    assert _subject(message)
    assert _lang(html) == "en"
    for part in (text, html):
        assert UNRENDERED.search(part) is None
        assert "You get this email because" in part
    in_text, in_html = _links(text, html)
    assert set(in_text) == set(in_html)


def test_signing_in_with_an_unconfirmed_address_sends_a_confirmation_that_works(sink):
    person = UserFactory(email="jonas@example.org")
    EmailAddress.objects.filter(user=person).update(verified=False)

    Client().post(
        "/accounts/login/", {"login": "jonas@example.org", "password": "a-good-test-password"}
    )

    assert sink.wait_for(1, timeout=10)
    message = sink.handler.messages[0]
    text, html = _parts(message)
    assert _subject(message) == "Confirm your email address for Cocora"
    url = _one_link(text, html)
    confirm = Client().post(urlsplit(url).path)
    assert confirm.status_code == 302
    assert EmailAddress.objects.get(user=person).verified
