from cocora.core.inventory import describe

from .models import ApiToken

describe(
    ApiToken,
    purpose="Letting a person's scripts and connected systems use the API as that person, in one "
    "organisation. Holds a name, the first characters of the token, a hash of it (never the "
    "token), its limits and when it was last used.",
    legal_basis="The person's contract or volunteering relationship with the organisation "
    "(art. 6(1)(b)); security of processing (art. 32) for the last-used time.",
    seen_by="The person who created it (their API tokens page); admins see names, beginnings, "
    "limits and last use of a member's working tokens (never a token) and the audit lines of "
    "creation and revocation.",
    retention="Until revoked or the membership ends; removed with the organisation.",
)
