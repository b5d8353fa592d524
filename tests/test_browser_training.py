"""A coordinator on a 360 px phone: the home page lists the trainer's overdue refresher, the
cohort the trainer runs warns about it; the coordinator records the refresher for the trainer
and a colleague at once, and the warning is gone. Nothing scrolls sideways; axe-core finds
nothing serious."""

import pytest

from cocora.accounts.models import User
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from programmes.models import CohortTrainer
from tests.browser import (
    PHONE,
    chromium,
    follow_menu,
    serious_accessibility_problems,
    sign_in,
)
from training.models import Course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_sees_an_overdue_refresher_and_records_it_on_a_phone(live_server, demo):
    nordby = Organisation.objects.get(slug="nordby")
    trainer = User.objects.get(email="trainer@nordby.example")
    coordinator = User.objects.get(email="coordinator@nordby.example")
    with org_context(nordby.pk):
        course = Course.objects.for_org(nordby).get(required_for_trainers=True)
        cohort_id = (
            CohortTrainer.objects.for_org(nordby)
            .filter(user=trainer, cohort__programme__kind="prevention")
            .values_list("cohort_id", flat=True)
            .first()
        )
    cohort_url = f"{live_server.url}/o/nordby/cohorts/{cohort_id}/"
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, live_server.url, "coordinator@nordby.example")

        # Given: the home page lists the overdue refresher, the cohort warns about it.
        card = page.get_by_role("region", name="Refreshers due")
        assert card.get_by_role("link", name=trainer.name).is_visible()
        assert card.get_by_text("overdue since").first.is_visible()
        page.goto(cohort_url)
        warning = page.locator(".training-warning")
        assert warning.is_visible() and trainer.name in warning.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") == 360

        # When: the coordinator records the refresher for the trainer and themself at once.
        page.goto(f"{live_server.url}/o/nordby/")
        follow_menu(page, "Training")
        page.get_by_role("link", name="Record a course").first.click()
        page.get_by_label("Course").select_option(label=course.name)
        page.get_by_label(f"{trainer.name} (Trainer)").check()
        page.get_by_label(f"{coordinator.name} (Coordinator)").check()
        assert page.evaluate("document.documentElement.scrollWidth") == 360
        assert serious_accessibility_problems(page) == []
        page.get_by_role("button", name="Record").click()

        # Then: two completions, nothing due for the trainer, and the cohort is quiet.
        assert page.get_by_text("2 completions were recorded.").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") == 360
        assert serious_accessibility_problems(page) == []
        page.goto(cohort_url)
        assert page.locator(".training-warning").count() == 0
