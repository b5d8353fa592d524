"""The young person's link page (one use, kind refusals, another organisation's address), the
trainer's device mode, and who sees what."""

import pytest
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import OrganisationFactory
from evaluation.models import Answer, Item, Response, Wave
from evaluation.pairing import link_secret
from programmes.tests.factories import CohortTrainerFactory

from .helpers import link_of, open_round, person, prevention_cohort, send

pytestmark = pytest.mark.django_db


def _item_ids(org, wave):
    with org_context(org.pk):
        return {i.key: i.pk for i in Item.objects.for_org(org).filter(instrument=wave.instrument)}


def test_a_link_answers_once_and_then_thanks_kindly(client, org):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    wave = open_round(org, cohort, "baseline")
    url = reverse(
        "survey_answer", args=[org.slug, link_secret(link_of(org, wave, enrolment).nonce)]
    )
    items = _item_ids(org, wave)

    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "voluntary" in text and "anonymous" in text
    assert enrolment.participant.display_name not in text
    # The layout links to the organisation's notice on personal data, not back to this page.
    assert f'<a href="/o/{org.slug}/transparency/?lang=' in text
    # Any question can be skipped: only two of them answered here.
    sent = client.post(
        url, {"lang": "en", f"item_{items['se1']}": "4", f"item_{items['open_other']}": "Fun"}
    )
    assert sent.status_code == 302
    again = client.post(url, {"lang": "en", f"item_{items['se1']}": "1"})

    assert again.status_code == 200
    assert "Each link works only once" in again.content.decode()
    with org_context(org.pk):
        assert Response.objects.for_org(org).count() == 1
        assert sorted(Answer.objects.for_org(org).values_list("value", flat=True), key=str) == [
            4,
            None,
        ]


def test_an_answer_outside_the_scale_is_refused_and_nothing_is_stored(client, org):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    wave = open_round(org, cohort, "baseline")
    url = reverse(
        "survey_answer", args=[org.slug, link_secret(link_of(org, wave, enrolment).nonce)]
    )

    page = client.post(url, {"lang": "en", f"item_{_item_ids(org, wave)['se1']}": "9"})

    assert page.status_code == 400
    with org_context(org.pk):
        assert not Response.objects.for_org(org).exists()


def test_a_code_works_only_on_its_own_organisations_address(client, org):
    other = OrganisationFactory()
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    wave = open_round(org, cohort, "baseline")
    code = link_secret(link_of(org, wave, enrolment).nonce)

    assert client.get(reverse("survey_answer", args=[other.slug, code])).status_code == 404
    assert (
        client.get(reverse("survey_answer", args=[org.slug, "AAAA-BBBB-CCCC"])).status_code == 404
    )


def test_the_page_speaks_the_participants_language(client, org):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    enrolment.participant.preferred_language = "de"
    with org_context(org.pk):
        enrolment.participant.save(update_fields=["preferred_language"])
    wave = open_round(org, cohort, "baseline")
    url = reverse(
        "survey_answer", args=[org.slug, link_secret(link_of(org, wave, enrolment).nonce)]
    )

    text = client.get(url).content.decode()

    assert "Wenn ich mir ein Ziel setze" in text
    assert "Stimme voll zu" in text


def test_a_closed_round_refuses_kindly(client, org, member_client):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    wave = open_round(org, cohort, "baseline")
    coordinator = member_client(org, Role.COORDINATOR)
    coordinator.post(
        reverse("evaluation_cohort", args=[org.slug, cohort.pk]),
        {"action": "close", "wave": wave.pk},
    )
    url = reverse(
        "survey_answer", args=[org.slug, link_secret(link_of(org, wave, enrolment).nonce)]
    )

    assert "This questionnaire is closed" in client.get(url).content.decode()


def test_device_mode_ends_on_a_neutral_page_without_the_answers(org, member_client):
    cohort = prevention_cohort(org)
    first = person(org, cohort, name="First")
    second = person(org, cohort, name="Second")
    wave = open_round(org, cohort, "baseline")
    trainer = member_client(org, Role.TRAINER)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer.membership.user)
    items = _item_ids(org, wave)

    queue = trainer.get(reverse("evaluation_device", args=[org.slug, wave.pk])).content.decode()
    assert "First" in queue and "Second" in queue
    sent = trainer.post(
        reverse("evaluation_device_answer", args=[org.slug, wave.pk, first.pk]),
        {"lang": "en", f"item_{items['open_change']}": "A youth club open at night"},
        follow=True,
    )
    done = sent.content.decode()
    assert "hand the phone back" in done
    assert "youth club" not in done
    queue = trainer.get(reverse("evaluation_device", args=[org.slug, wave.pk])).content.decode()
    assert "First" not in queue and "Second" in queue
    next_form = trainer.get(
        reverse("evaluation_device_answer", args=[org.slug, wave.pk, second.pk])
    ).content.decode()
    assert "youth club" not in next_form


def test_trainers_see_only_their_cohorts_and_cannot_open_rounds(org, member_client):
    mine = prevention_cohort(org)
    theirs = prevention_cohort(org)
    trainer = member_client(org, Role.TRAINER)
    CohortTrainerFactory(organisation=org, cohort=mine, user=trainer.membership.user)

    assert trainer.get(reverse("evaluation_cohort", args=[org.slug, mine.pk])).status_code == 200
    assert trainer.get(reverse("evaluation_cohort", args=[org.slug, theirs.pk])).status_code == 404
    opened = trainer.post(
        reverse("evaluation_cohort", args=[org.slug, mine.pk]),
        {"action": "open", "kind": "baseline"},
    )
    assert opened.status_code in (403, 405)
    with org_context(org.pk):
        assert not Wave.objects.for_org(org).exists()
    programme = reverse("evaluation_programme", args=[org.slug, mine.programme_id])
    assert trainer.get(programme).status_code == 403


