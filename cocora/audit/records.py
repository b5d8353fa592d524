"""How audit lines name the records they are about: the kind of record (the model's verbose
name), a short label and, where the viewer may open it, a link to its page.

A domain app's `audit_records.py` registers its models with `register_record`, discovered when
the app registry is ready, so that the core imports no domain app. A model nobody registered
reads as its verbose name and id, without a link.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from cocora.organisations.models import Membership, Organisation
from cocora.organisations.permissions import can

from .labels import action_label
from .models import AuditEvent


@dataclass(frozen=True)
class RecordKind:
    # What `label` and `url` read from related rows, fetched in the one query per kind.
    related: tuple[str, ...] = ()
    label: Callable[[Any], str] = str
    # The record's page: (organisation slug, record) -> path, shown to viewers with `permission`.
    # A role-wide permission is enough: audit lines are shown only to admins and coordinators,
    # who are never limited to some cohorts as trainers are.
    url: Callable[[str, Any], str] | None = None
    permission: str = ""


_kinds: dict[str, RecordKind] = {}


def register_record(model_label: str, kind: RecordKind) -> None:
    _kinds[model_label] = kind


def page(url_name: str, kwarg: str, attribute: str = "pk") -> Callable[[str, Any], str]:
    """A record's page named `url_name`, taking the record's `attribute` as `kwarg`."""

    def url(org_slug: str, record: Any) -> str:
        return reverse(url_name, kwargs={"org_slug": org_slug, kwarg: getattr(record, attribute)})

    return url


@dataclass
class EventRow:
    """One audit line as people read it."""

    event: AuditEvent
    what: str
    record_kind: str = ""
    record_label: str = ""
    record_url: str | None = None


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _records(organisation: Organisation, model: Any, kind: RecordKind, ids: set[str]) -> dict:
    if model is Organisation:
        # The only record outside the tenant tables an organisation's trail names: itself.
        return {str(organisation.pk): organisation} if str(organisation.pk) in ids else {}
    pks = set()
    for raw in ids:
        try:
            pks.add(model._meta.pk.to_python(raw))
        except ValidationError:
            continue
    rows = model.objects.for_org(organisation).select_related(*kind.related).filter(pk__in=pks)
    return {str(row.pk): row for row in rows}


def describe_events(
    events: Iterable[AuditEvent], *, organisation: Organisation, membership: Membership | None
) -> list[EventRow]:
    """Audit lines with readable wording and linked records. One query per kind of record on
    the page (never per line), so a page costs the same for 5 lines as for 50."""
    events = list(events)
    ids_by_type: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.target_type:
            ids_by_type[event.target_type].add(event.target_id)
    found: dict[str, dict] = {}
    for target_type, ids in ids_by_type.items():
        model, kind = _model(target_type), _kinds.get(target_type)
        if model is not None and kind is not None:
            found[target_type] = _records(organisation, model, kind, ids)
    rows = []
    for event in events:
        row = EventRow(event=event, what=action_label(event.action))
        if event.target_type:
            model, kind = _model(event.target_type), _kinds.get(event.target_type)
            row.record_kind = (
                capfirst(str(model._meta.verbose_name))
                if model is not None
                else capfirst(event.target_type.rpartition(".")[2].replace("_", " "))
            )
            record = found.get(event.target_type, {}).get(event.target_id)
            if record is None or kind is None:
                row.record_label = (
                    gettext("#%(id)s, no longer held") % {"id": event.target_id}
                    if kind is not None
                    else f"#{event.target_id}"
                )
            else:
                row.record_label = kind.label(record)
                if kind.url is not None and can(membership, kind.permission):
                    row.record_url = kind.url(organisation.slug, record)
        rows.append(row)
    return rows
