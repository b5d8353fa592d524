"""The paired analysis against figures worked out by hand, reverse scoring, suppression, and a
number of queries that does not grow with the answers."""

import dataclasses
import math
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cocora.organisations.context import org_context
from cocora.testing.queries import count_queries
from evaluation.selectors import scale_changes
from evaluation.selectors.analysis import ScaleChange, paired_change, scored
from programmes.tests.factories import CohortFactory

from .helpers import open_round, person, prevention_cohort, send

pytestmark = pytest.mark.django_db


def test_reverse_scored_answers_are_flipped():
    assert [scored(v, reverse=True) for v in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]
    assert [scored(v, reverse=False) for v in (1, 2, 3, 4, 5)] == [1, 2, 3, 4, 5]


def test_paired_change_needs_two_pairs_and_some_variation_for_an_effect_size():
    one = paired_change({"a": 2.0}, {"a": 3.0})
    assert (one.n_paired, one.mean_change, one.sd_change, one.effect_size) == (1, 1.0, None, None)
    same = paired_change({"a": 2.0, "b": 3.0}, {"a": 3.0, "b": 4.0})
    assert (same.mean_change, same.sd_change, same.effect_size) == (1.0, 0.0, None)


# Five people answer se1 and the reverse-scored se4 at baseline and at the end; F answers only
# at baseline, G only at the end.
PRE = {"A": (2, 4), "B": (3, 3), "C": (1, 5), "D": (4, 2), "E": (3, 4), "F": (3, 3)}
POST = {"A": (4, 2), "B": (4, 3), "C": (2, 4), "D": (4, 2), "E": (5, 1), "G": (4, 4)}


@pytest.fixture
def answered(org):
    cohort = prevention_cohort(org)
    people = {name: person(org, cohort, name=name) for name in "ABCDEFG"}
    baseline = open_round(org, cohort, "baseline")
    for name, (se1, se4) in PRE.items():
        send(org, baseline, people[name], {"se1": se1, "se4": se4})
    end = open_round(org, cohort, "end")
    for name, (se1, se4) in POST.items():
        send(org, end, people[name], {"se1": se1, "se4": se4})
    return cohort


def test_paired_change_per_scale_and_item_matches_the_hand_computed_figures(org, answered):
    """Worked out on paper. se4 is reverse-scored: 6 - answer.

    Scale score = mean of se1 and flipped se4 (both items answered by everyone):
      A 2.0 -> 4.0 (+2.0)   B 3.0 -> 3.5 (+0.5)   C 1.0 -> 2.0 (+1.0)
      D 4.0 -> 4.0 ( 0.0)   E 2.5 -> 5.0 (+2.5)
      n = 5, mean pre 12.5/5 = 2.5, mean post 18.5/5 = 3.7, mean change 6/5 = 1.2
      deviations 0.8 -0.7 -0.2 -1.2 1.3, squares sum 4.30, SD = sqrt(4.30/4) = 1.03682
      d_z = 1.2 / 1.03682 = 1.15738
    se1: pre 2 3 1 4 3 (2.6), post 4 4 2 4 5 (3.8), changes 2 1 1 0 2 (1.2),
      squares of deviations 0.64 0.04 0.04 1.44 0.64 = 2.8, SD sqrt(0.7) = 0.83666, d_z 1.43427
    se4 flipped: pre 2 3 1 4 2 (2.4), post 4 3 2 4 5 (3.6), changes 2 0 1 0 3 (1.2),
      squares 0.64 1.44 0.04 1.44 3.24 = 6.8, SD sqrt(1.7) = 1.30384, d_z 0.92036
    F (baseline only) and G (end only) are counted apart, never in the change.
    """
    with org_context(org.pk):
        (scale,) = scale_changes(organisation=org, cohort=answered)

    assert scale.key == "self_efficacy"
    assert scale.n_paired.value == 5
    assert scale.mean_pre.value == pytest.approx(2.5)
    assert scale.mean_post.value == pytest.approx(3.7)
    assert scale.mean_change.value == pytest.approx(1.2)
    assert scale.sd_change.value == pytest.approx(math.sqrt(4.30 / 4))
    assert scale.effect_size.value == pytest.approx(1.15738, abs=1e-5)
    items = {item.key: item for item in scale.items}
    assert items["se1"].mean_pre.value == pytest.approx(2.6)
    assert items["se1"].effect_size.value == pytest.approx(1.43427, abs=1e-5)
    assert items["se4"].reverse is True
    assert items["se4"].mean_pre.value == pytest.approx(2.4)
    assert items["se4"].mean_post.value == pytest.approx(3.6)
    assert items["se4"].sd_change.value == pytest.approx(math.sqrt(1.7))
    assert items["se4"].effect_size.value == pytest.approx(0.92036, abs=1e-5)
    # Five pairs reach the threshold of 5: shown. One unpaired person each way: suppressed.
    assert not scale.mean_change.suppressed and str(scale.mean_change) == "1.20"
    assert scale.n_unpaired_pre.suppressed and scale.n_unpaired_post.suppressed
    assert str(scale.n_unpaired_pre) == "fewer than 5"


