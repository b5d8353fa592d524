"""The Markdown table of small against large cases that docs/performance.md shows."""

from typing import Any


def small_large_table(heading: str, cases: dict[str, Any]) -> list[str]:
    """A heading line, then one row per case: median time, queries and peak memory for the small
    and the large size, and the ratio of their times."""
    lines = [
        heading,
        "",
        "| case | small: median ms · queries · peak KiB | large: median ms · queries · peak KiB "
        "| large / small time |",
        "|---|---|---|---|",
    ]
    for name, case in cases.items():
        s, lg = case["small"], case["large"]
        lines.append(
            f"| {name} | {s['median_ms']} · {s['queries']} · {s['peak_kib']} | "
            f"{lg['median_ms']} · {lg['queries']} · {lg['peak_kib']} | {case['time_ratio']} |"
        )
    return lines
