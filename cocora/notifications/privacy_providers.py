"""What the email delivery log holds about a participant (or their guardian, reached through
the participant): an address and the words an email needed, such as a first name. Erasing the
person clears both and cancels what was still to be sent; the rows stay, with their kind and
status, so that the log's counts do not change. In-app notifications that name the person (an
ambassador's first name) lose the names they hold."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import Organisation
from cocora.privacy.registry import register

from .models import Delivery, DeliveryStatus, Notification

# The core imports no domain app: participants are recognised by their model's label.
PARTICIPANT_LABEL = "programmes.participant"


def delivery_erase(*, organisation: Organisation, subject: Any, actor: Any) -> dict[str, int]:
    if subject._meta.label_lower != PARTICIPANT_LABEL:
        return {}
    rows = Delivery.objects.for_org(organisation).filter(recipient_participant_id=subject.pk)
    cancelled = rows.filter(
        Q(status=DeliveryStatus.QUEUED) | Q(status=DeliveryStatus.FAILED)
    ).update(status=DeliveryStatus.SKIPPED, next_attempt_at=None, last_error="erased")
    cleared = rows.update(recipient_email="", address_hash="", context={})
    notifications = (
        Notification.objects.for_org(organisation)
        .filter(subject_participant_id=subject.pk)
        .update(context={})
    )
    counts = {"deliveries_cleared": cleared, "deliveries_cancelled": cancelled}
    if notifications:
        counts["notifications_cleared"] = notifications
    return counts


register(
    "notifications",
    subject_erase=delivery_erase,
    count_labels={
        "deliveries_cleared": _("email deliveries with the address and wording removed"),
        "deliveries_cancelled": _("email deliveries cancelled"),
        "notifications_cleared": _("notifications with the names removed"),
    },
)
