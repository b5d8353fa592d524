"""The coordinator's week on a phone: ten people of a cohort move to another stage at once, from
the cohort page's one bulk form, and the page stays inside a 360 px screen."""

import re

import pytest

from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from programmes.models import Cohort, Enrolment
from tests.browser import PHONE, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_coordinator_changes_the_stage_of_ten_people_at_once_on_a_phone(live_server, demo):
    # Given the demo cohort of twelve active people and two on its waiting list
    organisation = Organisation.objects.get(slug="nordby")
    with org_context(organisation.pk):
        cohort = Cohort.objects.for_org(organisation).order_by("pk").first()
        people = list(
            Enrolment.objects.for_org(organisation)
            .filter(cohort=cohort)
            .select_related("participant")
            .order_by("participant__display_name", "participant__code")
        )
    active = [e for e in people if e.stage == "active"]
    chosen = active[:10]

    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        page.goto(f"{live_server.url}/o/nordby/cohorts/{cohort.pk}/")
        assert page_width(page) == 360

        # When the coordinator ticks ten of them, chooses "Completed" and changes the chosen
        for enrolment in chosen:
            page.locator(f"#pick-{enrolment.pk}").check()
        page.get_by_label("New stage").select_option(label="Completed")
        page.get_by_role("button", name="Change the chosen").click()

        # Then all ten moved, nobody else did, and the page still fits the phone
        page.get_by_text("10 people moved to Completed.").wait_for()
        assert page_width(page) == 360
        rows = page.locator("table.cohort-people tbody tr")
        assert rows.count() == len(people) == 14
        texts = [rows.nth(i).inner_text() for i in range(rows.count())]
        assert sum(1 for text in texts if re.search(r"\bCompleted\b", text)) == 10

        # With JavaScript, one box chooses everyone on the page (without it, the page's
        # "Change all on this page" button does)
        page.get_by_label("Choose everyone on this page").check()
        assert page.locator("input[name=enrolment]:checked").count() == 14
    with org_context(organisation.pk):
        stages = dict(
            Enrolment.objects.for_org(organisation).filter(cohort=cohort).values_list("pk", "stage")
        )
    assert {stages[e.pk] for e in chosen} == {"completed"}
    assert {stages[e.pk] for e in active[10:]} == {"active"}
    assert sorted(stages.values()).count("waitlisted") == 2
