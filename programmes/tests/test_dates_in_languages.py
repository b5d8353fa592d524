"""A session's date as each language writes it: its own order, abbreviations and punctuation."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cocora.accounts.models import User
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory, OrganisationFactory
from programmes.tests.factories import CohortFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.translations]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
FRIDAY_AFTERNOON = datetime(2026, 11, 6, 14, 0, tzinfo=COPENHAGEN)

SESSION_IN = {
    "en": "Fri 6 Nov, 14:00",
    "da": "fre. 6. nov. kl. 14:00",
    "de": "Fr., 6. Nov., 14:00",
    "fr": "ven. 6 nov. à 14:00",
    "it": "ven 6 nov, 14:00",
}
NEXT_YEARS_SESSION_IN = {
    "en": "Fri 5 Nov 2027, 14:00",
    "da": "fre. 5. nov. 2027 kl. 14:00",
    "de": "Fr., 5. Nov. 2027, 14:00",
    "fr": "ven. 5 nov. 2027 à 14:00",
    "it": "ven 5 nov 2027, 14:00",
}


def _cohort_page(language: str, *sessions_at: datetime) -> str:
    org = OrganisationFactory(language="en", time_zone="Europe/Copenhagen")
    cohort = CohortFactory(organisation=org)
    for starts_at in sessions_at:
        SessionFactory(organisation=org, cohort=cohort, starts_at=starts_at)
    member = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
    User.objects.filter(pk=member.pk).update(language=language)
    client = Client()
    client.force_login(member)
    response = client.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", SESSION_IN)
def test_the_same_session_is_dated_in_each_languages_own_form(language):
    next_year = FRIDAY_AFTERNOON.replace(year=2027, day=5)
    with time_machine.travel(datetime(2026, 10, 1, 9, 0, tzinfo=COPENHAGEN), tick=False):
        page = _cohort_page(language, FRIDAY_AFTERNOON, next_year)

    assert f">{SESSION_IN[language]}</a>" in page
    # The year is written where the language writes it, and only when it is not this year's.
    assert f">{NEXT_YEARS_SESSION_IN[language]}</a>" in page


def test_a_date_that_opens_a_heading_starts_with_a_capital_in_every_language():
    org = OrganisationFactory(time_zone="Europe/Copenhagen")
    session = SessionFactory(organisation=org, starts_at=FRIDAY_AFTERNOON)
    member = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
    User.objects.filter(pk=member.pk).update(language="da")
    client = Client()
    client.force_login(member)

    with time_machine.travel(datetime(2026, 10, 1, 9, 0, tzinfo=COPENHAGEN), tick=False):
        page = client.get(reverse("session_detail", args=[org.slug, session.pk])).content.decode()

    assert '<h1 class="h3">Fredag d. 6. november kl. 14:00–16:00</h1>' in page
