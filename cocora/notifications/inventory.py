from cocora.core.inventory import describe

from .models import Delivery, FailingAddress, Notification, Unsubscribe

describe(
    Delivery,
    purpose="The log of reminder emails: which reminder went (or will go, or was skipped) to "
    "which address, when, and with what outcome; it is what makes every reminder go out exactly "
    "once. Holds the recipient's address (encrypted) and the words the email needs (session "
    "time, cohort, venue; a participant's first name for their guardian).",
    legal_basis="Legitimate interest of running the programme (art. 6(1)(f)); for participants "
    "and guardians, their contact consent (art. 6(1)(a)), checked again before each email.",
    seen_by="Admins of the organisation (the Emails page and the API's deliveries).",
    retention="As long as the organisation uses the platform; removed with the organisation. "
    "Erasing a participant clears the address and wording of every email to them or their "
    "guardian and cancels what was still to be sent.",
)
describe(
    Unsubscribe,
    purpose="A person's choice to receive no more reminders of one kind from the organisation. "
    "Keyed by a keyed hash of the address, not the address itself.",
    legal_basis="The right to object (art. 21) and the person's withdrawal of consent.",
    seen_by="Nobody on a page; the sending checks it before every email.",
    retention="As long as the organisation uses the platform, so that the choice is respected.",
)
describe(
    FailingAddress,
    purpose="An address that the mail server refused permanently, so that nothing more is sent "
    "to it and admins can correct it.",
    legal_basis="Legitimate interest in not sending mail that cannot arrive (art. 6(1)(f)).",
    seen_by="Admins of the organisation (the Emails page).",
    retention="As long as the organisation uses the platform.",
)
describe(
    Notification,
    purpose="An in-app message to a coordinator or admin that something needs their eye (a "
    "difficult moment in an ambassador's task, a confidential note in a session log, a "
    "partner's proposal): its kind, the names it mentions (an ambassador's first name, a "
    "cohort's name, a task's or proposal's title) and a link. Never the content of a note or "
    "a report.",
    legal_basis="Legitimate interest of running the programme and of caring for the young "
    "people and volunteers in it (art. 6(1)(f)).",
    seen_by="Only the member it is addressed to (the Notifications page and the API).",
    retention="As long as the organisation uses the platform; removed with the recipient's "
    "account or the organisation. Erasing a participant clears the names their notifications "
    "hold.",
)
