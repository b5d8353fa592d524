"""How the audit trail names and links the partners app's records."""

from cocora.audit.records import RecordKind, page, register_record

partner_page = page("partner_detail", "partner_id", "partner_id")

register_record(
    "partners.partnerorganisation",
    RecordKind(url=page("partner_detail", "partner_id"), permission="partners.view"),
)
for label in ("partners.partnercontact", "partners.agreement"):
    register_record(
        label, RecordKind(related=("partner",), url=partner_page, permission="partners.view")
    )
register_record(
    "partners.integritycheck",
    RecordKind(
        related=("partner",),
        url=page("integrity_check_detail", "check_id"),
        permission="partners.view",
    ),
)
register_record(
    "partners.disclosure",
    RecordKind(
        related=("partner",),
        url=page("disclosure_detail", "disclosure_id"),
        permission="disclosures.record",
    ),
)
register_record(
    "partners.sharingconsent",
    RecordKind(
        related=("participant", "partner"),
        url=page("participant_detail", "participant_id", "participant_id"),
        permission="participants.view",
    ),
)
register_record(
    "partners.collaborationactivity",
    RecordKind(
        url=page("collaboration_detail", "collaboration_id"), permission="collaboration.view"
    ),
)
register_record(
    "partners.followup",
    RecordKind(
        url=page("collaboration_detail", "collaboration_id", "activity_id"),
        permission="collaboration.view",
    ),
)
register_record(
    "partners.proposal",
    RecordKind(
        related=("partner",),
        url=page("proposal_detail", "proposal_id"),
        permission="proposals.view",
    ),
)
