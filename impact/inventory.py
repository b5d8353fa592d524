from cocora.core.inventory import describe

from .models import FunderReport, Indicator, Objective

STAFF = "Admins and coordinators of the organisation."

describe(
    Objective,
    purpose="What a programme sets out to achieve: a title and a description.",
    legal_basis="Not personal data.",
    seen_by=STAFF + " Trainers read them.",
    retention="With the programme.",
    personal=False,
)
describe(
    Indicator,
    purpose="How an objective is judged: what is counted or measured, a baseline, a target and "
    "a period. Values are computed when shown, never stored.",
    legal_basis="Not personal data.",
    seen_by=STAFF + " Trainers read them.",
    retention="With the objective.",
    personal=False,
)
describe(
    FunderReport,
    purpose="A report to a funder on a programme and a period: a title, a narrative and the "
    "PDF last made; its figures are aggregates under the small-cell rule and name nobody.",
    legal_basis="Not personal data (the narrative is written about the group, never a person).",
    seen_by=STAFF,
    retention="With the programme.",
    personal=False,
)
