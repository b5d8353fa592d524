"""A young person answers the questionnaire through their link on a 360 px phone without
JavaScript; a coordinator then sees the results chart with its table."""

import re

import pytest

from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from evaluation.models import Response, SurveyLink
from evaluation.pairing import link_secret
from programmes.models import Cohort
from tests.browser import PHONE, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_young_person_answers_on_a_phone_and_the_coordinator_sees_the_chart(live_server, demo):
    # Given the demo's open baseline round and one person's unused link
    organisation = Organisation.objects.get(slug="nordby")
    with org_context(organisation.pk):
        link = (
            SurveyLink.objects.for_org(organisation)
            .filter(wave__closed_at__isnull=True, used=False)
            .order_by("pk")
            .first()
        )
        before = Response.objects.for_org(organisation).count()
        finished = Cohort.objects.for_org(organisation).get(name="Ungdomsgruppen Nord (efterår)")
    url = f"{live_server.url}/o/nordby/survey/{link_secret(link.nonce)}/?lang=en"

    with chromium() as browser:
        phone = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = phone.new_page()
        # When they open it on a phone without JavaScript
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") == 360
        assert page.get_by_text("It is voluntary").is_visible()
        page.get_by_role("group", name=re.compile("When I set myself a goal")).get_by_label(
            "Agree", exact=True
        ).check()
        page.get_by_role("group", name=re.compile("I often feel like an outsider")).get_by_label(
            "Strongly disagree"
        ).check()
        page.get_by_label("What would you like to change").fill("A youth council that listens")
        page.get_by_role("button", name="Send my answers").click()
        # Then they are thanked, and the link cannot be used again
        assert page.get_by_text("Thank you! Your answers have been sent").is_visible()
        page.goto(url)
        assert page.get_by_role("button", name="Send my answers").count() == 0
        phone.close()

        # And a coordinator sees the finished cohort's results as a chart with a table
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "coordinator@nordby.example")
        page.goto(f"{live_server.url}/o/nordby/evaluation/cohorts/{finished.pk}/")
        chart = page.get_by_role("img", name=re.compile("Mean score before and after"))
        assert chart.is_visible()
        page.get_by_text(re.compile("as a table")).first.click()
        assert page.get_by_role("rowheader", name="Self-efficacy").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") == 360

    with org_context(organisation.pk):
        assert Response.objects.for_org(organisation).count() == before + 1
