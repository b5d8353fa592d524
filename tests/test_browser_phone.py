"""On a 360 px phone: long names, button rows and tables stay inside the screen, the organisation
menu folds without JavaScript, a form with errors puts the focus on its summary, and the
programme page's regions have names of their own."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from programmes.models import Programme
from programmes.tests.factories import HandbookExportFactory, ParticipantFactory
from tests.browser import DESKTOP, PHONE, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Eighty letters without a space or hyphen: the longest name the field takes, and no line break.
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff" * 2 + "Maximiliane"[:10]


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_long_names_button_rows_and_the_handbook_list_fit_a_phone(live_server, demo):
    # Given a participant with an unbreakable name and a handbook export with a long failure
    organisation = Organisation.objects.get(slug="nordby")
    with org_context(organisation.pk):
        participant = ParticipantFactory(
            organisation=organisation, display_name=LONG_NAME, code="P-LONGLONGLONG1"
        )
        programme = Programme.objects.for_org(organisation).order_by("pk").first()
        HandbookExportFactory(organisation=organisation, programme=programme, error="x" * 300)
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "admin@nordby.example")
        base = f"{live_server.url}/o/nordby"

        # Regression: the list was 923 px wide.
        page.goto(f"{base}/participants/")
        assert page_width(page) == 360

        # Regression: Edit / Printable consent form / Everything we hold / Erase made 373 px and
        # hid Erase off the screen.
        page.goto(f"{base}/participants/{participant.pk}/")
        assert page_width(page) == 360
        erase = page.get_by_role("link", name="Erase", exact=True).bounding_box()
        assert erase is not None and erase["x"] + erase["width"] <= 360

        # Regression: the handbook page was 694 px (a hidden label escaped its table's scroller).
        page.goto(f"{base}/programmes/{programme.pk}/handbook/")
        assert page_width(page) == 360

        # On a wide screen the same table is a table again, and still no wider than the page.
        page.set_viewport_size(DESKTOP)
        page.goto(f"{base}/participants/")
        assert page_width(page) == DESKTOP["width"]


def test_the_organisation_menu_folds_on_a_phone_and_needs_no_javascript(live_server, demo):
    with chromium() as browser:
        phone = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = phone.new_page()
        sign_in(page, live_server.url, "admin@nordby.example")
        org_nav = page.get_by_role("navigation", name="Organisation")
        # Regression: thirteen links took five rows above the content.
        assert org_nav.get_by_role("link", name="Participants").is_hidden()
        assert page.locator("header").bounding_box()["height"] < 200

        # A keyboard user opens the menu and follows a link.
        toggle = org_nav.get_by_text("Menu")
        toggle.focus()
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
        page.keyboard.press("Enter")
        org_nav.get_by_role("link", name="Participants").click()
        page.wait_for_url(re.compile(r".*/o/nordby/participants/$"))
        phone.close()

        # An ambassador's two links fit one row: no button to open first.
        phone = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = phone.new_page()
        sign_in(page, live_server.url, "ambassador@nordby.example")
        org_nav = page.get_by_role("navigation", name="Organisation")
        assert org_nav.get_by_text("Menu").count() == 0
        assert org_nav.get_by_role("link", name="My tasks").is_visible()
        phone.close()

        desktop = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
        page = desktop.new_page()
        sign_in(page, live_server.url, "admin@nordby.example")
        org_nav = page.get_by_role("navigation", name="Organisation")
        # On a wide screen the links are a row, with no button in the way.
        assert org_nav.get_by_text("Menu").is_hidden()
        links = org_nav.get_by_role("link")
        assert links.count() >= 10
        assert links.first.is_visible() and links.last.is_visible()
        assert links.first.bounding_box()["y"] == links.nth(1).bounding_box()["y"]
        links.nth(1).focus()
        assert page.evaluate("document.activeElement.closest('nav') !== null")
        desktop.close()


def test_a_form_with_errors_puts_the_focus_on_its_summary(live_server, demo):
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        page.goto(f"{live_server.url}/o/nordby/participants/new/")
        page.get_by_role("button", name=re.compile("Save|Add")).click()
        page.wait_for_load_state()

        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        summary = page.locator("[data-error-summary]")
        assert "There is a problem" in summary.inner_text()
        # Each entry leads to its field.
        summary.get_by_role("link").first.click()
        focused = page.evaluate("document.activeElement.id")
        assert focused and summary.get_by_role("link").first.get_attribute("href") == f"#{focused}"


def test_the_programme_page_names_each_region_once(live_server, demo):
    # Regression: every module's "Activities" region had the same name.
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        organisation = Organisation.objects.get(slug="nordby")
        with org_context(organisation.pk):
            programme = Programme.objects.for_org(organisation).order_by("pk").first()
        page.goto(f"{live_server.url}/o/nordby/programmes/{programme.pk}/")
        results = Axe().run(page, options={"runOnly": ["landmark-unique"]})
        assert results.response["violations"] == [], results.generate_report()
