"""How the audit trail names and links the evaluation's records. Responses and answers are
never audited one by one: a line per answer would tie it to a time."""

from cocora.audit.records import RecordKind, page, register_record

register_record(
    "evaluation.item",
    RecordKind(url=page("evaluation_item_edit", "item_id"), permission="evaluation.manage"),
)
register_record(
    "evaluation.wave",
    RecordKind(
        related=("cohort",),
        label=lambda row: f"{row.cohort} · {row.get_kind_display()}",
        url=page("evaluation_cohort", "cohort_id", "cohort_id"),
        permission="evaluation.view",
    ),
)
