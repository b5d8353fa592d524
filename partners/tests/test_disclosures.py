"""disclosure_record: every rule of the sharing matrix by the partner's status by its integrity
check by the young person's consent, refusals that name the missing piece, and overrides."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from cocora.audit.models import AuditEvent
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from partners.models import Disclosure, SharingConsent
from partners.services.checks import organisation_today
from partners.services.disclosures import (
    disclosure_record,
    sharing_consent_record,
    sharing_consent_withdraw,
)
from partners.tests.factories import (
    AgreementFactory,
    IntegrityCheckFactory,
    PartnerOrganisationFactory,
    SharingConsentFactory,
    SharingRuleFactory,
)
from programmes.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

LEVELS = ["never", "consent", "allowed"]
STATUSES = ["prospective", "active", "paused", "ended"]
CHECKS = ["passed", "overdue", "not_passed", "none"]
CONSENTS = ["none", "given", "withdrawn"]

# What each failing condition must say in the refusal.
STATUS_WORDS = {"prospective": "not an active partner", "paused": "paused", "ended": "ended"}
CHECK_WORDS = {
    "overdue": "due for review",
    "not_passed": "did not pass",
    "none": "no integrity check",
}


@pytest.fixture
def coordinator(org):
    return MembershipFactory(organisation=org, role=Role.COORDINATOR).user


@pytest.fixture
def admin(org):
    return MembershipFactory(organisation=org, role=Role.ADMIN).user


def _partner(org, *, status="active", level="consent", check="passed", information_class=None):
    partner = PartnerOrganisationFactory(organisation=org, status=status, name="Youth Club West")
    agreement = AgreementFactory(organisation=org, partner=partner)
    for cls in ["participant_names", "aggregate_figures"]:
        SharingRuleFactory(
            organisation=org,
            agreement=agreement,
            information_class=cls,
            level=level if information_class in (None, cls) else "allowed",
        )
    today = organisation_today(org)
    if check == "passed":
        IntegrityCheckFactory(organisation=org, partner=partner)
    elif check == "overdue":
        IntegrityCheckFactory(
            organisation=org,
            partner=partner,
            checked_on=today - timedelta(days=400),
            next_review_on=today - timedelta(days=35),
        )
    elif check == "not_passed":
        IntegrityCheckFactory(organisation=org, partner=partner, outcome="not_passed")
    return partner


def _adult(org, consent="none", partner=None):
    participant = ParticipantFactory(organisation=org, birth_year=2000, display_name="Amal")
    if consent in ("given", "withdrawn"):
        SharingConsentFactory(
            organisation=org,
            participant=participant,
            partner=partner,
            withdrawn_at=timezone.now() if consent == "withdrawn" else None,
        )
    return participant


def _share(org, partner, participant, actor, information_class="participant_names", **kwargs):
    with org_context(org.pk):
        return disclosure_record(
            organisation=org,
            partner=partner,
            participant=participant,
            information_class=information_class,
            purpose="Planning the joint football tournament.",
            actor=actor,
            **kwargs,
        )


def _count(org):
    with org_context(org.pk):
        return Disclosure.objects.for_org(org).count()


@pytest.mark.parametrize(
    ("level", "status", "check", "consent"),
    list(itertools.product(LEVELS, STATUSES, CHECKS, CONSENTS)),
)
def test_named_information_follows_every_rule(org, coordinator, level, status, check, consent):
    # Given a partner with this matrix level, status and check, and a young adult's consent
    partner = _partner(org, status=status, level=level, check=check)
    participant = _adult(org, consent, partner=partner)
    expected_missing = []
    if status != "active":
        expected_missing.append(STATUS_WORDS[status])
    if level == "never":
        expected_missing.append("never allows")
    if check != "passed":
        expected_missing.append(CHECK_WORDS[check])
    if level == "consent" and consent != "given":
        expected_missing.append("young person's consent to share")

    # When a coordinator shares their name
    if expected_missing:
        with pytest.raises(ApplicationError) as error:
            _share(org, partner, participant, coordinator)
        # Then the refusal names every missing piece, and nothing is recorded
        message = str(error.value.message)
        assert message.startswith("Not shared.")
        for words in expected_missing:
            assert words in message, (words, message)
        assert _count(org) == 0
    else:
        disclosure = _share(org, partner, participant, coordinator)
        assert disclosure.basis == ("consent" if level == "consent" else "agreement")
        assert _count(org) == 1


@pytest.mark.parametrize(("level", "check"), list(itertools.product(LEVELS, CHECKS)))
def test_aggregate_classes_do_not_depend_on_the_integrity_check(org, coordinator, level, check):
    partner = _partner(org, level=level, check=check, information_class="aggregate_figures")
    participant = _adult(org)
    if level == "allowed":
        disclosure = _share(org, partner, participant, coordinator, "aggregate_figures")
        assert disclosure.basis == "agreement"
    else:
        with pytest.raises(ApplicationError) as error:
            _share(org, partner, participant, coordinator, "aggregate_figures")
        message = str(error.value.message)
        assert "integrity check" not in message and "due for review" not in message
        assert ("never allows" if level == "never" else "consent to share") in message


@pytest.mark.parametrize(
    ("givers", "missing"),
    [
        ([], ["guardian", "own agreement"]),
        (["self"], ["guardian"]),
        (["guardian"], ["own agreement"]),
        (["guardian", "self"], []),
    ],
)
def test_below_the_age_of_digital_consent_both_must_agree(org, coordinator, givers, missing):
    partner = _partner(org, level="consent")
    minor = ParticipantFactory(organisation=org, birth_year=organisation_today(org).year - 14)
    for giver in givers:
        SharingConsentFactory(organisation=org, participant=minor, given_by=giver)
    if missing:
        with pytest.raises(ApplicationError) as error:
            _share(org, partner, minor, coordinator)
        for words in missing:
            assert words in str(error.value.message)
        other = {"guardian", "own agreement"} - set(missing)
        assert not any(words in str(error.value.message) for words in other)
    else:
        assert _share(org, partner, minor, coordinator).basis == "consent"


def test_consent_for_another_partner_does_not_count_but_any_partner_does(org, coordinator):
    partner = _partner(org, level="consent")
    other = PartnerOrganisationFactory(organisation=org)
    participant = _adult(org, "given", partner=other)
    with pytest.raises(ApplicationError, match="consent to share with Youth Club West"):
        _share(org, partner, participant, coordinator)
    SharingConsentFactory(organisation=org, participant=participant, partner=None)
    assert _share(org, partner, participant, coordinator).basis == "consent"


def test_withdrawing_consent_stops_further_sharing_at_once(org, coordinator):
    partner = _partner(org, level="consent")
    participant = _adult(org)
    with org_context(org.pk):
        consent = sharing_consent_record(
            organisation=org,
            participant=participant,
            partner=partner,
            given_by="self",
            given_on=organisation_today(org),
            actor=coordinator,
        )
    _share(org, partner, participant, coordinator)
    with org_context(org.pk):
        sharing_consent_withdraw(organisation=org, consent=consent, actor=coordinator)
    with pytest.raises(ApplicationError, match="consent"):
        _share(org, partner, participant, coordinator)
    assert _count(org) == 1  # what was shared before stays in the record


def test_an_admin_overrides_with_a_reason_and_the_log_highlights_it(org, admin):
    partner = _partner(org, level="never", check="overdue")
    participant = _adult(org)
    reason = "Immediate risk to Amal's safety tonight; the club's youth worker must know."

    disclosure = _share(org, partner, participant, admin, override_reason=reason)

    assert disclosure.basis == "override"
    assert disclosure.override_reason == reason
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="disclosure.override")
    assert event.details["override"] is True
    assert event.details["rules_overridden"] == 2
    # No personal content in the audit trail: ids, kinds and counts only.
    assert "Amal" not in str(event.details) and "football" not in str(event.details)


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_needs_a_written_reason(org, admin, reason):
    partner = _partner(org, level="never")
    with pytest.raises(ApplicationError, match="never allows"):
        _share(org, partner, _adult(org), admin, override_reason=reason)
    assert _count(org) == 0


def test_only_admins_may_override(org, coordinator):
    partner = _partner(org, level="never")
    with pytest.raises(ApplicationError, match="Only an admin"):
        _share(org, partner, _adult(org), coordinator, override_reason="Safety.")
    assert _count(org) == 0


def test_nobody_overrides_an_ended_partnership(org, admin):
    partner = _partner(org, status="ended", level="allowed")
    with pytest.raises(ApplicationError, match="has ended"):
        _share(org, partner, _adult(org), admin, override_reason="Safety.")
    assert _count(org) == 0


def test_a_reason_given_when_nothing_is_missing_is_not_an_override(org, admin):
    partner = _partner(org, level="allowed")
    disclosure = _share(org, partner, _adult(org), admin, override_reason="Just in case.")
    assert disclosure.basis == "agreement"
    assert disclosure.override_reason == ""


def test_who_what_with_whom_why_and_basis_are_recorded(org, coordinator):
    partner = _partner(org, level="allowed")
    participant = _adult(org)
    disclosure = _share(org, partner, participant, coordinator)
    with org_context(org.pk):
        stored = Disclosure.objects.for_org(org).get()
        event = AuditEvent.objects.for_org(org).get(action="disclosure.recorded")
    assert (stored.disclosed_by_id, stored.partner_id, stored.participant_id) == (
        coordinator.pk,
        partner.pk,
        participant.pk,
    )
    assert stored.information_class == "participant_names"
    assert stored.purpose == "Planning the joint football tournament."
    assert stored.basis == "agreement"
    assert event.target_id == str(disclosure.pk)
    assert event.details == {
        "partner": partner.pk,
        "participant": participant.pk,
        "information_class": "participant_names",
        "basis": "agreement",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"information_class": "religion"}, "what kind of information"),
        ({"purpose": "  "}, "purpose is required"),
    ],
)
def test_bad_input_is_refused_with_a_message(org, coordinator, changes, message):
    partner = _partner(org, level="allowed")
    kwargs = {"information_class": "participant_names", "purpose": "Planning."} | changes
    with org_context(org.pk), pytest.raises(ApplicationError, match=message):
        disclosure_record(
            organisation=org,
            partner=partner,
            participant=_adult(org),
            actor=coordinator,
            **kwargs,
        )


def test_linked_rows_of_another_organisation_are_refused(org, other_org, coordinator):
    partner = _partner(org, level="allowed")
    foreign = ParticipantFactory(organisation=other_org)
    with pytest.raises(ApplicationError, match="another organisation"):
        _share(org, partner, foreign, coordinator)


def test_trainers_cannot_share(org):
    trainer = MembershipFactory(organisation=org, role=Role.TRAINER).user
    partner = _partner(org, level="allowed")
    with pytest.raises(ApplicationError, match="Only admins and coordinators"):
        _share(org, partner, _adult(org), trainer)


def test_a_consent_to_share_cannot_be_given_in_the_future(org, coordinator):
    with org_context(org.pk), pytest.raises(ApplicationError, match="future"):
        sharing_consent_record(
            organisation=org,
            participant=_adult(org),
            given_by="self",
            given_on=organisation_today(org) + timedelta(days=2),
            actor=coordinator,
        )
    with org_context(org.pk):
        assert not SharingConsent.objects.for_org(org).exists()
