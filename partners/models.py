"""Partner organisations of the Collaborative Programme: the directory, agreements with their
sharing rules, integrity checks, disclosures of participant information, consents to share, and
the joint activities partners take part in.

Every concrete model here is an OrgScopedModel with its own organisation: join tables (the
partners of an activity) are explicit models for the same reason.
"""

from django.conf import settings
from django.core.validators import validate_email
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cocora.core.fields import EncryptedCharField, EncryptedTextField
from cocora.core.text import TextLimit, validate_name
from cocora.organisations.models import OrgScopedModel
from programmes.models import Activity, Cohort, ConsentGiver, Module, Participant, Programme


class PartnerKind(models.TextChoices):
    ASSOCIATION = "association", _("Association or club")
    RELIGIOUS_COMMUNITY = "religious", _("Religious community")
    SCHOOL = "school", _("School")
    YOUTH_CLUB = "youth_club", _("Youth club")
    MUNICIPAL_SERVICE = "municipal", _("Municipal service")
    NGO = "ngo", _("NGO")
    POLICE = "police", _("Police")
    OTHER = "other", _("Other")


class PartnerStatus(models.TextChoices):
    PROSPECTIVE = "prospective", _("Prospective")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class PartnerOrganisation(OrgScopedModel):
    """A local community organisation (association, religious community, school, youth club,
    municipal service, NGO, sometimes the police) that the organisation works with as an equal
    partner in the Collaborative Programme."""

    name = models.CharField(_("name"), max_length=TextLimit.NAME, validators=[validate_name])
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    communities_served = models.TextField(
        _("communities it serves"),
        blank=True,
        help_text=_("In the partner's own words."),
        max_length=TextLimit.SHORT,
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("For example: Danish, Arabic.")
    )
    address = models.TextField(_("address"), blank=True, max_length=TextLimit.SHORT)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PartnerStatus.choices, default="prospective"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partner_name_unique")
        ]
        indexes = [models.Index(fields=["organisation", "status", "kind"])]

    def __str__(self) -> str:
        return self.name


