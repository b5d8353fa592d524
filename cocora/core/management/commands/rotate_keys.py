"""Re-encrypts every encrypted value with the primary (first) key of COCORA_FIELD_KEYS.

A rotation, step by step:

1. Generate a new key and put it in front of the old one, COCORA_FIELD_KEYS="<new>,<old>", in
   every process (web, workers, beat): from then on new values are written with the new key.
2. `manage.py rotate_keys` re-encrypts the rest: every EncryptedTextField/EncryptedCharField of
   every model, the encryption canary and the two-factor secrets.
3. `manage.py rotate_keys --check` reports nothing left on an old key: drop it from the setting.

Everything is read and checked before anything is written: when a value cannot be decrypted by
any configured key (a key is missing), the command stops with an error and changes nothing.
Tenant tables are read and written one organisation at a time, inside that organisation's
context (row-level security); each model of each organisation is one transaction.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, TextField, Value, When

from cocora.core import crypto
from cocora.core.fields import ENCRYPTED_FIELD_TYPES, stored_value
from cocora.core.models import CANARY_PLAINTEXT, EncryptionCanary
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, OrgScopedModel

MFA_KEYS = ("secret", "seed")
MFA_LIST_KEYS = ("migrated_codes",)
MAX_LISTED = 20


@dataclass
class Tally:
    """What one target holds: non-empty values by the key that reads them."""

    label: str
    current: int = 0
    stale: int = 0
    rewritten: int = 0
    rows_rewritten: int = 0
    unreadable: list[str] = field(default_factory=list)

    @property
    def values(self) -> int:
        return self.current + self.stale + len(self.unreadable)


@dataclass
class Target:
    """A model with encrypted columns."""

    model: type[models.Model]
    fields: list[str]

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def org_scoped(self) -> bool:
        return issubclass(self.model, OrgScopedModel)


def encrypted_targets() -> list[Target]:
    """Every concrete model that declares an encrypted field, found across all apps."""
    targets = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            f.name
            for f in model._meta.local_concrete_fields
            if isinstance(f, ENCRYPTED_FIELD_TYPES)
        ]
        if names:
            targets.append(Target(model=model, fields=names))
    return sorted(targets, key=lambda target: target.label)


MAX_BATCH = 2000


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted field, the encryption canary and two-factor secrets with "
        "the first key of COCORA_FIELD_KEYS. With --check, only reports what is not on it yet."
    )
    # The start-up check would stop at the canary alone; this command checks every value itself
    # (the canary among them) and names each one that no key can read.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail when a value is not encrypted with the primary key.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, check: bool, batch_size: int, **options: Any) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            # A batch's UPDATE passes about a dozen parameters a row; PostgreSQL takes at most
            # 65,535 in one statement once they are bound by the server.
            raise CommandError(f"--batch-size must be between 1 and {MAX_BATCH}.")
        try:
            keys = crypto.fernets()
        except crypto.FieldKeysError as error:
            raise CommandError(str(error)) from None
        primary = crypto.key_fingerprint(crypto.configured_keys()[0])
        self.batch_size = batch_size
        targets = encrypted_targets()

        # 1. Read everything; write nothing.
        tallies = self._pass(targets, rewrite=False)
        unreadable = [where for tally in tallies for where in tally.unreadable]
        if unreadable:
            listed = "\n  ".join(unreadable[:MAX_LISTED])
            more = len(unreadable) - MAX_LISTED
            raise CommandError(
                f"{len(unreadable)} stored value(s) cannot be decrypted with any of the "
                f"{len(keys)} key(s) in COCORA_FIELD_KEYS; nothing was changed. Add the missing "
                f"key (after the primary key) and run the command again.\n  {listed}"
                + (f"\n  … and {more} more" if more > 0 else "")
            )
        if check:
            for tally in tallies:
                self.stdout.write(
                    f"{tally.label}: {tally.values} value(s), {tally.stale} on an older key, "
                    f"{tally.current} on the primary key"
                )
            stale = sum(tally.stale for tally in tallies)
            if stale:
                raise CommandError(
                    f"{stale} value(s) are not encrypted with the primary key ({primary}) yet: "
                    "run `manage.py rotate_keys`."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Every encrypted value ({sum(t.values for t in tallies)}) is on the primary "
                    f"key ({primary}). Older keys can be removed from COCORA_FIELD_KEYS."
                )
            )
            return

        # 2. Rewrite what is on an older key, one transaction per model and organisation. The
        # canary is made first if it is missing, so that the start-up check has it.
        self._ensure_canary()
        tallies = self._pass(targets, rewrite=True)
        for tally in tallies:
            self.stdout.write(
                f"{tally.label}: {tally.values} value(s), {tally.rewritten} re-encrypted in "
                f"{tally.rows_rewritten} row(s), {tally.current} on the primary key already"
            )
        rewritten = sum(tally.rewritten for tally in tallies)
        self.stdout.write(
            self.style.SUCCESS(
                f"{rewritten} value(s) re-encrypted with the primary key ({primary}); "
                f"{sum(t.current for t in tallies)} were on it already."
            )
        )

    # Passes over the data -------------------------------------------------------------------

    def _pass(self, targets: list[Target], *, rewrite: bool) -> list[Tally]:
        tallies = []
        organisation_ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        for target in targets:
            tally = Tally(label=target.label)
            for scope, queryset in self._scopes(target, organisation_ids):
                with scope:
                    self._scan_model(target, queryset, tally, rewrite=rewrite)
            tallies.append(tally)
        if apps.is_installed("allauth.mfa"):
            tally = Tally(label="mfa.Authenticator")
            with transaction.atomic():
                self._scan_authenticators(tally, rewrite=rewrite)
            tallies.append(tally)
        return tallies

    def _scopes(
        self, target: Target, organisation_ids: list[int]
    ) -> Iterator[tuple[AbstractContextManager[Any], models.QuerySet[Any]]]:
        manager = target.model._base_manager
        if not target.org_scoped:
            yield transaction.atomic(), manager.all()
            return
        for organisation_id in organisation_ids:
            # Row-level security shows one organisation's rows per transaction; the filter says
            # the same for SQLite, which has none.
            yield org_context(organisation_id), manager.filter(organisation_id=organisation_id)

    def _scan_model(
        self, target: Target, queryset: models.QuerySet[Any], tally: Tally, *, rewrite: bool
    ) -> None:
        stored = {f"stored_{name}": stored_value(name) for name in target.fields}
        last_pk = None
        while True:
            batch = queryset.order_by("pk")
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            if rewrite:
                # Locked until the batch is written, so that a concurrent edit is not lost.
                batch = batch.select_for_update()
            rows = list(batch.annotate(**stored).values_list("pk", *stored)[: self.batch_size])
            if not rows:
                return
            last_pk = rows[-1][0]
            updates: dict[Any, dict[str, str]] = {}
            for pk, *values in rows:
                for name, value in zip(target.fields, values, strict=True):
                    new = self._classify(value, f"{target.label}.{name} id={pk}", tally, rewrite)
                    if new is not None:
                        updates.setdefault(pk, {})[name] = new
            if updates:
                self._write(queryset, target.fields, updates)
                tally.rows_rewritten += len(updates)

    def _write(
        self, queryset: models.QuerySet[Any], names: list[str], updates: dict[Any, dict[str, str]]
    ) -> None:
        # One UPDATE per batch. The tokens are passed as plain text values, so that the field
        # does not encrypt them a second time.
        values = {}
        for name in names:
            whens = [
                When(pk=pk, then=Value(tokens[name], output_field=TextField()))
                for pk, tokens in updates.items()
                if name in tokens
            ]
            if whens:
                values[name] = Case(*whens, default=F(name), output_field=TextField())
        queryset.filter(pk__in=list(updates)).update(**values)

    def _scan_authenticators(self, tally: Tally, *, rewrite: bool) -> None:
        from allauth.mfa.models import Authenticator

        authenticators = Authenticator.objects.filter(
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
        ).order_by("pk")
        if rewrite:
            authenticators = authenticators.select_for_update()
        for pk, data in list(authenticators.values_list("pk", "data")):
            data = dict(data or {})
            changed = False
            where = f"mfa.Authenticator id={pk}"
            for key in MFA_KEYS:
                value = data.get(key)
                if isinstance(value, str):
                    new = self._classify(value, f"{where} {key}", tally, rewrite)
                    if new is not None:
                        data[key], changed = new, True
            for key in MFA_LIST_KEYS:
                items = data.get(key)
                if isinstance(items, list):
                    rotated = [
                        self._classify(item, f"{where} {key}", tally, rewrite) or item
                        for item in items
                    ]
                    if rotated != items:
                        data[key], changed = rotated, True
            if changed:
                Authenticator.objects.filter(pk=pk).update(data=data)
                tally.rows_rewritten += 1

    def _classify(self, value: Any, where: str, tally: Tally, rewrite: bool) -> str | None:
        """Counts one stored value; returns its new token when it is to be rewritten."""
        if not value:
            return None
        problem = ""
        index = None
        if not isinstance(value, str) or not crypto.is_encrypted(value):
            problem = "not an encrypted value"
        else:
            index = crypto.key_index(value)
            if index is None:
                problem = "no configured key decrypts it"
        if index is None:
            if rewrite:
                # Checked before anything was written; seen now only if it changed since.
                # Raising rolls back this model's transaction for this organisation.
                raise CommandError(f"{where}: {problem}; this part was not changed.")
            tally.unreadable.append(f"{where}: {problem}")
            return None
        if index == 0:
            tally.current += 1
            return None
        tally.stale += 1
        if not rewrite:
            return None
        tally.rewritten += 1
        return crypto.rotate(value)

    # The canary ------------------------------------------------------------------------------

    def _ensure_canary(self) -> None:
        if EncryptionCanary.objects.filter(pk=EncryptionCanary.SINGLETON_PK).exists():
            return
        try:
            with transaction.atomic():
                EncryptionCanary.objects.create(
                    pk=EncryptionCanary.SINGLETON_PK, value=CANARY_PLAINTEXT
                )
        except IntegrityError:
            pass  # Made by a start-up check at the same moment.
