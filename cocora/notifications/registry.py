"""Where apps register reminder rules, so that the core sends every app's reminders without
importing any domain app.

An app's `reminders.py` calls `register(Rule(...))`; the modules are discovered when the app
registry is ready (`NotificationsConfig.ready`). A rule has three functions, all called with
keyword arguments inside the organisation's transaction and time zone:

- `plan(*, organisation, now) -> Iterable[Intended]`: what is due now. Called every planning
  run (every 15 minutes); it may return the same intended emails again and again: each becomes
  one `Delivery` row, once, keyed by (rule, object, occasion, recipient).
- `compose(*, organisation, delivery) -> EmailContent`: the words of one email, from
  `delivery.context` (captured by `plan`) without queries, inside the recipient's language.
- `still_wanted(*, organisation, deliveries, now) -> set[int]`: called again just before
  sending a chunk; returns the ids of the deliveries that should still go out (consent still
  active, session not cancelled or moved, not too late). The others are skipped.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The words of an email are the core's (every email shares one layout); apps import them here.
from cocora.core.emails import EmailContent as EmailContent
from cocora.core.emails import Section as Section

Plan = Callable[..., Iterable["Intended"]]
Compose = Callable[..., "EmailContent"]
StillWanted = Callable[..., set[int]]


@dataclass(frozen=True)
class Intended:
    """One email a rule wants sent. `occasion` tells repeated emails about the same object
    apart (a session's start time, a digest's ISO week)."""

    object_type: str
    object_id: str | int
    occasion: str
    recipient_kind: str
    email: str
    language: str
    user_id: int | None = None
    participant_id: int | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    name: str  # unique, "<app>.<rule>"
    kind: str  # what an unsubscribe turns off; several rules may share a kind
    label: Any  # readable name (lazy translation) for the deliveries page and unsubscribe page
    plan: Plan
    compose: Compose
    still_wanted: StillWanted | None = None


rules: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Registers (or replaces, on a reload) the rule of that name."""
    rules[rule.name] = rule
    return rule


def rule_get(name: str) -> Rule | None:
    return rules.get(name)


def kind_labels() -> dict[str, Any]:
    return {rule.kind: rule.label for rule in rules.values()}
