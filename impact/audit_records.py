"""How the audit trail names and links the impact app's records."""

from cocora.audit.records import RecordKind, page, register_record

register_record("impact.objective", RecordKind(permission="impact.view"))
register_record("impact.indicator", RecordKind(permission="impact.view"))
register_record(
    "impact.funderreport",
    RecordKind(url=page("impact_report", "report_id"), permission="impact_reports.view"),
)
