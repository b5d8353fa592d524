"""How the audit trail names and links the programmes app's records."""

from cocora.audit.records import RecordKind, page, register_record

register_record(
    "programmes.programme",
    RecordKind(url=page("programme_detail", "programme_id"), permission="programmes.view"),
)
register_record(
    "programmes.module",
    RecordKind(
        related=("programme",),
        url=page("module_translation", "module_id"),
        permission="programmes.manage",
    ),
)
register_record(
    "programmes.cohort",
    RecordKind(url=page("cohort_detail", "cohort_id"), permission="cohorts.view"),
)
register_record(
    "programmes.participant",
    RecordKind(url=page("participant_detail", "participant_id"), permission="participants.view"),
)
register_record(
    "programmes.consent",
    RecordKind(
        related=("participant",),
        url=page("participant_detail", "participant_id", "participant_id"),
        permission="participants.view",
    ),
)
register_record(
    "programmes.enrolment",
    RecordKind(
        related=("participant", "cohort"),
        url=page("participant_detail", "participant_id", "participant_id"),
        permission="participants.view",
    ),
)
register_record(
    "programmes.session",
    RecordKind(
        related=("cohort",),
        url=page("session_detail", "session_id"),
        permission="sessions.view",
    ),
)
register_record(
    "programmes.sessionlog",
    RecordKind(
        related=("session__cohort",),
        label=lambda log: str(log.session),
        url=page("session_log", "session_id", "session_id"),
        permission="session_logs.write",
    ),
)
register_record(
    "programmes.handbookexport",
    RecordKind(
        related=("programme",),
        url=page("handbook_exports", "programme_id", "programme_id"),
        permission="handbooks.export",
    ),
)
