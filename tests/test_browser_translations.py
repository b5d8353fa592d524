"""Translating a module on a phone without JavaScript: the demo's out-of-date English translation
is flagged on the curriculum page, brought up to date on the module's translation form, and the
flag is gone. The form fits 360 px and axe-core finds nothing serious on it."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import PHONE, chromium, follow_menu, sign_in
from tests.test_browser_every_page import BLOCKING_IMPACTS, OVERFLOW_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_brings_an_out_of_date_translation_up_to_date(live_server, demo):
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = context.new_page()
        sign_in(page, live_server.url, "coordinator@nordby.example")
        follow_menu(page, "Programmes")
        page.locator("a", has_text=re.compile("Collaborative|Samarbejds", re.I)).first.click()

        # The second module's English translation is flagged, saying what changed
        second = page.locator("ol > li.card").nth(1)
        assert "translation out of date" in second.inner_text()
        assert "changed since: content" in second.inner_text()
        second.get_by_role("link", name=re.compile("^Translate")).click()

        # The module's translation page: the languages with their state, then English's form
        page.get_by_role("link", name="English").click()
        page.get_by_role("heading", name="Translation into English").wait_for()
        form_url = page.url

        content = page.get_by_label("Content")
        content.fill(content.input_value() + "\n\nIn Nordby we meet at the library.")
        page.get_by_role("button", name="Save translation").click()

        page.get_by_text(re.compile("Saved the English translation")).wait_for()
        second = page.locator("ol > li.card").nth(1)
        assert "translation out of date" not in second.inner_text()
        assert "up to date" in second.inner_text()

        # The form at 360 px, measured with scripts on (axe-core and the measure are scripts)
        measuring = browser.new_context(viewport=PHONE).new_page()
        sign_in(measuring, live_server.url, "coordinator@nordby.example")
        measuring.goto(form_url)
        measuring.get_by_role("heading", name="Translation into English").wait_for()
        assert measuring.evaluate(OVERFLOW_JS) is None
        serious = [
            violation["id"]
            for violation in Axe().run(measuring).response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        assert serious == []
