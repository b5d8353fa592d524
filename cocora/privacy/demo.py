"""Demo data of the data-protection area (see the seed_demo command): each demo organisation's
data-protection contact, in its own language, so that its transparency page and consent form
are complete."""

from typing import Any

from cocora.organisations.demo_registry import register
from cocora.organisations.models import Organisation
from cocora.organisations.services_settings import CONTACT_FIELDS, organisation_update_settings

CONTACTS: dict[str, dict[str, str]] = {
    "nordby": {
        "privacy_contact_name": "Databeskyttelsesrådgiveren i Nordby Kommune",
        "privacy_contact_email": "databeskyttelse@nordby.example",
        "privacy_contact_phone": "+45 99 99 12 34",
        "privacy_contact_address": "Nordby Rådhus\nTorvet 1\n9990 Nordby",
        "supervisory_authority": "Datatilsynet, datatilsynet.dk",
    },
    "suedstadt": {
        "privacy_contact_name": "Datenschutzbeauftragte von Südstadt Miteinander e. V.",
        "privacy_contact_email": "datenschutz@suedstadt.example",
        "privacy_contact_phone": "+49 30 9999 5678",
        "privacy_contact_address": "Lindenstraße 12\n99999 Südstadt",
        "supervisory_authority": "die Landesbeauftragte für Datenschutz und Informationsfreiheit",
    },
}


@register
def seed(*, organisation: Organisation, users: dict[str, Any], **_: Any) -> None:
    contact = CONTACTS.get(organisation.slug)
    if contact is None or any(getattr(organisation, f) for f in CONTACT_FIELDS):
        return  # not a demo organisation, or its contact was set already: keep it
    organisation_update_settings(
        organisation=organisation,
        actor=users["admin"],
        name=organisation.name,
        language=organisation.language,
        time_zone=organisation.time_zone,
        digital_consent_age=organisation.digital_consent_age,
        privacy_contact=contact,
    )