class PartnerContact(OrgScopedModel):
    """A named person at a partner organisation. Linked to a sign-in account with the partner
    role, they see their organisation's page and what its agreement allows, nothing more."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=120, validators=[validate_name])
    role = models.CharField(_("role"), max_length=120, blank=True)
    # Encrypted at rest (cocora.core.fields): never filtered on.
    email = EncryptedCharField(_("email"), max_length=254, blank=True, validators=[validate_email])
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sign-in account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ("name",)
        constraints = [
            # One account speaks for one partner contact in an organisation.
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(user__isnull=False),
                name="partner_contact_user_unique",
            )
        ]
        indexes = [models.Index(fields=["organisation", "partner"])]

    def __str__(self) -> str:
        return self.name


class InformationClass(models.TextChoices):
    AGGREGATE_FIGURES = "aggregate_figures", _("Aggregate figures")
    PROGRAMME_MATERIALS = "programme_materials", _("Programme materials")
    SESSION_DATES = "session_dates", _("Session dates and venues")
    PARTICIPANT_NAMES = "participant_names", _("Names of participants")
    NAMED_ATTENDANCE = "named_attendance", _("Attendance of a named participant")
    SESSION_LOG_SUMMARIES = "session_log_summaries", _("Session log summaries")
    CONFIDENTIAL_NOTES = "confidential_notes", _("Confidential notes")


# Classes that say something about a named young person. Sharing them needs a partner whose
# integrity check has passed and is not overdue for review.
NAMED_CLASSES = frozenset(
    {
        InformationClass.PARTICIPANT_NAMES,
        InformationClass.NAMED_ATTENDANCE,
        InformationClass.SESSION_LOG_SUMMARIES,
        InformationClass.CONFIDENTIAL_NOTES,
    }
)


class SharingLevel(models.TextChoices):
    NEVER = "never", _("Never")
    WITH_CONSENT = "consent", _("With the young person's (or guardian's) consent")
    ALLOWED = "allowed", _("Allowed")


# The strict defaults of a new agreement: confidential notes never, named data only with consent.
DEFAULT_MATRIX: dict[str, str] = {
    InformationClass.AGGREGATE_FIGURES: SharingLevel.ALLOWED,
    InformationClass.PROGRAMME_MATERIALS: SharingLevel.ALLOWED,
    InformationClass.SESSION_DATES: SharingLevel.WITH_CONSENT,
    InformationClass.PARTICIPANT_NAMES: SharingLevel.WITH_CONSENT,
    InformationClass.NAMED_ATTENDANCE: SharingLevel.WITH_CONSENT,
    InformationClass.SESSION_LOG_SUMMARIES: SharingLevel.WITH_CONSENT,
    InformationClass.CONFIDENTIAL_NOTES: SharingLevel.NEVER,
}


class Agreement(OrgScopedModel):
    """The agreement with a partner that sets the purpose of the cooperation, its dates, who
    signed on each side, and the sharing matrix: for each class of information, whether it may
    never be shared, only with consent, or is allowed."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="agreements"
    )
    purpose = models.TextField(_("purpose of the cooperation"), max_length=TextLimit.SHORT)
    starts_on = models.DateField(_("starts on"))
    review_on = models.DateField(_("review on"), null=True, blank=True)
    signed_for_us_by = models.CharField(_("signed for us by"), max_length=120, blank=True)
    signed_for_partner_by = models.CharField(
        _("signed for the partner by"), max_length=120, blank=True
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            # One agreement per partner, kept up to date; its history is in the audit trail.
            models.UniqueConstraint(
                fields=["organisation", "partner"], name="agreement_one_per_partner"
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gte=F("starts_on")),
                name="agreement_review_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.starts_on:%Y-%m-%d}"


class SharingRule(OrgScopedModel):
    """One cell of an agreement's sharing matrix: what may happen to one class of information,
    and for which purpose."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="rules")
    information_class = models.CharField(
        _("information"), max_length=30, choices=InformationClass.choices
    )
    level = models.CharField(_("sharing"), max_length=10, choices=SharingLevel.choices)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sharing rule")
        verbose_name_plural = _("sharing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "agreement", "information_class"],
                name="sharing_rule_unique",
            ),
            models.CheckConstraint(
                condition=Q(level__in=SharingLevel.values), name="sharing_rule_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_information_class_display()}: {self.get_level_display()}"


class CheckOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    PASSED_WITH_CONDITIONS = "conditions", _("Passed with conditions")
    NOT_PASSED = "not_passed", _("Not passed")


PASSING_OUTCOMES = (CheckOutcome.PASSED, CheckOutcome.PASSED_WITH_CONDITIONS)


class InformedHow(models.TextChoices):
    MEETING = "meeting", _("In a meeting")
    EMAIL = "email", _("By email")
    LETTER = "letter", _("By letter")
    PHONE = "phone", _("By phone")


class IntegrityCheck(OrgScopedModel):
    """A transparent check of a partner before and during cooperation: a checklist, an outcome,
    who reviewed it and when, and the next review date. The partner is told that the check is
    done and why; when its review date passes, sharing named information is suspended."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="checks"
    )
    checked_on = models.DateField(_("checked on"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    governance_known = models.BooleanField(_("Governance is known"), default=False)
    safeguarding_policy_seen = models.BooleanField(_("Safeguarding policy seen"), default=False)
    named_contact = models.BooleanField(_("A named contact person"), default=False)
    code_of_conduct_agreed = models.BooleanField(_("Code of conduct agreed"), default=False)
    no_conflicting_activities = models.BooleanField(
        _("No conflicting activities known"), default=False
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=CheckOutcome.choices)
    # Encrypted at rest: notes may name people at the partner.
    notes = EncryptedTextField(_("notes"), blank=True, max_length=TextLimit.LONG)
    next_review_on = models.DateField(_("next review on"))
    informed_on = models.DateField(_("partner informed on"), null=True, blank=True)
    informed_how = models.CharField(
        _("partner informed how"), max_length=10, choices=InformedHow.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    CHECKLIST = (
        "governance_known",
        "safeguarding_policy_seen",
        "named_contact",
        "code_of_conduct_agreed",
        "no_conflicting_activities",
    )

    class Meta:
        verbose_name = _("integrity check")
        verbose_name_plural = _("integrity checks")
        ordering = ("-checked_on", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gte=F("checked_on")),
                name="integrity_check_review_after_check",
            )
        ]
        indexes = [models.Index(fields=["organisation", "partner", "-checked_on"])]

    def __str__(self) -> str:
        return f"{self.partner} · {self.checked_on:%Y-%m-%d}"


class SharingConsent(OrgScopedModel):
    """A young person's (or guardian's) consent that information about them may be shared with
    one partner, or with any partner whose agreement asks for consent. Withdrawal takes effect at
    once; below the age of digital consent both the guardian and the young person must agree."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="sharing_consents"
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sharing_consents",
        help_text=_("Leave empty for any partner whose agreement asks for consent."),
    )
    given_by = models.CharField(_("given by"), max_length=10, choices=ConsentGiver.choices)
    given_on = models.DateField(_("given on"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent to share")
        verbose_name_plural = _("consents to share")
        ordering = ("-given_on", "-pk")
        indexes = [models.Index(fields=["organisation", "participant"])]

    def __str__(self) -> str:
        return f"{self.participant} · {self.partner or '*'}"


class DisclosureBasis(models.TextChoices):
    AGREEMENT = "agreement", _("Allowed by the agreement")
    CONSENT = "consent", _("Consent to share")
    OVERRIDE = "override", _("Override by an admin")


class Disclosure(OrgScopedModel):
    """A deliberate, checked act of sharing information about a young person with a partner:
    who shared what, with whom, why, and on which basis. Overrides carry the admin's reason."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.RESTRICT, related_name="disclosures"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.RESTRICT, related_name="disclosures"
    )
    information_class = models.CharField(
        _("information"), max_length=30, choices=InformationClass.choices
    )
    # Encrypted at rest: the reason for sharing may say something about the young person.
    purpose = EncryptedTextField(_("purpose"), max_length=TextLimit.SHORT)
    basis = models.CharField(_("basis"), max_length=10, choices=DisclosureBasis.choices)
    override_reason = EncryptedTextField(
        _("reason for the override"), blank=True, max_length=TextLimit.SHORT
    )
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shared by"),
    )
    disclosed_at = models.DateTimeField(_("shared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ("-disclosed_at", "-pk")
        indexes = [
            models.Index(fields=["organisation", "participant", "-disclosed_at"]),
            models.Index(fields=["organisation", "partner", "-disclosed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_information_class_display()} → {self.partner}"

    @property
    def is_override(self) -> bool:
        return self.basis == DisclosureBasis.OVERRIDE


class CollaborationKind(models.TextChoices):
    DIALOGUE_MEETING = "dialogue", _("Dialogue meeting")
    JOINT_EVENT = "joint_event", _("Joint event")
    CO_FACILITATED_SESSION = "co_facilitated", _("Co-facilitated session")
    PLANNING_MEETING = "planning", _("Planning meeting")
    COMMUNITY_VISIT = "visit", _("Community visit")


class CollaborationActivity(OrgScopedModel):
    """A joint activity of the Collaborative Programme with one or more partners: a dialogue
    meeting, joint event, co-facilitated session, planning meeting or community visit. Who came
    is recorded as counts only, never names."""

    kind = models.CharField(_("kind"), max_length=20, choices=CollaborationKind.choices)
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("programme"),
    )
    cohort = models.ForeignKey(
        Cohort,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cohort"),
    )
    community_members = models.PositiveIntegerField(_("community members present"), default=0)
    professionals = models.PositiveIntegerField(_("professionals present"), default=0)
    agreed = models.TextField(_("what was agreed"), blank=True, max_length=TextLimit.LONG)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collaboration activity")
        verbose_name_plural = _("collaboration activities")
        ordering = ("-held_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(community_members__gte=0) & Q(professionals__gte=0),
                name="collaboration_counts_not_negative",
            )
        ]
        indexes = [models.Index(fields=["organisation", "-held_at"])]

    def __str__(self) -> str:
        return self.title


class CollaborationPartner(OrgScopedModel):
    """A partner organisation taking part in a collaboration activity."""

    activity = models.ForeignKey(
        CollaborationActivity, on_delete=models.CASCADE, related_name="partner_links"
    )
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="activity_links"
    )

    class Meta:
        verbose_name = _("partner in an activity")
        verbose_name_plural = _("partners in activities")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "activity", "partner"],
                name="collaboration_partner_unique",
            )
        ]
        indexes = [models.Index(fields=["organisation", "partner"])]


