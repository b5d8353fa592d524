"""Where apps register what they hold about people, so that the core can export, erase and
apply retention without importing any domain app.

An app's `privacy_providers.py` calls `register(name, ...)` with any of four functions, all
called with keyword arguments inside the organisation's transaction:

- `subject_export(*, organisation, subject) -> dict`: the app's sections of a person's export
  (JSON-ready values only). Return `{}` for a subject the app knows nothing about.
- `subject_erase(*, organisation, subject, actor) -> dict[str, int]`: anonymise the person and
  remove their free text and contact data from the app's records; returns counts by kind.
- `retention_due(*, organisation, policies, now) -> dict[str, int]`: how many records of each
  record type the next run would anonymise or delete (a preview: changes nothing).
- `retention_apply(*, organisation, policies, now) -> dict[str, int]`: do it; returns the same
  counts as the preview would have.

`policies` maps each record type to a `cocora.privacy.periods.RetentionPeriod`. A subject is a
tenant row (an OrgScopedModel) with a pseudonymous `code`. Providers are discovered when the app
registry is ready (`PrivacyConfig.ready`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import Organisation

from .periods import RetentionPeriod


class SubjectExport(Protocol):
    def __call__(self, *, organisation: Organisation, subject: Any) -> dict[str, Any]: ...


class SubjectErase(Protocol):
    def __call__(
        self, *, organisation: Organisation, subject: Any, actor: Any
    ) -> dict[str, int]: ...


class RetentionCounter(Protocol):
    def __call__(
        self,
        *,
        organisation: Organisation,
        policies: Mapping[str, RetentionPeriod],
        now: datetime,
    ) -> dict[str, int]: ...


@dataclass(frozen=True)
class Provider:
    name: str
    subject_export: SubjectExport | None = None
    subject_erase: SubjectErase | None = None
    retention_due: RetentionCounter | None = None
    retention_apply: RetentionCounter | None = None
    # Readable names of the keys that subject_erase counts, for the erasure log.
    count_labels: Mapping[str, Any] = field(default_factory=dict)


providers: dict[str, Provider] = {}
# Counts that the core itself adds to every erasure.
CORE_COUNT_LABELS: dict[str, Any] = {"admin_history_scrubbed": _("admin history entries scrubbed")}


def register(
    name: str,
    *,
    subject_export: SubjectExport | None = None,
    subject_erase: SubjectErase | None = None,
    retention_due: RetentionCounter | None = None,
    retention_apply: RetentionCounter | None = None,
    count_labels: Mapping[str, Any] | None = None,
) -> Provider:
    """Registers (or replaces, on a reload) the provider called `name`."""
    if (retention_due is None) != (retention_apply is None):
        # A preview that the run does not follow (or the reverse) would mislead the admins.
        raise ValueError(f"Provider {name!r}: give both retention_due and retention_apply.")
    provider = Provider(
        name=name,
        subject_export=subject_export,
        subject_erase=subject_erase,
        retention_due=retention_due,
        retention_apply=retention_apply,
        count_labels=dict(count_labels or {}),
    )
    providers[name] = provider
    return provider


def merge_counts(total: dict[str, int], part: Mapping[str, int]) -> dict[str, int]:
    for key, value in part.items():
        total[str(key)] = total.get(str(key), 0) + int(value)
    return total


def count_label(key: str) -> Any:
    """The readable name of an erasure count, as a provider registered it (else the key)."""
    if key in CORE_COUNT_LABELS:
        return CORE_COUNT_LABELS[key]
    for provider in providers.values():
        if key in provider.count_labels:
            return provider.count_labels[key]
    return key


def each_provider(attribute: str) -> list[tuple[str, Callable[..., Any]]]:
    """The providers that implement `attribute`, in registration order."""
    return [
        (provider.name, function)
        for provider in providers.values()
        if (function := getattr(provider, attribute)) is not None
    ]
