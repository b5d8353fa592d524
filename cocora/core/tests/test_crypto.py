"""Field encryption, the platform part: the keys, the fields (on the canary, core's own encrypted
model), the start-up check, key rotation and two-factor secrets. The domain fields (contact
details, confidential notes) are proven end to end in tests/test_field_encryption.py: cocora
must not import the domain apps (tests/test_architecture.py)."""

import time
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection

from cocora.core import crypto
from cocora.core.fields import EncryptedCharField, EncryptedTextField
from cocora.core.mfa import MFAAdapter
from cocora.core.models import CANARY_PLAINTEXT, EncryptionCanary
from cocora.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def _raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _security_ids() -> set[str]:
    return {message.id for message in run_checks(tags=["security"]) if message.id}


# Keys and tokens --------------------------------------------------------------------------------


def test_tokens_are_versioned_random_and_read_back(settings: Any) -> None:
    settings.COCORA_FIELD_KEYS = [KEY_A]
    token = crypto.encrypt("Lene Guardian")
    assert token.startswith("enc1:") and "Lene" not in token
    # Two encryptions of the same text differ: equal values cannot be spotted in a table.
    assert crypto.encrypt("Lene Guardian") != token
    assert crypto.decrypt(token) == "Lene Guardian"
    assert crypto.key_index(token) == 0


def test_a_token_no_key_can_read_raises_and_is_never_returned(settings: Any) -> None:
    settings.COCORA_FIELD_KEYS = [KEY_A]
    token = crypto.encrypt("secret")
    settings.COCORA_FIELD_KEYS = [KEY_B]
    with pytest.raises(crypto.DecryptionError, match="could not be decrypted"):
        crypto.decrypt(token)
    assert crypto.key_index(token) is None
    with pytest.raises(crypto.DecryptionError, match="not an encrypted value"):
        crypto.decrypt("plain text")


def test_missing_or_malformed_keys_are_refused(settings: Any) -> None:
    settings.COCORA_FIELD_KEYS = []
    with pytest.raises(crypto.FieldKeysError, match="COCORA_FIELD_KEYS is empty"):
        crypto.encrypt("x")
    settings.COCORA_FIELD_KEYS = [KEY_A, "not-a-key"]
    with pytest.raises(crypto.FieldKeysError, match="key number 2") as error:
        crypto.encrypt("x")
    assert "not-a-key" not in str(error.value)  # a key never appears in a message


# The fields, on the canary ----------------------------------------------------------------------


def test_the_column_holds_a_token_and_the_model_the_plaintext() -> None:
    canary = EncryptionCanary.objects.create(value="known text")
    ((stored,),) = _raw("SELECT value FROM core_encryptioncanary WHERE id = %s", [canary.pk])
    assert stored.startswith("enc1:") and "known text" not in stored
    assert EncryptionCanary.objects.get(pk=canary.pk).value == "known text"
    assert EncryptionCanary.objects.values_list("value", flat=True).get() == "known text"


def test_a_row_no_key_can_read_raises_with_the_field_named(settings: Any) -> None:
    settings.COCORA_FIELD_KEYS = [KEY_A]
    EncryptionCanary.objects.create(value="known text")
    settings.COCORA_FIELD_KEYS = [KEY_B]
    with pytest.raises(crypto.DecryptionError, match=r"core\.EncryptionCanary\.value"):
        EncryptionCanary.objects.get()


def test_lookups_other_than_emptiness_raise() -> None:
    canaries = EncryptionCanary.objects.all()
    for lookup in (
        {"value": "known text"},
        {"value__iexact": "known text"},
        {"value__contains": "known"},
        {"value__in": ["known text"]},
        {"value__lower": "known text"},
        {"value__lower__exact": "known text"},
    ):
        with pytest.raises(FieldError, match=r"encrypted field core\.EncryptionCanary\.value"):
            canaries.filter(**lookup)
    EncryptionCanary.objects.create(value="known text")
    assert canaries.filter(value="").count() == 0
    assert canaries.exclude(value="").count() == 1
    assert canaries.filter(value__isnull=False).count() == 1


def test_fields_deconstruct_for_migrations() -> None:
    _, path, _, kwargs = EncryptedCharField("phone", max_length=32, blank=True).deconstruct()
    assert path == "cocora.core.fields.EncryptedCharField"
    assert kwargs == {"max_length": 32, "blank": True, "verbose_name": "phone"}
    _, path, _, kwargs = EncryptedTextField(blank=True).deconstruct()
    assert (path, kwargs) == ("cocora.core.fields.EncryptedTextField", {"blank": True})
    # A token is longer than its plaintext: always a text column; max_length limits the input.
    field = EncryptedCharField(max_length=32)
    assert field.get_internal_type() == "TextField"
    assert field.formfield().max_length == 32


# The start-up check -----------------------------------------------------------------------------


def test_the_start_up_check_makes_the_canary_and_refuses_a_wrong_key(settings: Any) -> None:
    settings.COCORA_FIELD_KEYS = [KEY_A]
    EncryptionCanary.objects.all().delete()
    assert not _security_ids() & {"cocora.E001", "cocora.W001"}
    assert EncryptionCanary.objects.get().value == CANARY_PLAINTEXT

    # A wrong key: the application must not start.
    settings.COCORA_FIELD_KEYS = [KEY_B]
    assert "cocora.E001" in _security_ids()
    # The new key in front of the old one: readable, and a rotation is due.
    settings.COCORA_FIELD_KEYS = [KEY_B, KEY_A]
    ids = _security_ids()
    assert "cocora.E001" not in ids and "cocora.W001" in ids


