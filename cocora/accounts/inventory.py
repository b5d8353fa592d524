from cocora.core.inventory import describe

from .models import User

describe(
    User,
    purpose="Signing in to the platform; showing who recorded or changed what.",
    legal_basis="Contract or employment/volunteering relationship with the organisation "
    "(GDPR art. 6(1)(b)); security of processing (art. 32).",
    seen_by="The person; admins of the organisations they belong to (name and email); "
    "platform staff.",
    retention="While the account is in use; deactivated accounts are removed on request "
    "(the audit trail keeps the user id).",
)
