"""The Ambassador Programme in a real browser on a phone: an ambassador reports a task done, a
coordinator assigns a task and is refused at the cap."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import PHONE, chromium, follow_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scrolling(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def hours_this_month(page):
    return float(page.locator("#hours-this-month").inner_text().strip().replace(",", "."))


def test_ambassador_on_a_phone_starts_a_task_and_reports_it_done(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "ambassador@nordby.example")
        # The organisation home shows their tasks too.
        page.get_by_role("link", name="All my tasks").click()
        page.get_by_role("heading", name="My tasks").wait_for()
        assert no_sideways_scrolling(page)
        assert page.locator("#next-session").count() == 1
        hours_before = hours_this_month(page)

        task = page.locator("#my-tasks li").filter(has_text="Tal med fodboldholdet")
        task.get_by_role("button", name=re.compile("Start")).click()
        page.get_by_text("in progress", exact=False).first.wait_for()

        task = page.locator("#my-tasks li").filter(has_text="Tal med fodboldholdet")
        task.get_by_role("link", name=re.compile("Done: report back")).click()
        page.get_by_label("How many peers did you reach?").fill("-2")
        page.get_by_label("Hours spent").fill("1.5")
        page.get_by_role("button", name="Mark done").click()
        page.locator(".invalid-feedback", has_text="Peers reached cannot be negative").wait_for()

        page.get_by_label("How many peers did you reach?").fill("9")
        page.get_by_label("Hours spent").fill("1.5")
        page.get_by_label("What worked").fill("Talking after training, not before.")
        page.get_by_role("button", name="Mark done").click()
        page.get_by_text("Thank you: the task is done.").wait_for()
        assert "Tal med fodboldholdet" not in page.locator("#my-tasks").inner_text()
        assert hours_this_month(page) == hours_before + 1.5
        assert no_sideways_scrolling(page)


def test_coordinator_on_a_phone_assigns_a_task_and_is_refused_at_the_cap(live_server, demo):
    due = (timezone.localdate() + timedelta(days=1)).isoformat()
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        follow_menu(page, "Ambassadors")
        roster = page.locator("#roster")
        assert "check-in overdue" in roster.inner_text()
        assert no_sideways_scrolling(page)

        def assign(name, title):
            page.goto(f"{live_server.url}/o/nordby/ambassadors/tasks/new/")
            page.locator("#id_ambassador").select_option(label=name)
            page.get_by_label("Kind").select_option(label="Peer conversation")
            page.get_by_label("Title").fill(title)
            page.get_by_label("Due on").fill(due)
            page.get_by_label("Estimated hours").fill("1")
            page.get_by_role("button", name="Assign").click()

        assign("Nanna", "Chat with the new pupils")
        page.get_by_text("The task Chat with the new pupils was assigned to Nanna.").wait_for()
        assert "Chat with the new pupils" in page.locator("#task-board").inner_text()

        # Mikkel carries three open tasks already.
        assign("Mikkel", "One more conversation")
        page.locator(
            ".invalid-feedback", has_text="the cap is 3 open tasks per ambassador"
        ).wait_for()
        page.goto(f"{live_server.url}/o/nordby/ambassadors/tasks/")
        assert "One more conversation" not in page.locator("#task-board").inner_text()
