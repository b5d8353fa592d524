"""Becoming an ambassador: a completed Prevention enrolment, consent, an invitation, a place."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Ambassador
from ambassadors.services.promotion import ambassador_promote
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Invitation, Role
from cocora.organisations.tests.factories import MembershipFactory
from programmes.models import Enrolment
from programmes.tests.factories import (
    CohortFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db


def graduate(org, *, birth_year=2000, givers=("self",), stage="completed", email="y@example.org"):
    participant = ParticipantFactory(organisation=org, birth_year=birth_year, email=email)
    EnrolmentFactory(
        organisation=org, participant=participant, stage=stage, cohort__programme__kind="prevention"
    )
    for giver in ("guardian", "self"):
        ConsentFactory(organisation=org, participant=participant, given_by=giver)
    for giver in givers:
        ConsentFactory(
            organisation=org, participant=participant, scope="ambassador", given_by=giver
        )
    return participant


def training(org):
    return CohortFactory(organisation=org, programme__kind="ambassador")


def coordinator(org):
    return MembershipFactory(organisation=org, role=Role.COORDINATOR).user


def test_a_graduate_with_consent_becomes_an_ambassador_in_training(org):
    participant, cohort, actor = graduate(org), training(org), coordinator(org)
    with org_context(org.pk):
        ambassador = ambassador_promote(
            organisation=org, participant=participant, cohort=cohort, actor=actor
        )
        assert ambassador.status == "in_training"
        invitation = Invitation.objects.for_org(org).get(pk=ambassador.invitation_id)
        assert (invitation.email, invitation.role) == ("y@example.org", Role.AMBASSADOR)
        enrolment = Enrolment.objects.for_org(org).get(cohort=cohort, participant=participant)
        assert enrolment.stage == "enrolled"


def test_an_email_typed_on_the_form_is_used_when_the_record_has_none(org):
    participant, cohort, actor = graduate(org, email=""), training(org), coordinator(org)
    with org_context(org.pk):
        with pytest.raises(ApplicationError, match="email address is needed"):
            ambassador_promote(
                organisation=org, participant=participant, cohort=cohort, actor=actor
            )
        ambassador = ambassador_promote(
            organisation=org,
            participant=participant,
            cohort=cohort,
            email="typed@example.org",
            actor=actor,
        )
        assert ambassador.invitation.email == "typed@example.org"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"stage": "active"}, "has not completed the Prevention Programme"),
        ({"stage": "withdrawn"}, "has not completed the Prevention Programme"),
        ({"givers": ()}, "consent to becoming an ambassador"),
        # 14 years old: their own agreement is not enough without a guardian's consent.
        ({"birth_year": "minor", "givers": ("self",)}, "guardian's consent to becoming"),
        ({"birth_year": "minor", "givers": ("guardian",)}, "own agreement to becoming"),
    ],
)
def test_promotion_is_refused_with_what_is_missing(org, setup, message):
    if setup.get("birth_year") == "minor":
        setup = {**setup, "birth_year": timezone.localdate().year - 14}
    participant, cohort, actor = graduate(org, **setup), training(org), coordinator(org)
    with org_context(org.pk):
        with pytest.raises(ApplicationError, match=message):
            ambassador_promote(
                organisation=org, participant=participant, cohort=cohort, actor=actor
            )
        assert not Ambassador.objects.for_org(org).exists()
        assert not Invitation.objects.for_org(org).exists()


def test_a_minor_with_both_consents_can_start(org):
    participant = graduate(
        org, birth_year=timezone.localdate().year - 14, givers=("guardian", "self")
    )
    with org_context(org.pk):
        ambassador_promote(
            organisation=org, participant=participant, cohort=training(org), actor=coordinator(org)
        )


def test_the_training_cohort_must_be_an_ambassador_cohort(org):
    participant, actor = graduate(org), coordinator(org)
    prevention_cohort = CohortFactory(organisation=org, programme__kind="prevention")
    with org_context(org.pk), pytest.raises(ApplicationError, match="Ambassador Programme"):
        ambassador_promote(
            organisation=org, participant=participant, cohort=prevention_cohort, actor=actor
        )


def test_a_trainer_cannot_start_the_path(org):
    trainer = MembershipFactory(organisation=org, role=Role.TRAINER).user
    with org_context(org.pk), pytest.raises(ApplicationError, match="Only a coordinator"):
        ambassador_promote(
            organisation=org, participant=graduate(org), cohort=training(org), actor=trainer
        )


def test_the_page_starts_the_path_and_another_organisations_participant_is_404(
    org, other_org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    participant, cohort = graduate(org), training(org)
    foreign = graduate(other_org)
    url = reverse("ambassador_promote", args=[org.slug, participant.pk])

    page = client.get(url)
    assert b"Start the ambassador path" in page.content
    response = client.post(url, {"cohort": cohort.pk, "email": ""})
    assert response.status_code == 302

    foreign_url = reverse("ambassador_promote", args=[org.slug, foreign.pk])
    assert client.get(foreign_url).status_code == 404
    assert client.post(foreign_url, {"cohort": cohort.pk}).status_code == 404
    with org_context(other_org.pk):
        assert not Ambassador.objects.for_org(other_org).exists()


def test_the_participant_page_offers_the_path_to_graduates_only(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    eligible = graduate(org)
    not_yet = graduate(org, stage="active")
    page = client.get(reverse("participant_detail", args=[org.slug, eligible.pk]))
    assert b"Start the ambassador path" in page.content
    page = client.get(reverse("participant_detail", args=[org.slug, not_yet.pk]))
    assert b"Ambassador Programme" not in page.content
