"""The participant list's bulk actions in a real browser, on a phone: a coordinator ticks
people and records a consent received on paper for all of them; the page fits the screen."""

import pytest

from tests.browser import PHONE, chromium, follow_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_on_a_phone_records_paper_consent_for_the_people_ticked(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        follow_menu(page, "Participants")

        # The demo's young adults Freja, Yusuf and Sofie have not agreed to become ambassadors yet.
        for name in ("Freja", "Yusuf", "Sofie"):
            page.get_by_label(f"Choose: {name}", exact=False).check()
        page.get_by_label("What it covers").select_option("ambassador")
        page.get_by_label("Given by").select_option("self")
        page.get_by_role("button", name="Record consent received on paper").click()
        page.get_by_text("The consent was recorded for 3 people.").wait_for()
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False

        # The same again is refused for all, naming who holds it already.
        page.get_by_label("Choose: Freja", exact=False).check()
        page.get_by_label("What it covers").select_option("ambassador")
        page.get_by_label("Given by").select_option("self")
        page.get_by_role("button", name="Record consent received on paper").click()
        page.get_by_text("Already holding this consent").wait_for()
