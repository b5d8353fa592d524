from cocora.core.inventory import describe

from .models import Invitation, Membership, Organisation

describe(
    Organisation,
    purpose="The tenant: who runs the programmes, its language, time zone and consent age; the "
    "data-protection contact that its public transparency page and consent form name (a role or "
    "a person, with a work address).",
    legal_basis="Contract with the organisation (art. 6(1)(b)); the contact: the duty to say "
    "whom to ask (art. 13(1)(a)-(b)).",
    seen_by="Its members; platform staff; the contact details: anyone, on the transparency page.",
    retention="While the organisation uses the platform.",
    personal=False,
)
describe(
    Membership,
    purpose="Who belongs to an organisation and with which role; drives every permission.",
    legal_basis="Contract or employment/volunteering relationship (art. 6(1)(b)).",
    seen_by="Admins of the organisation; the member themself.",
    retention="Until the member is removed.",
)
describe(
    Invitation,
    purpose="Inviting a person by email to join with a role.",
    legal_basis="Legitimate interest of the organisation in adding its staff (art. 6(1)(f)).",
    seen_by="Admins of the organisation.",
    retention="Open invitations expire after 14 days; used ones are kept as a record of who "
    "invited whom.",
)
