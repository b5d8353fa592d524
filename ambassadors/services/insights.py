"""Peer insights: what ambassadors see in their peer group, and what became of it."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from ..models import (
    INSIGHT_MAX_CHARS,
    Ambassador,
    InsightKind,
    InsightStatus,
    InsightTheme,
    PeerInsight,
)
from ._common import check_same_organisation, require_coordinator, require_own_ambassador


def _check_length(text: str, *, field: str, label: str) -> None:
    if len(text) > INSIGHT_MAX_CHARS:
        raise ApplicationError(
            _(
                "%(label)s is %(length)s characters long: keep it to %(max)s characters "
                "(about half a page)."
            )
            % {"label": label, "length": len(text), "max": INSIGHT_MAX_CHARS},
            field=field,
        )


@transaction.atomic
def insight_share(
    *,
    organisation: Organisation,
    ambassador: Ambassador,
    theme: str,
    kind: str,
    observation: str,
    suggestion: str = "",
    theme_other: str = "",
    actor: Any,
) -> PeerInsight:
    """An ambassador shares what they see in their peer group, naming nobody."""
    check_same_organisation(organisation, ambassador)
    require_own_ambassador(ambassador, actor, doing=_("share an insight"))
    if theme not in InsightTheme.values:
        raise ApplicationError(_("Choose a theme from the list."), field="theme")
    if kind not in InsightKind.values:
        raise ApplicationError(
            _("Say whether you saw a need, a resource or expertise."), field="kind"
        )
    observation = (observation or "").strip()
    suggestion = (suggestion or "").strip()
    theme_other = (theme_other or "").strip()
    if not observation:
        raise ApplicationError(_("Describe what you see."), field="observation")
    _check_length(observation, field="observation", label=_("What you see"))
    _check_length(suggestion, field="suggestion", label=_("Your suggestion"))
    if theme == InsightTheme.OTHER and not theme_other:
        raise ApplicationError(_("Name the theme in a few words."), field="theme_other")
    if len(theme_other) > 100:
        raise ApplicationError(_("Keep the theme under 100 characters."), field="theme_other")
    insight = PeerInsight.objects.create(
        organisation=organisation,
        ambassador=ambassador,
        theme=theme,
        theme_other=theme_other if theme == InsightTheme.OTHER else "",
        kind=kind,
        observation=observation,
        suggestion=suggestion,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="peer_insight.shared",
        target=insight,
        details={"ambassador_id": ambassador.pk, "theme": theme, "kind": kind},
    )
    return insight


@transaction.atomic
def insight_review(
    *,
    organisation: Organisation,
    insight: PeerInsight,
    status: str,
    response: str = "",
    actor: Any,
) -> PeerInsight:
    """A coordinator acknowledges an insight or records what was done with it; the ambassador
    sees the answer."""
    check_same_organisation(organisation, insight)
    require_coordinator(organisation, actor, doing=_("review peer insights"))
    if status not in (InsightStatus.ACKNOWLEDGED, InsightStatus.ACTED_ON):
        raise ApplicationError(_("Choose acknowledged or acted on."), field="status")
    response = (response or "").strip()
    if status == InsightStatus.ACTED_ON and not response:
        raise ApplicationError(
            _("Say in a sentence what was done, so that the ambassador sees it."),
            field="response",
        )
    if len(response) > 1000:
        raise ApplicationError(_("Keep the answer under 1,000 characters."), field="response")
    insight = PeerInsight.objects.for_org(organisation).select_for_update().get(pk=insight.pk)
    old = insight.status
    insight.status = status
    insight.response = response
    insight.reviewed_by = actor
    insight.reviewed_at = timezone.now()
    insight.save(update_fields=["status", "response", "reviewed_by", "reviewed_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="peer_insight.reviewed",
        target=insight,
        details={"from": old, "to": status},
    )
    return insight
