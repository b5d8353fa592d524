"""Ids read from what a visitor sends: a whole number a database id could be, or nothing."""

import pytest

from cocora.core.ids import parse_id, parse_ids


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("12", 12),
        (" 7 ", 7),
        (42, 42),
        ("9223372036854775807", 2**63 - 1),
        # Not ids: nothing, never an error.
        ("0", None),
        ("-1", None),
        ("1.5", None),
        ("", None),
        (None, None),
        ("9223372036854775808", None),
        ("99999999999999999999", None),
        # Digits to Python that are no id: a superscript two, an Arabic-Indic three.
        ("²", None),
        ("٣", None),
        ("1²", None),
    ],
)
def test_an_id_is_a_whole_number_in_ascii_digits(sent, read):
    assert parse_id(sent) == read


def test_a_list_keeps_only_its_ids():
    assert parse_ids(["3", "²", "x", "5", "٣"]) == [3, 5]
