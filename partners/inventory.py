from cocora.core.inventory import describe

from .models import (
    Agreement,
    CollaborationActivity,
    CollaborationPartner,
    Disclosure,
    FollowUp,
    IntegrityCheck,
    PartnerContact,
    PartnerOrganisation,
    Proposal,
    ProposalComment,
    SharingConsent,
    SharingRule,
)

STAFF = "Admins and coordinators of the organisation."
STAFF_AND_PARTNER = STAFF + " The partner's own linked contacts see their organisation's page."

describe(
    PartnerOrganisation,
    purpose="The directory of community organisations the organisation works with.",
    legal_basis="Not personal data (organisations).",
    seen_by=STAFF_AND_PARTNER,
    retention="Until deleted by the organisation; ended partnerships are kept as history.",
    personal=False,
)
describe(
    PartnerContact,
    purpose="Reaching the named people at a partner; linking a partner member's account to "
    "their organisation.",
    legal_basis="Legitimate interest in running the cooperation (art. 6(1)(f)).",
    seen_by=STAFF,
    retention="While the partnership lasts, or until the contact is removed.",
)
describe(
    Agreement,
    purpose="What the cooperation is for, its dates and who signed it.",
    legal_basis="Contract between the organisations (art. 6(1)(b)) for the signatories' names.",
    seen_by=STAFF,
    retention="While the partnership lasts, then as long as its disclosures are kept.",
)
describe(
    SharingRule,
    purpose="The sharing matrix: which class of information may go to the partner, and why.",
    legal_basis="Not personal data.",
    seen_by=STAFF + " The partner sees what it allows.",
    retention="With the agreement.",
    personal=False,
)
describe(
    IntegrityCheck,
    purpose="The transparent check of a partner (governance, safeguarding, named contact), "
    "its outcome and review date, and when the partner was told about it.",
    legal_basis="Legitimate interest in the safety of young people (art. 6(1)(f)), or a task "
    "in the public interest (art. 6(1)(e)); the partner is informed (art. 14).",
    seen_by=STAFF + " Every reading of a check's notes is recorded.",
    retention="While the partnership lasts and five years after it ends (configurable).",
)
describe(
    SharingConsent,
    purpose="Proof that a young person (and a guardian below the age of digital consent) "
    "agreed that information about them may be shared with a partner, and of withdrawals.",
    legal_basis="Legal obligation to demonstrate consent (art. 7(1)).",
    seen_by=STAFF,
    retention="As long as the participant's record and the disclosures that rest on it.",
)
describe(
    Disclosure,
    purpose="The record of every sharing of information about a young person with a partner: "
    "who shared what, with whom, why, and on which basis (agreement, consent, or an admin's "
    "override with a reason).",
    legal_basis="Legal obligation to demonstrate lawful disclosure (art. 5(2), art. 30).",
    seen_by=STAFF + " The partner sees the disclosures made to it (the name only for classes "
    "that name the person), never the purpose text.",
    retention="As long as the participant's record, then anonymised with it.",
)
describe(
    CollaborationActivity,
    purpose="Joint activities of the Collaborative Programme: what, when, where, with whom, "
    "what was agreed; counts of people present, never names.",
    legal_basis="Not personal data (aggregates).",
    seen_by=STAFF + " Partners that take part see the activity.",
    retention="Until deleted by the organisation.",
    personal=False,
)
describe(
    CollaborationPartner,
    purpose="Which partners took part in an activity.",
    legal_basis="Not personal data.",
    seen_by=STAFF,
    retention="With the activity.",
    personal=False,
)
describe(
    FollowUp,
    purpose="What was agreed to be done after an activity, by whom and by when.",
    legal_basis="Legitimate interest in running the cooperation (art. 6(1)(f)) for the owner's "
    "name.",
    seen_by=STAFF,
    retention="With the activity.",
)
describe(
    Proposal,
    purpose="What a partner contact proposes (a collaboration activity, a follow-up, a change to "
    "the curriculum), the coordinator's decision with its reason, and what became of it.",
    legal_basis="Legitimate interest in running the cooperation with partners (art. 6(1)(f)) "
    "for the names of who proposed and who decided.",
    seen_by=STAFF + " The proposing partner's own linked contacts see its proposals.",
    retention="While the partnership lasts; removed with the partner.",
)
describe(
    ProposalComment,
    purpose="The thread of comments on a proposal between the partner and the organisation.",
    legal_basis="Legitimate interest in running the cooperation with partners (art. 6(1)(f)).",
    seen_by=STAFF + " The proposing partner's own linked contacts see the thread.",
    retention="With the proposal.",
)
