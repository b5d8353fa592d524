"""Reads of the partner directory: the list with its filters, a partner's page, agreements."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from cocora.audit.selectors import audit_events_for
from cocora.organisations.models import Organisation

from ..models import (
    DEFAULT_MATRIX,
    Agreement,
    Disclosure,
    InformationClass,
    IntegrityCheck,
    PartnerContact,
    PartnerOrganisation,
    SharingRule,
)
from ..services.checks import CheckState, PartnerCheckStatus, check_status, organisation_today
from .collaboration import partner_activity_queryset

# A review within this many days shows as "due soon" in the directory.
REVIEW_SOON = timedelta(days=60)


class ReviewFilter:
    OVERDUE = "overdue"  # never checked, not passed, or past the review date
    SOON = "soon"
    OK = "ok"
    CHOICES = (OVERDUE, SOON, OK)


@dataclass
class PartnerRow:
    partner: PartnerOrganisation
    status: PartnerCheckStatus
    today: date

    @property
    def review_soon(self) -> bool:
        check = self.status.check
        return (
            self.status.state == CheckState.PASSED
            and check is not None
            and check.next_review_on <= self.today + REVIEW_SOON
        )

    @property
    def review_state(self) -> str:
        if self.status.state != CheckState.PASSED:
            return ReviewFilter.OVERDUE
        return ReviewFilter.SOON if self.review_soon else ReviewFilter.OK


def _latest_checks(organisation: Organisation, partner_ids: list[int]) -> dict[int, IntegrityCheck]:
    """The latest check of each partner, in one query."""
    latest = (
        IntegrityCheck.objects.for_org(organisation)
        .filter(partner=OuterRef("partner"))
        .order_by("-checked_on", "-pk")
        .values("pk")[:1]
    )
    checks = (
        IntegrityCheck.objects.for_org(organisation)
        .filter(partner_id__in=partner_ids)
        .annotate(latest_pk=Subquery(latest))
        .select_related("reviewer")
    )
    return {c.partner_id: c for c in checks if c.pk == c.latest_pk}


def partner_queryset(
    *, organisation: Organisation, kind: str = "", status: str = ""
) -> QuerySet[PartnerOrganisation]:
    """Partners by name, with their numbers of contacts and agreements: one query."""
    partners: QuerySet[PartnerOrganisation] = PartnerOrganisation.objects.for_org(organisation)
    if kind:
        partners = partners.filter(kind=kind)
    if status:
        partners = partners.filter(status=status)
    return partners.annotate(
        contact_count=Count("contacts", distinct=True),
        agreement_count=Count("agreements", distinct=True),
    ).order_by("name", "pk")


def partner_get(*, organisation: Organisation, partner_id: int) -> PartnerOrganisation | None:
    return PartnerOrganisation.objects.for_org(organisation).filter(pk=partner_id).first()


def partner_rows(
    *,
    organisation: Organisation,
    partners: Iterable[PartnerOrganisation],
    today: date | None = None,
) -> list[PartnerRow]:
    """Each partner with what its latest check means today: one query for all their checks."""
    today = today or organisation_today(organisation)
    partners = list(partners)
    checks = _latest_checks(organisation, [p.pk for p in partners])
    return [
        PartnerRow(partner=p, status=check_status(checks.get(p.pk), today=today), today=today)
        for p in partners
    ]


def partner_list(
    *,
    organisation: Organisation,
    kind: str = "",
    status: str = "",
    review: str = "",
    today: date | None = None,
) -> list[PartnerRow]:
    """The directory with its filters: two queries whatever the number of partners (partners
    with their counts, and their latest checks)."""
    partners = partner_queryset(organisation=organisation, kind=kind, status=status)
    rows = partner_rows(organisation=organisation, partners=partners, today=today)
    if review in ReviewFilter.CHOICES:
        rows = [r for r in rows if r.review_state == review]
    return rows


def partner_ids_in_review_state(*, organisation: Organisation, review: str) -> list[int]:
    """The partners whose review is overdue, due soon or fine (ReviewFilter): two queries. The
    same judgement as the directory's filter, so that the API's filter cannot drift from it."""
    return [row.partner.pk for row in partner_list(organisation=organisation, review=review)]


@dataclass
class MatrixRow:
    information_class: str
    label: str
    level: str
    level_label: str
    purpose: str
    named: bool


def matrix_from_rules(rules: Iterable[SharingRule]) -> list[MatrixRow]:
    """Every information class with its level, in the order of InformationClass: the strict
    defaults where an agreement has no rule for a class. No query of its own, so that a list
    of agreements can pass each one's prefetched rules."""
    from ..models import NAMED_CLASSES, SharingLevel

    by_class = {r.information_class: r for r in rules}
    rows = []
    for information_class in InformationClass:
        rule = by_class.get(information_class.value)
        level = rule.level if rule else str(DEFAULT_MATRIX[information_class])
        rows.append(
            MatrixRow(
                information_class=information_class.value,
                label=str(information_class.label),
                level=level,
                level_label=str(SharingLevel(level).label),
                purpose=rule.purpose if rule else "",
                named=information_class in NAMED_CLASSES,
            )
        )
    return rows


