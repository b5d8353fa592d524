"""How the audit trail names and links the families app's records. Guardians' invitations and
links are recorded on the participant (programmes names and links those)."""

from cocora.audit.records import RecordKind, page, register_record

register_record(
    "families.familyactivity",
    RecordKind(
        url=page("family_activity_detail", "family_activity_id"), permission="families.view"
    ),
)
