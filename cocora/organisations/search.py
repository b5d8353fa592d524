"""The one search box: groups of results that domain apps register, so that the core searches
participants, cohorts, partners and ambassadors without importing any domain app.

An app's `search_groups.py` calls `register(SearchGroup(...))`; the modules are discovered when
the app registry is ready. A group shows only to roles that the permission map allows for its
`permission`; its `search` narrows further (a trainer's cohorts). A group whose hits are people's
records (`audit_action`) leaves one audit line per record shown, as opening the record would.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet

from .models import Membership, Organisation
from .permissions import can

# How many hits of each group the results page shows before its "more…" link.
HITS_PER_GROUP = 5
QUERY_MAX = 100
QUERY_MIN = 2


@dataclass(frozen=True)
class Hit:
    """One result: what it is called, a line about it, where it is."""

    title: str
    detail: str
    url: str
    obj: Any = None


@dataclass(frozen=True)
class SearchGroup:
    key: str  # unique, used in the query string (`in=`) and the API
    label: Any  # readable name (lazy translation)
    permission: str
    order: int
    # (*, organisation, membership, query) -> the matching objects, ordered.
    search: Callable[..., QuerySet[Any]]
    # (obj, *, organisation, membership) -> Hit, without queries of its own.
    hit: Callable[..., Hit]
    audit_action: str = ""


groups: dict[str, SearchGroup] = {}


def register(group: SearchGroup) -> SearchGroup:
    groups[group.key] = group
    return group


def groups_for(membership: Membership) -> list[SearchGroup]:
    """The groups this member may search, in their order."""
    return sorted(
        (g for g in groups.values() if can(membership, g.permission)), key=lambda g: g.order
    )


def clean_query(raw: str) -> str:
    """The query as searched: trimmed and capped; too short a query searches nothing."""
    query = " ".join((raw or "").split())[:QUERY_MAX]
    return query if len(query) >= QUERY_MIN else ""


@dataclass
class GroupResult:
    group: SearchGroup
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


def search_matches(
    *, organisation: Organisation, membership: Membership, group: SearchGroup, query: str
) -> QuerySet[Any]:
    return group.search(organisation=organisation, membership=membership, query=query)


def search_hits(
    *,
    organisation: Organisation,
    membership: Membership,
    group: SearchGroup,
    objects: Any,
    actor: Any,
) -> list[Hit]:
    """The hits of objects about to be shown; records of people leave their audit lines."""
    objects = list(objects)
    if group.audit_action and objects:
        from cocora.audit.services import audit_record_many

        audit_record_many(
            organisation=organisation,
            actor=actor,
            action=group.audit_action,
            targets=[(obj, {"via": "search"}) for obj in objects if isinstance(obj, Model)],
        )
    return [group.hit(obj, organisation=organisation, membership=membership) for obj in objects]


def search_run(
    *, organisation: Organisation, membership: Membership, query: str, actor: Any
) -> list[GroupResult]:
    """The first hits of every group the member may search (one query per group, and one
    audit insert for the people shown), each with whether there are more."""
    results = []
    for group in groups_for(membership):
        found = list(
            search_matches(
                organisation=organisation, membership=membership, group=group, query=query
            )[: HITS_PER_GROUP + 1]
        )
        results.append(
            GroupResult(
                group=group,
                hits=search_hits(
                    organisation=organisation,
                    membership=membership,
                    group=group,
                    objects=found[:HITS_PER_GROUP],
                    actor=actor,
                ),
                more=len(found) > HITS_PER_GROUP,
            )
        )
    return results