def test_the_start_up_check_refuses_missing_or_malformed_keys(settings: Any) -> None:
    settings.COCORA_FIELD_KEYS = []
    assert "cocora.E002" in _security_ids()
    settings.COCORA_FIELD_KEYS = [KEY_A, "not-a-key"]
    assert "cocora.E003" in _security_ids()


def test_the_deploy_check_refuses_the_development_key(settings: Any) -> None:
    settings.COCORA_FIELD_KEYS = [crypto.DEVELOPMENT_KEY]
    messages = run_checks(tags=["security"], include_deployment_checks=True)
    assert "cocora.E004" in {message.id for message in messages}
    settings.COCORA_FIELD_KEYS = [KEY_A]
    messages = run_checks(tags=["security"], include_deployment_checks=True)
    assert "cocora.E004" not in {message.id for message in messages}


# Rotation (the domain tables: tests/test_field_encryption.py) -----------------------------------


def _two_factor_user() -> dict[str, Any]:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory()
    totp = TOTP.activate(user, TOTP_SECRET)
    codes = RecoveryCodes.activate(user)
    return {"totp": totp.instance.pk, "codes": codes.instance.pk, "list": codes.generate_codes()}


def _assert_two_factor_readable(made: dict[str, Any]) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

    totp = TOTP(Authenticator.objects.get(pk=made["totp"]))
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    assert totp.validate_code(code)
    codes = RecoveryCodes(Authenticator.objects.get(pk=made["codes"]))
    assert codes.generate_codes() == made["list"]


def test_rotation_moves_canary_and_two_factor_secrets_to_the_new_key(settings: Any) -> None:
    # Given the canary and a user's two-factor secrets under key A
    settings.COCORA_FIELD_KEYS = [KEY_A]
    EncryptionCanary.objects.all().delete()
    run_checks(tags=["security"])
    made = _two_factor_user()

    # When B is put in front of A, and the values are rotated
    settings.COCORA_FIELD_KEYS = [KEY_B, KEY_A]
    with pytest.raises(CommandError, match="not encrypted with the primary key"):
        call_command("rotate_keys", "--check", stdout=StringIO())
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "core.EncryptionCanary: 1 value(s), 1 re-encrypted" in out.getvalue()
    assert "mfa.Authenticator: 2 value(s), 2 re-encrypted in 2 row(s)" in out.getvalue()

    # Then B alone reads them, and nothing is left on A
    settings.COCORA_FIELD_KEYS = [KEY_B]
    _assert_two_factor_readable(made)
    assert not _security_ids() & {"cocora.E001", "cocora.W001"}
    call_command("rotate_keys", "--check", stdout=StringIO())


def test_rotation_with_a_missing_key_stops_and_changes_nothing(settings: Any) -> None:
    # Given one user's secrets under A and another's, and the canary, under B
    settings.COCORA_FIELD_KEYS = [KEY_A]
    _two_factor_user()
    settings.COCORA_FIELD_KEYS = [KEY_B]
    _two_factor_user()
    EncryptionCanary.objects.all().delete()
    run_checks(tags=["security"])
    before = _raw("SELECT id, CAST(data AS TEXT) FROM mfa_authenticator ORDER BY id")
    before += _raw("SELECT id, value FROM core_encryptioncanary")

    # When C is made primary, with B but without A
    settings.COCORA_FIELD_KEYS = [KEY_C, KEY_B]
    with pytest.raises(CommandError, match="cannot be decrypted") as error:
        call_command("rotate_keys", stdout=StringIO())

    # Then the rows are named by id, and nothing moved to C, not even what B can read
    assert "mfa.Authenticator id=" in str(error.value)
    after = _raw("SELECT id, CAST(data AS TEXT) FROM mfa_authenticator ORDER BY id")
    after += _raw("SELECT id, value FROM core_encryptioncanary")
    assert after == before


# Two-factor secrets -----------------------------------------------------------------------------


def test_the_mfa_adapter_encrypts_with_the_field_keys() -> None:
    from allauth.mfa.adapter import get_adapter

    adapter = get_adapter()
    assert isinstance(adapter, MFAAdapter)
    token = adapter.encrypt(TOTP_SECRET)
    assert token.startswith("enc1:") and TOTP_SECRET not in token
    assert adapter.decrypt(token) == TOTP_SECRET
    with pytest.raises(crypto.DecryptionError):
        adapter.decrypt(TOTP_SECRET)


def test_totp_secret_and_recovery_seed_are_stored_encrypted() -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory()
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user)
    seed = crypto.decrypt(codes.instance.data["seed"])

    rows = _raw("SELECT CAST(data AS TEXT) FROM mfa_authenticator WHERE user_id = %s", [user.pk])
    stored = " ".join(row[0] for row in rows)
    assert len(rows) == 2
    assert secret not in stored and seed not in stored
    assert totp.instance.data["secret"].startswith("enc1:")
