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

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["organisation", "target_type", "target_id"]),
            models.Index(fields=["organisation", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
