"""Trainers' and ambassadors' training: the courses an organisation runs or recognises, and who
completed which course when.

A course may qualify people for some programme kinds and be required of the trainers of those
programmes; with a refresher interval, a completion holds until the refresher is due (computed
from the latest completion, never stored) and lapses after.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocora.core.text import TextLimit, validate_name
from cocora.organisations.models import OrgScopedModel


class TrainedRole(models.TextChoices):
    """Whom a course is meant for."""

    TRAINER = "trainer", _("Trainers and coordinators")
    AMBASSADOR = "ambassador", _("Ambassadors")


class Course(OrgScopedModel):
    """A training course of the organisation (e.g. a train-the-trainer course), with the hours
    it takes, whom it qualifies for which programme kinds, and how often it must be refreshed."""

    name = models.CharField(_("name"), max_length=TextLimit.NAME, validators=[validate_name])
    description = models.TextField(_("description"), blank=True, max_length=TextLimit.SHORT)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    # Lists of TrainedRole and programmes.ProgrammeKind values (checked by the services).
    roles = models.JSONField(_("for"), default=list, blank=True)
    programme_kinds = models.JSONField(_("qualifies for"), default=list, blank=True)
    refresher_months = models.PositiveSmallIntegerField(
        _("refresher every (months)"), null=True, blank=True
    )
    required_for_trainers = models.BooleanField(
        _("required for the trainers of these programmes"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="course_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(OrgScopedModel):
    """That one person completed a course on a day: a member (trainer, coordinator or admin) or
    an ambassador, never both. The refresher due is computed from the course."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="records", verbose_name=_("course")
    )
    membership = models.ForeignKey(
        "organisations.Membership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    ambassador = models.ForeignKey(
        "ambassadors.Ambassador",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ambassador"),
    )
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    note = models.TextField(_("note"), blank=True, max_length=TextLimit.SHORT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ("-completed_on", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=(Q(membership__isnull=False) & Q(ambassador__isnull=True))
                | (Q(membership__isnull=True) & Q(ambassador__isnull=False)),
                name="training_record_one_person",
            ),
            # The same course on the same day twice is a double entry, not a second course.
            models.UniqueConstraint(
                fields=["organisation", "course", "membership", "completed_on"],
                condition=Q(membership__isnull=False),
                name="training_record_unique_member_day",
            ),
            models.UniqueConstraint(
                fields=["organisation", "course", "ambassador", "completed_on"],
                condition=Q(ambassador__isnull=False),
                name="training_record_unique_ambassador_day",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "membership"]),
            models.Index(fields=["organisation", "ambassador"]),
            models.Index(fields=["organisation", "course", "completed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.completed_on}"
