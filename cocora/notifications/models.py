"""Email sending with an exactly-once delivery log, opt-outs and failing addresses.

Every intended email is a `Delivery` row with a unique idempotency key (rule, object, occasion,
recipient) before anything is sent; see docs/notifications.md for how a row is claimed, sent and
recovered. Addresses are stored encrypted; lookups use a keyed hash of the address instead.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cocora.core.fields import EncryptedCharField
from cocora.organisations.models import OrgScopedModel


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class RecipientKind(models.TextChoices):
    USER = "user", _("Member")
    PARTICIPANT = "participant", _("Participant")
    GUARDIAN = "guardian", _("Guardian")


class Delivery(OrgScopedModel):
    """One reminder email meant for one person on one occasion (a session reminder to one
    trainer, a week's digest to one coordinator). The row exists before the email is sent and
    its key is unique, so that the same reminder is never sent twice."""

    rule = models.CharField(_("rule"), max_length=80)
    kind = models.CharField(
        _("kind of reminder"),
        max_length=40,
        help_text=_("What a person turns off when they unsubscribe from this email."),
    )
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    occasion = models.CharField(_("occasion"), max_length=64)
    recipient_kind = models.CharField(_("recipient"), max_length=12, choices=RecipientKind.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A participant of a domain app: the core keeps the id only (cocora imports no domain app).
    recipient_participant_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Encrypted at rest (cocora.core.fields); lookups go through address_hash.
    recipient_email = EncryptedCharField(_("email"), max_length=254)
    address_hash = models.CharField(max_length=64)
    language = models.CharField(_("language"), max_length=8)
    # What the rule needs to write the email, captured when it was planned (JSON values only).
    context = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        ordering = ("-created_at", "-pk")
        constraints = [
            # The exactly-once guarantee: one row per (rule, object, occasion, recipient).
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"], name="delivery_idempotency_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["organisation", "address_hash"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.object_type}:{self.object_id} {self.occasion}"


class Unsubscribe(OrgScopedModel):
    """A person's choice, made from an email's link, to receive no more reminders of one kind
    from this organisation. Keyed by a hash of the address: the address itself is not kept."""

    address_hash = models.CharField(max_length=64)
    kind = models.CharField(_("kind of reminder"), max_length=40)
    recipient_kind = models.CharField(_("recipient"), max_length=12, choices=RecipientKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    participant_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribe")
        verbose_name_plural = _("unsubscribes")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "address_hash", "kind"], name="unsubscribe_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.recipient_kind})"


class FailingAddress(OrgScopedModel):
    """An address that the mail server refused permanently (unknown mailbox, rejected domain).
    Nothing more is sent to it, and admins see it on the deliveries page to correct it."""

    address_hash = models.CharField(max_length=64)
    email = EncryptedCharField(_("email"), max_length=254)
    failures = models.PositiveIntegerField(_("failures"), default=1)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    first_failed_at = models.DateTimeField(auto_now_add=True)
    last_failed_at = models.DateTimeField(_("last failed at"), auto_now=True)

    class Meta:
        verbose_name = _("failing address")
        verbose_name_plural = _("failing addresses")
        ordering = ("-last_failed_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "address_hash"], name="failing_address_unique"
            )
        ]

    def __str__(self) -> str:
        return self.address_hash[:12]


class NotificationKind(models.TextChoices):
    """What a notification is about. The words each kind shows live in `kinds.py`."""

    DIFFICULT_MOMENT = "difficult_moment", _("Difficult moment reported")
    CONFIDENTIAL_NOTE = "confidential_note", _("Confidential note written")
    PROPOSAL = "proposal", _("Proposal arrived")
    OTHER = "other", _("Other")


class Notification(OrgScopedModel):
    """A short in-app message to one member (a coordinator or an admin) that something needs
    their eye: a difficult moment in an ambassador's task, a session log with a confidential
    note, a partner's proposal. It names what happened and links to the page where it is read;
    it never carries the sensitive text itself, and the page it links to checks permission
    again."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    # Names and titles the words need (a cohort's name, a task's title), JSON values only. Never
    # the content of a note or a report: the link leads to it, behind its own permission check.
    context = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # The participant whose name the context holds (an ambassador's first name), if any: erasing
    # them clears the context. The core keeps the id only (cocora imports no domain app).
    subject_participant_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    # The header's unread count is read with the membership, before the organisation is set for
    # the transaction: a person may read their own notifications' rows without it.
    rls_extra_condition = (
        "recipient_id = NULLIF(current_setting('cocora.user_id', true), '')::bigint"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(
                fields=["organisation", "recipient", "-created_at"],
                name="notification_recipient_idx",
            ),
            models.Index(
                fields=["organisation", "recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
