"""Programmes, their curriculum, cohorts, participants with consent, sessions and attendance.

Every concrete model here is an OrgScopedModel: each row carries its organisation, and join
tables (cohort trainers, covered activities) are explicit models for the same reason.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cocora.core.fields import EncryptedCharField, EncryptedTextField
from cocora.core.text import TextLimit, validate_name
from cocora.organisations.models import OrgScopedModel


class ProgrammeKind(models.TextChoices):
    COLLABORATIVE = "collaborative", _("Collaborative Programme")
    PREVENTION = "prevention", _("Prevention Programme")
    AMBASSADOR = "ambassador", _("Ambassador Programme")


class Programme(OrgScopedModel):
    """One of the three programmes as an organisation runs it, with its own curriculum (copied
    from a built-in curriculum or written from scratch, then adapted to the locality)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeKind.choices)
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    summary = models.TextField(_("summary"), blank=True, max_length=TextLimit.SHORT)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    source = models.CharField(
        _("built from"),
        max_length=60,
        blank=True,
        help_text=_("The built-in curriculum this programme was copied from, if any."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ("title",)
        indexes = [models.Index(fields=["organisation", "kind"])]

    def __str__(self) -> str:
        return self.title


class Module(OrgScopedModel):
    """A unit of a programme's curriculum, usually one session's worth."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    objectives = models.TextField(
        _("objectives"), blank=True, help_text=_("One per line."), max_length=TextLimit.SHORT
    )
    content_md = models.TextField(
        _("content"), blank=True, help_text=_("Markdown."), max_length=TextLimit.DOCUMENT
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), default=90, validators=[MaxValueValidator(600)]
    )

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ("position", "pk")
        indexes = [models.Index(fields=["organisation", "programme", "position"])]

    def __str__(self) -> str:
        return self.title

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]


class ActivityMethod(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    GROUP_WORK = "group work", _("Group work")
    ROLE_PLAY = "role play", _("Role play")
    ENERGISER = "energiser", _("Energiser")
    REFLECTION = "reflection", _("Reflection")
    CASE_STUDY = "case study", _("Case study")
    PRESENTATION = "presentation", _("Presentation")
    CREATIVE_WORK = "creative work", _("Creative work")
    GAME = "game", _("Game")
    WALK = "walk", _("Walk")
    INTERVIEW = "interview", _("Interview")


class Activity(OrgScopedModel):
    """An exercise or method inside a module."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    method = models.CharField(
        _("method"), max_length=20, choices=ActivityMethod.choices, default="discussion"
    )
    instructions_md = models.TextField(
        _("instructions"), blank=True, help_text=_("Markdown."), max_length=TextLimit.DOCUMENT
    )
    materials = models.CharField(_("materials"), max_length=500, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), default=30, validators=[MaxValueValidator(600)]
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ("position", "pk")
        indexes = [models.Index(fields=["organisation", "module", "position"])]

    def __str__(self) -> str:
        return self.title


# The text fields of the curriculum that a translation carries, per model. Durations and the
# method are the same in every language and stay on the original.
MODULE_TEXT_FIELDS = ("title", "objectives", "content_md")
ACTIVITY_TEXT_FIELDS = ("title", "instructions_md", "materials")


class ModuleTranslation(OrgScopedModel):
    """A module's text in another language than its programme's, kept beside the original.

    `source_digests` holds a short digest of each original field as it read when the
    translation was saved: a field whose digest no longer matches has changed since, and the
    translation is out of date for it. An empty translated field shows the original."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    objectives = models.TextField(_("objectives"), blank=True, max_length=TextLimit.SHORT)
    content_md = models.TextField(_("content"), blank=True, max_length=TextLimit.DOCUMENT)
    source_digests = models.JSONField(_("original as translated"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("module translation")
        verbose_name_plural = _("module translations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "module", "language"], name="module_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class ActivityTranslation(OrgScopedModel):
    """An activity's text in another language than its programme's; see ModuleTranslation."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    instructions_md = models.TextField(_("instructions"), blank=True, max_length=TextLimit.DOCUMENT)
    materials = models.CharField(_("materials"), max_length=500, blank=True)
    source_digests = models.JSONField(_("original as translated"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("activity translation")
        verbose_name_plural = _("activity translations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "activity", "language"],
                name="activity_translation_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Cohort(OrgScopedModel):
    """A group that goes through a programme together, with its trainers and sessions."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=TextLimit.NAME, validators=[validate_name])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=15, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    safe_space = models.BooleanField(
        _("safe space"),
        default=False,
        help_text=_(
            "Session logs of a safe-space cohort record group-level themes and climate only, "
            "never anything about a named person."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every change through the services: what `changed_since` syncs by.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ("-starts_on", "name")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="cohort_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CohortTrainer(OrgScopedModel):
    """A trainer assigned to a cohort: they see and log only the cohorts they are assigned to."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="trainer_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("cohort trainer")
        verbose_name_plural = _("cohort trainers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cohort", "user"], name="cohort_trainer_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "user"])]


class Participant(OrgScopedModel):
    """A young person taking part. Minimised on purpose: a first name or nickname, a pseudonymous
    code, a birth year. There is no field for religion, ethnicity or any risk score, and there
    never will be. Contact details are optional and used only with contact consent."""

    display_name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("A first name or a nickname is enough."),
        validators=[validate_name],
    )
    code = models.CharField(_("code"), max_length=16, editable=False)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    # Contact details are encrypted at rest (cocora.core.fields): they cannot be filtered on,
    # except for emptiness. Email fields keep their validation; forms use EmailField for them.
    email = EncryptedCharField(_("email"), max_length=254, blank=True, validators=[validate_email])
    phone = EncryptedCharField(_("mobile phone"), max_length=32, blank=True)
    guardian_name = EncryptedCharField(
        _("guardian's name"), max_length=120, blank=True, validators=[validate_name]
    )
    guardian_email = EncryptedCharField(
        _("guardian's email"), max_length=254, blank=True, validators=[validate_email]
    )
    guardian_phone = EncryptedCharField(_("guardian's phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every change through the services: what `changed_since` syncs by.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ("display_name", "code")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="participant_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"


class ConsentScope(models.TextChoices):
    PARTICIPATION = "participation", _("Taking part")
    CONTACT = "contact", _("Contact by email or SMS")
    PHOTOS = "photos", _("Photos")
    EVALUATION = "evaluation", _("Evaluation surveys")
    AMBASSADOR = "ambassador", _("Becoming an ambassador")


class ConsentGiver(models.TextChoices):
    SELF = "self", _("The young person")
    GUARDIAN = "guardian", _("A parent or guardian")


class Consent(OrgScopedModel):
    """A consent for one scope, given by the young person or a guardian. Below the organisation's
    age of digital consent, participation needs both. Withdrawal takes effect at once."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("scope"), max_length=20, choices=ConsentScope.choices)
    given_by = models.CharField(_("given by"), max_length=10, choices=ConsentGiver.choices)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ("scope", "-given_on")
        indexes = [models.Index(fields=["organisation", "participant", "scope"])]

    def __str__(self) -> str:
        return f"{self.participant} · {self.get_scope_display()}"


class EnrolmentStage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    WAITLISTED = "waitlisted", _("Waiting list")
    ENROLLED = "enrolled", _("Enrolled")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Stages that take a place in the cohort and that need participation consent.
PLACE_STAGES = (EnrolmentStage.ENROLLED, EnrolmentStage.ACTIVE)
# Stages whose people appear on attendance lists.
ATTENDING_STAGES = (EnrolmentStage.ENROLLED, EnrolmentStage.ACTIVE, EnrolmentStage.COMPLETED)


class Enrolment(OrgScopedModel):
    """A participant's place in a cohort and how far along they are."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="enrolments"
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=EnrolmentStage.choices, default="applied"
    )
    joined_on = models.DateField(_("joined on"), help_text=_("Attendance counts from this day on."))
    stage_changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cohort", "participant"], name="enrolment_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "cohort", "stage"])]

    def __str__(self) -> str:
        return f"{self.participant} in {self.cohort}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Session(OrgScopedModel):
    """One meeting of a cohort. Times are stored aware (UTC) and shown in the organisation's
    time zone. Cancelled sessions do not count in attendance rates."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default="scheduled"
    )
    # Moves with every change through the services: what `changed_since` syncs by.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ("starts_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["organisation", "cohort", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.starts_at:%Y-%m-%d}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Attendance(OrgScopedModel):
    """Whether one enrolled participant came to one session. One row per pair, ever."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "session", "enrolment"], name="attendance_unique"
            )
        ]


