"""Integrity checks (review dates, suspension on the organisation's own calendar day) and
agreements with their sharing matrix."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cocora.audit.models import AuditEvent
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from partners.models import Agreement, IntegrityCheck, SharingRule
from partners.services.agreements import agreement_save
from partners.services.checks import (
    CheckState,
    check_status,
    integrity_check_mark_informed,
    integrity_check_record,
    latest_check,
    organisation_today,
)
from partners.services.disclosures import disclosure_record
from partners.tests.factories import (
    AgreementFactory,
    PartnerOrganisationFactory,
    SharingRuleFactory,
)
from programmes.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def _record(org, partner, **kwargs):
    values = {"checked_on": date(2025, 1, 10), "outcome": "passed"} | kwargs
    with org_context(org.pk):
        return integrity_check_record(organisation=org, partner=partner, **values)


def test_the_next_review_defaults_to_one_year_after_the_check(org):
    partner = PartnerOrganisationFactory(organisation=org)
    check = _record(org, partner)
    assert check.next_review_on == date(2026, 1, 10)
    leap = _record(org, partner, checked_on=date(2024, 2, 29))
    assert leap.next_review_on == date(2025, 2, 28)


def test_a_review_date_before_the_check_is_refused_and_nothing_is_stored(org):
    partner = PartnerOrganisationFactory(organisation=org)
    with pytest.raises(ApplicationError) as error:
        _record(org, partner, next_review_on=date(2025, 1, 9))
    assert error.value.field == "next_review_on"
    assert "before the check" in str(error.value.message)
    with org_context(org.pk):
        assert not IntegrityCheck.objects.for_org(org).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"informed_on": date(2025, 1, 10)}, "informed_how"),
        ({"informed_how": "meeting"}, "informed_on"),
        ({"informed_on": date(2025, 1, 10), "informed_how": "pigeon"}, "informed_how"),
    ],
)
def test_bad_check_input_names_the_field(org, kwargs, field):
    partner = PartnerOrganisationFactory(organisation=org)
    with pytest.raises(ApplicationError) as error:
        _record(org, partner, **kwargs)
    assert error.value.field == field


def test_the_check_records_the_checklist_and_how_the_partner_was_informed(org):
    partner = PartnerOrganisationFactory(organisation=org)
    reviewer = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
    check = _record(
        org,
        partner,
        reviewer=reviewer,
        checklist={"governance_known": True, "named_contact": True},
        notes="Saw the safeguarding policy of 2024 at the chair's office.",
        informed_on=date(2025, 1, 8),
        informed_how="meeting",
        actor=reviewer,
    )
    assert (check.governance_known, check.named_contact, check.safeguarding_policy_seen) == (
        True,
        True,
        False,
    )
    assert (check.informed_on, check.informed_how) == (date(2025, 1, 8), "meeting")
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="integrity_check.recorded")
        later = _record(org, partner, checked_on=date(2025, 2, 1))
        integrity_check_mark_informed(
            organisation=org, check=later, informed_on=date(2025, 2, 3), informed_how="email"
        )
    # Notes are personal text: they stay in the encrypted field, out of the audit trail.
    assert "safeguarding" not in str(event.details)
    assert event.details["items_met"] == 2


def _named_share(org, partner, participant, actor):
    with org_context(org.pk):
        return disclosure_record(
            organisation=org,
            partner=partner,
            participant=participant,
            information_class="participant_names",
            purpose="Joint event.",
            actor=actor,
        )


def test_review_overdue_suspends_named_sharing_by_the_organisations_own_date(org):
    # Given an organisation in Copenhagen and a partner checked on 10 January 2025, so that the
    # review is due on 10 January 2026 and is overdue from 11 January, Copenhagen time.
    assert org.time_zone == "Europe/Copenhagen"
    coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
    partner = PartnerOrganisationFactory(organisation=org)
    agreement = AgreementFactory(organisation=org, partner=partner, starts_on=date(2025, 1, 1))
    SharingRuleFactory(
        organisation=org,
        agreement=agreement,
        information_class="participant_names",
        level="allowed",
    )
    participant = ParticipantFactory(organisation=org, birth_year=2000)
    _record(org, partner, checked_on=date(2025, 1, 10))

    # 23:30 in Copenhagen on the review date: still in time.
    with time_machine.travel(datetime(2026, 1, 10, 22, 30, tzinfo=UTC), tick=False):
        assert organisation_today(org) == date(2026, 1, 10)
        assert _named_share(org, partner, participant, coordinator).basis == "agreement"

    # 00:30 in Copenhagen the next day, still the 10th in UTC: overdue, sharing suspended.
    with time_machine.travel(datetime(2026, 1, 10, 23, 30, tzinfo=UTC), tick=False):
        with org_context(org.pk):
            status = check_status(
                latest_check(organisation=org, partner=partner), today=organisation_today(org)
            )
        assert status.state == CheckState.REVIEW_OVERDUE
        with pytest.raises(ApplicationError, match="due for review on 10 January 2026"):
            _named_share(org, partner, participant, coordinator)

        # A new passing check lifts the suspension at once.
        _record(org, partner, checked_on=date(2026, 1, 11))
        assert _named_share(org, partner, participant, coordinator).basis == "agreement"


def test_a_check_cannot_be_dated_in_the_future(org):
    partner = PartnerOrganisationFactory(organisation=org)
    with (
        time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False),
        pytest.raises(ApplicationError, match="future"),
    ):
        _record(org, partner, checked_on=date(2026, 3, 2))


def _save(org, partner, **kwargs):
    values = {"purpose": "Dialogue meetings.", "starts_on": date(2025, 3, 1)} | kwargs
    with org_context(org.pk):
        return agreement_save(organisation=org, partner=partner, **values)


def _matrix(org, agreement):
    with org_context(org.pk):
        return {
            r.information_class: r.level
            for r in SharingRule.objects.for_org(org).filter(agreement=agreement)
        }


def test_a_new_agreement_starts_strict(org):
    agreement = _save(org, PartnerOrganisationFactory(organisation=org))
    matrix = _matrix(org, agreement)
    assert matrix["confidential_notes"] == "never"
    assert matrix["participant_names"] == matrix["named_attendance"] == "consent"
    assert len(matrix) == 7


def test_editing_the_matrix_changes_only_the_cells_given_and_is_audited(org):
    partner = PartnerOrganisationFactory(organisation=org)
    agreement = _save(org, partner)
    _save(org, partner, matrix={"participant_names": ("allowed", "Invitations to events")})
    matrix = _matrix(org, agreement)
    assert matrix["participant_names"] == "allowed"
    assert matrix["confidential_notes"] == "never"
    with org_context(org.pk):
        assert Agreement.objects.for_org(org).count() == 1
        event = AuditEvent.objects.for_org(org).filter(action="agreement.updated").get()
    assert event.details["matrix_changes"] == {"participant_names": "allowed"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"matrix": {"participant_names": "sometimes"}}, "level_participant_names"),
        ({"review_on": date(2025, 2, 1)}, "review_on"),
        ({"purpose": " "}, "purpose"),
    ],
)
def test_bad_agreement_input_changes_nothing(org, kwargs, field):
    partner = PartnerOrganisationFactory(organisation=org)
    agreement = _save(org, partner)
    before = _matrix(org, agreement)
    with pytest.raises(ApplicationError) as error:
        _save(org, partner, **kwargs)
    assert error.value.field == field
    assert _matrix(org, agreement) == before


def test_the_database_refuses_a_matrix_value_outside_the_three_choices(org):
    from django.db import IntegrityError

    agreement = AgreementFactory(organisation=org)
    with pytest.raises(IntegrityError):
        SharingRuleFactory(organisation=org, agreement=agreement, level="sometimes")


def test_today_follows_the_organisation_not_the_server(org):
    with time_machine.travel(datetime(2026, 6, 30, 23, 0, tzinfo=UTC), tick=False):
        assert organisation_today(org) == date(2026, 7, 1)
        org.time_zone = "America/New_York"
        assert organisation_today(org) == date(2026, 6, 30)
    assert organisation_today(org) - date.today() <= timedelta(days=1)
