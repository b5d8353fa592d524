"""What the transparency page and the consent form say about partners: both come from the same
facts (cocora.privacy.selectors.transparency_facts), so a change to a sharing rule shows on both,
and neither lists a partner that may not receive anything today."""

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.privacy.selectors import transparency_facts
from cocora.testing.queries import count_queries
from partners.models import InformationClass, SharingLevel
from partners.services.agreements import agreement_create, agreement_update
from partners.tests.factories import (
    AgreementFactory,
    IntegrityCheckFactory,
    PartnerOrganisationFactory,
)
from programmes.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 4)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 5, 4, 10, 0, tzinfo=UTC), tick=False):
        yield


NAMES = str(InformationClass.PARTICIPANT_NAMES.label)
ATTENDANCE = str(InformationClass.NAMED_ATTENDANCE.label)


def _partner(org, name, *, status="active", checked=True, starts_on=TODAY - timedelta(days=30)):
    partner = PartnerOrganisationFactory(organisation=org, name=name, status=status)
    if checked:
        IntegrityCheckFactory(organisation=org, partner=partner, checked_on=TODAY)
    with org_context(org.pk):
        agreement_create(
            organisation=org,
            partner=partner,
            purpose=f"Dialogue meetings with {name}.",
            starts_on=starts_on,
        )
    return partner


def _page(client, org):
    response = client.get(reverse("transparency", args=[org.slug]))
    assert response.status_code == 200
    return response.content.decode()


def _consent_form(client, org):
    participant = ParticipantFactory(organisation=org)
    response = client.get(reverse("consent_form", args=[org.slug, participant.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _sharing(org):
    with org_context(org.pk):
        facts = transparency_facts(organisation=org)
    return {p.partner: (p.allowed, p.with_consent) for p in facts.partners}


def test_a_changed_sharing_rule_changes_the_page_and_the_consent_form_alike(
    org, client, member_client
):
    # Given a partner whose agreement shares names only with consent (the strict default)
    partner = _partner(org, "Moske Nord")
    staff = member_client(org, Role.COORDINATOR)
    page, form = _page(client, org), _consent_form(staff, org)
    for text in (page, form):
        assert "Moske Nord" in text and NAMES in text
    assert "Sharing with Moske Nord" in form

    # When the agreement stops sharing names and attendance at all
    with org_context(org.pk):
        agreement = AgreementFactory._meta.model.objects.for_org(org).get(partner=partner)
        agreement_update(
            organisation=org,
            agreement=agreement,
            matrix={
                InformationClass.PARTICIPANT_NAMES: (SharingLevel.NEVER, None),
                InformationClass.NAMED_ATTENDANCE: (SharingLevel.NEVER, None),
            },
        )

    # Then both say so: the partner stays (figures), names and attendance are gone from both
    page, form = _page(client, org), _consent_form(staff, org)
    for text in (page, form):
        assert "Moske Nord" in text
        assert NAMES not in text and ATTENDANCE not in text
    allowed, with_consent = _sharing(org)["Moske Nord"]
    assert NAMES not in with_consent and str(InformationClass.AGGREGATE_FIGURES.label) in allowed

    # And a second partner added to the sharing appears on both
    _partner(org, "Ungdomsklubben")
    page, form = _page(client, org), _consent_form(staff, org)
    for text in (page, form):
        assert "Ungdomsklubben" in text
    assert "Sharing with Ungdomsklubben" in form


def test_only_partners_that_may_receive_something_today_are_listed(org):
    _partner(org, "Active one")
    _partner(org, "Ended one", status="ended")
    _partner(org, "Paused one", status="paused")
    _partner(org, "Not yet", starts_on=TODAY + timedelta(days=5))
    _partner(org, "Unchecked", checked=False)

    sharing = _sharing(org)

    assert set(sharing) == {"Active one", "Unchecked"}
    # Without a passed integrity check, nothing about a named young person goes there.
    assert NAMES in sharing["Active one"][1]
    assert NAMES not in sharing["Unchecked"][1] and ATTENDANCE not in sharing["Unchecked"][1]


def test_an_overdue_review_suspends_named_information_on_the_page(org, client):
    partner = PartnerOrganisationFactory(organisation=org, name="Skolen")
    IntegrityCheckFactory(
        organisation=org,
        partner=partner,
        checked_on=TODAY - timedelta(days=400),
        next_review_on=TODAY - timedelta(days=1),
    )
    with org_context(org.pk):
        agreement_create(organisation=org, partner=partner, purpose="Lessons.", starts_on=TODAY)

    page = _page(client, org)

    assert "Skolen" in page and NAMES not in page


def test_another_organisations_partners_never_appear(org, other_org, client):
    _partner(org, "Ours")
    _partner(other_org, "Theirs")

    page = _page(client, org)

    assert "Ours" in page and "Theirs" not in page
    assert set(_sharing(other_org)) == {"Theirs"}


def test_the_page_costs_the_same_queries_for_2_and_20_partners(org, client):
    numbers = itertools.count()

    def measure(partners):
        for _ in range(partners):
            _partner(org, f"Partner {next(numbers)}")
        count, response = count_queries(
            lambda: client.get(reverse("transparency", args=[org.slug]))
        )
        assert response.status_code == 200
        return count, len(response.context["facts"].partners)

    two, rows2 = measure(2)
    twenty, rows20 = measure(18)
    assert (rows2, rows20) == (2, 20)
    # organisation, retention periods, agreements with partners, their rules, latest checks
    # (+ tenant settings on PostgreSQL): the same for any number of partners.
    assert two == twenty
