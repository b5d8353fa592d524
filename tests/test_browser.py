"""A person signs in with a real browser, sees their organisation and signs out."""

import pytest

from tests.browser import DEMO_PASSWORD, DESKTOP, PHONE, chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_coordinator_signs_in_sees_the_organisation_and_signs_out(live_server, demo, viewport):
    with chromium() as browser:
        page = browser.new_page(viewport=viewport)
        page.goto(f"{live_server.url}/")

        page.get_by_label("Email").fill("coordinator@nordby.example")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        page.wait_for_url(f"{live_server.url}/o/nordby/")
        assert "Coordinator" in page.locator("main").inner_text()
        assert "Nordby" in page.locator("header").inner_text()
        # A coordinator has no members page in the navigation.
        assert page.locator("a[href='/o/nordby/members/']").count() == 0
        # Nothing spills sideways on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        # allauth asks to confirm a sign-out that did not come from its own page.
        confirm = page.get_by_role("button", name="Sign Out")
        if confirm.count():
            confirm.click()
        page.goto(f"{live_server.url}/o/nordby/")
        assert "/accounts/login/" in page.url
        browser.close()


def test_keyboard_users_can_skip_to_the_content(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        page.goto(f"{live_server.url}/accounts/login/")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to main content"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
