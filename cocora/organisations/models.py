import zoneinfo
from typing import Any, ClassVar, Self

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cocora.core.compiled import Param
from cocora.core.text import TextCheckedModel, TextLimit, validate_name

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    COORDINATOR = "coordinator", _("Coordinator")
    TRAINER = "trainer", _("Trainer")
    AMBASSADOR = "ambassador", _("Ambassador")
    PARTNER = "partner", _("Partner contact")


def organisation_logo_path(instance: "Organisation", filename: str) -> str:
    # The name comes from cocora.core.images.image_clean (random), never from the uploader.
    return f"organisations/{instance.pk}/logo/{filename}"


class Organisation(TextCheckedModel):
    """The tenant: a municipality, NGO, youth centre or consortium that runs programmes on the
    platform. Everything its people record belongs to it and to nobody else."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. DK"))
    language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Berlin"
    )
    digital_consent_age = models.PositiveSmallIntegerField(
        _("age of digital consent"),
        default=16,
        validators=[MinValueValidator(13), MaxValueValidator(16)],
        help_text=_("Below this age participation needs a guardian's consent (13 to 16)."),
    )
    # Read through cocora.core.suppression, never compared by hand.
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("smallest group shown in figures"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(20)],
        help_text=_(
            "Outside a cohort's own pages, a figure about fewer people than this is shown as "
            '"fewer than …" so that nobody can be recognised in it (3 to 20).'
        ),
    )
    # Who young people and guardians ask about their data: shown on the public transparency
    # page and the consent form (cocora.privacy.transparency).
    privacy_contact_name = models.CharField(
        _("data-protection contact"),
        max_length=120,
        blank=True,
        validators=[validate_name],
        help_text=_("A person or a role, for example: our data protection officer."),
    )
    privacy_contact_email = models.EmailField(_("data-protection email"), blank=True)
    privacy_contact_phone = models.CharField(_("data-protection phone"), max_length=32, blank=True)
    privacy_contact_address = models.TextField(
        _("postal address"), blank=True, max_length=TextLimit.SHORT
    )
    supervisory_authority = models.CharField(
        _("data-protection authority"),
        max_length=TextLimit.NAME,
        blank=True,
        validators=[validate_name],
        help_text=_("Where people may complain, for example: Datatilsynet, datatilsynet.dk."),
    )
    # Always re-encoded by cocora.core.images.image_clean before it is stored (no metadata).
    logo = models.ImageField(_("logo"), upload_to=organisation_logo_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class OrgQuerySet(models.QuerySet[Any]):
    def for_org(self, organisation: "Organisation | int | Param") -> Self:
        """This organisation's rows. A compiled read names it `Param("organisation")`
        (cocora/core/compiled.py) and gives its id at each call."""
        if organisation is None:
            # Fail closed: a missing organisation is a bug, never "all rows".
            raise ImproperlyConfigured("for_org() needs an organisation.")
        org_id = organisation if isinstance(organisation, int | Param) else organisation.pk
        return self.filter(organisation_id=org_id)


class OrgScopedModel(TextCheckedModel):
    """Base of every tenant-owned table: it carries its own organisation_id (child and join
    tables too), reads go through `.for_org(org)`, and PostgreSQL row-level security keyed on the
    same column is installed for it after every migrate."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )

    objects: ClassVar[OrgQuerySet] = OrgQuerySet.as_manager()  # type: ignore[assignment]

    # Extra SQL condition under which a row is visible without an organisation set (e.g. a
    # user's own memberships, for the organisation switcher). Empty for almost every table.
    rls_extra_condition: ClassVar[str] = ""

    class Meta:
        abstract = True


class Membership(OrgScopedModel):
    """A user's place in an organisation, with exactly one role there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    rls_extra_condition = "user_id = NULLIF(current_setting('cocora.user_id', true), '')::bigint"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="membership_unique_user_per_org"
            )
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Invitation(OrgScopedModel):
    """An admin's invitation to join the organisation with a role. The link carries a signed,
    expiring token; accepting it creates (or signs in) the account and the membership."""

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self) -> str:
        return self.email