@pytest.mark.parametrize("role", [Role.AMBASSADOR, Role.PARTNER])
def test_ambassadors_and_partners_see_no_evaluation(org, member_client, role):
    cohort = prevention_cohort(org)
    client = member_client(org, role)
    assert client.get(reverse("evaluation_home", args=[org.slug])).status_code == 403
    assert client.get(reverse("evaluation_cohort", args=[org.slug, cohort.pk])).status_code == 403


def test_a_coordinator_opens_rounds_and_sees_the_chart_and_pooled_open_answers(org, member_client):
    cohort = prevention_cohort(org)
    people = [person(org, cohort, name=f"Person {i}") for i in range(5)]
    coordinator = member_client(org, Role.COORDINATOR)
    url = reverse("evaluation_cohort", args=[org.slug, cohort.pk])

    assert coordinator.post(url, {"action": "open", "kind": "end"}).status_code == 400
    assert coordinator.post(url, {"action": "open", "kind": "baseline"}).status_code == 302
    with org_context(org.pk):
        baseline = Wave.objects.for_org(org).get(cohort=cohort)
    for i, enrolment in enumerate(people):
        send(org, baseline, enrolment, {"se1": 2, "open_change": f"Idea {i}"})
    coordinator.post(url, {"action": "open", "kind": "end"})
    with org_context(org.pk):
        end = Wave.objects.for_org(org).get(cohort=cohort, kind="end")
    for enrolment in people:
        send(org, end, enrolment, {"se1": 4})

    text = coordinator.get(url).content.decode()

    assert "<svg" in text and "Self-efficacy" in text
    assert "Idea 0" in text and "Idea 4" in text
    assert "Person 0" not in text  # no name beside results
    with org_context(org.pk):
        assert AuditEvent.objects.for_org(org).filter(action="evaluation.wave_opened").count() == 2


def test_open_answers_from_fewer_people_than_the_threshold_are_withheld(org, member_client):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    wave = open_round(org, cohort, "baseline")
    send(org, wave, enrolment, {"open_change": "Only mine"})
    coordinator = member_client(org, Role.COORDINATOR)

    text = coordinator.get(
        reverse("evaluation_cohort", args=[org.slug, cohort.pk])
    ).content.decode()

    assert "Only mine" not in text


def test_the_printable_list_gives_each_consenting_person_their_link(org, member_client):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort, name="Noor")
    person(org, cohort, name="Without", consent_by=())
    wave = open_round(org, cohort, "baseline")
    coordinator = member_client(org, Role.COORDINATOR)

    text = coordinator.get(
        reverse("evaluation_wave_links", args=[org.slug, wave.pk])
    ).content.decode()

    assert "Noor" in text and "Without" not in text
    assert (
        reverse("survey_answer", args=[org.slug, link_secret(link_of(org, wave, enrolment).nonce)])
        in text
    )


def test_responses_carry_no_link_to_a_person():
    """Answers are keyed by a pairing key only: no foreign key to an enrolment, participant or
    link that a member of staff could follow."""
    related = {
        f.related_model._meta.label
        for f in Response._meta.get_fields()
        if f.is_relation and f.many_to_one
    }
    assert related == {"organisations.Organisation", "evaluation.Wave"}


def test_people_who_consent_after_the_round_opened_are_invited_on_request(org, member_client):
    cohort = prevention_cohort(org)
    wave = open_round(org, cohort, "baseline")
    late = person(org, cohort, name="Late")
    coordinator = member_client(org, Role.COORDINATOR)

    coordinator.post(
        reverse("evaluation_cohort", args=[org.slug, cohort.pk]),
        {"action": "invite", "wave": wave.pk},
    )

    assert link_of(org, wave, late).used is False


def test_the_demo_shows_paired_results_and_an_open_round(settings):
    """seed_demo: a finished cohort with closed rounds (pairs, people answering once, two who
    declined), and the running cohort's baseline open with people still to answer."""
    import io

    from django.core.management import call_command

    from cocora.organisations.models import Organisation
    from evaluation.selectors import scale_changes
    from programmes.models import Programme

    call_command("seed_demo", "--force", stdout=io.StringIO())
    org = Organisation.objects.get(slug="nordby")
    with org_context(org.pk):
        programme = Programme.objects.for_org(org).get(kind="prevention")
        changes = scale_changes(organisation=org, programme=programme)
        waves = list(Wave.objects.for_org(org).order_by("opened_at"))

    assert {c.key for c in changes} == {
        "self_efficacy",
        "belonging",
        "institutional_trust",
        "discrimination_attitudes",
    }
    assert all(c.n_paired.shown and c.mean_change.shown for c in changes)
    assert all(c.mean_change.value > 0 for c in changes)
    assert [w.is_open for w in waves] == [False, False, True]


def test_the_session_page_offers_the_phone_round_while_a_round_is_open(org, member_client):
    from programmes.tests.factories import SessionFactory

    cohort = prevention_cohort(org)
    session = SessionFactory(organisation=org, cohort=cohort)
    trainer = member_client(org, Role.TRAINER)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer.membership.user)
    url = reverse("session_detail", args=[org.slug, session.pk])

    assert "Answer on this phone" not in trainer.get(url).content.decode()
    wave = open_round(org, cohort, "baseline")
    page = trainer.get(url).content.decode()

    assert reverse("evaluation_device", args=[org.slug, wave.pk]) in page
