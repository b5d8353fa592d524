"""The XLSX writer: the file opens with openpyxl and holds the same cells, of the same types, as
the tablib/openpyxl route it replaced."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib

from cocora.core.xlsx import column_letter, xlsx_bytes

HEADERS = ["Code", "Name", "Joined on", "At", "Count", "Rate", "Done", "Empty", "Note", "Blank"]
ROWS = [
    ["P-1", "Åse Ødegård", datetime.date(2026, 9, 1), datetime.datetime(2026, 9, 1, 17, 30),
     12, 0.5, True, None, "two\nlines", ""],
    ["P-2", "'=SUM(A1)", datetime.date(1999, 12, 31), datetime.datetime(2000, 1, 1, 0, 0),
     -3, Decimal("12.25"), False, None, "<b>&amp; \"quoted\"</b>", "x"],
]  # fmt: skip


def _cells(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_file_holds_the_same_cells_as_tablibs():
    dataset = tablib.Dataset(*[tuple(row) for row in ROWS], headers=HEADERS, title="Attendance")

    ours = xlsx_bytes(headers=HEADERS, rows=ROWS, title="Attendance")
    theirs = _cells(dataset.export("xlsx"))

    mine = _cells(ours)
    # Decimal comes back as a float from either file.
    assert mine == theirs
    assert mine[1][2] == datetime.datetime(2026, 9, 1)  # a real date, not text
    assert mine[1][3] == datetime.datetime(2026, 9, 1, 17, 30)
    book = openpyxl.load_workbook(io.BytesIO(ours))
    sheet = book.active
    assert book.sheetnames == ["Attendance"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet["C2"].is_date and sheet["B3"].data_type == "s"  # text, never a formula


def test_a_word_repeated_in_many_cells_is_written_in_each_with_its_own_style():
    """Each text is escaped once per sheet: a header and a cell of the same word keep their
    own styles, and every repetition lands in its own cell."""
    headers = ["Present", "a & b", "x\ny"]
    rows = [["Present", "a & b", "x\ny"], ["", "Present", "a & b"], ["x\ny", "", "Present"]]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(headers=headers, rows=rows, title="t")))
    sheet = book.active
    assert _cells(xlsx_bytes(headers=headers, rows=rows, title="t")) == [
        headers,
        *([value or None for value in row] for row in rows),
    ]
    assert sheet["A1"].font.b and not sheet["A2"].font.b and not sheet["B3"].font.b
    assert sheet["C2"].alignment.wrap_text and sheet["A4"].alignment.wrap_text


def test_control_characters_are_dropped_and_titles_made_acceptable():
    content = xlsx_bytes(
        headers=["A"], rows=[["bell\x07 and nul\x00"]], title="Spring: group [a]/b " * 3
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.active["A2"].value == "bell and nul"
    assert len(book.sheetnames[0]) == 31 and ":" not in book.sheetnames[0]


def test_time_zones_are_refused_as_excel_cannot_hold_them():
    with pytest.raises(TypeError):
        xlsx_bytes(headers=["A"], rows=[[datetime.datetime.now(tz=datetime.UTC)]], title="x")


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (703, "AAA")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters
