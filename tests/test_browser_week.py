"""The coordinator's week on a 360 px phone without JavaScript: the month's calendar stays
inside the screen, the header's search box finds a participant, and notifications are opened
and marked read."""

import re

import pytest

from cocora.notifications.models import Notification
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from programmes.models import Participant
from tests.browser import DESKTOP, PHONE, chromium, follow_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_calendar_search_and_notifications_on_a_phone(live_server, demo):
    organisation = Organisation.objects.get(slug="nordby")
    with org_context(organisation.pk):
        participant = Participant.objects.for_org(organisation).order_by("pk").first()
        # The demo's difficult moment, confidential note and partners' proposals.
        unread = (
            Notification.objects.for_org(organisation)
            .filter(recipient__email="coordinator@nordby.example", read_at__isnull=True)
            .count()
        )
    assert unread >= 3
    with chromium() as browser:
        phone = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = phone.new_page()
        sign_in(page, live_server.url, "coordinator@nordby.example")

        # The month: a list of the days with sessions, nothing sideways.
        follow_menu(page, "Calendar")
        page.get_by_role("link", name="Show the month").click()
        page.wait_for_url(re.compile(r".*view=month.*"))
        assert page.locator(".calendar-session").count() > 0
        assert page_width(page) == 360
        page.get_by_role("link", name="Next month").click()
        assert page_width(page) == 360

        # On a phone the header links to the search page, which finds a participant by code.
        page.locator("header").get_by_role("link", name="Search", exact=True).click()
        search = page.locator("main").get_by_role("search")
        search.get_by_label("Name, code or title").fill(participant.code)
        search.get_by_role("button", name="Search").click()
        page.wait_for_url(re.compile(r".*/o/nordby/search/\?q=.*"))
        page.get_by_role("link", name=participant.display_name).click()
        page.wait_for_url(re.compile(rf".*/participants/{participant.pk}/$"))

        # Open the difficult moment, then mark the rest read.
        notifications = page.get_by_role("link", name=re.compile(rf"^Notifications {unread}\b"))
        notifications.click()
        assert page_width(page) == 360
        assert page.get_by_text("has a confidential note for you").is_visible()
        card = page.locator("li.card", has_text="reported a difficult moment")
        card.get_by_role("button", name="Open").click()
        page.wait_for_url(re.compile(r".*/ambassadors/tasks/\d+/$"))
        page.get_by_role("link", name=re.compile(rf"^Notifications {unread - 1}\b")).click()
        page.get_by_role("button", name="Mark all read").click()
        assert page.get_by_text(f"{unread - 1} notifications marked read.").is_visible()
        assert page.get_by_role("link", name="Notifications", exact=True).is_visible()
        phone.close()

        # On a wide screen the month is a grid of seven columns, still no wider than the page.
        wide = browser.new_page(viewport=DESKTOP)
        sign_in(wide, live_server.url, "coordinator@nordby.example")
        # The header's own search box, from 768 px.
        header_search = wide.locator("header").get_by_role("search")
        header_search.get_by_label("Search").fill(participant.display_name)
        header_search.get_by_role("button", name="Search").click()
        wide.wait_for_url(re.compile(r".*/o/nordby/search/\?q=.*"))
        assert wide.get_by_role("link", name=participant.display_name).count() >= 1
        wide.goto(f"{live_server.url}/o/nordby/sessions/calendar/?view=month")
        assert page_width(wide) == DESKTOP["width"]
        columns = wide.evaluate(
            "getComputedStyle(document.querySelector('.calendar-month')).gridTemplateColumns"
        )
        assert len(columns.split()) == 7
