"""Who may do what inside an organisation: one map of action -> roles.

Views name the action they need; scope rules that go beyond roles (a trainer sees only the cohorts
they are assigned to, an ambassador only their own tasks) live in the selectors of each app.
"""

from .models import Membership, Role

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})
# Trainers reach these pages too, but selectors narrow them to the cohorts they are assigned to.
STAFF_AND_TRAINERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.TRAINER})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "organisation.view": EVERYONE,
    "members.view": frozenset({Role.ADMIN}),
    "members.manage": frozenset({Role.ADMIN}),
    "organisation.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
    # Who has seen a participant's record: the people responsible for it.
    "audit.record_view": STAFF,
    # Programmes and curriculum: trainers read the curriculum they deliver.
    "programmes.view": STAFF_AND_TRAINERS,
    "programmes.manage": STAFF,
    # Cohorts, sessions, attendance and logs: trainers only for their own cohorts.
    "cohorts.view": STAFF_AND_TRAINERS,
    "cohorts.manage": STAFF,
    # A message to a cohort's trainers, sent through the delivery log.
    "cohorts.email_trainers": STAFF,
    "sessions.view": STAFF_AND_TRAINERS,
    "sessions.manage": STAFF,
    "attendance.record": STAFF_AND_TRAINERS,
    "session_logs.write": STAFF_AND_TRAINERS,
    # Participant data: never ambassadors or partner contacts.
    "participants.view": STAFF,
    "participants.manage": STAFF,
    "participants.import": STAFF,
    "participants.export": STAFF,
    "consents.manage": STAFF,
    # Data protection: subject-access exports, erasure and retention periods.
    "privacy.manage": frozenset({Role.ADMIN}),
    # Partners and the Collaborative Programme (partners/).
    "partners.view": STAFF,
    "partners.manage": STAFF,
    "disclosures.record": STAFF,
    # Sharing despite a missing basis (e.g. immediate safety): admins only, with a reason.
    "disclosures.override": frozenset({Role.ADMIN}),
    "collaboration.view": STAFF,
    "collaboration.manage": STAFF,
    # A partner contact's own view of their organisation and what the agreement allows.
    "partner_portal.view": frozenset({Role.PARTNER}),
    # Proposals of partners (activities, follow-ups, curriculum changes): a partner contact sees
    # only their own organisation's (the selectors narrow them); staff decide.
    "proposals.view": STAFF | {Role.PARTNER},
    "proposals.propose": frozenset({Role.PARTNER}),
    "proposals.comment": STAFF | {Role.PARTNER},
    "proposals.decide": STAFF,
    # The Ambassador Programme (ambassadors/).
    "ambassadors.view": STAFF,
    "ambassadors.manage": STAFF,
    "ambassadors.caps": frozenset({Role.ADMIN}),
    # An ambassador's own tasks, insights and hours.
    "ambassador_home.view": frozenset({Role.AMBASSADOR}),
    # Evaluation (evaluation/): questionnaires, rounds and pooled results. Trainers see the
    # results of their own cohorts and hand out the codes (or their phone) there.
    "evaluation.view": STAFF_AND_TRAINERS,
    "evaluation.administer": STAFF_AND_TRAINERS,
    "evaluation.manage": STAFF,
    # Handbook PDFs of a programme (programmes/handbooks).
    "handbooks.export": STAFF,
    # Objectives, indicators and progress (impact/): trainers read, staff set them.
    "impact.view": STAFF_AND_TRAINERS,
    "impact.manage": STAFF,
    # Funder reports: figures leave the organisation through them.
    "impact_reports.view": STAFF,
    "impact_reports.manage": STAFF,
    # Trainers' and ambassadors' training (training/): staff keep the records; trainers and
    # ambassadors see their own, nobody else's.
    "training.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.TRAINER, Role.AMBASSADOR}),
    "training.manage": STAFF,
    # Family activities of a cohort (families/): trainers read those of their own cohorts,
    # since they meet these families too; staff plan them, invite guardians, record counts.
    "families.view": STAFF_AND_TRAINERS,
    "families.manage": STAFF,
    # Guardians' personal links (they open a child's consents): staff only.
    "guardian_links.manage": STAFF,
    # The email delivery log and failing addresses.
    "deliveries.view": frozenset({Role.ADMIN}),
    # In-app notifications (a difficult moment, a confidential note, a proposal): the people who
    # act on them.
    "notifications.view": STAFF,
    # The one search box: each group of results then asks its own permission (participants.view,
    # cohorts.view, ...), and selectors narrow trainers to their own cohorts.
    "search.use": STAFF_AND_TRAINERS,
    # Everyone's own calendar feed.
    "calendar.own": EVERYONE,
    # Everyone's own API tokens (the API then applies the person's role, as the pages do).
    "api_tokens.own": EVERYONE,
}


def roles_for(action: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[action]
    except KeyError:
        # Fail closed: an action nobody listed is allowed to nobody.
        raise KeyError(f"Unknown action {action!r}: add it to PERMISSIONS.") from None


def can(membership: Membership | None, action: str) -> bool:
    if membership is None:
        return False
    return membership.role in roles_for(action)
