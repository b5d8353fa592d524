"""The delivery log on a real SMTP server (aiosmtpd): claim, send in batches, exactly once,
unsubscribe, failing addresses. Core only: a test rule stands in for the domain apps' rules."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from cocora.organisations.tests.factories import MembershipFactory, OrganisationFactory

from .. import registry
from ..models import Delivery, DeliveryStatus, FailingAddress, RecipientKind, Unsubscribe
from ..registry import EmailContent, Intended, Rule
from ..services import (
    deliveries_due_ids,
    deliveries_plan,
    delivery_send_batch,
    unsubscribe_token,
)
from .factories import DeliveryFactory
from .sink import SmtpSink

pytestmark = pytest.mark.django_db

WANTED: dict[str, Any] = {"recipients": [], "blocked": set()}


def _plan(*, organisation: Organisation, now: datetime) -> Iterator[Intended]:
    for email in WANTED["recipients"]:
        yield Intended(
            object_type="tests.thing",
            object_id=1,
            occasion="once",
            recipient_kind=RecipientKind.USER,
            email=email,
            language="de" if email.startswith("de-") else organisation.language,
            context={"when": now.isoformat()},
        )


def _compose(*, organisation: Organisation, delivery: Delivery) -> EmailContent:
    from django.utils.translation import gettext as _

    return EmailContent(
        subject=f"Test reminder {delivery.pk}",
        # Django's own catalogue translates the month names: proof of the recipient's language.
        greeting=_("January"),
        paragraphs=["A <b>test</b> & nothing else."],
        facts=[("When", delivery.context.get("when", "-"))],
    )


def _still_wanted(
    *, organisation: Organisation, deliveries: list[Delivery], now: datetime
) -> set[int]:
    return {d.pk for d in deliveries if d.recipient_email not in WANTED["blocked"]}


@pytest.fixture
def rule() -> Iterator[Rule]:
    WANTED["recipients"], WANTED["blocked"] = [], set()
    test_rule = registry.register(
        Rule(
            name="tests.reminder",
            kind="test_reminder",
            label="Test reminders",
            plan=_plan,
            compose=_compose,
            still_wanted=_still_wanted,
        )
    )
    yield test_rule
    registry.rules.pop("tests.reminder", None)


@pytest.fixture
def sink(settings: Any) -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        running.point(settings)
        yield running


def _header(message: Any, name: str) -> str:
    return "".join(str(message[name]).split())  # unfolded


def _send_all(org: Organisation) -> Any:
    with org_context(org.pk):
        ids = deliveries_due_ids(organisation_id=org.pk)
    return delivery_send_batch(organisation_id=org.pk, delivery_ids=ids)


def _plan_in(org: Organisation) -> int:
    with org_context(org.pk):
        return deliveries_plan(organisation=org, rule_names=["tests.reminder"])


def test_planning_twice_sends_one_email_per_recipient(rule: Rule, sink: SmtpSink) -> None:
    org = OrganisationFactory()
    WANTED["recipients"] = ["a@example.org", "b@example.org", "c@example.org"]

    assert _plan_in(org) == 3
    assert _plan_in(org) == 3  # a second beat, a retried task: no new rows
    first = _send_all(org)
    second = _send_all(org)  # a redelivered send task finds nothing left to claim

    assert (first.sent, second.claimed) == (3, 0)
    assert sink.count == 3
    assert set(sink.handler.keys.values()) == {1}
    with org_context(org.pk):
        assert Delivery.objects.for_org(org).filter(status=DeliveryStatus.SENT).count() == 3


def test_one_smtp_connection_per_batch_with_text_html_and_unsubscribe_headers(
    rule: Rule, sink: SmtpSink
) -> None:
    org = OrganisationFactory()
    WANTED["recipients"] = [f"p{i}@example.org" for i in range(5)] + ["de-x@example.org"]
    _plan_in(org)

    _send_all(org)

    assert sink.count == 6
    message = sink.handler.messages[0]
    assert message.is_multipart()
    types = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in types and "text/html" in types
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert "A &lt;b&gt;test&lt;/b&gt; &amp; nothing else." in html.get_payload(decode=True).decode()
    assert _header(message, "List-Unsubscribe").startswith("<http://")
    assert _header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    key = _header(message, "X-Cocora-Delivery")
    assert _header(message, "Message-ID") == f"<{key}@127.0.0.1>"
    german = next(m for m in sink.handler.messages if m["To"] == "de-x@example.org")
    text = next(p for p in german.walk() if p.get_content_type() == "text/plain")
    assert "Januar" in text.get_payload(decode=True).decode()
    # The HTML part says which language it is in (it once said "en" whatever the language).
    german_html = next(p for p in german.walk() if p.get_content_type() == "text/html")
    assert '<html lang="de" dir="ltr">' in german_html.get_payload(decode=True).decode()


def test_a_stale_claim_is_taken_over_and_a_fresh_one_is_not(
    rule: Rule, sink: SmtpSink, settings: Any
) -> None:
    settings.NOTIFICATIONS_CLAIM_TIMEOUT = 60
    org = OrganisationFactory()
    fresh = DeliveryFactory(organisation=org, rule="tests.reminder")
    stale = DeliveryFactory(organisation=org, rule="tests.reminder")
    with org_context(org.pk):
        Delivery.objects.filter(pk=fresh.pk).update(
            status=DeliveryStatus.CLAIMED, claimed_at=timezone.now()
        )
        Delivery.objects.filter(pk=stale.pk).update(
            status=DeliveryStatus.CLAIMED,
            claimed_at=timezone.now() - timezone.timedelta(seconds=61),
        )

    result = delivery_send_batch(organisation_id=org.pk, delivery_ids=[fresh.pk, stale.pk])

    assert (result.claimed, result.sent) == (1, 1)
    assert sink.handler.keys[stale.idempotency_key] == 1
    assert sink.handler.keys[fresh.idempotency_key] == 0


def test_withdrawn_wish_and_unsubscribe_are_checked_again_at_send_time(
    rule: Rule, sink: SmtpSink
) -> None:
    org = OrganisationFactory()
    WANTED["recipients"] = ["keep@example.org", "gone@example.org"]
    _plan_in(org)
    WANTED["blocked"] = {"gone@example.org"}  # e.g. consent withdrawn after planning

    result = _send_all(org)

    assert (result.sent, result.skipped) == (1, 1)
    with org_context(org.pk):
        skipped = Delivery.objects.for_org(org).get(status=DeliveryStatus.SKIPPED)
    assert skipped.recipient_email == "gone@example.org"


def test_a_refused_address_is_marked_failing_and_not_tried_again(
    rule: Rule, sink: SmtpSink
) -> None:
    org = OrganisationFactory()
    sink.handler.refused = {"nobody@example.org"}
    WANTED["recipients"] = ["nobody@example.org", "ok@example.org"]
    _plan_in(org)

    result = _send_all(org)

    assert (result.sent, result.failed) == (1, 1)
    with org_context(org.pk):
        failing = FailingAddress.objects.for_org(org).get()
        assert failing.email == "nobody@example.org"
        # Another reminder to the same address is skipped, not sent.
        again = DeliveryFactory(organisation=org, recipient_email="nobody@example.org")
    result = delivery_send_batch(organisation_id=org.pk, delivery_ids=[again.pk])
    assert result.skipped == 1


def test_a_temporary_smtp_error_puts_the_rest_back_with_a_backoff(
    rule: Rule, sink: SmtpSink
) -> None:
    org = OrganisationFactory()
    sink.handler.temporary_failures = 1
    WANTED["recipients"] = ["a@example.org", "b@example.org"]
    _plan_in(org)

    result = _send_all(org)

    assert result.sent == 0 and result.released == 2 and result.retry_in == 60
    with org_context(org.pk):
        rows = list(Delivery.objects.for_org(org))
        assert {d.status for d in rows} == {DeliveryStatus.QUEUED}
        assert all(d.next_attempt_at and d.next_attempt_at > timezone.now() for d in rows)
        assert deliveries_due_ids(organisation_id=org.pk) == []  # not before the backoff


def test_the_unsubscribe_link_asks_then_stops_that_kind_of_reminder(
    rule: Rule, sink: SmtpSink, client: Any
) -> None:
    org = OrganisationFactory()
    WANTED["recipients"] = ["me@example.org"]
    _plan_in(org)
    with org_context(org.pk):
        delivery = Delivery.objects.for_org(org).get()
        later = DeliveryFactory(organisation=org, recipient_email="me@example.org")
    url = reverse("unsubscribe", kwargs={"token": unsubscribe_token(delivery)})

    page = client.get(url)
    assert page.status_code == 200 and b"Stop these reminders?" in page.content
    with org_context(org.pk):
        assert not Unsubscribe.objects.for_org(org).exists()  # a link scanner changes nothing

    # One-click (RFC 8058): the mail program POSTs without a CSRF token.
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    with org_context(org.pk):
        assert Unsubscribe.objects.for_org(org).filter(kind="test_reminder").count() == 1
        assert Delivery.objects.get(pk=later.pk).status == DeliveryStatus.SKIPPED
        assert AuditEvent.objects.for_org(org).filter(action="notifications.unsubscribed").exists()
    assert _send_all(org).sent == 0
    assert sink.count == 0


def test_a_tampered_unsubscribe_link_gets_a_clear_page_and_a_warning(
    rule: Rule, client: Any, caplog: Any
) -> None:
    org = OrganisationFactory()
    delivery = DeliveryFactory(organisation=org)
    token = unsubscribe_token(delivery)

    response = client.post(reverse("unsubscribe", kwargs={"token": token[:-2] + "xx"}))

    assert response.status_code == 400
    assert b"This unsubscribe link cannot be used" in response.content
    assert "invalid signature" in caplog.text
    with org_context(org.pk):
        assert not Unsubscribe.objects.for_org(org).exists()


def test_a_valid_link_whose_delivery_is_gone_is_refused_and_audited(client: Any) -> None:
    org = OrganisationFactory()
    token = signing.dumps({"o": org.pk, "d": 999999}, salt="cocora.notifications.unsubscribe")

    response = client.get(reverse("unsubscribe", kwargs={"token": token}))

    assert response.status_code == 410
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="notifications.unsubscribe_refused")
    assert event.details["delivery_id"] == 999999


@pytest.mark.parametrize(("role", "status"), [(Role.ADMIN, 200), (Role.COORDINATOR, 403)])
def test_the_deliveries_page_is_for_admins(client: Any, role: str, status: int) -> None:
    org = OrganisationFactory()
    member = MembershipFactory(organisation=org, role=role)
    DeliveryFactory.create_batch(3, organisation=org, status=DeliveryStatus.SENT)
    DeliveryFactory(organisation=org, status=DeliveryStatus.FAILED, last_error="550 nope")
    client.force_login(member.user)

    response = client.get(
        reverse("delivery_list", kwargs={"org_slug": org.slug}) + "?status=failed"
    )

    assert response.status_code == status
    if status == 200:
        assert b"550 nope" in response.content
        assert response.content.count(b"<tr>") == 2  # header and the one failed delivery
