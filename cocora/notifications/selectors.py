"""Reads of the delivery log for the admins' deliveries page."""

from django.db.models import Count, QuerySet

from cocora.organisations.models import Organisation

from .models import Delivery, FailingAddress


def delivery_list(
    *, organisation: Organisation, status: str = "", kind: str = "", recipient_kind: str = ""
) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.for_org(organisation)
    if status:
        deliveries = deliveries.filter(status=status)
    if kind:
        deliveries = deliveries.filter(kind=kind)
    if recipient_kind:
        deliveries = deliveries.filter(recipient_kind=recipient_kind)
    return deliveries.order_by("-created_at", "-pk")


def delivery_status_counts(*, organisation: Organisation) -> dict[str, int]:
    """One query: how many deliveries are in each status."""
    rows = (
        Delivery.objects.for_org(organisation).order_by().values("status").annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in rows}


def failing_address_list(*, organisation: Organisation) -> QuerySet[FailingAddress]:
    return FailingAddress.objects.for_org(organisation).order_by("-last_failed_at")
