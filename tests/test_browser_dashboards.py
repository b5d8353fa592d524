"""On a 360 px phone a coordinator lands on their home page and reads the attendance chart,
drawn on the server with its table of the same figures, without JavaScript; axe finds nothing
serious there."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import PHONE, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}


def test_coordinator_sees_the_attendance_chart_and_its_table_on_a_phone(live_server, demo):
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = context.new_page()
        sign_in(page, live_server.url, "coordinator@nordby.example")
        page.goto(f"{live_server.url}/o/nordby/")

        attendance = page.get_by_role("region", name="Attendance over time")
        chart = attendance.get_by_role("img").first
        assert chart.is_visible()
        assert chart.evaluate("node => node.tagName.toLowerCase()") == "svg"
        # The same figures as a table, one click away (a <details>, no script needed).
        attendance.get_by_text("as a table").first.click()
        table = attendance.get_by_role("table").first
        assert table.get_by_role("cell").count() > 0
        assert "%" in table.inner_text()
        # Nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") == 360

        context.close()

        # axe runs a script in the page: a second look with JavaScript on.
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        page.goto(f"{live_server.url}/o/nordby/")
        results = Axe().run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        assert blocking == [], results.generate_report()
