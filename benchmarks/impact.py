"""The funder report and the impact page (`make bench`, part "impact"): the demo Prevention
programme with its 12 people against a programme holding the measuring cohort (300 people by
default, who answer the questionnaire at baseline, at the end and at the follow-up: 900
responses), each with an indicator per output metric, one outcome indicator and a report over
the same period. The query counts must be the same for both sizes (one query per metric and
one for the answers, whatever the data)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client

from benchmarks.tables import small_large_table
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation


def _programme_with_targets(org: Organisation, programme: Any, actor: Any) -> Any:
    from impact import services
    from impact.metrics import METRICS

    objective = services.objective_create(
        organisation=org, programme=programme, title="Benchmark objective", actor=actor
    )
    for key, metric in METRICS.items():
        services.indicator_create(
            organisation=org,
            objective=objective,
            kind="output",
            metric=key,
            target=Decimal(90 if metric.unit == "percent" else 100),
            period_start=date(2000, 1, 1),
            period_end=date(2100, 12, 31),
            actor=actor,
        )
    services.indicator_create(
        organisation=org,
        objective=objective,
        kind="outcome",
        scale="self_efficacy",
        target=Decimal("0.5"),
        period_start=date(2000, 1, 1),
        period_end=date(2100, 12, 31),
        actor=actor,
    )
    return services.funder_report_create(
        organisation=org,
        programme=programme,
        title="Benchmark report",
        period_start=date(2000, 1, 1),
        period_end=date(2100, 12, 31),
        actor=actor,
    )


def _answers(org: Organisation, cohort: Any, actor: Any) -> int:
    """Evaluation consent for everyone in the cohort, then the three rounds answered by all
    through the evaluation app's services. Returns the number of responses."""
    from evaluation.models import Item, ItemKind, SurveyLink
    from evaluation.services.responses import response_submit
    from evaluation.services.waves import wave_close, wave_open
    from programmes.models import Consent, Enrolment

    participants = list(
        Enrolment.objects.for_org(org)
        .filter(cohort=cohort)
        .values_list("participant_id", flat=True)
    )
    Consent.objects.bulk_create(
        Consent(
            organisation=org,
            participant_id=participant_id,
            scope="evaluation",
            given_by="self",
            given_on=cohort.starts_on,
            recorded_by=actor,
        )
        for participant_id in participants
    )
    count = 0
    for number, kind in enumerate(("baseline", "end", "follow_up")):
        wave = wave_open(organisation=org, cohort=cohort, kind=kind, actor=actor)
        items = [
            item
            for item in Item.objects.for_org(org).filter(instrument_id=wave.instrument_id)
            if item.kind != ItemKind.OPEN
        ]
        for person, link in enumerate(SurveyLink.objects.for_org(org).filter(wave=wave)):
            value = 1 + (person + number) % 5
            response_submit(
                organisation=org,
                link=link,
                answers={item.pk: value for item in items},
            )
            count += 1
        wave_close(organisation=org, wave=wave, actor=actor)
    return count


def run(
    org: Organisation, client: Client, measure: Callable[..., Any], actor: Any
) -> dict[str, Any]:
    from impact.models import Objective
    from programmes.models import Cohort, Programme

    with org_context(org.pk):
        large_cohort = Cohort.objects.for_org(org).get(name__startswith="Measuring")
        small_programme = large_cohort.programme
        # The measuring cohort gets a programme of its own: the demo programme keeps its 12.
        large_programme = Programme.objects.create(
            organisation=org, kind="prevention", title="Measuring programme"
        )
        Cohort.objects.for_org(org).filter(pk=large_cohort.pk).update(programme=large_programme)
        large_cohort.refresh_from_db()
        responses = _answers(org, large_cohort, actor)
        # The same indicators on both sides: the demo's own objectives go.
        Objective.objects.for_org(org).filter(programme=small_programme).delete()
        small_report = _programme_with_targets(org, small_programme, actor)
        large_report = _programme_with_targets(org, large_programme, actor)

    def page(path: str) -> Callable[[], Any]:
        def get() -> Any:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return get

    cases = {
        "impact page": (
            f"/o/{org.slug}/programmes/{small_programme.pk}/impact/",
            f"/o/{org.slug}/programmes/{large_programme.pk}/impact/",
        ),
        "funder report page": (
            f"/o/{org.slug}/reports/{small_report.pk}/",
            f"/o/{org.slug}/reports/{large_report.pk}/",
        ),
        "funder report (xlsx)": (
            f"/o/{org.slug}/reports/{small_report.pk}/report.xlsx",
            f"/o/{org.slug}/reports/{large_report.pk}/report.xlsx",
        ),
    }
    results: dict[str, Any] = {"responses": responses, "cases": {}}
    for name, (small, large) in cases.items():
        case = {"small": measure(page(small)), "large": measure(page(large))}
        case["time_ratio"] = round(case["large"]["median_ms"] / case["small"]["median_ms"], 2)
        assert case["small"]["queries"] == case["large"]["queries"], name
        results["cases"][name] = case
    return results


def table(results: dict[str, Any], scale: int) -> list[str]:
    return small_large_table(
        f"Small: the demo Prevention programme (12 people and the demo's answers). Large: a "
        f"programme with the measuring cohort ({scale} people, 20 held sessions, "
        f"{results['responses']} questionnaire responses).",
        results["cases"],
    )
