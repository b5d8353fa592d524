from cocora.core.inventory import describe

from .models import Answer, Instrument, Item, Response, SurveyLink, Wave

EVALUATION_BASIS = (
    "Consent to evaluation surveys, of the young person and of a guardian below the "
    "organisation's age of digital consent (art. 6(1)(a), art. 8)."
)
STAFF = "Admins and coordinators of the organisation; trainers for their own cohorts."

describe(
    Instrument,
    purpose="The organisation's own copy of a built-in questionnaire.",
    legal_basis="Not personal data.",
    seen_by=STAFF,
    retention="For as long as the organisation uses the platform.",
    personal=False,
)
describe(
    Item,
    purpose="The questions of a questionnaire, their wording per language, scale and whether "
    "they are reverse-scored.",
    legal_basis="Not personal data.",
    seen_by=STAFF,
    retention="For as long as the organisation uses the platform.",
    personal=False,
)
describe(
    Wave,
    purpose="A round of a questionnaire in a cohort (baseline, end, follow-up): when it opened "
    "and closed and who opened it.",
    legal_basis="Not personal data about participants.",
    seen_by=STAFF,
    retention="With the cohort.",
    personal=False,
)
describe(
    SurveyLink,
    purpose="One-time invitation of an enrolment with evaluation consent to a round: a nonce, "
    "the hash of the code, whether it was used (no time).",
    legal_basis=EVALUATION_BASIS,
    seen_by=STAFF + " The printed code goes to the young person only.",
    retention="With the enrolment; revoked when the evaluation consent is withdrawn.",
)
describe(
    Response,
    purpose="A young person's answers in one round, keyed by a pseudonymous pairing key (an "
    "HMAC of the enrolment) so that baseline and end pair up; no link to the person staff "
    "could follow.",
    legal_basis=EVALUATION_BASIS,
    seen_by="Nobody one by one: staff see only pooled figures with small-cell suppression.",
    retention="Deleted at once when the evaluation consent is withdrawn or the person erased.",
)
describe(
    Answer,
    purpose="One answer: a value from 1 to 5, or an open text (encrypted), shown only pooled "
    "and never beside a name or code.",
    legal_basis=EVALUATION_BASIS,
    seen_by="Nobody one by one: staff see only pooled figures and pooled open answers.",
    retention="Deleted with its response.",
)
