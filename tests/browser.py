"""Playwright driving the system Chromium (never a downloaded browser)."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, sync_playwright

from cocora.organisations.management.commands.seed_demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("COCORA_CHROMIUM", "/usr/bin/chromium")
# As root Chromium needs --no-sandbox; on a closed network the background services would keep
# trying to reach the outside.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def chromium() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM in the test body is
    # still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, base: str, email: str, *, organisation: str = "nordby") -> None:
    """Signs a demo user in through the real sign-in page and waits for their home."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf".*/o/{organisation}/$"))


def follow_menu(page: Page, name: str) -> None:
    """Follows a link of the organisation menu, opening the menu first where it is folded (on a
    phone), as a person would."""
    menu = page.get_by_role("navigation", name="Organisation")
    toggle = menu.locator("summary")
    if toggle.is_visible() and menu.locator("details[open]").count() == 0:
        toggle.click()
    menu.get_by_role("link", name=name, exact=True).click()


def serious_accessibility_problems(page: Page) -> list[str]:
    """The ids of axe-core's serious and critical findings on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
