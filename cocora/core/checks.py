"""Start-up checks of field encryption (see cocora.core.crypto), tag "security". They run with
`manage.py check`, before `migrate` and when `runserver` starts; CoreConfig.ready() imports this
module, which registers them.

- cocora.E001: the configured keys cannot decrypt the canary, so they cannot read the data.
- cocora.E002: COCORA_FIELD_KEYS is empty.
- cocora.E003: COCORA_FIELD_KEYS holds something that is not a Fernet key.
- cocora.E004 (`check --deploy`): the published development key is configured.
- cocora.W001: the canary is readable, but not with the primary key: run `rotate_keys`.
- cocora.W002: the database did not answer; the keys are unverified.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction

from . import crypto

ROTATE_HINT = (
    "Put every key that encrypted stored data in COCORA_FIELD_KEYS (the new key first, the old "
    "ones after it), then run `manage.py rotate_keys`. Only when `rotate_keys --check` reports "
    "nothing left on an old key may that key be removed."
)


@checks.register(checks.Tags.security)
def check_field_keys(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """COCORA_FIELD_KEYS is set and every entry is a Fernet key."""
    if not crypto.configured_keys():
        return [
            checks.Error(
                "COCORA_FIELD_KEYS is empty: confidential notes and contact details can be "
                "neither encrypted nor read.",
                hint=(
                    "Set COCORA_FIELD_KEYS to one or more Fernet keys, newest first, separated by "
                    'commas. Make one with: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"'
                ),
                id="cocora.E002",
            )
        ]
    try:
        crypto.fernets()
    except crypto.FieldKeysError as error:
        return [checks.Error(str(error), id="cocora.E003")]
    return []


@checks.register(checks.Tags.security)
def check_encryption_canary(
    app_configs: Sequence[Any] | None = None,
    databases: Iterable[str] | None = None,
    **kwargs: Any,
) -> list[Any]:
    """The configured keys decrypt the canary; the canary is made on first use. Looks at the
    default database even when no database was named (plain `check`, `runserver`): a start with
    the wrong keys must fail here, not on the first confidential note someone opens."""
    if check_field_keys():
        return []  # Reported by check_field_keys; nothing can be decrypted anyway.
    messages: list[Any] = []
    for alias in databases or [DEFAULT_DB_ALIAS]:
        messages += _check_canary(alias)
    return messages


def _check_canary(alias: str) -> list[Any]:
    from .models import CANARY_PLAINTEXT, EncryptionCanary

    try:
        connection = connections[alias]
        if EncryptionCanary._meta.db_table not in connection.introspection.table_names():
            return []  # Before the first migrate: the canary is made at the next start.
        stored = _stored_canary(alias)
        if stored is None:
            try:
                with transaction.atomic(using=alias):
                    EncryptionCanary.objects.using(alias).create(
                        pk=EncryptionCanary.SINGLETON_PK, value=CANARY_PLAINTEXT
                    )
            except IntegrityError:
                pass  # Another process made it at the same moment.
            stored = _stored_canary(alias)
    except DatabaseError as error:
        return [
            checks.Warning(
                f"The field-encryption keys could not be verified: the database '{alias}' did "
                f"not answer ({type(error).__name__}).",
                id="cocora.W002",
            )
        ]
    index = crypto.key_index(stored) if stored else None
    if index is None or crypto.decrypt(stored or "") != CANARY_PLAINTEXT:
        fingerprints = ", ".join(crypto.key_fingerprint(key) for key in crypto.configured_keys())
        return [
            checks.Error(
                "The keys in COCORA_FIELD_KEYS cannot decrypt the encryption canary, so they "
                "cannot read the encrypted data either (confidential notes, contact details, "
                f"two-factor secrets). Fingerprints of the configured keys: {fingerprints}.",
                hint=ROTATE_HINT,
                id="cocora.E001",
            )
        ]
    if index > 0:
        return [
            checks.Warning(
                f"The encryption canary is encrypted with key number {index + 1} of "
                "COCORA_FIELD_KEYS, not with the first: a key rotation is unfinished.",
                hint="Run `manage.py rotate_keys`.",
                id="cocora.W001",
            )
        ]
    return []


def _stored_canary(alias: str) -> str | None:
    """The canary's token as stored, not decrypted."""
    from .fields import stored_value
    from .models import EncryptionCanary

    stored: str | None = (
        EncryptionCanary.objects.using(alias)
        .filter(pk=EncryptionCanary.SINGLETON_PK)
        .annotate(stored=stored_value("value"))
        .values_list("stored", flat=True)
        .first()
    )
    return stored


@checks.register(checks.Tags.security, deploy=True)
def check_development_key(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """`check --deploy`: the published development key protects nothing."""
    if crypto.DEVELOPMENT_KEY in crypto.configured_keys() and not settings.DEBUG:
        return [
            checks.Error(
                "COCORA_FIELD_KEYS contains the published development key.",
                hint="Generate a key of your own for every deployment and keep it out of the code.",
                id="cocora.E004",
            )
        ]
    return []
