"""The evaluation API: questionnaires to read, rounds to open and close, results as aggregates
that never carry a figure under the threshold."""

import json

import pytest
from django.urls import reverse

from cocora.organisations.models import Role
from programmes.tests.factories import CohortTrainerFactory

from .factories import instrument_for
from .helpers import open_round, person, prevention_cohort, send

pytestmark = pytest.mark.django_db


def test_questionnaires_can_be_read(org, api_client):
    instrument_for(org)
    client = api_client(org, Role.TRAINER)

    answer = client.get(reverse("api-questionnaire-list", args=[org.slug])).json()

    (questionnaire,) = answer["results"]
    assert questionnaire["kind"] == "prevention"
    se4 = next(i for i in questionnaire["items"] if i["key"] == "se4")
    assert se4["reverse"] is True and set(se4["texts"]) == {"en", "da", "de", "fr", "it"}


def test_a_coordinator_opens_and_closes_a_round(org, api_client):
    cohort = prevention_cohort(org)
    person(org, cohort)
    client = api_client(org, Role.COORDINATOR)
    rounds = reverse("api-evaluation-round-list", args=[org.slug])

    early = client.post(rounds, {"cohort": cohort.pk, "kind": "end"}, format="json")
    opened = client.post(rounds, {"cohort": cohort.pk, "kind": "baseline"}, format="json")
    closed = client.post(
        reverse("api-evaluation-round-close", args=[org.slug, opened.json()["id"]]), format="json"
    )

    assert early.status_code == 400 and "baseline" in early.json()["message"]
    assert opened.status_code == 201 and opened.json()["invited"] == 1
    assert closed.status_code == 200 and closed.json()["is_open"] is False


def test_trainers_cannot_open_rounds(org, api_client):
    cohort = prevention_cohort(org)
    client = api_client(org, Role.TRAINER)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=client.membership.user)

    answer = client.post(
        reverse("api-evaluation-round-list", args=[org.slug]),
        {"cohort": cohort.pk, "kind": "baseline"},
        format="json",
    )

    assert answer.status_code == 403


def test_results_are_aggregates_with_small_cells_suppressed(org, api_client):
    cohort = prevention_cohort(org)
    people = [person(org, cohort, name=f"Person {i}") for i in range(6)]
    baseline = open_round(org, cohort, "baseline")
    for enrolment in people:
        send(org, baseline, enrolment, {"se1": 2, "be1": 3, "open_change": "Private words"})
    end = open_round(org, cohort, "end")
    for enrolment in people[:5]:
        send(org, end, enrolment, {"se1": 4})
    client = api_client(org, Role.COORDINATOR)

    answer = client.get(
        reverse("api-evaluation-results", args=[org.slug]), {"cohort": cohort.pk}
    ).json()

    scales = {s["key"]: s for s in answer["scales"]}
    assert scales["self_efficacy"]["n_paired"] == "5"
    assert scales["self_efficacy"]["mean_change"] == "2.00"
    assert scales["self_efficacy"]["n_unpaired_pre"] == "<5"  # one person: never "1"
    assert scales["belonging"]["n_unpaired_pre"] == "6"
    assert scales["belonging"]["n_paired"] == "0"
    assert scales["belonging"]["mean_change"] == ""
    text = json.dumps(answer)
    assert "Person" not in text and "Private words" not in text


def test_results_beyond_a_cohort_are_for_coordinators_and_admins(org, api_client):
    cohort = prevention_cohort(org)
    trainer = api_client(org, Role.TRAINER)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer.membership.user)
    url = reverse("api-evaluation-results", args=[org.slug])

    assert trainer.get(url, {"cohort": cohort.pk}).status_code == 200
    assert trainer.get(url).status_code == 403
    assert trainer.get(url, {"cohort": prevention_cohort(org).pk}).status_code == 404
    assert trainer.get(url, {"colour": "red"}).status_code == 400
