from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import OrgScopedModel


class AuditEvent(OrgScopedModel):
    """Who changed or read what, and when, inside an organisation. Kept apart from the records
    themselves so that deleting a record keeps the trace that it existed and who touched it."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    # The application's database role may insert and read, never update or delete.
    append_only: ClassVar[bool] = True

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["organisation", "target_type", "target_id"]),
            # The audit page's order, ties included: a page (filtered or not) is read straight
            # from the index and stops after its 50 lines, however long the trail.
            models.Index(fields=["organisation", "-occurred_at", "-id"], name="audit_trail_order"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"


class SignInEvent(models.Model):
    """A sign-in, failed sign-in, sign-out or refused invitation link. Not tied to an
    organisation: it happens before one is known. Kept for security review; append-only for the
    application."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        FAILED = "failed", _("Failed sign-in")
        SIGNED_OUT = "signed_out", _("Signed out")
        INVITATION_REFUSED = "invitation_refused", _("Invitation link refused")

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The address typed in a failed attempt, so that attacks on one account can be seen.
    login = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    append_only: ClassVar[bool] = True

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")
        indexes = [models.Index(fields=["user", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.login or self.user_id}"
