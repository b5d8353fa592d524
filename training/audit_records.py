"""How the audit trail names and links the training app's records."""

from cocora.audit.records import RecordKind, register_record

register_record("training.course", RecordKind(permission="training.manage"))
register_record(
    "training.trainingrecord", RecordKind(related=("course",), permission="training.manage")
)
