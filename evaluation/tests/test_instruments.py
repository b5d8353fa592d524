"""The built-in questionnaires (the same structure in every language), an organisation's own
copy, audited rewording, and answered questions that cannot be removed."""

import pytest
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from evaluation.instruments import builtin, languages
from evaluation.models import InstrumentKind, Item
from evaluation.selectors import scale_choices

from .factories import instrument_for
from .helpers import open_round, person, prevention_cohort, send


def _structure(kind: str, language: str):
    data = builtin(kind, language)
    return (
        len(data["options"]),
        [(s["key"], [(i["key"], i["reverse"]) for i in s["items"]]) for s in data["scales"]],
        [o["key"] for o in data["open"]],
    )


@pytest.mark.parametrize("kind", InstrumentKind.values)
def test_every_language_has_the_same_questions_scales_and_reverse_items(kind):
    english = _structure(kind, "en")
    for language in languages():
        assert _structure(kind, language) == english, language
        data = builtin(kind, language)
        texts = [i["text"] for s in data["scales"] for i in s["items"]] + [
            o["text"] for o in data["open"]
        ]
        assert all(text.strip() for text in texts)
        # Each language is its own wording, not a copy of the English.
        if language != "en":
            assert set(texts).isdisjoint(
                i["text"] for s in builtin(kind, "en")["scales"] for i in s["items"]
            )


def test_the_prevention_questionnaire_has_the_agreed_scales_with_reverse_items():
    data = builtin("prevention", "en")
    scales = {s["key"]: s["items"] for s in data["scales"]}
    assert list(scales) == [
        "self_efficacy",
        "belonging",
        "institutional_trust",
        "discrimination_attitudes",
    ]
    assert all(4 <= len(items) <= 6 for items in scales.values())
    assert all(any(i["reverse"] for i in items) for items in scales.values())
    assert len(data["open"]) == 2
    assert ("ambassador_confidence", "Confidence as an ambassador") in scale_choices()


@pytest.mark.django_db
def test_an_organisation_gets_its_own_copy_and_rewording_it_is_audited(org, member_client):
    instrument = instrument_for(org)
    with org_context(org.pk):
        item = Item.objects.for_org(org).get(instrument=instrument, key="be1")
    coordinator = member_client(org, Role.COORDINATOR)
    form = {f"text_{lang}": item.texts[lang] for lang in languages()}
    form["text_en"] = "I feel at home in my neighbourhood."

    saved = coordinator.post(reverse("evaluation_item_edit", args=[org.slug, item.pk]), form)

    assert saved.status_code == 302
    with org_context(org.pk):
        item.refresh_from_db()
        event = AuditEvent.objects.for_org(org).get(action="evaluation.item_reworded")
    assert item.texts["en"] == "I feel at home in my neighbourhood."
    assert event.details["changes"]["en"]["from"].startswith("I feel that I am part")
    assert builtin("prevention", "en")["scales"][1]["items"][0]["text"].startswith("I feel that")


@pytest.mark.django_db
def test_an_answered_question_can_be_reworded_but_not_removed(org, member_client):
    cohort = prevention_cohort(org)
    enrolment = person(org, cohort)
    wave = open_round(org, cohort, "baseline")
    send(org, wave, enrolment, {"se1": 3})
    with org_context(org.pk):
        answered = Item.objects.for_org(org).get(instrument=wave.instrument, key="se1")
        unanswered = Item.objects.for_org(org).get(instrument=wave.instrument, key="se2")
    coordinator = member_client(org, Role.COORDINATOR)

    page = coordinator.get(reverse("evaluation_item_edit", args=[org.slug, answered.pk]))
    refused = coordinator.post(
        reverse("evaluation_item_edit", args=[org.slug, answered.pk]), {"action": "delete"}
    )
    removed = coordinator.post(
        reverse("evaluation_item_edit", args=[org.slug, unanswered.pk]), {"action": "delete"}
    )

    assert "cannot be removed" in page.content.decode()
    assert refused.status_code == 400
    assert removed.status_code == 302
    with org_context(org.pk):
        assert Item.objects.for_org(org).filter(pk=answered.pk).exists()
        assert not Item.objects.for_org(org).filter(pk=unanswered.pk).exists()


@pytest.mark.django_db
def test_trainers_read_the_questionnaire_but_cannot_edit_it(org, member_client):
    instrument = instrument_for(org)
    with org_context(org.pk):
        item = Item.objects.for_org(org).filter(instrument=instrument).first()
    trainer = member_client(org, Role.TRAINER)

    assert (
        trainer.get(reverse("evaluation_instrument", args=[org.slug, instrument.pk])).status_code
        == 200
    )
    assert trainer.get(reverse("evaluation_item_edit", args=[org.slug, item.pk])).status_code == 403


@pytest.mark.django_db
def test_each_programme_gets_its_questionnaire_and_the_collaborative_none(org):
    from cocora.core.errors import ApplicationError
    from evaluation.services.waves import wave_open
    from programmes.tests.factories import CohortFactory

    ambassadors = CohortFactory(organisation=org, programme__kind="ambassador")
    partners = CohortFactory(organisation=org, programme__kind="collaborative")

    wave = open_round(org, ambassadors, "baseline")
    with org_context(org.pk), pytest.raises(ApplicationError, match="Collaborative"):
        wave_open(organisation=org, cohort=partners, kind="baseline")

    assert wave.instrument.kind == "ambassador"
    with org_context(org.pk):
        scales = set(wave.instrument.items.values_list("scale", flat=True))
    assert scales == {"ambassador_confidence", "peer_outreach", ""}
