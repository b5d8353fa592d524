"""How the audit trail names and links the training app's records."""

from typing import Any

from django.utils.formats import date_format

from cocora.audit.records import RecordKind, register_record


def _record_label(record: Any) -> str:
    # The day as the reader's language writes it, never an ISO date.
    return f"{record.course} · {date_format(record.completed_on, 'SHORT_DATE_FORMAT')}"


register_record("training.course", RecordKind(permission="training.manage"))
register_record(
    "training.trainingrecord",
    RecordKind(related=("course",), label=_record_label, permission="training.manage"),
)
