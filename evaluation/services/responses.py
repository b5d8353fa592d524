"""Answers: storing one young person's answers through their one-time link, and removing a
person's answers when their evaluation consent is withdrawn or their data erased."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation
from programmes.models import Consent, ConsentScope, Enrolment, Participant

from ..models import (
    OPEN_ANSWER_MAX_CHARS,
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Item,
    ItemKind,
    Response,
    SurveyLink,
)
from ..pairing import pairing_key
from .eligibility import evaluation_consent_ok, may_answer_stage


def link_problem(*, organisation: Organisation, link: SurveyLink) -> str | None:
    """Why this link cannot be answered now, in words for the young person; None when it can."""
    if link.used:
        return _("Thank you! Your answers have been sent. Each link works only once.")
    if link.revoked or not link.wave.is_open:
        return _("This questionnaire is closed. Thank you for your interest.")
    enrolment = link.enrolment
    consents = Consent.objects.for_org(organisation).filter(
        participant_id=enrolment.participant_id, scope=ConsentScope.EVALUATION
    )
    if not may_answer_stage(enrolment.stage) or not evaluation_consent_ok(
        enrolment.participant, consents, organisation=organisation, today=timezone.localdate()
    ):
        return _("This questionnaire is closed. Thank you for your interest.")
    return None


@transaction.atomic
def response_submit(
    *,
    organisation: Organisation,
    link: SurveyLink,
    answers: dict[int, Any],
) -> Response:
    """Stores the answers given through `link` (skipped questions have no row) and uses the link
    up. Nothing about the person is stored with them, not even the time."""
    link = (
        SurveyLink.objects.for_org(organisation)
        .select_for_update()
        .select_related("wave", "enrolment__participant")
        .get(pk=link.pk)
    )
    problem = link_problem(organisation=organisation, link=link)
    if problem:
        raise ApplicationError(problem, code="conflict")
    items = {
        item.pk: item
        for item in Item.objects.for_org(organisation).filter(instrument_id=link.wave.instrument_id)
    }
    rows = []
    for item_id, raw in answers.items():
        item = items.get(item_id)
        if item is None:
            raise ApplicationError(_("This question is not part of the questionnaire."))
        if item.kind == ItemKind.AGREEMENT:
            if raw in (None, ""):
                continue
            try:
                value = int(raw)
            except (TypeError, ValueError):
                value = 0
            if not SCALE_MIN <= value <= SCALE_MAX:
                raise ApplicationError(
                    _("Choose one of the answers given."), field=f"item_{item_id}"
                )
            rows.append(Answer(organisation=organisation, item=item, value=value))
        else:
            text = str(raw or "").strip()
            if not text:
                continue
            if len(text) > OPEN_ANSWER_MAX_CHARS:
                raise ApplicationError(
                    _("Please keep your answer under %(limit)s characters.")
                    % {"limit": OPEN_ANSWER_MAX_CHARS},
                    field=f"item_{item_id}",
                )
            rows.append(Answer(organisation=organisation, item=item, text=text))
    response = Response.objects.create(
        organisation=organisation,
        wave=link.wave,
        pairing_key=pairing_key(organisation_id=organisation.pk, enrolment_id=link.enrolment_id),
    )
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    link.used = True
    link.save(update_fields=["used"])
    return response


def _pairing_keys(*, organisation: Organisation, participant: Participant) -> list[str]:
    enrolment_ids = Enrolment.objects.for_org(organisation).filter(participant=participant)
    return [
        pairing_key(organisation_id=organisation.pk, enrolment_id=enrolment_id)
        for enrolment_id in enrolment_ids.values_list("pk", flat=True)
    ]


def _remove_for_participant(*, organisation: Organisation, participant: Participant) -> int:
    keys = _pairing_keys(organisation=organisation, participant=participant)
    SurveyLink.objects.for_org(organisation).filter(
        enrolment__participant=participant, used=False
    ).update(revoked=True)
    responses = Response.objects.for_org(organisation).filter(pairing_key__in=keys)
    count = responses.count()
    Answer.objects.for_org(organisation).filter(response__in=responses).delete()
    responses.delete()
    return count


def responses_remove_for_consent(
    *, organisation: Organisation, consent: Consent, actor: Any = None
) -> None:
    """Withdrawing an evaluation consent deletes the person's answers at once, in every wave, and
    closes their unused links: they leave every analysis, past and future."""
    if consent.scope != ConsentScope.EVALUATION:
        return
    _remove_for_participant(organisation=organisation, participant=consent.participant)


def responses_erase(*, organisation: Organisation, subject: Any, actor: Any) -> dict[str, int]:
    if not isinstance(subject, Participant):
        return {}
    deleted = _remove_for_participant(organisation=organisation, participant=subject)
    # Like the other apps: a count only where there was something to remove.
    return {"evaluation_responses_deleted": deleted} if deleted else {}
