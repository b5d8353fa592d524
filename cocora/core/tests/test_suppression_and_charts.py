"""Small-cell suppression and the server-drawn charts: a group too small to be anonymous is
never shown, neither directly nor as the difference of two shown figures, and a chart of it
draws a gap with a label rather than a bar of its size."""

import re

from django.template.loader import render_to_string
from django.test import override_settings

from cocora.core.charts import Series, bar_chart, line_chart
from cocora.core.suppression import (
    Cell,
    count_cell,
    count_cells,
    measure_cell,
    sequence_cells,
    threshold_for,
)


def test_counts_from_one_to_below_the_threshold_are_hidden_and_zero_is_shown():
    assert [count_cell(n, threshold=5).suppressed for n in (0, 1, 4, 5, 40)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    hidden = count_cell(3, threshold=5)
    assert hidden.label == "fewer than 5"
    assert hidden.export == "<5"
    assert "3" not in hidden.label + hidden.export
    assert count_cell(12, threshold=5).export == "12"


def test_a_mean_over_fewer_people_than_the_threshold_is_hidden():
    assert measure_cell(0.75, n=4, threshold=5).export == "<5"
    assert measure_cell(0.75, n=5, threshold=5).export == "0.8"
    assert measure_cell(None, n=0, threshold=5).export == ""


def test_one_hidden_part_of_a_breakdown_takes_the_next_smallest_with_it():
    # Shown beside the total of 20, hiding only "b" would give it away as 20 - 10 - 7.
    cells = count_cells({"a": 10, "b": 3, "c": 7, "d": 0}, threshold=5)

    assert [key for key, cell in cells.items() if cell.suppressed] == ["b", "c"]
    assert cells["a"].export == "10" and cells["d"].export == "0"


def test_two_hidden_parts_need_no_third():
    cells = count_cells({"a": 10, "b": 3, "c": 2, "d": 7}, threshold=5)

    assert [key for key, cell in cells.items() if cell.suppressed] == ["b", "c"]


def test_a_funnel_hides_a_step_that_differs_from_the_last_shown_by_a_small_group():
    # 12 applied and 10 enrolled would say that two people dropped out.
    cells = sequence_cells([12, 10, 9, 4, 0], threshold=5)

    assert [cell.export for cell in cells] == ["12", "<5", "<5", "<5", "0"]


def test_the_threshold_is_the_organisations(org):
    org.small_cell_threshold = 10
    assert threshold_for(org) == 10
    assert count_cell(7, threshold=threshold_for(org)).label == "fewer than 10"


def test_a_bar_chart_draws_no_bar_for_a_hidden_cell_and_labels_it():
    chart = bar_chart(
        title="People per stage <b>",
        categories=["Enrolled", "Completed"],
        series=[Series("People", [count_cell(12, threshold=5), count_cell(3, threshold=5)])],
    )

    svg = str(chart.svg)
    assert svg.count("<rect") == 1
    assert "fewer than 5" in svg and ">3<" not in svg
    # No script and no inline style: the Content-Security-Policy forbids both.
    assert "<script" not in svg and not re.search(r"\sstyle=", svg)
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert chart.rows == [("Enrolled", ["12"]), ("Completed", ["fewer than 5"])]


def test_a_bar_chart_of_changes_grows_negative_bars_left_of_zero():
    chart = bar_chart(
        title="Change", categories=["Trust", "Belonging"], series=[Series("Mean", [-0.5, 1.0])]
    )

    svg = str(chart.svg)
    assert "<line" in svg  # the zero line
    assert chart.rows == [("Trust", ["-0.5"]), ("Belonging", ["1.0"])]


def test_a_line_chart_breaks_at_a_gap_instead_of_joining_across_it():
    chart = line_chart(
        title="Attendance",
        categories=["1", "2", "3", "4", "5"],
        series=[Series("Rate", [80, 90, Cell(None, suppressed=True), 70, 75])],
        unit="%",
    )

    svg = str(chart.svg)
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 4
    assert chart.rows[2] == ("3", ["fewer than 5"])
    assert chart.rows[0] == ("1", ["80%"])


@override_settings(LANGUAGE_CODE="en")
def test_the_chart_include_names_the_image_and_carries_the_table():
    chart = line_chart(
        title="Attendance", categories=["Mon", "Tue"], series=[Series("Rate", [50, 75])], unit="%"
    )

    html = render_to_string("includes/chart.html", {"chart": chart})

    assert f'aria-labelledby="{chart.ident}-title {chart.ident}-desc"' in html
    assert 'role="img"' in html and "<details" in html
    assert '<th scope="row">Tue</th>' in html and "75%" in html
    printed = render_to_string("includes/chart.html", {"chart": chart, "print": True})
    assert "<details" not in printed and "75%" in printed
