"""Opening and closing questionnaire rounds (waves) in a cohort, and inviting the people who
may answer: every enrolment with active evaluation consent gets one one-time link per wave."""

from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation
from programmes.models import ATTENDING_STAGES, Cohort, Consent, Enrolment, ProgrammeKind

from ..models import InstrumentKind, SurveyLink, Wave, WaveKind
from ..pairing import link_secret, new_nonce, secret_hash
from .eligibility import evaluation_consent_ok
from .instruments import instrument_ensure

INSTRUMENT_FOR_PROGRAMME = {
    ProgrammeKind.PREVENTION: InstrumentKind.PREVENTION,
    ProgrammeKind.AMBASSADOR: InstrumentKind.AMBASSADOR,
}


def instrument_kind_for(cohort: Cohort) -> str | None:
    return INSTRUMENT_FOR_PROGRAMME.get(cohort.programme.kind)  # type: ignore[call-overload]


@transaction.atomic
def wave_open(*, organisation: Organisation, cohort: Cohort, kind: str, actor: Any = None) -> Wave:
    """Opens (or reopens) a round of the cohort's questionnaire and invites everyone with
    evaluation consent."""
    if cohort.organisation_id != organisation.pk:
        raise ApplicationError(_("This cohort belongs to another organisation."))
    if kind not in WaveKind.values:
        raise ApplicationError(_("Choose the round: baseline, end or follow-up."), field="kind")
    instrument_kind = instrument_kind_for(cohort)
    if instrument_kind is None:
        raise ApplicationError(
            _("The Collaborative Programme has no questionnaire for young people."), field="kind"
        )
    waves = Wave.objects.for_org(organisation).select_for_update().filter(cohort=cohort)
    existing = {wave.kind: wave for wave in waves}
    if kind != WaveKind.BASELINE and WaveKind.BASELINE not in existing:
        raise ApplicationError(
            _("Open the baseline round first: later answers are compared with it."), field="kind"
        )
    wave = existing.get(kind)
    if wave is not None and wave.is_open:
        raise ApplicationError(_("This round is open already."), code="conflict")
    if wave is None:
        wave = Wave.objects.create(
            organisation=organisation,
            cohort=cohort,
            instrument=instrument_ensure(organisation=organisation, kind=instrument_kind),
            kind=kind,
            opened_at=timezone.now(),
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    else:
        wave.closed_at = None
        wave.save(update_fields=["closed_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="evaluation.wave_opened",
        target=wave,
        details={"cohort": cohort.pk, "kind": kind},
    )
    wave_invite(organisation=organisation, wave=wave)
    return wave


@transaction.atomic
def wave_close(*, organisation: Organisation, wave: Wave, actor: Any = None) -> Wave:
    """Closes a round: from now on its links answer that the questionnaire has closed."""
    if wave.organisation_id != organisation.pk:
        raise ApplicationError(_("This round belongs to another organisation."))
    if not wave.is_open:
        raise ApplicationError(_("This round is closed already."), code="conflict")
    wave.closed_at = timezone.now()
    wave.save(update_fields=["closed_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="evaluation.wave_closed",
        target=wave,
        details={"cohort": wave.cohort_id, "kind": wave.kind},
    )
    return wave


def eligible_enrolments(*, organisation: Organisation, cohort: Cohort) -> list[Enrolment]:
    """The cohort's enrolments that may be asked today, in a fixed number of queries."""
    today = timezone.localdate()
    enrolments = (
        Enrolment.objects.for_org(organisation)
        .filter(cohort=cohort, stage__in=ATTENDING_STAGES)
        .select_related("participant")
        .prefetch_related(
            Prefetch("participant__consents", queryset=Consent.objects.for_org(organisation))
        )
        .order_by("participant__display_name", "pk")
    )
    return [
        enrolment
        for enrolment in enrolments
        if evaluation_consent_ok(
            enrolment.participant,
            enrolment.participant.consents.all(),
            organisation=organisation,
            today=today,
        )
    ]


@transaction.atomic
def wave_invite(*, organisation: Organisation, wave: Wave) -> int:
    """Gives every eligible enrolment without a link in this round its link (people whose consent
    arrived after the round opened, too). Returns how many links were made."""
    if not wave.is_open:
        raise ApplicationError(_("This round is closed: reopen it to invite anyone."))
    have = set(
        SurveyLink.objects.for_org(organisation)
        .filter(wave=wave)
        .values_list("enrolment_id", flat=True)
    )
    links = []
    for enrolment in eligible_enrolments(organisation=organisation, cohort=wave.cohort):
        if enrolment.pk in have:
            continue
        nonce = new_nonce()
        links.append(
            SurveyLink(
                organisation=organisation,
                wave=wave,
                enrolment=enrolment,
                nonce=nonce,
                token_hash=secret_hash(link_secret(nonce)),
            )
        )
    SurveyLink.objects.bulk_create(links)
    return len(links)
