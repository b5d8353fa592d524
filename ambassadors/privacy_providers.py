"""What the ambassadors app removes when a participant's data is erased (see cocora.privacy):
the free text of their task reports, check-ins, debriefs and insights, and the link to their
account. Counts and dates stay, so that the programme's outputs still add up. Discovered by
`PrivacyConfig.ready`."""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import Organisation
from cocora.privacy.models import RecordType
from cocora.privacy.registry import register
from cocora.privacy.transparency import KeptItem
from cocora.privacy.transparency import register as register_facts
from programmes.models import Participant

from .models import Ambassador, CheckIn, Debrief, OutreachTask, PeerInsight


def ambassador_erase(*, organisation: Organisation, subject: Any, actor: Any) -> dict[str, int]:
    if not isinstance(subject, Participant):
        return {}
    ambassadors = Ambassador.objects.for_org(organisation).filter(participant=subject)
    ids = list(ambassadors.values_list("pk", flat=True))
    if not ids:
        return {}
    removed = (
        OutreachTask.objects.for_org(organisation)
        .filter(ambassador_id__in=ids)
        .update(what_worked="", what_was_hard="", description="")
        + CheckIn.objects.for_org(organisation).filter(ambassador_id__in=ids).update(notes="")
        + Debrief.objects.for_org(organisation).filter(ambassador_id__in=ids).update(notes="")
        + PeerInsight.objects.for_org(organisation)
        .filter(ambassador_id__in=ids)
        .update(observation="", suggestion="", theme_other="")
    )
    ambassadors.update(user=None, invitation=None, cap_reason="")
    return {"ambassador_texts_removed": removed}


register(
    "ambassadors",
    subject_erase=ambassador_erase,
    count_labels={"ambassador_texts_removed": _("ambassador records with their text removed")},
)


def kept_about_ambassadors(*, organisation: Organisation) -> list[KeptItem]:
    """What the Ambassador Programme keeps about a young person, for the transparency page and
    the consent form: kept and anonymised with the participant record. No query."""
    return [
        KeptItem(
            gettext(
                "If you become an ambassador: your tasks, the hours you give, how many peers you "
                "reached (never their names), your reports and your talks with your coordinator."
            ),
            RecordType.PARTICIPANTS,
        )
    ]


register_facts("ambassadors", kept=kept_about_ambassadors)
