"""How much text a field holds, and which characters a name may not hold. One place for both.

Every free-text field of the models takes its maximum from `TextLimit`; names and titles carry
`validate_name`. `TextCheckedModel.save()` applies both to every write, whatever form, API
serializer or service it came through, and refuses with an ApplicationError on the field, which
pages show on the form and the API answers as a 400 (docs/api.md).
"""

import unicodedata
from enum import IntEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError


class TextLimit(IntEnum):
    """Maxima in characters. Far above what a person writes in the field, far below what fills
    a database or a PDF by accident (a pasted book)."""

    # A name, a title.
    NAME = 200
    # A few sentences: a programme's summary, an address, the purpose of an agreement, a note.
    SHORT = 2_000
    # A page: a session log's parts, a reflection, what was agreed at a meeting.
    LONG = 10_000
    # A chapter of a handbook: a module's or an activity's Markdown.
    DOCUMENT = 50_000


# Characters that change the direction of the text around them or take no space: a name holding
# one can show as something else than what it is ("evil" + U+202E + "gpj.exe" reads as
# "evilexe.jpg") or look like another name it is not. Every format character (category Cf:
# direction marks and overrides, zero-width space, byte order mark, soft hyphen, tag
# characters…), every control and line or paragraph separator is refused, and so are the
# blank letters and joiners that are not format characters.
INVISIBLE_CHARACTERS = frozenset(
    [
        0x034F,  # combining grapheme joiner
        0x115F,  # Hangul choseong filler
        0x1160,  # Hangul jungseong filler
        0x180E,  # Mongolian vowel separator
        0x3164,  # Hangul filler
        0xFFA0,  # halfwidth Hangul filler
    ]
)
REFUSED_CATEGORIES = frozenset(["Cc", "Cf", "Zl", "Zp"])
# The zero-width non-joiner and joiner are part of how names are spelt in Persian, Kurdish and
# several Indic scripts (and of emoji sequences): allowed between two visible characters.
JOINERS = frozenset([0x200C, 0x200D])


def _visible(character: str) -> bool:
    return unicodedata.category(character)[0] in "LMNSP"


def invisible_character(value: str) -> str | None:
    """The first invisible, direction-changing or control character of `value`, as U+XXXX."""
    for index, character in enumerate(value):
        code = ord(character)
        if code in JOINERS:
            if (
                0 < index < len(value) - 1
                and _visible(value[index - 1])
                and _visible(value[index + 1])
            ):
                continue
            return f"U+{code:04X}"
        if code in INVISIBLE_CHARACTERS or unicodedata.category(character) in REFUSED_CATEGORIES:
            return f"U+{code:04X}"
    return None


def validate_name(value: Any) -> None:
    """Refuses a name or title that holds an invisible, direction-changing or control
    character (U+202E, zero-width characters, a byte order mark, a line break…)."""
    if isinstance(value, str) and (code := invisible_character(value)) is not None:
        raise ValidationError(
            _(
                "Remove the invisible or direction-changing character (%(character)s) from this "
                "name: it can make the name show as something it is not."
            ),
            code="invisible_character",
            params={"character": code},
        )


def validate_text_length(field: models.Field, value: Any) -> None:  # type: ignore[type-arg]
    limit = field.max_length
    if isinstance(value, str) and limit is not None and len(value) > limit:
        raise ValidationError(
            _("This is %(length)s characters long; at most %(limit)s fit here."),
            code="max_length",
            params={
                "length": number_format(len(value), force_grouping=True),
                "limit": number_format(limit, force_grouping=True),
            },
        )


def text_value_check(
    field: models.Field,  # type: ignore[type-arg]
    value: Any,
    *,
    label: Any = None,
    form_field: str | None = None,
) -> None:
    """Raises ApplicationError when `value` is too long for the model field `field`, or is a
    name that holds a character it may not. `label` and `form_field` name the place the person
    filled in, where that is not the model field itself (one row of a matrix)."""
    try:
        validate_text_length(field, value)
        if validate_name in field.validators:
            validate_name(value)
    except ValidationError as error:
        message = error.message % error.params if error.params else error.message
        raise ApplicationError(
            gettext("%(field)s: %(problem)s")
            % {"field": str(label or field.verbose_name).capitalize(), "problem": message},
            field=form_field or field.name,
        ) from None


def text_check(instance: models.Model) -> None:
    """Raises ApplicationError for the first text field of `instance` that is too long or a
    name that holds a character it may not. No query."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            text_value_check(field, getattr(instance, field.attname))


class TextCheckedModel(models.Model):
    """A model whose text fields are checked on every save (see the module's docstring).
    `bulk_create` and `update()` skip save(): their callers check rows themselves."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        text_check(self)
        super().save(*args, **kwargs)