class SessionLog(OrgScopedModel):
    """The trainer's record of a session: group-level summary, themes and climate, what was
    covered, follow-ups, and a confidential note that only its author and the cohort's
    coordinator can read. Safe-space cohorts keep to group-level fields only."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="log")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True, max_length=TextLimit.LONG)
    themes = models.TextField(_("themes raised"), blank=True, max_length=TextLimit.LONG)
    group_climate = models.PositiveSmallIntegerField(
        _("group climate"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    follow_ups = models.TextField(_("follow-ups"), blank=True, max_length=TextLimit.LONG)
    # Encrypted at rest (cocora.core.fields); never filtered on.
    confidential_note = EncryptedTextField(
        _("confidential note"), blank=True, max_length=TextLimit.LONG
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session log")
        verbose_name_plural = _("session logs")


class SessionLogActivity(OrgScopedModel):
    """An activity of the curriculum covered in a logged session."""

    log = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="covered")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "log", "activity"], name="session_log_activity_unique"
            )
        ]


class HandbookExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def handbook_export_path(instance: "HandbookExport", filename: str) -> str:
    # Kept in the private document storage: never under a public address.
    return f"handbooks/{instance.organisation_id}/{filename}"  # type: ignore[attr-defined]


def _private_document_storage():  # type: ignore[no-untyped-def]
    from cocora.documents.storage import private_document_storage

    return private_document_storage


class HandbookExport(OrgScopedModel):
    """A programme's handbook rendered as a PDF in one language, keyed by a hash of everything
    that went into it (curriculum, branding, language, template version): asking again for the
    same content returns the same file. Rendered by a worker; downloads are permission-checked."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="handbook_exports"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=HandbookExportStatus.choices,
        default=HandbookExportStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    file = models.FileField(
        _("file"), upload_to=handbook_export_path, storage=_private_document_storage, blank=True
    )
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("handbook export")
        verbose_name_plural = _("handbook exports")
        ordering = ("-requested_at", "-pk")
        constraints = [
            # Same content, same file: one finished export per content hash.
            models.UniqueConstraint(
                fields=["organisation", "content_hash"],
                condition=Q(status="done"),
                name="handbook_export_done_unique",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "content_hash"]),
            models.Index(fields=["organisation", "programme", "requested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.language} · {self.get_status_display()}"
