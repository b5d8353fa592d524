"""What the partners app tells young people about sharing, for the transparency page and the
consent form (cocora.privacy.transparency). Discovered by `PrivacyConfig.ready`."""

from cocora.privacy.transparency import register

from .selectors.transparency import partner_sharing_facts

register("partners", sharing=partner_sharing_facts)
