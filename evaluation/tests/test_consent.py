"""Consent: nobody is invited, shown the questionnaire or counted without active evaluation
consent (a guardian's below the age of digital consent), and withdrawing it removes the
person's answers at once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cocora.organisations.context import org_context
from evaluation.models import Response, SurveyLink
from evaluation.pairing import link_secret
from evaluation.selectors import scale_changes
from programmes.models import Consent
from programmes.services.consent import consent_withdraw

from .helpers import link_of, open_round, person, prevention_cohort, send

pytestmark = pytest.mark.django_db


def _invited(org, wave):
    with org_context(org.pk):
        return set(
            SurveyLink.objects.for_org(org).filter(wave=wave).values_list("enrolment_id", flat=True)
        )


def test_only_people_with_evaluation_consent_get_a_link(org):
    cohort = prevention_cohort(org)
    consenting = person(org, cohort, name="Yes")
    without = person(org, cohort, name="No", consent_by=())

    wave = open_round(org, cohort, "baseline")

    assert _invited(org, wave) == {consenting.pk}
    assert without.pk not in _invited(org, wave)


def test_below_the_digital_consent_age_only_a_guardians_consent_counts(org):
    cohort = prevention_cohort(org)
    young = timezone.localdate().year - 13
    own_only = person(org, cohort, name="Own", birth_year=young, consent_by=("self",))
    guardian = person(org, cohort, name="Guardian", birth_year=young, consent_by=("guardian",))

    wave = open_round(org, cohort, "baseline")

    assert _invited(org, wave) == {guardian.pk}
    assert own_only.pk not in _invited(org, wave)


def test_a_link_stops_working_when_the_consent_is_withdrawn_before_answering(client, org):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    wave = open_round(org, cohort, "baseline")
    link = link_of(org, wave, enrolment)
    with org_context(org.pk):
        consent = Consent.objects.for_org(org).get(participant=enrolment.participant)
        consent_withdraw(organisation=org, consent=consent)

    url = reverse("survey_answer", args=[org.slug, link_secret(link.nonce)])
    page = client.get(url)
    sent = client.post(url, {"lang": "en"})

    assert "Send my answers" not in page.content.decode()
    assert "This questionnaire is closed" in page.content.decode()
    assert "This questionnaire is closed" in sent.content.decode()
    with org_context(org.pk):
        assert not Response.objects.for_org(org).exists()


def test_withdrawing_evaluation_consent_deletes_the_answers_from_every_analysis(org):
    cohort = prevention_cohort(org)
    people = [person(org, cohort, name=f"P{i}") for i in range(6)]
    for kind in ("baseline", "end"):
        wave = open_round(org, cohort, kind)
        for enrolment in people:
            send(org, wave, enrolment, {"se1": 2 if kind == "baseline" else 4})
    leaving = people[0].participant

    with org_context(org.pk):
        consent = Consent.objects.for_org(org).get(participant=leaving)
        consent_withdraw(organisation=org, consent=consent)
        (scale,) = scale_changes(organisation=org, cohort=cohort)
        remaining = Response.objects.for_org(org).count()

    assert scale.n_paired.value == 5
    assert remaining == 10  # five people, two rounds: the sixth person's two are gone


def test_other_consents_being_withdrawn_leave_the_answers(org):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    wave = open_round(org, cohort, "baseline")
    send(org, wave, enrolment, {"se1": 3})
    with org_context(org.pk):
        photos = Consent.objects.create(
            organisation=org,
            participant=enrolment.participant,
            scope="photos",
            given_by="self",
            given_on=timezone.localdate(),
        )
        consent_withdraw(organisation=org, consent=photos)
        assert Response.objects.for_org(org).count() == 1


def test_erasing_a_participant_deletes_their_answers(org):
    from cocora.privacy.services import subject_erase

    cohort = prevention_cohort(org)
    leaving, staying = person(org, cohort, name="Leaving"), person(org, cohort, name="Staying")
    wave = open_round(org, cohort, "baseline")
    send(org, wave, leaving, {"se1": 1})
    send(org, wave, staying, {"se1": 5})

    with org_context(org.pk):
        record = subject_erase(organisation=org, subject=leaving.participant, actor=None)
        values = list(Response.objects.for_org(org).values_list("answers__value", flat=True))

    assert values == [5]
    assert record.counts.get("evaluation_responses_deleted") == 1


def test_the_trainers_phone_has_no_page_for_someone_without_consent(org, member_client):
    from cocora.organisations.models import Role
    from programmes.tests.factories import CohortTrainerFactory

    cohort = prevention_cohort(org)
    person(org, cohort, name="Agreed")
    declined = person(org, cohort, name="Declined", consent_by=())
    wave = open_round(org, cohort, "baseline")
    trainer = member_client(org, Role.TRAINER)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer.membership.user)

    queue = trainer.get(reverse("evaluation_device", args=[org.slug, wave.pk])).content.decode()
    page = trainer.get(reverse("evaluation_device_answer", args=[org.slug, wave.pk, declined.pk]))
    sent = trainer.post(
        reverse("evaluation_device_answer", args=[org.slug, wave.pk, declined.pk]), {"lang": "en"}
    )

    assert "Agreed" in queue and "Declined" not in queue
    assert page.status_code == sent.status_code == 404
    with org_context(org.pk):
        assert not Response.objects.for_org(org).exists()
