"""The transparency page in a real browser: a young person opens it on a phone without signing in
and without JavaScript, reads it in another language, and an admin's new contact and a changed
sharing rule show on it and on the consent form."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from partners.models import Agreement, InformationClass, SharingLevel
from partners.services.agreements import agreement_update
from programmes.models import Participant
from tests.browser import DESKTOP, PHONE, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_young_person_reads_the_page_on_a_phone_without_signing_in(live_server, demo):
    url = f"{live_server.url}/o/nordby/transparency/"
    with chromium() as browser:
        # Without JavaScript: in the organisation's own language, and another one by a link.
        phone = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = phone.new_page()
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "da"
        page.get_by_role("link", name="English").click()
        page.get_by_role("heading", name="Who we share with").wait_for()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_text("FC Nordby Ungdom").count() >= 1
        phone.close()

        # Inside a 360 px screen, and nothing serious or critical for axe.
        page = browser.new_page(viewport=PHONE)
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") == 360
        serious = [
            v["id"]
            for v in Axe().run(page).response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert serious == []


def test_an_admins_contact_and_a_sharing_rule_show_on_the_page_and_the_consent_form(
    live_server, demo
):
    organisation = Organisation.objects.get(slug="nordby")
    with org_context(organisation.pk):
        participant = Participant.objects.for_org(organisation).order_by("pk").first()
        agreement = (
            Agreement.objects.for_org(organisation)
            .select_related("partner")
            .get(partner__name="FC Nordby Ungdom")
        )
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, live_server.url, "admin@nordby.example")
        base = f"{live_server.url}/o/nordby"

        # The admin gives a new contact email in the settings.
        page.goto(f"{base}/settings/")
        page.get_by_label("Data-protection email").fill("privacy@nordby.example")
        page.get_by_role("button", name="Save settings").click()
        page.get_by_text("The organisation's settings were saved.").wait_for()

        # The footer leads to the page, which shows it, and the partner's named sharing.
        page.get_by_role("link", name="How we handle personal data").click()
        page.get_by_role("heading", name="Whom to ask").wait_for()
        assert page.get_by_role("link", name="privacy@nordby.example").is_visible()
        club = page.locator(".facts-partner", has_text="FC Nordby Ungdom")
        assert "Names of participants" in club.inner_text()

        # Names stop going to the club: the page and the consent form both say so at once.
        with org_context(organisation.pk):
            agreement_update(
                organisation=organisation,
                agreement=agreement,
                matrix={InformationClass.PARTICIPANT_NAMES: (SharingLevel.NEVER, None)},
            )
        page.reload()
        club = page.locator(".facts-partner", has_text="FC Nordby Ungdom")
        assert "Names of participants" not in club.inner_text()
        page.goto(f"{base}/participants/{participant.pk}/consent-form/")
        form = page.locator(".facts-partner", has_text="FC Nordby Ungdom")
        assert "Names of participants" not in form.inner_text()
        assert page.locator('main a[href$="/o/nordby/transparency/"]').is_visible()
