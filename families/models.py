"""Families: activities for the parents, guardians and communities of a cohort (parents'
evenings, mothers' groups, dialogue meetings), the guardians invited to them, and the personal
link through which a guardian sees their child's sessions and their own consents.

Who came to a family activity is counted, never named: no row holds a family member's name.
A guardian link stores only a hash of its secret (see `links.py`).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cocora.core.text import TextLimit, validate_name
from cocora.organisations.models import OrgScopedModel


class FamilyActivityKind(models.TextChoices):
    PARENTS_EVENING = "parents_evening", _("Parents' evening")
    MOTHERS_GROUP = "mothers_group", _("Mothers' group")
    DIALOGUE_MEETING = "dialogue_meeting", _("Dialogue meeting")
    OTHER = "other", _("Other")


class FamilyActivity(OrgScopedModel):
    """A meeting with the families of a cohort: a parents' evening, a mothers' group, a
    dialogue meeting after an incident. Afterwards, who came is two counts (adults and young
    people), never names."""

    cohort = models.ForeignKey(
        "programmes.Cohort",
        on_delete=models.CASCADE,
        related_name="family_activities",
        verbose_name=_("cohort"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FamilyActivityKind.choices)
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=TextLimit.LONG)
    # Empty until recorded after the activity.
    adults_attended = models.PositiveIntegerField(_("adults attended"), null=True, blank=True)
    young_people_attended = models.PositiveIntegerField(
        _("young people attended"), null=True, blank=True
    )
    counts_recorded_at = models.DateTimeField(_("counts recorded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("family activity")
        verbose_name_plural = _("family activities")
        ordering = ("-starts_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="family_activity_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["organisation", "cohort", "-starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def counts_recorded(self) -> bool:
        return self.counts_recorded_at is not None


class GuardianInvitation(OrgScopedModel):
    """That the guardian of a participant was invited by email to a family activity. The
    address is not copied here: the email goes through the delivery log."""

    activity = models.ForeignKey(
        FamilyActivity, on_delete=models.CASCADE, related_name="invitations"
    )
    participant = models.ForeignKey(
        "programmes.Participant", on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"))

    class Meta:
        verbose_name = _("guardian invitation")
        verbose_name_plural = _("guardian invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "activity", "participant"],
                name="guardian_invitation_unique",
            )
        ]
        indexes = [models.Index(fields=["organisation", "participant"])]


class GuardianLink(OrgScopedModel):
    """A guardian's personal link to the page of their child: the sessions of the child's
    cohorts and the consents the guardian gave, which they can withdraw there. No sign-in: the
    link is the key. Only a hash of its secret is stored; it expires and can be revoked, and a
    new link for the same child revokes the older one."""

    participant = models.ForeignKey(
        "programmes.Participant", on_delete=models.CASCADE, related_name="+"
    )
    # A random value from which, with a key in settings, the secret is derived (so that the
    # email can be written again without the secret being stored anywhere).
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardian link")
        verbose_name_plural = _("guardian links")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["organisation", "participant"])]
