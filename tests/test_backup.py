"""Backup and restore with forced row-level security (docs/security.md, "Backups").

With RLS forced on every tenant table, neither the runtime role nor the tables' owner can dump
the rows; the dedicated role from docker/postgres/backup-role.sql can. The test dumps the test
database as that role, restores it into a scratch database as the owner, and checks that every
table has the same number of rows and that RLS is still enabled and forced, with its policies.
"""

import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import conninfo, sql

from cocora.organisations.models import Role
from cocora.organisations.rls import POLICY_TENANT, tenant_models
from cocora.organisations.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
)
from cocora.testing.require import service_missing
from cocora.testing.services import find_pg_bindir
from programmes.tests import factories as pf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
BACKUP_ROLE_SQL = ROOT / "docker" / "postgres" / "backup-role.sql"
BACKUP_ROLE = "cocora_backup"


def _url(base: str, **changes: str) -> str:
    return conninfo.make_conninfo(base, **changes)


def _env_url(name: str) -> str:
    url = os.environ.get(name)
    if not url:
        service_missing(f"{name} is not set (cocora.testing.services sets it)")
    return url


def _bindir() -> Path:
    bindir = find_pg_bindir()
    if bindir is None or not (bindir / "pg_dump").exists():
        service_missing("pg_dump and pg_restore are not installed")
    return bindir


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    # PostgreSQL's client tools run fine as root; only the server refuses to.
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _row_counts(url: str) -> dict[str, int]:
    """Rows per table of the public schema, read as the superuser (which bypasses RLS)."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {}
        for table in tables:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            row = conn.execute(query).fetchone()
            assert row is not None
            counts[table] = int(row[0])
    return counts


@pytest.fixture
def committed_data(transactional_db: Any) -> None:
    """Two organisations' worth of rows, committed: pg_dump sees committed data only."""
    for slug in ("backup-a", "backup-b"):
        org = OrganisationFactory(slug=slug)
        MembershipFactory.create_batch(2, organisation=org, role=Role.TRAINER)
        InvitationFactory(organisation=org)
        cohort = pf.CohortFactory(organisation=org)
        pf.EnrolmentFactory.create_batch(3, organisation=org, cohort=cohort)
        pf.SessionFactory.create_batch(2, organisation=org, cohort=cohort)
        pf.ConsentFactory(organisation=org)


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """An empty database owned by the owner role; dropped afterwards."""
    super_url = _env_url("COCORA_TEST_SUPER_DATABASE_URL")
    owner = conninfo.conninfo_to_dict(_env_url("COCORA_TEST_OWNER_DATABASE_URL"))["user"]
    name = f"cocora_restore_{secrets.token_hex(4)}"
    with psycopg.connect(_url(super_url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(str(owner))
            )
        )
    try:
        yield name
    finally:
        with psycopg.connect(_url(super_url, dbname="postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_backup_role_dumps_every_row_and_the_restore_keeps_rls_forced(
    committed_data: None, scratch_database: str, tmp_path: Path
) -> None:
    bindir = _bindir()
    super_url = _env_url("COCORA_TEST_SUPER_DATABASE_URL")
    owner_url = _env_url("COCORA_TEST_OWNER_DATABASE_URL")
    backup_url = _url(super_url, user=BACKUP_ROLE)
    restored_super_url = _url(super_url, dbname=scratch_database)
    dump = tmp_path / "cocora.dump"

    # Given the backup role, made as docs/security.md says (twice: the script is idempotent).
    with psycopg.connect(super_url, autocommit=True) as conn:
        for _ in range(2):
            conn.execute(BACKUP_ROLE_SQL.read_text())  # type: ignore[call-overload]

    # The owner cannot dump: forced RLS applies to it, and pg_dump refuses filtered rows.
    refused = _run([str(bindir / "pg_dump"), "-Fc", "-f", str(dump), "-d", owner_url])
    assert refused.returncode != 0
    assert "row-level security" in refused.stderr

    # When the backup role dumps the database and the owner restores it into a scratch one,
    dumped = _run([str(bindir / "pg_dump"), "-Fc", "-f", str(dump), "-d", backup_url])
    assert dumped.returncode == 0, dumped.stderr
    restored = _run(
        [
            str(bindir / "pg_restore"),
            "--exit-on-error",
            "--no-password",
            "-d",
            _url(owner_url, dbname=scratch_database),
            str(dump),
        ]
    )
    assert restored.returncode == 0, restored.stderr

    # then every table holds the same rows (tenant tables hold some),
    source_counts = _row_counts(super_url)
    assert _row_counts(restored_super_url) == source_counts
    tenant_tables = [model._meta.db_table for model in tenant_models()]
    assert source_counts["organisations_membership"] >= 4
    assert source_counts["programmes_enrolment"] >= 6

    # and RLS is still enabled and forced, with its policy, on every tenant table,
    with psycopg.connect(restored_super_url) as conn:
        rows = conn.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "  (SELECT count(*) FROM pg_policies p "
            "   WHERE p.tablename = c.relname AND p.policyname = %s) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname = ANY(%s)",
            [POLICY_TENANT, tenant_tables],
        ).fetchall()
    assert sorted(row[0] for row in rows) == sorted(tenant_tables)
    assert [row for row in rows if row[1:] != (True, True, 1)] == []

    # and the runtime role, with no organisation set, sees none of the restored rows.
    app_url = os.environ.get("DATABASE_URL", "")
    with psycopg.connect(_url(app_url, dbname=scratch_database)) as conn:
        row = conn.execute("SELECT count(*) FROM organisations_membership").fetchone()
    assert row == (0,)
