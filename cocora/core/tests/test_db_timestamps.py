"""Timestamps read from PostgreSQL by psycopg's C loader (cocora/core/db.py): the same instants,
in UTC, as Django's own loader gives, for any instant and any zone it was written in."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.pq import Format

from cocora.core.db import TIMESTAMPTZ_OID, UtcTimestamptzLoader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ZONES = ["UTC", "Europe/Copenhagen", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati"]


class DjangosLoader(BaseTzLoader):
    timezone = datetime.UTC


def test_a_time_of_the_hour_that_repeats_reads_as_the_instant_it_was_written():
    # 02:00 on the night Copenhagen's clocks went back, its first time (summer time): 00:00 UTC.
    written = datetime.datetime(2000, 10, 29, 2, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [written])
        (value,) = cursor.fetchone()
    assert value == datetime.datetime(2000, 10, 29, 0, 0, tzinfo=datetime.UTC)
    assert value.timestamp() == written.timestamp()


def test_page_queries_read_timestamps_with_the_c_loader():
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        cursor.execute("SELECT %s::timestamptz", ["2026-03-29 01:59:59.999999+00"])
        (value,) = cursor.fetchone()
    assert loader is UtcTimestamptzLoader
    assert value == datetime.datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=datetime.UTC)
    assert value.tzinfo is datetime.UTC


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2200, 12, 31)
    ),
    zone=st.sampled_from(ZONES),
)
def test_every_instant_reads_as_djangos_loader_reads_it(moment, zone):
    written = moment.replace(tzinfo=ZoneInfo(zone))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz, %s::timestamptz::text", [written, written])
        value, text = cursor.fetchone()
        djangos = DjangosLoader(TIMESTAMPTZ_OID, cursor.cursor).load(text.encode())
    # The instant compared in UTC: Python never finds a time of a repeated hour (the night the
    # clocks go back) equal to a time in another zone, even the same instant (PEP 495).
    assert value == written.astimezone(datetime.UTC)
    assert value == djangos
    assert (value.tzinfo, value.isoformat()) == (datetime.UTC, djangos.isoformat())
