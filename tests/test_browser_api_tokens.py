"""A trainer on a phone creates a read-only API token on their profile, copies it from the one
answer that shows it, and a script uses it; revoking it stops the script."""

import json
import urllib.error
import urllib.request

import pytest

from tests.browser import DEMO_PASSWORD, PHONE, chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _me(base: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the local test server
        f"{base}/api/v1/o/nordby/me/", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 - the local test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_trainer_creates_uses_and_revokes_a_token_on_a_phone(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, java_script_enabled=False)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill("trainer@nordby.example")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/o/nordby/")

        page.goto(f"{live_server.url}/profile/")
        page.get_by_role("link", name="API tokens for Nordby").click()
        page.get_by_label("Name").fill("attendance sync")
        page.get_by_label("Expires").select_option("30")
        page.get_by_label("Read only").check()
        page.get_by_role("button", name="Create token").click()

        token = page.get_by_label("Your new token").input_value()
        assert token.startswith("ccr_")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        status, body = _me(live_server.url, token)
        assert status == 200
        assert body["role"] == "trainer" and body["token_read_only"] is True

        page.goto(f"{live_server.url}/o/nordby/api-tokens/")
        assert token not in page.content()
        page.get_by_role("link", name="Revoke attendance sync").click()
        page.get_by_role("button", name="Revoke").click()
        assert "was revoked" in page.locator("main").inner_text()

        status, body = _me(live_server.url, token)
        assert status == 401 and body["code"] == "token_invalid"
        browser.close()


def test_the_interactive_api_docs_render_from_our_own_files(live_server, transactional_db):
    with chromium() as browser:
        page = browser.new_page()
        hosts = set()
        page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        # Swagger UI draws only what is on the screen; its deep link scrolls to the operation.
        page.goto(f"{live_server.url}/api/docs/#/cohorts/cohorts_list")
        page.get_by_text("/api/v1/o/{org_slug}/cohorts/").first.wait_for()
        assert "Cocora API" in page.content()
        assert hosts == {live_server.url.split("/")[2]}
        # Our Content-Security-Policy holds (scripts only from files): nothing was refused.
        assert not [e for e in errors if "Content Security Policy" in e]
        policy = page.request.get(f"{live_server.url}/api/docs/").headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-eval" not in policy
        browser.close()