def test_fewer_pairs_than_the_threshold_show_no_figure(org, answered):
    org.small_cell_threshold = 6
    org.save(update_fields=["small_cell_threshold"])
    with org_context(org.pk):
        (scale,) = scale_changes(organisation=org, cohort=answered)
    cells = [scale.n_paired, scale.mean_pre, scale.mean_post, scale.mean_change, scale.effect_size]
    cells += [cell for item in scale.items for cell in (item.mean_change, item.effect_size)]
    assert all(cell.suppressed for cell in cells)
    assert {str(cell) for cell in cells} == {"fewer than 6"}


# Every figure of a scale and its name: all of ScaleChange but the items.
SCALE_FIELDS = [field.name for field in dataclasses.fields(ScaleChange) if field.name != "items"]


def test_the_scales_alone_add_up_in_the_database_to_the_same_figures(org):
    """Targets read a scale's change without its items: the database adds up each person's
    answers. Two cohorts of a programme, pooled, with skipped questions (a person answering
    fewer than half of a scale's items has no score), a reverse-scored item, people answering
    once, and a small cohort that pooling leaves out of some scales: every figure is the same
    as the full analysis gives."""
    chance = random.Random(15)  # noqa: S311 (made-up answers, the same in every run)
    big = prevention_cohort(org)
    small = CohortFactory(organisation=org, programme=big.programme)
    keys = ["se1", "se2", "se3", "se4", "se5", "be1", "be2", "be3", "be4", "it1", "it3", "da2"]
    for cohort, size in ((big, 24), (small, 6)):
        people = [person(org, cohort, name=f"{cohort.pk}-{i}") for i in range(size)]
        for kind in ("baseline", "end"):
            wave = open_round(org, cohort, kind)
            for enrolment in people:
                if chance.random() < 0.15:
                    continue  # answers this round not at all: unpaired
                chosen = [key for key in keys if chance.random() < 0.7] or ["se1"]
                send(org, wave, enrolment, {key: chance.randint(1, 5) for key in chosen})

    # A target's period: the days around the end rounds' opening (whatever the zone).
    day = timezone.now().date()
    around, before = (
        (day - timedelta(days=1), day + timedelta(days=1)),
        (day - timedelta(days=30), day - timedelta(days=2)),
    )
    with org_context(org.pk):
        full = scale_changes(organisation=org, programme=big.programme)
        lean = scale_changes(organisation=org, programme=big.programme, items=False)
        # A target reads its period's scales through reads compiled once per process.
        queries, period = count_queries(
            lambda: scale_changes(
                organisation=org,
                programme=big.programme,
                start=around[0],
                end=around[1],
                items=False,
            )
        )
        earlier = scale_changes(
            organisation=org, programme=big.programme, start=before[0], end=before[1], items=False
        )

    assert [scale.key for scale in full] == [scale.key for scale in lean]
    assert len(full) == 4 and all(scale.items == [] for scale in lean)
    for whole, alone, in_period in zip(full, lean, period, strict=True):
        assert [getattr(alone, field) for field in SCALE_FIELDS] == [
            getattr(whole, field) for field in SCALE_FIELDS
        ], whole.key
        assert [getattr(in_period, field) for field in SCALE_FIELDS] == [
            getattr(whole, field) for field in SCALE_FIELDS
        ], whole.key
    assert queries == 2
    # No end round opened in a period before: nothing to compare there.
    assert earlier == []
    # The figures are there to compare: the big cohort's pairs are shown.
    assert all(scale.n_paired.value and scale.mean_change.shown for scale in lean)


