from cocora.core.inventory import describe

from .models import (
    Ambassador,
    AmbassadorSettings,
    CheckIn,
    Debrief,
    OutreachTask,
    PeerInsight,
)

AMBASSADOR_BASIS = (
    "Consent to becoming an ambassador, of the young person and of a guardian below the "
    "organisation's age of digital consent (art. 6(1)(a), art. 8); for public bodies, a task in "
    "the public interest (art. 6(1)(e))."
)
STAFF = "Admins and coordinators of the organisation."
STAFF_AND_OWN = STAFF + " The ambassador sees their own."

describe(
    AmbassadorSettings,
    purpose="The organisation's caps on open tasks and hours per week per ambassador.",
    legal_basis="Not personal data.",
    seen_by=STAFF,
    retention="For as long as the organisation uses the platform.",
    personal=False,
)
describe(
    Ambassador,
    purpose="Running the Ambassador Programme with a young person: their status, training "
    "cohort, certification date, the link to their account, and caps raised for them with a "
    "reason.",
    legal_basis=AMBASSADOR_BASIS,
    seen_by=STAFF_AND_OWN,
    retention="With the participant record: anonymised with it.",
)
describe(
    OutreachTask,
    purpose="Planning peer-outreach tasks within the caps, and the ambassador's report: "
    "number of peers reached (never names), hours, what worked and what was hard "
    "(encrypted), a difficult-moment flag.",
    legal_basis=AMBASSADOR_BASIS,
    seen_by=STAFF_AND_OWN,
    retention="With the ambassador record.",
)
describe(
    Debrief,
    purpose="Looking after an ambassador after a difficult moment: due date, when it was held, "
    "the coordinator's notes (encrypted).",
    legal_basis=AMBASSADOR_BASIS + " Protection of the young volunteer (art. 6(1)(f)).",
    seen_by=STAFF + " Never the ambassador.",
    retention="With the ambassador record.",
)
describe(
    CheckIn,
    purpose="Regular check-ins on how an ambassador is doing (twice in the first month, then "
    "monthly); notes are encrypted.",
    legal_basis=AMBASSADOR_BASIS + " Protection of the young volunteer (art. 6(1)(f)).",
    seen_by=STAFF + " Never the ambassador.",
    retention="With the ambassador record.",
)
describe(
    PeerInsight,
    purpose="What an ambassador observes in their peer group (a need, a resource, expertise) "
    "and suggests, naming nobody (encrypted), and the coordinator's answer.",
    legal_basis=AMBASSADOR_BASIS,
    seen_by=STAFF_AND_OWN,
    retention="With the ambassador record.",
)
