"""The funder report and the impact page (`make bench`, part "impact"): the demo Prevention
programme with its 12 people against a programme holding the measuring cohort (300 people by
default), each with an indicator per output metric and a report over the same period. The
query counts must be the same for both sizes (one query per metric, whatever the data)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client

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
    return services.funder_report_create(
        organisation=org,
        programme=programme,
        title="Benchmark report",
        period_start=date(2000, 1, 1),
        period_end=date(2100, 12, 31),
        actor=actor,
    )


def run(
    org: Organisation, client: Client, measure: Callable[..., Any], actor: Any
) -> dict[str, Any]:
    from programmes.models import Cohort, Programme

    with org_context(org.pk):
        large_cohort = Cohort.objects.for_org(org).get(name__startswith="Measuring")
        small_programme = large_cohort.programme
        # The measuring cohort gets a programme of its own: the demo programme keeps its 12.
        large_programme = Programme.objects.create(
            organisation=org, kind="prevention", title="Measuring programme"
        )
        Cohort.objects.for_org(org).filter(pk=large_cohort.pk).update(programme=large_programme)
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
    results: dict[str, Any] = {}
    for name, (small, large) in cases.items():
        results[name] = {"small": measure(page(small)), "large": measure(page(large))}
        results[name]["time_ratio"] = round(
            results[name]["large"]["median_ms"] / results[name]["small"]["median_ms"], 2
        )
        assert results[name]["small"]["queries"] == results[name]["large"]["queries"], name
    return results


def table(results: dict[str, Any], scale: int) -> list[str]:
    lines = [
        f"Small: the demo Prevention programme (12 people). Large: a programme with the measuring "
        f"cohort ({scale} people, 20 held sessions).",
        "",
        "| case | small: median ms · queries · peak KiB | large: median ms · queries · peak KiB "
        "| large / small time |",
        "|---|---|---|---|",
    ]
    for name, case in results.items():
        s, lg = case["small"], case["large"]
        lines.append(
            f"| {name} | {s['median_ms']} · {s['queries']} · {s['peak_kib']} | "
            f"{lg['median_ms']} · {lg['queries']} · {lg['peak_kib']} | {case['time_ratio']} |"
        )
    return lines
