"""The facts of an organisation's data protection, in plain words, for the people they are about:
what is kept about young people and for how long, who in the organisation sees what, which
partners receive what and on which basis, how to ask for a copy or erasure, and whom to ask.

One selector builds them (`cocora.privacy.selectors.transparency_facts`); the public
transparency page, the printable consent form and the API all show that one structure, so that
they cannot contradict each other. Everything comes from the organisation's real settings: its
retention periods, the permission map, its contact details, and what the domain apps register
here from their own data (usually in their privacy_providers.py, so that the core imports none
of them):

- `kept(*, organisation) -> list[KeptItem]`: what the app keeps about a young person;
- `sharing(*, organisation, today) -> list[PartnerSharing]`: who outside the organisation may
  receive what today, and on which basis.

Texts are translated when the facts are built: build them in the reader's language.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import Role

from .models import RecordType


@dataclass(frozen=True)
class KeptItem:
    """One kind of information kept about a young person, and the record type whose retention
    period applies to it ("" where none does: e.g. deleted when a consent is withdrawn)."""

    what: str
    record_type: str
    only_with_consent: bool = False


@dataclass(frozen=True)
class RetentionFact:
    record_type: str
    what: str
    period: str
    counted_from: str


@dataclass(frozen=True)
class AccessFact:
    """Who in the organisation sees one kind of information (from the permission map)."""

    action: str
    roles: list[str]
    sentence: str


@dataclass(frozen=True)
class PartnerSharing:
    """What one partner organisation may receive today: without asking each time (the
    agreement allows it) and only with the young person's (or a guardian's) consent."""

    partner: str
    kind: str
    purpose: str
    allowed: list[str]
    with_consent: list[str]


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str
    address: str
    supervisory_authority: str

    @property
    def given(self) -> bool:
        return bool(self.name or self.email or self.phone or self.address)


@dataclass(frozen=True)
class TransparencyFacts:
    organisation: str
    slug: str
    digital_consent_age: int
    kept: list[KeptItem]
    # "religion, ethnicity or any kind of risk rating"
    never_kept: str
    retention: list[RetentionFact]
    access: list[AccessFact]
    # Roles that never see a young person's record.
    no_access: str
    partners: list[PartnerSharing]
    # Who may share without the usual basis when someone's safety is at risk (with a reason).
    emergency_sharing_by: str
    # Who acts on requests for a copy or erasure.
    requests_handled_by: str
    contact: Contact


# What the platform never records, by design (docs/data-protection.md).
NEVER_KEPT = (_("religion"), _("ethnicity"), _("any kind of risk rating"))

# Each record type in words a young person understands.
RECORD_TYPE_WORDS: dict[str, Any] = {
    RecordType.PARTICIPANTS: _("Your record (the things listed above)"),
    RecordType.SESSION_LOGS: _("Notes about how a session went for the group"),
    RecordType.AUDIT_EVENTS: _("The log of who opened or changed a record"),
    RecordType.EXPORTS: _("Files we make, such as a list or a copy of your data"),
}

ROLE_PLURALS = {
    Role.ADMIN: _("admins"),
    Role.COORDINATOR: _("coordinators"),
    Role.TRAINER: _("trainers"),
    Role.AMBASSADOR: _("ambassadors"),
    Role.PARTNER: _("contacts at partner organisations"),
}

# Who sees what, read from the permission map: (action, the sentence naming the roles that have
# it). Changing the map changes the page.
ACCESS_ACTIONS = (
    (
        "participants.view",
        _(
            "%(who)s see your record: your name, code, year of birth, contact details, "
            "consents and groups."
        ),
    ),
    (
        "attendance.record",
        _(
            "%(who)s see who came to each session and the notes about the group. Trainers see "
            "this only for the groups they run."
        ),
    ),
    ("privacy.manage", _("%(who)s deal with requests for a copy of your data or to erase it.")),
)

KeptProvider = Callable[..., list[KeptItem]]
SharingProvider = Callable[..., list[PartnerSharing]]
kept_providers: dict[str, KeptProvider] = {}
sharing_providers: dict[str, SharingProvider] = {}


def register(
    name: str, *, kept: KeptProvider | None = None, sharing: SharingProvider | None = None
) -> None:
    """Registers (or replaces, on a reload) what the app called `name` adds to the facts."""
    if kept is not None:
        kept_providers[name] = kept
    if sharing is not None:
        sharing_providers[name] = sharing


def words_and(words: list[str]) -> str:
    """ "a, b and c" in the reader's language."""
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def words_or(words: list[str]) -> str:
    """ "a, b or c" in the reader's language."""
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s or %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def roles_in_words(roles: list[str] | frozenset[Role]) -> str:
    """ "admins and coordinators": the roles in the order of Role, in the reader's language."""
    return words_and([str(ROLE_PLURALS[role]) for role in Role if role in roles])


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
