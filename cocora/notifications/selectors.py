"""Reads of the delivery log for the admins' deliveries page, and of a person's in-app
notifications."""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.http import Http404

from cocora.organisations.models import Organisation

from .models import Delivery, FailingAddress, Notification


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


def notification_list(
    *, organisation: Organisation, user: Any, unread_only: bool = False
) -> QuerySet[Notification]:
    """A person's own notifications in the organisation, newest first: one query."""
    notifications = Notification.objects.for_org(organisation).filter(recipient_id=user.pk)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def notification_get(
    *, organisation: Organisation, user: Any, notification_id: Any
) -> Notification:
    """One of the person's own notifications; 404 for anyone else's (or another organisation's)."""
    notification = (
        notification_list(organisation=organisation, user=user).filter(pk=notification_id).first()
    )
    if notification is None:
        raise Http404
    return notification


def unread_count_subquery(
    *, organisation_field: str = "organisation_id", user_field: str = "user_id"
) -> Subquery:
    """The number of a member's unread notifications, as a subquery of a Membership query: the
    header shows it without a query of its own."""
    unread = (
        Notification.objects.filter(
            organisation_id=OuterRef(organisation_field),
            recipient_id=OuterRef(user_field),
            read_at__isnull=True,
        )
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(unread, output_field=IntegerField())
