"""Row-level security: the last wall between tenants on PostgreSQL.

Every concrete OrgScopedModel table gets RLS enabled and forced and one policy keyed on its own
`organisation_id`, compared with the per-transaction setting `cocora.organisation_id`. This runs
after every `migrate` (as the owner role), so a new tenant table is covered without anyone adding
a policy by hand. The same step grants the runtime role (COCORA_DB_APP_ROLE) the row privileges it
needs, and nothing more: it owns no table, so the policies apply to it.
"""

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import Model

from .context import ORG_SETTING

logger = logging.getLogger(__name__)

POLICY_TENANT = "cocora_tenant"
POLICY_EXTRA_READ = "cocora_extra_read"
TENANT_CONDITION = f"organisation_id = NULLIF(current_setting('{ORG_SETTING}', true), '')::bigint"


def tenant_models() -> list[type[Model]]:
    from .models import OrgScopedModel

    return [
        model
        for model in apps.get_models()
        if issubclass(model, OrgScopedModel) and not model._meta.proxy
    ]


def append_only_models() -> list[type[Model]]:
    return [model for model in apps.get_models() if getattr(model, "append_only", False)]


def policy_statements(model: Any) -> list[str]:
    table = model._meta.db_table
    quoted = '"' + table.replace('"', '""') + '"'
    statements = [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY_TENANT} ON {quoted}",
        f"DROP POLICY IF EXISTS {POLICY_EXTRA_READ} ON {quoted}",
        f"CREATE POLICY {POLICY_TENANT} ON {quoted} FOR ALL "
        f"USING ({TENANT_CONDITION}) WITH CHECK ({TENANT_CONDITION})",
    ]
    if model.rls_extra_condition:
        # Read-only widening, e.g. a user's own memberships for the organisation switcher.
        statements.append(
            f"CREATE POLICY {POLICY_EXTRA_READ} ON {quoted} FOR SELECT "
            f"USING ({model.rls_extra_condition})"
        )
    return statements


def install(using: str = "default") -> int:
    """Installs the policies and grants. Returns how many tables were covered."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    app_role = settings.COCORA_DB_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (current_user,) = cursor.fetchone()
        if app_role and current_user == app_role:
            # The runtime role cannot (and must not) change policies; this happens when the
            # test suite flushes tables. The owner installed everything at migrate time.
            return 0
        models = tenant_models()
        for model in models:
            for statement in policy_statements(model):
                cursor.execute(statement)
        if app_role:
            role = connection.ops.quote_name(app_role)
            cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
            cursor.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
            )
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
            # Audit trails are append-only for the application: it may add and read lines,
            # never change or remove them.
            for model in append_only_models():
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}")
        else:
            logger.warning(
                "COCORA_DB_APP_ROLE is not set: no runtime role was granted access. Row-level "
                "security does not apply to the tables' owner, so the application must not "
                "connect as the role that ran the migrations."
            )
    return len(models)


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # post_migrate fires once per app after all migrations ran; one pass covers every table.
    if sender.label != "organisations":
        return
    count = install(using)
    if count:
        logger.info("Row-level security installed on %d tenant tables.", count)
