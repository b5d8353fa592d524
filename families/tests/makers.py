"""Teaches the isolation sweep (tests/isolation.py) the URL parameters of the families app."""

from collections.abc import Callable
from typing import Any

from cocora.organisations.models import Organisation
from families.links import link_secret

from . import factories as f

MAKERS: dict[str, Callable[[Organisation], Any]] = {
    "family_activity_id": lambda org: f.FamilyActivityFactory(organisation=org).pk,
    "guardian_link_id": lambda org: f.GuardianLinkFactory(organisation=org).pk,
    # A real, working secret of the organisation: on another organisation's address it must be
    # a 404.
    "guardian_token": lambda org: link_secret(f.GuardianLinkFactory(organisation=org).nonce),
}

# The guardian's page answers whoever holds the secret. The sweep's outsider holds none: on the
# organisation's own address it tries one that was never issued.
SECRET_GUESSES: dict[str, Any] = {"guardian_token": lambda org: "never-issued-" + "A" * 30}
