"""Outcome indicators and the report's outcomes: the mean paired change per scale from the
questionnaires, with its n, hidden below the threshold everywhere it leaves the cohort."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from cocora.core.dates import organisation_today
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from evaluation.tests.helpers import open_round, person, prevention_cohort, send
from impact.selectors import indicator_progress
from impact.tests.factories import FunderReportFactory, IndicatorFactory, ObjectiveFactory
from impact.tests.test_report import _pdf_text, _render
from programmes.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

# Self-efficacy (se1, and se4 reverse-scored) before and after, worked out in the evaluation
# app's own test: for A to E the scale's mean change is 1.2 over 5 pairs.
PRE = {"A": (2, 4), "B": (3, 3), "C": (1, 5), "D": (4, 2), "E": (3, 4)}
POST = {"A": (4, 2), "B": (4, 3), "C": (2, 4), "D": (4, 2), "E": (5, 1)}


def answered(org, names, cohort=None):
    """Baseline and end rounds of the cohort (a new one unless given), answered by `names`;
    names beyond A to E answer 3 and 3, then 4 and 2."""
    cohort = cohort or prevention_cohort(org)
    people = {name: person(org, cohort, name=name) for name in names}
    for kind, answers in (("baseline", PRE), ("end", POST)):
        wave = open_round(org, cohort, kind)
        for name in names:
            se1, se4 = answers.get(name, (3, 3) if kind == "baseline" else (4, 2))
            send(org, wave, people[name], {"se1": se1, "se4": se4})
    return cohort


def outcome_indicator(org, cohort, target=1):
    today = organisation_today(org)
    return IndicatorFactory(
        organisation=org,
        objective=ObjectiveFactory(organisation=org, programme=cohort.programme),
        kind="outcome",
        metric="",
        scale="self_efficacy",
        target=target,
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=30),
    )


def test_an_outcome_indicator_reads_the_mean_paired_change_with_its_n(org):
    cohort = answered(org, "ABCDE")
    reached = outcome_indicator(org, cohort, target=1)
    with org_context(org.pk):
        (row,) = indicator_progress(organisation=org, today=organisation_today(org))
    assert row.indicator == reached
    assert row.value.value == pytest.approx(1.2) and row.n.value == 5
    assert row.on_track and row.label == "Self-efficacy"


def test_with_fewer_pairs_than_the_threshold_the_change_is_hidden_in_page_csv_and_api(
    org, member_client, api_client
):
    cohort = answered(org, "ABC")  # 3 pairs: mean change 4/3 ≈ 1.3
    outcome_indicator(org, cohort, target=1)
    today = organisation_today(org)
    report = FunderReportFactory(
        organisation=org,
        programme=cohort.programme,
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=30),
    )
    client = member_client(org, Role.COORDINATOR)

    impact = client.get(reverse("impact_programme", args=[org.slug, cohort.programme_id]))
    page = client.get(reverse("impact_report", args=[org.slug, report.pk])).content.decode()
    csv = client.get(reverse("impact_report_csv", args=[org.slug, report.pk]))
    figures = api_client(org, Role.COORDINATOR).get(
        f"/api/v1/o/{org.slug}/reports/{report.pk}/figures/"
    )

    # Pooled over the programme, a cohort with fewer pairs than the threshold is left out
    # (the evaluation app's rule): nothing to show, and nothing to judge.
    (row,) = [r for entry in impact.context["objectives"] for r in entry.rows]
    assert not row.value.shown and row.status == "unknown"
    assert "Self-efficacy" in page and "1.3" not in page and "1,3" not in page
    outcome_rows = [
        line for line in csv.content.decode("utf-8-sig").splitlines() if "Self-efficacy" in line
    ]
    assert outcome_rows and not any("1.3" in line for line in outcome_rows)
    (outcome,) = figures.json()["outcomes"]
    assert outcome["mean_change"]["value"] is None
    assert outcome["n_paired"]["value"] in (None, 0)


def test_the_impact_page_makes_as_many_queries_for_45_pairs_as_for_5(org, member_client):
    cohort = answered(org, "ABCDE")
    outcome_indicator(org, cohort)
    client = member_client(org, Role.COORDINATOR)
    url = reverse("impact_programme", args=[org.slug, cohort.programme_id])
    few, _ = count_queries(lambda: client.get(url))

    # A second cohort of the programme with 40 more pairs.
    answered(
        org,
        [f"P{i}" for i in range(40)],
        CohortFactory(organisation=org, programme=cohort.programme),
    )
    many, response = count_queries(lambda: client.get(url))

    assert response.status_code == 200
    (row,) = [r for entry in response.context["objectives"] for r in entry.rows]
    assert row.n.value == 45
    assert few == many


def test_the_pdf_shows_the_change_per_scale_with_its_chart_and_n(
    org, member_client, settings, tmp_path
):
    settings.COCORA_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cohort = answered(org, "ABCDE")
    today = organisation_today(org)
    report = FunderReportFactory(
        organisation=org,
        programme=cohort.programme,
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=30),
    )
    client = member_client(org, Role.COORDINATOR)
    rendered = _render(org, report, client.membership.user)
    text = _pdf_text(rendered.pdf_file.path)

    assert "Change from before to after, per scale" in text
    # The table: scale, n, before, after, change (and the chart's own table: the change).
    # (the PDF may hyphenate the scale's name onto the next line)
    assert re.search(r"Self-ef\S*\s+5\s+2[.,]50\s+3[.,]70\s+1[.,]20\s+1[.,]1", text)
