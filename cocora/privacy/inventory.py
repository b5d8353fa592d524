from cocora.core.inventory import describe

from .models import ErasureRecord, RetentionPolicy

describe(
    RetentionPolicy,
    purpose="How long the organisation keeps each kind of record, where it differs from the "
    "defaults; who changed it last.",
    legal_basis="Storage limitation and accountability (art. 5(1)(e), art. 5(2)).",
    seen_by="Admins of the organisation.",
    retention="As long as the organisation uses the platform.",
    personal=False,
)
describe(
    ErasureRecord,
    purpose="Proof that a person's data was erased, on request or at the end of its retention "
    "period: when, by whom, the pseudonymous code and how many records. Never the name or "
    "contact details.",
    legal_basis="Accountability for erasure requests (art. 5(2), art. 17, art. 19).",
    seen_by="Admins of the organisation.",
    retention="As long as the organisation uses the platform: the code alone no longer "
    "identifies anyone.",
)
