"""Reads behind the evaluation pages: a cohort's rounds, the printable list of links, the
trainer's device queue, the questionnaires, and the open answers (pooled)."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cocora.core.suppression import threshold_for
from cocora.organisations.models import Membership, Organisation
from programmes.models import Cohort
from programmes.selectors.cohorts import cohort_get

from ..instruments import current_language
from ..models import Answer, Instrument, Item, ItemKind, SurveyLink, Wave
from ..pairing import link_secret, secret_hash


def wave_list(*, organisation: Organisation, cohort: Cohort) -> QuerySet[Wave]:
    """The cohort's rounds with how many were invited and how many answered: one query."""
    return (
        Wave.objects.for_org(organisation)
        .filter(cohort=cohort)
        .annotate(
            invited=Count("links", filter=Q(links__revoked=False)),
            answered=Count("links", filter=Q(links__used=True)),
        )
        .order_by("opened_at", "pk")
    )


def wave_get(*, organisation: Organisation, membership: Membership, wave_id: Any) -> Wave:
    """The round if this member may see its cohort (a trainer: their own cohorts); 404
    otherwise."""
    wave = (
        Wave.objects.for_org(organisation)
        .select_related("cohort__programme", "instrument")
        .filter(pk=wave_id)
        .first()
    )
    if wave is None:
        raise Http404
    cohort_get(organisation=organisation, membership=membership, cohort_id=wave.cohort_id)
    return wave


def link_list(*, organisation: Organisation, wave: Wave) -> list[dict[str, Any]]:
    """The printable list: each invited person's name and code, by name. The code is derived
    again from the link's nonce (see pairing.py)."""
    links = (
        SurveyLink.objects.for_org(organisation)
        .filter(wave=wave, revoked=False)
        .select_related("enrolment__participant")
        .order_by("enrolment__participant__display_name", "pk")
    )
    return [
        {
            "name": link.enrolment.participant.display_name,
            "code": link_secret(link.nonce),
            "used": link.used,
            "enrolment_id": link.enrolment_id,
        }
        for link in links
    ]


def link_by_code(*, organisation: Organisation, code: str) -> SurveyLink | None:
    return (
        SurveyLink.objects.for_org(organisation)
        .select_related("wave__instrument", "wave__cohort", "enrolment__participant")
        .filter(token_hash=secret_hash(code))
        .first()
    )


def link_for_enrolment(*, organisation: Organisation, wave: Wave, enrolment_id: Any) -> SurveyLink:
    link = (
        SurveyLink.objects.for_org(organisation)
        .select_related("wave__instrument", "wave__cohort", "enrolment__participant")
        .filter(wave=wave, enrolment_id=enrolment_id, revoked=False)
        .first()
    )
    if link is None:
        raise Http404
    return link


def instrument_list(*, organisation: Organisation) -> QuerySet[Instrument]:
    return Instrument.objects.for_org(organisation).order_by("kind")


def item_list(*, organisation: Organisation, instrument: Instrument) -> QuerySet[Item]:
    """The questions with whether anyone answered them (answered ones cannot be deleted)."""
    return (
        Item.objects.for_org(organisation)
        .filter(instrument=instrument)
        .annotate(answer_count=Count("answers"))
        .order_by("position", "pk")
    )


def open_answers(*, organisation: Organisation, cohort: Cohort) -> list[dict[str, Any]]:
    """A cohort's open answers per question, pooled across people and rounds, in alphabetical
    order (never in the order given, which could match a person), and only where at least as
    many people answered as the small-cell threshold. Never beside a name or a code. A
    programme's, which grow with every cohort it runs, are read a question and a page at a
    time (`open_questions`, `open_answer_texts`)."""
    threshold = threshold_for(organisation)
    answers = (
        Answer.objects.for_org(organisation)
        .filter(item__kind=ItemKind.OPEN, response__wave__cohort=cohort)
        .select_related("item")
    )
    grouped: dict[int, dict[str, Any]] = {}
    language = current_language()
    for answer in answers:
        if not answer.text:
            continue
        group = grouped.setdefault(
            answer.item_id, {"question": answer.item.text_in(language), "texts": []}
        )
        group["texts"].append(answer.text)
    result = []
    for group in grouped.values():
        texts = sorted(group["texts"], key=str.casefold)
        result.append(
            {
                "question": group["question"],
                "texts": texts if len(texts) >= threshold else [],
                "withheld": len(texts) < threshold,
            }
        )
    return result


def open_questions(*, organisation: Organisation, programme: Any) -> list[Item]:
    """The open questions answered in the rounds of a programme's cohorts, in questionnaire
    order, each with `answer_count` (the answers with a text) and `question` (its wording in the
    current language): one query, whatever the number of answers."""
    answered = Q(answers__response__wave__cohort__programme=programme) & ~Q(answers__text="")
    items = list(
        Item.objects.for_org(organisation)
        .filter(kind=ItemKind.OPEN)
        .annotate(answer_count=Count("answers", filter=answered))
        .filter(answer_count__gt=0)
        .order_by("instrument_id", "position", "pk")
    )
    language = current_language()
    for item in items:
        item.question = item.text_in(language)  # type: ignore[attr-defined]
    return items


def open_answer_texts(*, organisation: Organisation, programme: Any, item: Item) -> list[str]:
    """Every answer with a text to the open question `item` in the rounds of a programme's
    cohorts, in alphabetical order (never in the order given). The texts are stored encrypted,
    so the database cannot sort them: the question's texts (and nothing else of the answers)
    are read and sorted here, and the page shows a slice."""
    texts = (
        Answer.objects.for_org(organisation)
        .filter(item=item, response__wave__cohort__programme=programme)
        .exclude(text="")
        .values_list("text", flat=True)
    )
    return sorted(texts, key=str.casefold)


def wave_queryset(*, organisation: Organisation, membership: Membership) -> QuerySet[Wave]:
    """The rounds of the cohorts this member may see, with invited and answered counts."""
    from programmes.selectors.cohorts import cohort_list

    visible = cohort_list(organisation=organisation, membership=membership).values("pk")
    return (
        Wave.objects.for_org(organisation)
        .filter(cohort_id__in=visible)
        .annotate(
            invited=Count("links", filter=Q(links__revoked=False)),
            answered=Count("links", filter=Q(links__used=True)),
        )
        .order_by("cohort_id", "opened_at", "pk")
    )


def instrument_queryset(*, organisation: Organisation) -> QuerySet[Instrument]:
    from django.db.models import Prefetch

    return (
        Instrument.objects.for_org(organisation)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=Item.objects.for_org(organisation).order_by("position", "pk"),
            )
        )
        .order_by("kind")
    )
