"""Writes to an organisation's questionnaires: its own copy of a built-in one, and rewording."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from ..instruments import builtin, languages
from ..models import Instrument, Item, ItemKind

ITEM_TEXT_MAX_CHARS = 300


@transaction.atomic
def instrument_ensure(*, organisation: Organisation, kind: str) -> Instrument:
    """The organisation's copy of the built-in questionnaire `kind`, made on first use with the
    built-in wording in every language."""
    instrument, created = Instrument.objects.for_org(organisation).get_or_create(
        organisation=organisation, kind=kind
    )
    if not created:
        return instrument
    texts: dict[str, dict[str, str]] = {}
    for language in languages():
        data = builtin(kind, language)
        for scale in data["scales"]:
            for item in scale["items"]:
                texts.setdefault(item["key"], {})[language] = item["text"]
        for item in data["open"]:
            texts.setdefault(item["key"], {})[language] = item["text"]
    english = builtin(kind, "en")
    rows = [
        Item(
            organisation=organisation,
            instrument=instrument,
            key=item["key"],
            kind=ItemKind.AGREEMENT,
            scale=scale["key"],
            reverse=item["reverse"],
            texts=texts[item["key"]],
        )
        for scale in english["scales"]
        for item in scale["items"]
    ] + [
        Item(
            organisation=organisation,
            instrument=instrument,
            key=item["key"],
            kind=ItemKind.OPEN,
            texts=texts[item["key"]],
        )
        for item in english["open"]
    ]
    for position, row in enumerate(rows, start=1):
        row.position = position
    Item.objects.bulk_create(rows)
    return instrument


@transaction.atomic
def item_reword(
    *, organisation: Organisation, item: Item, texts: dict[str, str], actor: Any = None
) -> Item:
    """Changes an item's wording (answered items too: the meaning must stay the same, which the
    page asks of the coordinator). Audited with the old and the new words."""
    if item.organisation_id != organisation.pk:
        raise ApplicationError(_("This question belongs to another organisation."))
    cleaned = {}
    for language in languages():
        text = " ".join(str(texts.get(language, "")).split())
        if len(text) > ITEM_TEXT_MAX_CHARS:
            raise ApplicationError(
                _("Keep a question under %(limit)s characters.") % {"limit": ITEM_TEXT_MAX_CHARS},
                field=f"text_{language}",
            )
        if text:
            cleaned[language] = text
    if "en" not in cleaned:
        raise ApplicationError(_("The English wording cannot be empty."), field="text_en")
    changed = {
        language: {"from": item.texts.get(language, ""), "to": text}
        for language, text in cleaned.items()
        if item.texts.get(language, "") != text
    }
    if not changed and set(item.texts) == set(cleaned):
        return item
    item.texts = cleaned
    item.save(update_fields=["texts"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="evaluation.item_reworded",
        target=item,
        details={"key": item.key, "changes": changed},
    )
    return item


@transaction.atomic
def item_delete(*, organisation: Organisation, item: Item, actor: Any = None) -> None:
    """Removes a question nobody has answered yet. An answered one stays: deleting it would
    silently change what a scale's earlier scores mean."""
    if item.organisation_id != organisation.pk:
        raise ApplicationError(_("This question belongs to another organisation."))
    if item.answers.exists():
        raise ApplicationError(
            _(
                "This question has been answered, so it stays: removing it would change what "
                "earlier scores mean. You can still reword it."
            ),
            code="conflict",
        )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="evaluation.item_deleted",
        target=item,
        details={"key": item.key, "texts": item.texts},
    )
    item.delete()