class FollowUp(OrgScopedModel):
    """Something agreed at a collaboration activity that someone will do by a date: owned by a
    member of the organisation or by one of the partners."""

    activity = models.ForeignKey(
        CollaborationActivity, on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    owner_partner = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("owned by partner"),
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ("due_on", "pk")
        indexes = [models.Index(fields=["organisation", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.description


class ProposalKind(models.TextChoices):
    ACTIVITY = "activity", _("A collaboration activity")
    FOLLOW_UP = "follow_up", _("A follow-up")
    CURRICULUM = "curriculum", _("A change to the curriculum")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Proposal(OrgScopedModel):
    """What a partner contact proposes as an equal partner: a collaboration activity, a
    follow-up of an activity their organisation took part in, or a change to a module or an
    activity of a programme's curriculum. A coordinator accepts it (as written or edited) or
    declines it with a reason; the partner sees the outcome, and the thread of comments stays."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ProposalKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    # An activity's title, what a follow-up is, or the suggested title of a module or activity.
    title = models.CharField(_("title"), max_length=TextLimit.NAME, validators=[validate_name])
    # A curriculum change: the suggested content of the module or instructions of the activity.
    text = models.TextField(_("suggested text"), blank=True, max_length=TextLimit.DOCUMENT)
    reason = models.TextField(_("why"), blank=True, max_length=TextLimit.SHORT)
    # A collaboration activity.
    collaboration_kind = models.CharField(
        _("kind of activity"), max_length=20, choices=CollaborationKind.choices, blank=True
    )
    held_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("programme"),
    )
    # A follow-up: the activity it follows up, and when it is due.
    follow_up_of = models.ForeignKey(
        CollaborationActivity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_follow_ups",
        verbose_name=_("follow-up of"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # A curriculum change: the module or the activity it is about.
    module = models.ForeignKey(
        Module,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("module"),
    )
    curriculum_activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("activity of the curriculum"),
    )
    # The decision and what became of the proposal.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason or note"), blank=True, max_length=TextLimit.SHORT)
    edited = models.BooleanField(_("accepted with changes"), default=False)
    created_activity = models.ForeignKey(
        CollaborationActivity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("activity it became"),
    )
    created_follow_up = models.ForeignKey(
        FollowUp,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("follow-up it became"),
    )
    # A curriculum change as it was applied (the coordinator may have edited it).
    applied_title = models.CharField(_("title as applied"), max_length=TextLimit.NAME, blank=True)
    applied_text = models.TextField(_("text as applied"), blank=True, max_length=TextLimit.DOCUMENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProposalKind.values), name="proposal_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.OPEN) | Q(decided_at__isnull=False),
                name="proposal_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(module__isnull=True) | Q(curriculum_activity__isnull=True),
                name="proposal_one_curriculum_target",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at"]),
            models.Index(fields=["organisation", "partner", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.OPEN


class ProposalComment(OrgScopedModel):
    """One message in the thread of a proposal, from the partner's side or the organisation's.
    Both sides see the whole thread; it is kept after the decision."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    from_partner = models.BooleanField(_("from the partner"), default=False)
    text = models.TextField(_("comment"), max_length=TextLimit.SHORT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment on a proposal")
        verbose_name_plural = _("comments on proposals")
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["organisation", "proposal", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]
