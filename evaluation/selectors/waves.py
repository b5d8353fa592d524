"""Reads behind the evaluation pages: a cohort's rounds, the printable list of links, the
trainer's device queue, the questionnaires, and the open answers (pooled)."""

from collections import defaultdict
from collections.abc import Iterable
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


def _alphabetical(texts: Iterable[str]) -> list[str]:
    """Texts in alphabetical order, whatever order they were given in (which could match a
    person); texts that differ only in case by their own letters, so that the order is total."""
    return sorted(texts, key=lambda text: (text.casefold(), text))


def _shown_cohorts(people: Iterable[tuple[int, str]], threshold: int) -> set[int]:
    """The cohorts, of (cohort, pairing key) pairs, in which at least `threshold` people
    answered. A person answers the same question at baseline and at the end: the pairing key
    counts them once."""
    by_cohort: dict[int, set[str]] = defaultdict(set)
    for cohort_id, key in people:
        by_cohort[cohort_id].add(key)
    return {cohort_id for cohort_id, keys in by_cohort.items() if len(keys) >= threshold}


def _open_answers_of(organisation: Organisation, **filters: Any) -> QuerySet[Answer]:
    return (
        Answer.objects.for_org(organisation)
        .filter(item__kind=ItemKind.OPEN, **filters)
        .exclude(text="")
    )


def open_answers(*, organisation: Organisation, cohort: Cohort) -> list[dict[str, Any]]:
    """A cohort's open answers per question, pooled across people and rounds, in alphabetical
    order (never in the order given, which could match a person), and only where at least as
    many people answered as the small-cell threshold (each person once, however many rounds
    they answered in). Never beside a name or a code. A programme's, which grow with every
    cohort it runs, are read a question and a page at a time (`open_questions`,
    `open_answer_texts`)."""
    threshold = threshold_for(organisation)
    grouped: dict[int, dict[str, Any]] = {}
    language = current_language()
    for answer in _open_answers_of(organisation, response__wave__cohort=cohort).select_related(
        "item", "response"
    ):
        group = grouped.setdefault(
            answer.item_id,
            {"question": answer.item.text_in(language), "texts": [], "people": set()},
        )
        group["texts"].append(answer.text)
        group["people"].add(answer.response.pairing_key)
    result = []
    for group in grouped.values():
        withheld = len(group["people"]) < threshold
        result.append(
            {
                "question": group["question"],
                "texts": [] if withheld else _alphabetical(group["texts"]),
                "withheld": withheld,
            }
        )
    return result


def open_questions(*, organisation: Organisation, programme: Any) -> list[Item]:
    """The open questions answered in the rounds of a programme's cohorts, in questionnaire
    order, each with `question` (its wording in the current language) and `answer_count`: the
    answers its page shows, those of the cohorts in which at least as many people answered it
    as the small-cell threshold. A cohort below it adds nothing, so that the programme's pool
    less the cohorts' own lists (each shown on its results page) gives away no withheld
    answer. Two queries, whatever the number of answers."""
    threshold = threshold_for(organisation)
    groups = list(
        _open_answers_of(organisation, response__wave__cohort__programme=programme)
        .values("item_id", "response__wave__cohort_id")
        .annotate(people=Count("response__pairing_key", distinct=True), answers=Count("pk"))
        .order_by()
    )
    shown: dict[int, int] = defaultdict(int)
    for group in groups:
        shown[group["item_id"]] += group["answers"] if group["people"] >= threshold else 0
    items = list(
        Item.objects.for_org(organisation)
        .filter(pk__in=list(shown))
        .order_by("instrument_id", "position", "pk")
    )
    language = current_language()
    for item in items:
        item.question = item.text_in(language)  # type: ignore[attr-defined]
        item.answer_count = shown[item.pk]  # type: ignore[attr-defined]
    return items


def open_answer_texts(*, organisation: Organisation, programme: Any, item: Item) -> list[str]:
    """The answers with a text to the open question `item` in the rounds of a programme's
    cohorts in which at least as many people answered it as the small-cell threshold (see
    `open_questions`), in alphabetical order. The texts are stored encrypted, so the database
    cannot sort them: the question's texts (with their cohort and pairing key, nothing else)
    are read and sorted here, and the page shows a slice."""
    rows = list(
        _open_answers_of(
            organisation, item=item, response__wave__cohort__programme=programme
        ).values_list("text", "response__wave__cohort_id", "response__pairing_key")
    )
    cohorts = _shown_cohorts(
        ((cohort_id, key) for _text, cohort_id, key in rows), threshold_for(organisation)
    )
    return _alphabetical(text for text, cohort_id, _key in rows if cohort_id in cohorts)


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