def matrix_rows(*, organisation: Organisation, agreement: Agreement | None) -> list[MatrixRow]:
    """Every information class with its level: the strict defaults where nothing is set."""
    rules: list[SharingRule] = []
    if agreement is not None:
        rules = list(SharingRule.objects.for_org(organisation).filter(agreement=agreement))
    return matrix_from_rules(rules)


def agreement_queryset(*, organisation: Organisation) -> QuerySet[Agreement]:
    """Agreements with their sharing rules: two queries whatever their number."""
    return (
        Agreement.objects.for_org(organisation)
        .prefetch_related(
            Prefetch("rules", queryset=SharingRule.objects.for_org(organisation).order_by("pk"))
        )
        .order_by("partner__name", "pk")
    )


def integrity_check_queryset(
    *, organisation: Organisation, partner: PartnerOrganisation | None = None
) -> QuerySet[IntegrityCheck]:
    """Checks, the latest first, with their reviewers: one query."""
    checks = IntegrityCheck.objects.for_org(organisation).select_related("reviewer")
    if partner is not None:
        checks = checks.filter(partner=partner)
    return checks.order_by("-checked_on", "-pk")


def agreement_for(*, organisation: Organisation, partner: PartnerOrganisation) -> Agreement | None:
    return Agreement.objects.for_org(organisation).filter(partner=partner).first()


def partner_detail(*, organisation: Organisation, partner: PartnerOrganisation) -> dict[str, Any]:
    """Everything a partner's page shows: contacts, agreement and matrix, checks, the
    activities it took part in, disclosures made to it, and the history of the record. The
    state of its checks is the page's to read: it rests on the latest check, which the first
    page of checks holds already."""
    today = organisation_today(organisation)
    agreement = agreement_for(organisation=organisation, partner=partner)
    return {
        "contacts": list(
            PartnerContact.objects.for_org(organisation)
            .filter(partner=partner)
            .select_related("user")
            .order_by("name")
        ),
        "agreement": agreement,
        "matrix": matrix_rows(organisation=organisation, agreement=agreement),
        # The three lists that grow with the partnership, newest first, for the page to read
        # one page of each (the id breaks ties, so that pages neither repeat nor skip a row).
        "checks": integrity_check_queryset(organisation=organisation, partner=partner),
        "activities": partner_activity_queryset(organisation=organisation, partner=partner),
        "disclosures": Disclosure.objects.for_org(organisation)
        .filter(partner=partner)
        .select_related("participant", "disclosed_by")
        .order_by("-disclosed_at", "-pk"),
        "history": audit_events_for(organisation=organisation, target=partner),
        "today": today,
    }


def contacts_prefetch(organisation: Organisation) -> Prefetch:
    return Prefetch("contacts", queryset=PartnerContact.objects.for_org(organisation))


def partner_search(
    *, organisation: Organisation, membership: Any, query: str
) -> QuerySet[PartnerOrganisation]:
    """Partners whose name contains the query, by name: one query (the search box)."""
    return (
        PartnerOrganisation.objects.for_org(organisation)
        .filter(name__icontains=query)
        .order_by("name", "pk")
    )
