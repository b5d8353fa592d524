# Two-factor secrets stored before the encrypting MFA adapter (cocora.core.mfa) are encrypted in
# place; the adapter refuses to read anything that is not encrypted.

from django.db import migrations

TOTP = "totp"
RECOVERY_CODES = "recovery_codes"


def _convert_data(data, convert, wanted):
    changed = False
    for key in ("secret", "seed"):
        value = data.get(key)
        if isinstance(value, str) and wanted(value):
            data[key] = convert(value)
            changed = True
    codes = data.get("migrated_codes")
    if isinstance(codes, list):
        new_codes = [convert(c) if isinstance(c, str) and wanted(c) else c for c in codes]
        if new_codes != codes:
            data["migrated_codes"] = new_codes
            changed = True
    return changed


def _convert(apps, schema_editor, *, wanted, convert):
    Authenticator = apps.get_model("mfa", "Authenticator")
    authenticators = Authenticator.objects.using(schema_editor.connection.alias).filter(
        type__in=[TOTP, RECOVERY_CODES]
    )
    for authenticator in authenticators.iterator():
        data = dict(authenticator.data or {})
        if _convert_data(data, convert, wanted):
            authenticators.filter(pk=authenticator.pk).update(data=data)


def encrypt_existing(apps, schema_editor):
    from cocora.core import crypto

    _convert(
        apps,
        schema_editor,
        wanted=lambda value: not crypto.is_encrypted(value),
        convert=crypto.encrypt,
    )


def decrypt_existing(apps, schema_editor):
    from cocora.core import crypto

    _convert(apps, schema_editor, wanted=crypto.is_encrypted, convert=crypto.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
