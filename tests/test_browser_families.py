"""Families in a real browser: a coordinator sends a guardian their link from the young
person's page; the guardian opens it on a phone, sees the group's sessions and withdraws a
consent, without signing in and without sideways scrolling."""

import re

import pytest
from django.core import mail

from cocora.notifications.services import deliveries_send_now
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from programmes.models import Consent, Participant
from tests.browser import DESKTOP, PHONE, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_guardian_withdraws_a_consent_through_the_link_on_a_phone(live_server, demo):
    nordby = Organisation.objects.get(slug="nordby")
    with org_context(nordby.pk):
        child = (
            Participant.objects.for_org(nordby)
            .filter(consents__scope="photos", consents__given_by="guardian")
            .get()
        )
    with chromium() as browser:
        # The coordinator sends the link from the young person's page.
        staff = browser.new_page(viewport=DESKTOP)
        sign_in(staff, live_server.url, "coordinator@nordby.example")
        staff.goto(f"{live_server.url}/o/nordby/participants/{child.pk}/")
        staff.get_by_role("button", name="Send a new link").click()
        staff.get_by_text(f"A link was sent to the guardian of {child.display_name}.").wait_for()

        # The delivery log sends it, as a worker would.
        mail.outbox.clear()
        deliveries_send_now(organisation=nordby)
        # (Session reminders may go out in the same run: the demo has a session today.)
        (link,) = {
            found.group(0)
            for m in mail.outbox
            if (found := re.search(r"http\S+/o/nordby/family/\S+/", m.body))
        }
        path = link.split("/o/", 1)[1]

        # The guardian, on a phone, not signed in, in the family's language by default.
        phone = browser.new_context(viewport=PHONE).new_page()
        phone.goto(f"{live_server.url}/o/{path}?lang=en")
        assert "noindex" in phone.locator('meta[name="robots"]').get_attribute("content")
        phone.get_by_role("heading", name="Coming sessions").wait_for()
        assert phone.locator("#sessions li").count() >= 1
        consents = phone.locator("#consents")
        assert "Photos" in consents.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        phone.get_by_role("link", name="Withdraw · Photos").click()
        phone.get_by_text("You are about to withdraw your consent").wait_for()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.get_by_role("button", name="Yes, withdraw my consent").click()
        phone.get_by_text("Your consent was withdrawn.").wait_for()
        assert "Withdrawn on" in phone.locator("#consents").inner_text()

    with org_context(nordby.pk):
        photos = Consent.objects.for_org(nordby).get(
            participant=child, scope="photos", given_by="guardian"
        )
    assert photos.withdrawn_at is not None
