"""Retention periods per organisation, and the log of erasures.

The record types and their default periods live here, in code: an organisation that never
changed a period stores no row and gets the default.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import OrgScopedModel


class RecordType(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants")
    SESSION_LOGS = "session_logs", _("Session logs")
    AUDIT_EVENTS = "audit_events", _("Audit events")
    EXPORTS = "exports", _("Exports")


class PeriodUnit(models.TextChoices):
    MONTHS = "months", _("months")
    DAYS = "days", _("days")


@dataclass(frozen=True)
class RetentionRule:
    """What a record type's period counts in, its default and the bounds an admin may choose."""

    unit: str
    default: int
    minimum: int
    maximum: int
    counted_from: Promise


RETENTION_RULES: dict[str, RetentionRule] = {
    RecordType.PARTICIPANTS: RetentionRule(
        unit=PeriodUnit.MONTHS,
        default=24,
        minimum=1,
        maximum=240,
        counted_from=_(
            "after the end of their last cohort (for someone never enrolled: after their "
            "record was created)"
        ),
    ),
    RecordType.SESSION_LOGS: RetentionRule(
        unit=PeriodUnit.MONTHS,
        default=36,
        minimum=1,
        maximum=240,
        counted_from=_("after the session"),
    ),
    # The audit trail is evidence for security reviews: at least a year.
    RecordType.AUDIT_EVENTS: RetentionRule(
        unit=PeriodUnit.MONTHS,
        default=60,
        minimum=12,
        maximum=240,
        counted_from=_("after the event"),
    ),
    RecordType.EXPORTS: RetentionRule(
        unit=PeriodUnit.DAYS,
        default=30,
        minimum=1,
        maximum=365,
        counted_from=_("after the file was made"),
    ),
}


class RetentionPolicy(OrgScopedModel):
    """An organisation's own retention period for one record type, replacing the default. The
    period counts in the record type's unit (months, or days for exports)."""

    record_type = models.CharField(_("record type"), max_length=30, choices=RecordType.choices)
    period = models.PositiveSmallIntegerField(_("period"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_type"], name="retention_policy_unique_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.period}"


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("Request from the person")
    RETENTION = "retention", _("Retention period ended")


class ErasureRecord(OrgScopedModel):
    """The trace that a person's data was erased: when, by whom (nobody for the nightly
    retention run), why, the person's pseudonymous code and how many records were anonymised or
    kept. Never their name or contact details: that is what was erased."""

    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("erased by"),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=ErasureReason.choices)
    subject_type = models.CharField(max_length=80)
    subject_id = models.PositiveBigIntegerField()
    subject_code = models.CharField(_("code"), max_length=32)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ("-erased_at", "-pk")
        constraints = [
            # A person is erased once; a second request (or a race with the nightly run) fails.
            models.UniqueConstraint(
                fields=["organisation", "subject_type", "subject_id"],
                name="erasure_record_unique_subject",
            )
        ]
        indexes = [models.Index(fields=["organisation", "-erased_at"])]

    def __str__(self) -> str:
        return f"{self.subject_code} ({self.reason})"
