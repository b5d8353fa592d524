from cocora.core.inventory import describe

from .models import FamilyActivity, GuardianInvitation, GuardianLink

STAFF = "Admins and coordinators of the organisation."

describe(
    FamilyActivity,
    purpose="A meeting with the families of a cohort (parents' evening, mothers' group, "
    "dialogue meeting): kind, title, time, venue, notes, and afterwards two counts (adults and "
    "young people who came), never names.",
    legal_basis="Not personal data (the notes are written about the activity, never a family).",
    seen_by=STAFF + " Trainers of the cohort read them.",
    retention="With the cohort.",
    personal=False,
)
describe(
    GuardianInvitation,
    purpose="That a participant's guardian was invited by email to a family activity, and "
    "when; the address stays on the participant, the email in the delivery log.",
    legal_basis="The contact consent given for the participant (art. 6(1)(a)), checked again "
    "before the email goes out.",
    seen_by=STAFF,
    retention="With the activity; erased with the participant.",
)
describe(
    GuardianLink,
    purpose="A guardian's personal link to their child's sessions and their own consents "
    "(where they can withdraw one): a hash of the secret and a nonce (never the secret), when "
    "it was sent, until when it works, when it was revoked and last opened.",
    legal_basis="The contact consent given for the participant (art. 6(1)(a)); withdrawing "
    "consent is the guardian's right (art. 7(3)).",
    seen_by=STAFF + " The guardian holding the link sees the page it opens.",
    retention="Working for 90 days; the rows are kept with the participant as the record of "
    "what was sent, and erased with the participant.",
)
