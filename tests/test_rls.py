"""Row-level security proven on its own: with the application's filters bypassed, the database
still shows an organisation nothing of another, and nothing at all when no organisation is set."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from cocora.organisations.context import org_context, set_db_context
from cocora.organisations.models import Invitation, Membership, Role
from cocora.organisations.rls import POLICY_TENANT, tenant_models
from cocora.organisations.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _scalar(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


@pytest.fixture
def populated(db: Any) -> tuple[Any, Any]:
    a = OrganisationFactory(slug="a-org")
    b = OrganisationFactory(slug="b-org")
    for org in (a, b):
        MembershipFactory.create_batch(3, organisation=org, role=Role.TRAINER)
        InvitationFactory.create_batch(2, organisation=org)
    return a, b


def test_runtime_role_is_not_superuser_not_bypassrls_and_owns_no_table() -> None:
    role = _scalar("SELECT current_user")
    assert _scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is False
    assert _scalar("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user") is False
    owned = _scalar(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [role]
    )
    assert owned == 0


def test_every_tenant_table_has_rls_enabled_forced_and_a_policy() -> None:
    tables = [model._meta.db_table for model in tenant_models()]
    assert "organisations_membership" in tables and "audit_auditevent" in tables
    for table in tables:
        enabled, forced = (
            _scalar(f"SELECT {col} FROM pg_class WHERE oid = %s::regclass", [table])
            for col in ("relrowsecurity", "relforcerowsecurity")
        )
        assert (table, enabled, forced) == (table, True, True)
        policies = _scalar(
            "SELECT count(*) FROM pg_policies WHERE tablename = %s AND policyname = %s",
            [table, POLICY_TENANT],
        )
        assert (table, policies) == (table, 1)


def test_every_table_with_an_organisation_column_is_a_protected_tenant_table() -> None:
    """Catches a table that carries organisation_id without being an OrgScopedModel."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity FROM pg_class c "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organisation_id' "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )
        unprotected = [name for name, rls in cursor.fetchall() if not rls]
    assert unprotected == []


def test_organisation_a_sees_no_row_of_b_even_without_filters(populated) -> None:
    a, b = populated
    with org_context(a.pk):
        for model in tenant_models():
            table = model._meta.db_table
            foreign = _scalar(f'SELECT count(*) FROM "{table}" WHERE organisation_id = %s', [b.pk])
            assert (table, foreign) == (table, 0)
        # The ORM without .for_org() is no way around it either.
        assert set(Membership.objects.values_list("organisation_id", flat=True)) == {a.pk}
        assert Membership.objects.count() == 3


def test_with_no_organisation_set_no_tenant_table_shows_a_row(populated) -> None:
    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=None)
        for model in tenant_models():
            table = model._meta.db_table
            assert (table, _scalar(f'SELECT count(*) FROM "{table}"')) == (table, 0)


def test_writing_a_row_into_another_organisation_is_refused(populated) -> None:
    a, b = populated
    user_id = MembershipFactory(organisation=a).user_id
    with (
        org_context(a.pk),
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO organisations_membership (organisation_id, user_id, role, created_at) "
            "VALUES (%s, %s, 'admin', now())",
            [b.pk, user_id],
        )


def test_updates_and_deletes_cannot_reach_another_organisation(populated) -> None:
    a, b = populated
    with org_context(a.pk), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organisations_membership SET role = 'admin' WHERE organisation_id = %s",
            [b.pk],
        )
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM organisations_invitation WHERE organisation_id = %s", [b.pk])
        assert cursor.rowcount == 0
    with org_context(b.pk):
        assert Membership.objects.filter(role=Role.ADMIN).count() == 0
        from cocora.organisations.models import Invitation

        assert Invitation.objects.count() == 2


def test_the_setting_is_local_to_the_transaction(populated) -> None:
    """A pooled connection must not carry one request's organisation into the next."""
    a, _b = populated
    with org_context(a.pk):
        assert Membership.objects.count() == 3
    # The test itself runs in an outer transaction; org_context restored the empty setting.
    assert _scalar("SELECT current_setting('cocora.organisation_id', true)") in ("", None)
    assert Membership.objects.count() == 0


