"""Running a cohort in a real browser: a coordinator sets one up, a trainer on a phone takes
attendance and writes the log, and a withdrawn consent takes a person off the recipients."""

import re

import pytest

from tests.browser import DESKTOP, PHONE, chromium, follow_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainer_on_a_phone_takes_attendance_and_writes_the_log(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "trainer@nordby.example")

        follow_menu(page, "Cohorts")
        page.get_by_role("link", name=re.compile("Ungdomsgruppen Vest")).click()
        # The fifth session is the next one to run; its attendance is still empty.
        page.locator("#sessions-heading + ol a.fw-semibold").nth(4).click()
        assert page.locator(".attendance-row").count() == 12

        # One tap per person: with htmx each tap saves on its own and says so.
        first_row = page.locator(".attendance-row").first
        first_row.get_by_text("Late", exact=True).click()
        first_row.locator(".save-state").get_by_text("Saved").wait_for()
        # The rest in one go, then a plain save, as without JavaScript.
        page.get_by_role("button", name="Mark all present").click()
        page.get_by_text("Attendance saved for 12 people.").wait_for()
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False

        page.get_by_role("link", name="Write the session log").click()
        page.get_by_label("What happened").fill("We planned a neighbourhood walk together.")
        page.get_by_label("4", exact=True).check()
        page.get_by_role("button", name="Save the log").click()
        page.get_by_text("The session log was saved.").wait_for()
        page.get_by_role("link", name="Edit the session log").wait_for()


def test_withdrawn_contact_consent_removes_the_person_from_recipients(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        follow_menu(page, "Cohorts")
        page.get_by_role("link", name=re.compile("Ungdomsgruppen Vest")).click()
        page.get_by_role("link", name="Who messages would reach").click()
        recipients_url = page.url
        assert "Amira" in page.locator("#recipients").inner_text()

        page.go_back()
        page.get_by_role("link", name="Amira").click()
        row = page.get_by_role("row", name=re.compile("Contact by email or SMS"))
        row.get_by_role("link", name=re.compile("Withdraw")).click()
        page.get_by_role("button", name="Withdraw").click()  # confirmed
        page.get_by_text("No message will reach this person from now on.").wait_for()

        page.goto(recipients_url)
        assert "Amira" not in page.locator("#recipients").inner_text()


def test_coordinator_sets_up_a_cohort_from_the_built_in_curriculum(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, live_server.url, "coordinator@nordby.example")

        # A new Prevention Programme from the built-in curriculum.
        page.get_by_role("link", name="Programmes").first.click()
        page.get_by_role("link", name=re.compile("New programme")).first.click()
        page.get_by_role("link", name=re.compile("Choose the Prevention Programme")).click()
        page.get_by_label("Title").fill("Prevention 2027")
        page.get_by_role("button", name="Start from the built-in curriculum").click()
        page.get_by_role("heading", name="Prevention 2027").wait_for()
        # Nordby works in Danish: its copy of the curriculum is the Danish one.
        assert "Selvinkluderende medborgerskab" in page.locator("main").inner_text()

        # A cohort of that programme, with ten weekly sessions.
        follow_menu(page, "Cohorts")
        page.get_by_role("link", name="Open a cohort").click()
        page.get_by_label("Programme").select_option(label="Prevention 2027")
        page.get_by_label("Name").fill("Winter group")
        page.get_by_label("Capacity").fill("12")
        page.get_by_label("Sara Træner").check()
        page.get_by_role("button", name="Save").click()
        page.get_by_text("The cohort Winter group is open.").wait_for()
        page.get_by_label("Wednesday").check()
        page.get_by_label("Start time").fill("17:00")
        page.get_by_label("Number of sessions").fill("10")
        page.get_by_role("button", name="Schedule").click()
        page.get_by_text("10 sessions were scheduled.").wait_for()
        assert page.locator("#sessions-heading + ol > li").count() == 10

        # Three participants enrolled.
        page.get_by_role("link", name="Enrol participants").first.click()
        for name in ("Amira", "Emil", "Freja"):
            page.get_by_label(re.compile(f"^{name}")).check()
        page.get_by_role("button", name="Enrol the chosen").click()
        page.get_by_text("3 people were enrolled.").wait_for()
        table = page.locator("table").first.inner_text()
        assert all(name in table for name in ("Amira", "Emil", "Freja"))
        assert "3 of 12 places taken" in page.locator("main").inner_text()
