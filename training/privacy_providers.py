"""What the training app holds about a participant who became an ambassador (see
cocora.privacy): their completed courses in the person's export; on erasure, the notes on those
records are removed (courses, days and hours stay, as the ambassador record does). Discovered by
`PrivacyConfig.ready`."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import Organisation
from cocora.privacy.registry import register
from programmes.models import Participant

from .models import TrainingRecord


def _records(organisation: Organisation, subject: Any) -> Any:
    return TrainingRecord.objects.for_org(organisation).filter(ambassador__participant=subject)


def training_export(*, organisation: Organisation, subject: Any) -> dict[str, Any]:
    if not isinstance(subject, Participant):
        return {}
    rows = [
        {
            "course": record.course.name,
            "completed_on": record.completed_on.isoformat(),
            "hours": str(record.hours),
            "note": record.note,
        }
        for record in _records(organisation, subject).select_related("course")
    ]
    return {"training": rows} if rows else {}


def training_erase(*, organisation: Organisation, subject: Any, actor: Any) -> dict[str, int]:
    if not isinstance(subject, Participant):
        return {}
    removed = _records(organisation, subject).exclude(note="").update(note="")
    # Like the other apps' erasures, a count of nothing is left out of the record.
    return {"training_notes_removed": removed} if removed else {}


register(
    "training",
    subject_export=training_export,
    subject_erase=training_erase,
    count_labels={"training_notes_removed": _("training records with their note removed")},
)
