"""Readable words for the audit trail: what an action code means, in the viewer's language.

The codes themselves stay as recorded (they are the trail's stable vocabulary); pages show these
labels instead. The map holds every code the platform records; a code missing here (an old one,
or one added without a label) still reads as words, never as a dotted code.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    # Access and changes made through pages or the API (the code's second part is the page).
    "access.denied": _("Access refused"),
    # Organisation, members, accounts
    "organisation.settings_changed": _("Organisation settings changed"),
    "invitation.created": _("Invitation sent"),
    "invitation.revoked": _("Invitation withdrawn"),
    "invitation.accepted": _("Invitation accepted"),
    "membership.role_changed": _("Role changed"),
    "membership.removed": _("Member removed"),
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "api_token.revoked_for_member": _("Member's API token revoked"),
    # Data protection and emails
    "privacy.retention_changed": _("Retention periods changed"),
    "privacy.retention_applied": _("Retention periods applied"),
    "privacy.audit_purged": _("Old audit lines removed"),
    "privacy.subject_exported": _("Everything held about a person exported"),
    "privacy.subject_erased": _("Person erased"),
    "notifications.unsubscribed": _("Unsubscribed from reminders"),
    "notifications.unsubscribe_refused": _("Unsubscribe link refused"),
    # Programmes, cohorts, participants, sessions
    "participant.created": _("Participant added"),
    "participant.updated": _("Participant changed"),
    "participant.viewed": _("Participant record viewed"),
    "participant.found_in_search": _("Participant shown in search results"),
    "participant.consent_form_printed": _("Consent form printed"),
    "participants.imported": _("Participants imported"),
    "participants.exported": _("Chosen participants exported"),
    "consent.recorded": _("Consent recorded"),
    "consent.withdrawn": _("Consent withdrawn"),
    "cohort.enrolled": _("Participant enrolled"),
    "cohort.exported": _("Cohort exported"),
    "cohort.coordinator_changed": _("Cohort coordinator changed"),
    "cohort.trainers_changed": _("Cohort trainers changed"),
    "cohort.trainers_emailed": _("Cohort's trainers emailed"),
    "enrolment.stage_changed": _("Enrolment stage changed"),
    "sessions.generated": _("Sessions scheduled"),
    "session.status_changed": _("Session status changed"),
    "attendance.saved": _("Attendance saved"),
    "session_log.created": _("Session log written"),
    "session_log.note_viewed": _("Confidential note read"),
    "handbook.downloaded": _("Handbook downloaded"),
    "curriculum.translation_saved": _("Module translation saved"),
    "curriculum.translations_added": _("Built-in text added as translations"),
    "evaluation.item_reworded": _("Questionnaire question reworded"),
    "evaluation.item_deleted": _("Questionnaire question removed"),
    "evaluation.wave_opened": _("Questionnaire round opened"),
    "evaluation.wave_closed": _("Questionnaire round closed"),
    "objective.created": _("Objective added"),
    "objective.changed": _("Objective changed"),
    "objective.deleted": _("Objective removed"),
    "indicator.created": _("Indicator added"),
    "indicator.changed": _("Indicator changed"),
    "indicator.deleted": _("Indicator removed"),
    "report.created": _("Funder report started"),
    "report.changed": _("Funder report changed"),
    "report.deleted": _("Funder report removed"),
    "report.exported": _("Funder report exported"),
    "report.pdf_requested": _("Funder report PDF requested"),
    "report.downloaded": _("Funder report PDF downloaded"),
    # Partners and the Collaborative Programme
    "partner.created": _("Partner added"),
    "partner.updated": _("Partner changed"),
    "partner.status_changed": _("Partner status changed"),
    "partner_contact.created": _("Partner contact added"),
    "partner_contact.updated": _("Partner contact changed"),
    "partner_contact.deleted": _("Partner contact removed"),
    "partner_contact.account_changed": _("Partner contact's account changed"),
    "agreement.created": _("Agreement recorded"),
    "agreement.updated": _("Agreement changed"),
    "agreement.printed": _("Agreement printed"),
    "integrity_check.recorded": _("Integrity check recorded"),
    "integrity_check.viewed": _("Integrity check viewed"),
    "integrity_check.partner_informed": _("Partner informed of integrity check"),
    "sharing_consent.recorded": _("Consent to share recorded"),
    "sharing_consent.withdrawn": _("Consent to share withdrawn"),
    "disclosure.recorded": _("Information shared with a partner"),
    "disclosure.override": _("Information shared by admin override"),
    "disclosure.viewed": _("Record of shared information viewed"),
    "collaboration.created": _("Collaboration activity added"),
    "collaboration.updated": _("Collaboration activity changed"),
    "follow_up.created": _("Follow-up added"),
    "follow_up.done": _("Follow-up done"),
    "proposal.created": _("Proposal made by a partner"),
    "proposal.commented": _("Comment on a proposal"),
    "proposal.accepted": _("Proposal accepted"),
    "proposal.declined": _("Proposal declined"),
    # Ambassadors
    "ambassador.promoted": _("Graduate invited as ambassador"),
    "ambassador.account_linked": _("Ambassador's account linked"),
    "ambassador.status_changed": _("Ambassador status changed"),
    "ambassador.cap_raised": _("Ambassador's cap raised"),
    "ambassador.checkin_recorded": _("Check-in recorded"),
    "ambassador.debrief_recorded": _("Debrief recorded"),
    "ambassadors.caps_changed": _("Ambassador caps changed"),
    "outreach_task.assigned": _("Outreach task assigned"),
    "outreach_task.changed": _("Outreach task changed"),
    "outreach_task.proposed": _("Outreach task proposed"),
    "outreach_task.approved": _("Outreach task approved"),
    "outreach_task.declined": _("Outreach task declined"),
    "outreach_task.started": _("Outreach task started"),
    "outreach_task.completed": _("Outreach task reported done"),
    "outreach_task.reviewed": _("Outreach task reviewed"),
    "outreach_task.cancelled": _("Outreach task cancelled"),
    "family_activity.created": _("Family activity planned"),
    "family_activity.updated": _("Family activity changed"),
    "family_activity.counts_recorded": _("Family activity counts recorded"),
    "guardian.invited": _("Guardian invited to a family activity"),
    "guardian_link.sent": _("Guardian link sent"),
    "guardian_link.revoked": _("Guardian link revoked"),
    "guardian_link.opened": _("Guardian link opened"),
    "guardian_link.consent_withdrawn": _("Consent withdrawn by a guardian through their link"),
    "peer_insight.shared": _("Peer insight shared"),
    "peer_insight.reviewed": _("Peer insight reviewed"),
    # Trainers' and ambassadors' training
    "course.created": _("Training course added"),
    "course.changed": _("Training course changed"),
    "course.deleted": _("Training course removed"),
    "training.recorded": _("Completed training recorded"),
    "training.deleted": _("Training record removed"),
}

# Every change made through a page or the API is recorded as "<channel>.<page name>".
CHANNEL_LABELS: dict[str, Promise] = {
    "page": _("Change made on the page “%(page)s”"),
    "api": _("Change made through the API (%(page)s)"),
}


# The kinds of action (the code's first part), for the audit page's filter.
GROUP_LABELS: dict[str, Promise] = {
    "access": _("Refused access"),
    "page": _("Changes made on pages"),
    "api": _("Changes made through the API"),
    "organisation": _("Organisation"),
    "invitation": _("Invitations"),
    "membership": _("Members"),
    "api_token": _("API tokens"),
    "privacy": _("Data protection"),
    "notifications": _("Reminder emails"),
    "participant": _("Participants"),
    "participants": _("Participant imports"),
    "consent": _("Consents"),
    "cohort": _("Cohorts"),
    "enrolment": _("Enrolments"),
    "sessions": _("Scheduling"),
    "session": _("Sessions"),
    "attendance": _("Attendance"),
    "session_log": _("Session logs"),
    "handbook": _("Handbooks"),
    "curriculum": _("Curriculum"),
    "evaluation": _("Questionnaires"),
    "objective": _("Objectives"),
    "indicator": _("Indicators"),
    "report": _("Funder reports"),
    "partner": _("Partners"),
    "partner_contact": _("Partner contacts"),
    "agreement": _("Agreements"),
    "integrity_check": _("Integrity checks"),
    "sharing_consent": _("Consents to share"),
    "disclosure": _("Shared information"),
    "collaboration": _("Collaboration activities"),
    "follow_up": _("Follow-ups"),
    "proposal": _("Partners' proposals"),
    "ambassador": _("Ambassadors"),
    "ambassadors": _("Ambassador caps"),
    "outreach_task": _("Outreach tasks"),
    "peer_insight": _("Peer insights"),
    "course": _("Training courses"),
    "training": _("Training records"),
    "family_activity": _("Family activities"),
    "guardian": _("Guardians' invitations"),
    "guardian_link": _("Guardian links"),
}


def _words(code: str) -> str:
    return code.replace("_", " ").strip()


def action_label(code: str) -> str:
    """The readable, translated wording of an action code."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    channel, _dot, page = code.partition(".")
    if channel in CHANNEL_LABELS and page:
        return str(CHANNEL_LABELS[channel]) % {"page": _words(page)}
    # An unknown code: its words, so that nobody reads "a_b.c_d".
    subject, _dot, verb = code.partition(".")
    if verb:
        return gettext("%(subject)s: %(what)s") % {
            "subject": _words(subject).capitalize(),
            "what": _words(verb),
        }
    return _words(code).capitalize() or "—"


def action_codes(prefix: str) -> list[str]:
    """Every known action code of a kind (GROUP_LABELS); empty for the kinds whose codes are
    open-ended (the page and API channels, named after the page)."""
    if prefix in CHANNEL_LABELS:
        return []
    return [code for code in ACTION_LABELS if code.partition(".")[0] == prefix]


def action_group_label(prefix: str) -> str:
    """The readable, translated name of a kind of action (an action code's first part)."""
    if prefix in GROUP_LABELS:
        return str(GROUP_LABELS[prefix])
    return _words(prefix).capitalize() or "—"
