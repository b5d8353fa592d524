"""Model fields whose values are encrypted at rest (see cocora.core.crypto).

The column holds `enc1:<fernet token>` in a text column; Python code sees the plaintext. An empty
string stays an empty string, so that an unused `blank=True` field costs nothing and
`exclude(email="")` still works. Every encryption of the same text gives a different token, so
the database cannot compare values: filtering on anything but emptiness raises a FieldError
instead of silently matching nothing.
"""

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Lookup, Transform
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

from . import crypto

_LOOKUP_HELP = (
    "The encrypted field %(field)s cannot be used in the lookup '%(lookup)s': its stored values "
    "are random tokens. Only emptiness can be queried (%(name)s='' or %(name)s__isnull); filter "
    "on another field and compare in Python instead."
)


class EmptyOnlyExact(Exact):
    """`field=''` (and `field=None`) are the only exact matches an encrypted column can answer:
    the empty string is stored as it is."""

    def get_prep_lookup(self) -> Any:
        if hasattr(self.rhs, "resolve_expression") or self.rhs not in ("", None):
            field = self.lhs.output_field
            raise FieldError(
                _LOOKUP_HELP
                % {"field": _label(field), "lookup": "exact", "name": getattr(field, "name", "")}
            )
        return super().get_prep_lookup()


def _label(field: Any) -> str:
    model = getattr(field, "model", None)
    name = getattr(field, "name", None) or "?"
    return f"{model._meta.label}.{name}" if model is not None else name


class EncryptedFieldMixin(models.Field):  # type: ignore[type-arg]
    """Encrypts on the way into the database and decrypts on the way out."""

    def get_internal_type(self) -> str:
        # A token is much longer than its plaintext: always a text column, whatever max_length
        # says (max_length still limits the plaintext, in forms and in full_clean()).
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value)
        except crypto.DecryptionError as error:
            raise crypto.DecryptionError(f"{_label(self)}: {error}") from None

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EmptyOnlyExact
        raise FieldError(
            _LOOKUP_HELP % {"field": _label(self), "lookup": lookup_name, "name": self.name}
        )

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        raise FieldError(
            _LOOKUP_HELP % {"field": _label(self), "lookup": lookup_name, "name": self.name}
        )


class EncryptedTextField(EncryptedFieldMixin, models.TextField):  # type: ignore[type-arg]
    """A TextField encrypted at rest. Not usable in lookups other than emptiness."""


class EncryptedCharField(EncryptedFieldMixin, models.CharField):  # type: ignore[type-arg]
    """A CharField encrypted at rest: max_length limits the plaintext (forms, full_clean), the
    column is text. Not usable in lookups other than emptiness."""


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedCharField)


def stored_value(field_name: str) -> Cast:
    """An expression for the token as stored, not decrypted: for key rotation and checks.

    Model.objects.annotate(raw=stored_value("email")).values_list("pk", "raw")
    """
    return Cast(field_name, output_field=models.TextField())
