from cocora.core.inventory import describe

from .models import Course, TrainingRecord

STAFF = "Admins and coordinators of the organisation."

describe(
    Course,
    purpose="A training course for trainers or ambassadors: a name, hours, the programmes it "
    "qualifies for, how often it is refreshed and whether trainers need it.",
    legal_basis="Not personal data.",
    seen_by=STAFF + " Trainers and ambassadors read the list through the API.",
    retention="Until removed; a course somebody completed is kept as part of their history.",
    personal=False,
)
describe(
    TrainingRecord,
    purpose="That a trainer, coordinator or ambassador completed a course on a day, with the "
    "hours and a short note: to know who is qualified to run which programme and when a "
    "refresher is due.",
    legal_basis="Legitimate interest of the organisation in the quality of its work "
    "(GDPR art. 6(1)(f)); for volunteers, the agreement under which they take part.",
    seen_by=STAFF + " Each trainer and ambassador sees their own, nobody else's.",
    retention="While the person is a member or an ambassador of the organisation: removed "
    "with their membership or their ambassador record.",
    personal=True,
)
