"""A coordinator on a 360 px phone: the impact page shows the chart and, unfolded, its table;
the funder report fits the screen; axe-core finds nothing serious on either."""

import pytest

from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from impact.models import FunderReport
from tests.browser import PHONE, chromium, serious_accessibility_problems, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_sees_progress_as_a_chart_and_a_table_on_a_phone(live_server, demo):
    nordby = Organisation.objects.get(slug="nordby")
    with org_context(nordby.pk):
        report = FunderReport.objects.for_org(nordby).get()
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        page.goto(f"{live_server.url}/o/nordby/programmes/{report.programme_id}/")
        page.get_by_role("link", name="Impact: objectives and targets").click()

        chart = page.get_by_role("img", name="Progress against targets")
        assert chart.is_visible()
        assert page.get_by_text("behind", exact=True).first.is_visible()
        page.get_by_text("as a table").first.click()
        assert page.get_by_role("cell", name="Attendance rate").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") == 360
        assert serious_accessibility_problems(page) == []

        page.get_by_role("link", name="Funder reports").click()
        page.get_by_role("link", name=report.title).click()
        assert page.get_by_role("heading", name="Outputs").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") == 360
        assert serious_accessibility_problems(page) == []
