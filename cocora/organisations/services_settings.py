"""Writes on an organisation's own settings: name, language, time zone, age of digital consent,
the smallest group shown in figures, the data-protection contact and the logo."""

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cocora.accounts.models import User
from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.core.images import image_clean

from .models import Organisation

# A logo is shown small in the page header: larger images are scaled down when uploaded.
LOGO_MAX_DIMENSION = 1024
# Whom people ask about their data: shown on the transparency page and the consent form.
CONTACT_FIELDS = (
    "privacy_contact_name",
    "privacy_contact_email",
    "privacy_contact_phone",
    "privacy_contact_address",
    "supervisory_authority",
)
SETTINGS_FIELDS = (
    "name",
    "language",
    "time_zone",
    "digital_consent_age",
    "small_cell_threshold",
    *CONTACT_FIELDS,
)


@transaction.atomic
def organisation_update_settings(
    *,
    organisation: Organisation,
    actor: User,
    name: str,
    language: str,
    time_zone: str,
    digital_consent_age: int,
    small_cell_threshold: int | None = None,
    privacy_contact: dict[str, str] | None = None,
    logo: IO[bytes] | Any | None = None,
    remove_logo: bool = False,
) -> Organisation:
    """Saves the organisation's settings and, where given, a new logo (checked and re-encoded
    first, so that a refused file changes nothing). `privacy_contact` maps the contact fields
    (CONTACT_FIELDS) to their new values; left out, they stay. A replaced logo file is deleted
    after commit."""
    # The image is checked before anything is written: a refused upload changes nothing.
    clean_logo = image_clean(logo, max_dimension=LOGO_MAX_DIMENSION, field="logo") if logo else None

    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {field: getattr(organisation, field) for field in SETTINGS_FIELDS}
    organisation.name = name.strip()
    organisation.language = language
    organisation.time_zone = time_zone
    organisation.digital_consent_age = digital_consent_age
    if small_cell_threshold is not None:
        organisation.small_cell_threshold = small_cell_threshold
    for field, value in (privacy_contact or {}).items():
        if field not in CONTACT_FIELDS:
            raise TypeError(f"Unknown contact field: {field!r}")
        setattr(organisation, field, value.strip())
    try:
        organisation.full_clean(exclude=["slug", "country", "logo"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=field) from None

    old_logo_name = organisation.logo.name or ""
    logo_action = ""
    if clean_logo is not None:
        organisation.logo.save(clean_logo.name or "logo.png", clean_logo, save=False)
        logo_action = "replaced" if old_logo_name else "added"
    elif remove_logo and old_logo_name:
        organisation.logo = ""  # type: ignore[assignment]
        logo_action = "removed"
    organisation.save()

    if logo_action and old_logo_name:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo_name))

    changed = {
        field: {"from": str(before[field]), "to": str(getattr(organisation, field))}
        for field in SETTINGS_FIELDS
        if before[field] != getattr(organisation, field)
    }
    if changed or logo_action:
        audit_record(
            organisation=organisation,
            actor=actor,
            action="organisation.settings_changed",
            target=organisation,
            details={"changed": changed, **({"logo": logo_action} if logo_action else {})},
        )
    return organisation