def test_a_user_sees_only_their_own_memberships_across_organisations(populated) -> None:
    a, b = populated
    person = MembershipFactory(organisation=a, role=Role.TRAINER).user
    MembershipFactory(organisation=b, user=person, role=Role.COORDINATOR)
    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=person.pk)
        visible = list(Membership.objects.values_list("user_id", flat=True))
    assert visible == [person.pk, person.pk]


def test_a_statement_kept_prepared_for_one_organisation_shows_another_nothing_of_it(
    populated,
) -> None:
    """Statements are kept prepared on a connection once run a few times, their plans with
    them: the policies are in the plan and read the organisation at each run, never the one
    the plan was made under."""
    a, b = populated

    def invitations_seen() -> set[int]:
        # The ORM's own statement, as the pages run it, with no filter of ours.
        return {invitation.organisation_id for invitation in Invitation.objects.all()}

    with org_context(a.pk):
        for _ in range(8):
            assert invitations_seen() == {a.pk}
        prepared = _scalar(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "organisations_invitation"%'],
        )
    assert prepared == 1
    with org_context(b.pk):
        assert invitations_seen() == {b.pk}
    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=None)
        assert invitations_seen() == set()


def _plans_of(table: str) -> tuple[int, int]:
    """How many statements reading `table` are kept prepared, and how many runs of them used
    the one plan made for every run (a generic plan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(generic_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [f'%FROM "{table}"%'],
        )
        count, generic = cursor.fetchone()
    return count, generic


def test_one_plan_for_every_run_with_parameters_still_reads_the_organisation_at_each_run(
    populated,
) -> None:
    """PostgreSQL may keep one plan for every parameter after five runs: here it must. The
    statement names every invitation of both organisations by id; each run shows only those of
    the organisation set at that run."""
    a, b = populated
    everyone = {}
    for org in (a, b):
        with org_context(org.pk):
            everyone[org.pk] = set(Invitation.objects.values_list("pk", flat=True))
    assert all(len(ids) == 2 for ids in everyone.values())
    all_ids = sorted(everyone[a.pk] | everyone[b.pk])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")

    def seen() -> set[int]:
        return set(Invitation.objects.filter(pk__in=all_ids).values_list("pk", flat=True))

    with org_context(a.pk):
        for _ in range(8):
            assert seen() == everyone[a.pk]
    count, generic = _plans_of("organisations_invitation")
    assert count == 1 and generic >= 2
    with org_context(b.pk):
        assert seen() == everyone[b.pk]
    assert _plans_of("organisations_invitation")[1] > generic
    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=None)
        assert seen() == set()


def test_a_plan_kept_for_one_member_shows_another_only_their_own_memberships(populated) -> None:
    """Memberships have a second policy: a user reads their own in every organisation. A plan
    kept while one user was set reads the user at each run as it reads the organisation."""
    a, b = populated
    first = MembershipFactory(organisation=a, role=Role.TRAINER).user
    MembershipFactory(organisation=b, user=first, role=Role.COORDINATOR)
    second = MembershipFactory(organisation=b, role=Role.TRAINER).user
    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=None)
        assert not Membership.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")

    def seen() -> set[tuple[int, int]]:
        return set(Membership.objects.values_list("organisation_id", "user_id"))

    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=first.pk)
        for _ in range(8):
            assert seen() == {(a.pk, first.pk), (b.pk, first.pk)}
    count, generic = _plans_of("organisations_membership")
    assert count == 1 and generic >= 2
    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=second.pk)
        assert seen() == {(b.pk, second.pk)}
    assert _plans_of("organisations_membership") == (1, generic + 1)
    with transaction.atomic():
        set_db_context(organisation_id=a.pk, user_id=second.pk)
        in_a = seen()
    assert {org for org, _user in in_a} == {a.pk, b.pk}
    assert {user for org, user in in_a if org == b.pk} == {second.pk}
    assert len([1 for org, _user in in_a if org == a.pk]) == 4
