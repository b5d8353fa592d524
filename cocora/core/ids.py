"""Reading record ids from user input: anything that is not a whole number a database id could
be is ignored, never passed on to the database (where an oversized number would be an error)."""

from collections.abc import Iterable

MAX_ID = 2**63 - 1
# How many ids one request may name in a list. PostgreSQL takes at most 65,535 parameters in
# one statement once they are bound by the server; lists far shorter than that are refused with
# a clear error instead.
MAX_IDS = 1000


def parse_id(value: object) -> int | None:
    text = str(value).strip()
    # ASCII digits only: "²" and "٣" are digits to `str.isdigit`, but not ids (int() refuses
    # the one and reads the other as 3).
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable[object]) -> list[int]:
    return [number for value in values if (number := parse_id(value)) is not None]
