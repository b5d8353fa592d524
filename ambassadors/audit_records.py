"""How the audit trail names and links the ambassadors app's records."""

from cocora.audit.records import RecordKind, page, register_record

register_record(
    "ambassadors.ambassador",
    RecordKind(
        related=("participant",),
        url=page("ambassador_detail", "ambassador_id"),
        permission="ambassadors.view",
    ),
)
register_record(
    "ambassadors.outreachtask",
    RecordKind(url=page("outreach_task_detail", "task_id"), permission="ambassadors.view"),
)
for label in ("ambassadors.checkin", "ambassadors.debrief"):
    register_record(
        label,
        RecordKind(
            related=("ambassador__participant",),
            label=lambda row: str(row.ambassador),
            url=page("ambassador_detail", "ambassador_id", "ambassador_id"),
            permission="ambassadors.view",
        ),
    )
register_record("ambassadors.peerinsight", RecordKind())
