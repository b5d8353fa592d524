"""A programme's open answers, pooled over all its cohorts, are read one question and one page
at a time: the results page names each question with how many answered it."""

import pytest
from django.urls import reverse

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import queries_as_rows_grow
from evaluation.models import Item
from evaluation.views.staff import OpenAnswersView
from programmes.tests.factories import CohortFactory

from .helpers import open_round, person, prevention_cohort, send

pytestmark = pytest.mark.django_db

WORDS = ["banana", "Apple", "cherry", "apricot", "apple", "Date", "elder", "Fig", "grape", "Kiwi"]


def _answered(cohort, texts, *, key="open_change"):
    """Each text the answer of one more person of the cohort, in a baseline round."""
    org = cohort.organisation
    people = [person(org, cohort, name=f"Named {cohort.pk}-{n}") for n in range(len(texts))]
    wave = open_round(org, cohort, "baseline")
    for enrolment, text in zip(people, texts, strict=True):
        send(org, wave, enrolment, {key: text})


def _question(org, key):
    with org_context(org.pk):
        return Item.objects.for_org(org).get(key=key, instrument__kind="prevention")


def test_a_programmes_answers_are_pooled_sorted_and_paged(
    org, other_org, member_client, monkeypatch
):
    monkeypatch.setattr(OpenAnswersView, "page_size", 5)
    first = prevention_cohort(org)
    second = CohortFactory(organisation=org, programme=first.programme)
    small = CohortFactory(organisation=org, programme=first.programme)
    _answered(first, WORDS[:5])
    _answered(second, [*WORDS[5:], ""])  # a question left empty is no answer
    _answered(small, ["Small group"] * 3)  # fewer people than the threshold: left out
    _answered(prevention_cohort(other_org), ["Elsewhere"] * 5)
    client = member_client(org, Role.COORDINATOR)

    results = client.get(reverse("evaluation_programme", args=[org.slug, first.programme_id]))
    url = reverse(
        "evaluation_open_answers",
        args=[org.slug, first.programme_id, _question(org, "open_change").pk],
    )
    page_one = client.get(url)
    page_two = client.get(url, {"page": 2})

    assert "Read all 10 answers" in results.content.decode()
    assert f'href="{url}"' in results.content.decode()
    # Alphabetical whatever the case, and the same order at every visit.
    assert list(page_one.context["paged"].items) == [
        "Apple",
        "apple",
        "apricot",
        "banana",
        "cherry",
    ]
    assert list(page_two.context["paged"].items) == ["Date", "elder", "Fig", "grape", "Kiwi"]
    text = page_one.content.decode() + page_two.content.decode()
    assert "Page 2 of 2 · 10 in all" in text
    assert "Shown from each cohort in which at least 5 people have answered." in text
    assert "What would you like to change in the place where you live?" in text
    assert "Elsewhere" not in text and "Named" not in text and "Small group" not in text


def test_a_person_who_answered_twice_counts_once_for_the_threshold(org, member_client):
    cohort = prevention_cohort(org)
    people = [person(org, cohort, name=f"Named {n}") for n in range(3)]
    for kind in ("baseline", "end"):
        wave = open_round(org, cohort, kind)
        for number, enrolment in enumerate(people):
            send(org, wave, enrolment, {"open_change": f"Idea {kind} {number}"})
    client = member_client(org, Role.COORDINATOR)
    url = reverse(
        "evaluation_open_answers",
        args=[org.slug, cohort.programme_id, _question(org, "open_change").pk],
    )

    # Six answers, from three people: below the threshold of five on every page.
    cohort_page = client.get(reverse("evaluation_cohort", args=[org.slug, cohort.pk]))
    results = client.get(reverse("evaluation_programme", args=[org.slug, cohort.programme_id]))
    answers = client.get(url)

    assert "Shown once at least 5 people have answered." in cohort_page.content.decode()
    for response in (results, answers):
        assert "Shown from each cohort in which at least 5 people have answered." in (
            response.content.decode()
        )
    assert f'href="{url}"' not in results.content.decode()
    for response in (cohort_page, results, answers):
        assert "Idea" not in response.content.decode()


def test_fewer_answers_than_the_threshold_are_withheld_on_both_pages(org, member_client):
    cohort = prevention_cohort(org)
    _answered(cohort, ["Only mine", "And mine"], key="open_other")
    client = member_client(org, Role.COORDINATOR)
    url = reverse(
        "evaluation_open_answers",
        args=[org.slug, cohort.programme_id, _question(org, "open_other").pk],
    )

    results = client.get(reverse("evaluation_programme", args=[org.slug, cohort.programme_id]))
    page = client.get(url)

    for response in (results, page):
        text = response.content.decode()
        assert "Shown from each cohort in which at least 5 people have answered." in text
        assert "Only mine" not in text and "And mine" not in text
    assert "Is there anything else you would like to tell us" in results.content.decode()
    assert f'href="{url}"' not in results.content.decode()


def test_only_open_questions_have_a_page_of_answers(org, member_client):
    cohort = prevention_cohort(org)
    client = member_client(org, Role.COORDINATOR)
    open_round(org, cohort, "baseline")  # the round copies the questionnaire
    with org_context(org.pk):
        scale_item = Item.objects.for_org(org).filter(kind="agreement").first()

    response = client.get(
        reverse("evaluation_open_answers", args=[org.slug, cohort.programme_id, scale_item.pk])
    )

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_coordinators_and_admins_read_a_programmes_answers(org, member_client, role):
    cohort = prevention_cohort(org)
    _answered(cohort, WORDS[:5])
    url = reverse(
        "evaluation_open_answers",
        args=[org.slug, cohort.programme_id, _question(org, "open_change").pk],
    )

    response = member_client(org, role).get(url)

    assert response.status_code == 403
    assert "Apple" not in response.content.decode()


def test_the_answers_page_costs_the_same_queries_for_5_and_50_answers(org, member_client):
    cohort = prevention_cohort(org)
    _answered(cohort, [])  # the round copies the questionnaire
    client = member_client(org, Role.COORDINATOR)
    url = reverse(
        "evaluation_open_answers",
        args=[org.slug, cohort.programme_id, _question(org, "open_change").pk],
    )

    def add(count, _made):
        # A cohort of `count` people each time, so that each adds its answers to the pool.
        _answered(CohortFactory(organisation=org, programme=cohort.programme), ["Idea"] * count)

    (five, shown5), (fifty, shown50) = queries_as_rows_grow(
        lambda: client.get(url), add, lambda page: page.context["paged"].paginator.count
    )
    assert (shown5, shown50) == (5, 50)
    assert five == fifty
