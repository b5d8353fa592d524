"""The partners app's URL parameters for the isolation sweep (tests/isolation.py imports this):
each maker creates one object in the given organisation and returns its id."""

from collections.abc import Callable
from typing import Any

from cocora.organisations.models import Organisation

from . import factories as f

MAKERS: dict[str, Callable[[Organisation], Any]] = {
    "partner_id": lambda org: f.PartnerOrganisationFactory(organisation=org).pk,
    "contact_id": lambda org: f.PartnerContactFactory(organisation=org).pk,
    "agreement_id": lambda org: f.AgreementFactory(organisation=org).pk,
    "check_id": lambda org: f.IntegrityCheckFactory(organisation=org).pk,
    "disclosure_id": lambda org: f.DisclosureFactory(organisation=org).pk,
    "sharing_consent_id": lambda org: f.SharingConsentFactory(organisation=org).pk,
    "collaboration_id": lambda org: f.CollaborationActivityFactory(organisation=org).pk,
    "follow_up_id": lambda org: f.FollowUpFactory(organisation=org).pk,
    "proposal_id": lambda org: f.ProposalFactory(organisation=org).pk,
}
