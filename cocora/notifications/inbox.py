"""Writes of in-app notifications: creating them for members (after the change that caused them
has committed) and marking them read. Other apps call `notification_create_after_commit`; see
docs/notifications.md."""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Membership, Organisation, Role

from .models import Notification, NotificationKind

logger = logging.getLogger(__name__)

# Who hears about things that need a coordinator's eye when the caller names nobody.
STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR)


def notification_create(
    *,
    organisation: Organisation,
    kind: str,
    recipient_ids: Iterable[int] = (),
    roles: Iterable[str] = (),
    context: Mapping[str, Any] | None = None,
    link: str = "",
    exclude_ids: Iterable[int] = (),
    within_roles: Iterable[str] = (),
    subject_participant_id: int | None = None,
) -> list[Notification]:
    """One notification for each member of the organisation named in `recipient_ids` or holding
    one of `roles`, except `exclude_ids` (the person who caused it); with `within_roles`, only
    those who hold one of them (a cohort's coordinator while they still coordinate). Someone who
    is not a member (any more) gets nothing. `subject_participant_id` names the participant
    whose name `context` holds, so that erasing them clears it. Two queries whatever the number
    of recipients."""
    if kind not in NotificationKind.values:
        raise ApplicationError(_("Unknown kind of notification."), field="kind")
    wanted = set(recipient_ids)
    roles = list(roles)
    members = Membership.objects.for_org(organisation)
    if wanted and roles:
        members = members.filter(user_id__in=wanted) | members.filter(role__in=roles)
    elif wanted:
        members = members.filter(user_id__in=wanted)
    elif roles:
        members = members.filter(role__in=roles)
    else:
        return []
    if within_roles:
        members = members.filter(role__in=list(within_roles))
    user_ids = sorted(
        set(members.exclude(user_id__in=list(exclude_ids)).values_list("user_id", flat=True))
    )
    return Notification.objects.bulk_create(
        Notification(
            organisation=organisation,
            recipient_id=user_id,
            kind=kind,
            context=dict(context or {}),
            link=link[:300],
            subject_participant_id=subject_participant_id,
        )
        for user_id in user_ids
    )


def notification_create_after_commit(*, organisation: Organisation, **kwargs: Any) -> None:
    """`notification_create` once the caller's transaction has committed, in a transaction of
    its own: a change that rolls back notifies nobody, and a notification that fails never
    undoes the change (it is logged). Same keyword arguments as `notification_create`."""
    organisation_id = organisation.pk

    def create() -> None:
        try:
            with org_context(organisation_id):
                notification_create(organisation=organisation, **kwargs)
        except Exception:
            logger.exception("Notification %s could not be created", kwargs.get("kind"))

    transaction.on_commit(create)


def notification_mark_read(
    *, organisation: Organisation, user: Any, notification: Notification
) -> Notification:
    """Marks one of the person's own notifications read (again is fine)."""
    if notification.organisation_id != organisation.pk or notification.recipient_id != user.pk:
        raise ApplicationError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, organisation: Organisation, user: Any) -> int:
    """Marks every unread notification of the person in the organisation read: one query.
    Returns how many were unread."""
    return (
        Notification.objects.for_org(organisation)
        .filter(recipient_id=user.pk, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
