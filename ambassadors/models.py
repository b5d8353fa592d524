"""The Ambassador Programme: ambassadors, their peer-outreach tasks, debriefs and check-ins, the
peer insights they bring back, and the caps that protect them from overload.

Every concrete model here is an OrgScopedModel with its own organisation, and every unique
constraint starts with the organisation. Free text that may say something about a young person
(task reports, debrief and check-in notes, insights) is encrypted at rest.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocora.core.fields import EncryptedTextField
from cocora.core.text import TextLimit, validate_name
from cocora.organisations.models import OrgScopedModel

# Defaults in code: an organisation without a settings row gets these.
DEFAULT_OPEN_TASKS_CAP = 3
DEFAULT_WEEKLY_HOURS_CAP = 4
# How long a coordinator has to hold a debrief after a difficult moment.
DEBRIEF_DUE_WITHIN_DAYS = 7
INSIGHT_MAX_CHARS = 2000


class AmbassadorSettings(OrgScopedModel):
    """The organisation's protection from overload: how many open tasks and how many hours per
    week one ambassador may carry. Without a row the defaults in code apply."""

    open_tasks_cap = models.PositiveSmallIntegerField(
        _("open tasks per ambassador"),
        default=DEFAULT_OPEN_TASKS_CAP,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    weekly_hours_cap = models.DecimalField(
        _("hours per week per ambassador"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(DEFAULT_WEEKLY_HOURS_CAP),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("40"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ambassador settings")
        verbose_name_plural = _("ambassador settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="ambassador_settings_unique")
        ]


class AmbassadorStatus(models.TextChoices):
    IN_TRAINING = "in_training", _("In training")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ALUMNI = "alumni", _("Alumni")


# Ambassadors who can be given tasks.
WORKING_STATUSES = (AmbassadorStatus.IN_TRAINING, AmbassadorStatus.ACTIVE)


class Ambassador(OrgScopedModel):
    """A young person who completed the Prevention Programme and trains, then works, as a peer
    ambassador: linked to their participant record, to their own user account (once they accept
    the invitation) and to the Ambassador Programme cohort that trains them."""

    participant = models.ForeignKey(
        "programmes.Participant", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invitation = models.ForeignKey(
        "organisations.Invitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cohort = models.ForeignKey(
        "programmes.Cohort",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("training cohort"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AmbassadorStatus.choices,
        default=AmbassadorStatus.IN_TRAINING,
    )
    active_since = models.DateField(
        _("active since"),
        null=True,
        blank=True,
        help_text=_("Check-ins are due from this day on."),
    )
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    # A single ambassador's caps, raised by an admin with a reason; empty means the
    # organisation's cap applies.
    open_tasks_cap = models.PositiveSmallIntegerField(
        _("open tasks cap"), null=True, blank=True, validators=[MaxValueValidator(20)]
    )
    weekly_hours_cap = models.DecimalField(
        _("hours per week cap"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MaxValueValidator(Decimal("40"))],
    )
    cap_reason = models.CharField(_("reason for the raised cap"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")
        ordering = ("participant__display_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "participant"], name="ambassador_unique_participant"
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(user__isnull=False),
                name="ambassador_unique_user",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.participant.display_name


class TaskKind(models.TextChoices):
    PEER_CONVERSATION = "peer_conversation", _("Peer conversation")
    WORKSHOP = "workshop", _("Workshop co-facilitation")
    EVENT_STAND = "event_stand", _("Event stand")
    ONLINE = "online", _("Online message or campaign")
    DIALOGUE = "dialogue", _("Dialogue meeting with professionals")
    OTHER = "other", _("Other")


class TaskStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    REVIEWED = "reviewed", _("Reviewed")
    CANCELLED = "cancelled", _("Cancelled")


# Tasks that count against an ambassador's caps.
OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)
FINISHED_STATUSES = (TaskStatus.DONE, TaskStatus.REVIEWED)


class OutreachTask(OrgScopedModel):
    """A piece of peer outreach an ambassador does (a conversation, a workshop, a stand, an
    online campaign, a dialogue meeting), assigned by a coordinator or proposed by the
    ambassador, with a report when it is done. The report counts peers reached and never names
    them."""

    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="tasks")
    buddy = models.ForeignKey(
        Ambassador,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("buddy"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    description = models.TextField(_("description"), blank=True, max_length=TextLimit.SHORT)
    due_on = models.DateField(_("due on"))
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    proposed_by_ambassador = models.BooleanField(default=False)
    # The coordinator's word on a proposal, a cancellation or a review: seen by the ambassador.
    coordinator_note = models.CharField(_("note from the coordinator"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The completion report.
    peers_reached = models.PositiveIntegerField(_("peers reached"), null=True, blank=True)
    hours_spent = models.DecimalField(
        _("hours spent"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99"))],
    )
    what_worked = EncryptedTextField(_("what worked"), blank=True, max_length=TextLimit.LONG)
    what_was_hard = EncryptedTextField(_("what was hard"), blank=True, max_length=TextLimit.LONG)
    difficult_moment = models.BooleanField(_("difficult moment"), default=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outreach task")
        verbose_name_plural = _("outreach tasks")
        ordering = ("due_on", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(peers_reached__isnull=True) | Q(peers_reached__gte=0),
                name="outreach_task_peers_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(hours_spent__isnull=True) | Q(hours_spent__gte=0),
                name="outreach_task_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(estimated_hours__gte=0), name="outreach_task_estimate_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "ambassador", "status"]),
            models.Index(fields=["organisation", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Open and past its due date, in the organisation's time zone (active in requests)."""
        return self.status in OPEN_STATUSES and self.due_on < timezone.localdate()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Debrief(OrgScopedModel):
    """A conversation a coordinator holds with an ambassador after a difficult moment in a task,
    due within seven days. Until it is recorded the ambassador gets no new task."""

    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="debriefs")
    task = models.ForeignKey(
        OutreachTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="debriefs"
    )
    due_on = models.DateField(_("due on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = EncryptedTextField(_("notes"), blank=True, max_length=TextLimit.LONG)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("debrief")
        verbose_name_plural = _("debriefs")
        ordering = ("due_on", "pk")
        indexes = [models.Index(fields=["organisation", "ambassador", "held_on"])]


class Wellbeing(models.TextChoices):
    GOOD = "good", _("Doing well")
    OKAY = "okay", _("Okay")
    STRETCHED = "stretched", _("Stretched")
    STRUGGLING = "struggling", _("Struggling")


class CheckIn(OrgScopedModel):
    """A regular conversation between a coordinator and an ambassador about how they are doing:
    twice in the first month of activity, then monthly. Its notes are for coordinators only."""

    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="checkins")
    held_on = models.DateField(_("held on"))
    wellbeing = models.CharField(_("how they are doing"), max_length=12, choices=Wellbeing.choices)
    notes = EncryptedTextField(_("notes"), blank=True, max_length=TextLimit.LONG)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ("-held_on", "-pk")
        indexes = [models.Index(fields=["organisation", "ambassador", "held_on"])]


class InsightTheme(models.TextChoices):
    BELONGING = "belonging", _("Belonging and identity")
    DISCRIMINATION = "discrimination", _("Discrimination and prejudice")
    SCHOOL_WORK = "school_work", _("School, training and work")
    ONLINE = "online", _("Online life and media")
    LEISURE = "leisure", _("Places to meet and leisure")
    FAMILY = "family", _("Family and neighbourhood")
    PARTICIPATION = "participation", _("Having a say")
    OTHER = "other", _("Other")


class InsightKind(models.TextChoices):
    NEED = "need", _("A need")
    RESOURCE = "resource", _("A resource")
    EXPERTISE = "expertise", _("Expertise")


class InsightStatus(models.TextChoices):
    NEW = "new", _("Shared")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACTED_ON = "acted_on", _("Acted on")


class PeerInsight(OrgScopedModel):
    """What an ambassador sees in their peer group (a need, a resource or expertise) and what
    they suggest, without naming anyone; coordinators acknowledge it or act on it, and the
    ambassador sees what became of it."""

    ambassador = models.ForeignKey(Ambassador, on_delete=models.CASCADE, related_name="insights")
    theme = models.CharField(_("theme"), max_length=20, choices=InsightTheme.choices)
    theme_other = models.CharField(_("other theme"), max_length=100, blank=True)
    kind = models.CharField(_("what you observed"), max_length=12, choices=InsightKind.choices)
    observation = EncryptedTextField(_("what you see"), max_length=TextLimit.SHORT)
    suggestion = EncryptedTextField(_("your suggestion"), blank=True, max_length=TextLimit.SHORT)
    status = models.CharField(
        _("status"), max_length=12, choices=InsightStatus.choices, default=InsightStatus.NEW
    )
    response = models.CharField(_("what we did with it"), max_length=1000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peer insight")
        verbose_name_plural = _("peer insights")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.theme_other or self.get_theme_display()