def test_a_scale_first_answered_between_the_two_reads_waits_for_the_next(org):
    """The scales alone are read in two statements: which items were answered, then each
    person's sums. An answer to a new scale committed in between (someone submitting a survey
    while a coordinator opens the home page) is left for the next read, not a server error."""
    cohort = prevention_cohort(org)
    people = [person(org, cohort, name=f"P{i}") for i in range(7)]
    latecomer = person(org, cohort, name="Late")
    rounds = {kind: open_round(org, cohort, kind) for kind in ("baseline", "end")}
    for wave in rounds.values():
        for enrolment in people:
            send(org, wave, enrolment, {"se1": 3})
    answered_between = []

    def submit_after_the_count(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith("SELECT DISTINCT") and not answered_between:
            answered_between.append(send(org, rounds["end"], latecomer, {"be1": 4}))
        return result

    with org_context(org.pk):
        with connection.execute_wrapper(submit_after_the_count):
            during = scale_changes(organisation=org, cohort=cohort, items=False)
        after = scale_changes(organisation=org, cohort=cohort, items=False)

    assert answered_between
    assert [scale.key for scale in during] == ["self_efficacy"]
    assert [scale.key for scale in after] == ["self_efficacy", "belonging"]


@pytest.mark.parametrize("items", [True, False], ids=["with items", "scales alone"])
@pytest.mark.parametrize("people", [5, 50])
def test_the_analysis_costs_the_same_queries_for_5_and_50_people(org, people, items):
    cohort = prevention_cohort(org)
    enrolments = [person(org, cohort, name=f"P{i}") for i in range(people)]
    for kind in ("baseline", "end"):
        wave = open_round(org, cohort, kind)
        for enrolment in enrolments:
            send(org, wave, enrolment, {"se1": 3, "be1": 4, "it3": 2, "da2": 5})

    with org_context(org.pk):
        queries, changes = count_queries(
            lambda: scale_changes(organisation=org, cohort=cohort, items=items)
        )

    # One query for the answers, one for the wording of their items; for the scales alone,
    # one for the items that were answered and one for each person's sums.
    assert queries == 2
    assert changes[0].n_paired.value == people


@pytest.mark.parametrize("page", ["evaluation_cohort", "evaluation_programme"])
def test_the_results_pages_cost_the_same_queries_for_5_and_50_people(org, member_client, page):
    from django.urls import reverse

    from cocora.organisations.models import Role

    client = member_client(org, Role.COORDINATOR)

    def measure(people):
        cohort = prevention_cohort(org)
        enrolments = [person(org, cohort, name=f"P{i}") for i in range(people)]
        for kind in ("baseline", "end"):
            wave = open_round(org, cohort, kind)
            for i, enrolment in enumerate(enrolments):
                send(org, wave, enrolment, {"se1": 1 + i % 5, "open_change": f"Idea {i}"})
        target = cohort.pk if page == "evaluation_cohort" else cohort.programme_id
        queries, response = count_queries(
            lambda: client.get(reverse(page, args=[org.slug, target]))
        )
        assert response.status_code == 200
        return queries

    # The answers, their items' wording, the open answers, the rounds (cohort page): a fixed
    # number however many people answered.
    assert measure(5) == measure(50)
