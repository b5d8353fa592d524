from cocora.core.inventory import describe

from .models import AuditEvent, SignInEvent

describe(
    AuditEvent,
    purpose="Accountability: who changed or looked at which record, and refused requests. "
    "Holds ids and actions, never the content of a record.",
    legal_basis="Security of processing and accountability (art. 5(2), art. 32); legitimate "
    "interest (art. 6(1)(f)).",
    seen_by="Admins of the organisation (whole trail); coordinators and admins see the events "
    "about a participant on that participant's page.",
    retention="60 months by default (configurable per organisation); append-only for the "
    "application.",
)
describe(
    SignInEvent,
    purpose="Detecting attacks on accounts: sign-ins, failed attempts, sign-outs, with the "
    "address typed and the IP address.",
    legal_basis="Security of processing (art. 32); legitimate interest (art. 6(1)(f)).",
    seen_by="Platform staff.",
    retention="12 months.",
)
