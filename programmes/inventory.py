from cocora.core.inventory import describe

from .models import (
    Activity,
    ActivityTranslation,
    Attendance,
    Cohort,
    CohortTrainer,
    Consent,
    Enrolment,
    HandbookExport,
    Module,
    ModuleTranslation,
    Participant,
    Programme,
    Session,
    SessionLog,
    SessionLogActivity,
)

PARTICIPANT_BASIS = (
    "Consent of the young person, and of a guardian below the organisation's age of digital "
    "consent (art. 6(1)(a), art. 8); for public bodies, a task in the public interest "
    "(art. 6(1)(e)). Each organisation records which applies. No special categories "
    "(art. 9) are collected: there is no field for religion, ethnicity or any risk score."
)
STAFF = "Admins and coordinators of the organisation."
STAFF_AND_TRAINERS = "Admins and coordinators; trainers of the cohort."

for model in (Programme, Module, Activity, ModuleTranslation, ActivityTranslation):
    describe(
        model,
        purpose="The curriculum an organisation delivers.",
        legal_basis="Not personal data.",
        seen_by="Admins, coordinators and trainers of the organisation.",
        retention="Until deleted by the organisation.",
        personal=False,
    )
describe(
    Cohort,
    purpose="A group going through a programme: dates, venue, capacity, coordinator.",
    legal_basis="Contract with the organisation's staff (art. 6(1)(b)) for the names of "
    "coordinators.",
    seen_by=STAFF_AND_TRAINERS,
    retention="With the programme.",
)
describe(
    CohortTrainer,
    purpose="Which trainers run a cohort; limits what each trainer can see.",
    legal_basis="Employment/volunteering relationship (art. 6(1)(b)).",
    seen_by=STAFF_AND_TRAINERS,
    retention="With the cohort.",
)
describe(
    Participant,
    purpose="Running the programme with a young person: a first name or nickname, a "
    "pseudonymous code, a year of birth; contact details only with contact consent; a "
    "guardian's contact for those under the age of digital consent.",
    legal_basis=PARTICIPANT_BASIS,
    seen_by=STAFF + " Trainers see names and codes on their cohorts' attendance lists only.",
    retention="24 months after the person's last cohort ends, then anonymised (configurable).",
)
describe(
    Consent,
    purpose="Proof of what the young person (and a guardian) agreed to, and of withdrawals.",
    legal_basis="Legal obligation to demonstrate consent (art. 7(1)).",
    seen_by=STAFF,
    retention="As long as the participant's record, so that consent can be demonstrated.",
)
describe(
    Enrolment,
    purpose="A participant's place in a cohort and their stage.",
    legal_basis=PARTICIPANT_BASIS,
    seen_by=STAFF_AND_TRAINERS,
    retention="As the participant's record.",
)
describe(
    Session,
    purpose="When and where a cohort meets.",
    legal_basis="Not personal data.",
    seen_by=STAFF_AND_TRAINERS + " Also in the personal calendar feeds of its trainers.",
    retention="With the cohort.",
    personal=False,
)
describe(
    Attendance,
    purpose="Who came to which session: attendance rates and gentle check-ins after absences.",
    legal_basis=PARTICIPANT_BASIS,
    seen_by=STAFF_AND_TRAINERS,
    retention="As the participant's record; counts survive anonymisation.",
)
describe(
    SessionLog,
    purpose="The trainer's group-level record of a session; an optional confidential note "
    "(never in safe-space cohorts).",
    legal_basis="Legitimate interest in the quality and safety of the programme "
    "(art. 6(1)(f)), or a task in the public interest (art. 6(1)(e)).",
    seen_by=STAFF_AND_TRAINERS + " The confidential note: only its author and the cohort's "
    "coordinator; every reading is recorded.",
    retention="36 months (configurable), then deleted.",
)
describe(
    SessionLogActivity,
    purpose="Which curriculum activities a session covered.",
    legal_basis="Not personal data.",
    seen_by=STAFF_AND_TRAINERS,
    retention="With the session log.",
    personal=False,
)

describe(
    HandbookExport,
    purpose="A programme's handbook rendered as a PDF: status, the file, and who asked for it "
    "when. The PDF holds the curriculum and the organisation's branding, no personal data.",
    legal_basis="Contract with the organisation's staff (art. 6(1)(b)) for the requester's name.",
    seen_by=STAFF,
    retention="Until the programme is deleted; the file can be made again at any time.",
)
