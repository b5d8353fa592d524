"""Paired analysis of the answers: per scale and per item, the change from baseline to end for
the same people, and how many answered only once.

Method (docs/impact.md says it for readers):

- Agreement answers run 1..5; a reverse-scored item is flipped (6 - answer), so that a higher
  score always means more of what the scale measures.
- A person's scale score in a wave is the mean of their answers to the scale's items, when they
  answered at least half of them (otherwise they have no score for that scale in that wave).
- A pair is one person's score at baseline and at the end (the same pairing key, i.e. the same
  enrolment). For the pairs: n, mean before, mean after, mean change, the standard deviation of
  the changes (n - 1 in the denominator) and the effect size d_z = mean change / SD of change.
  d_z needs at least two pairs and some variation.
- People with a baseline and no end answer (or the reverse) are counted apart, never averaged
  into the change.
- Every figure passes through small-cell suppression: means over fewer people than the
  organisation's threshold are shown as "fewer than N", and so are counts from 1 to N - 1.
- Pooled figures (a programme, a period: more than one cohort) leave out, per scale and per
  item, every cohort with 1 to N - 1 pairs, so that a pooled figure minus a cohort's own shown
  figure cannot reveal a small cohort's answers.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from cocora.core.compiled import Param, compiled_read
from cocora.core.suppression import Cell, count_cell, measure_cell, threshold_for
from cocora.organisations.models import Organisation

from ..instruments import current_language, scale_labels
from ..models import SCALE_MAX, SCALE_MIN, Answer, Item, ItemKind, Wave, WaveKind

PRE = WaveKind.BASELINE
POST = WaveKind.END


@dataclass(frozen=True)
class Change:
    """The raw figures of one paired comparison (before suppression)."""

    n_paired: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    sd_change: float | None
    effect_size: float | None
    n_unpaired_pre: int
    n_unpaired_post: int


@dataclass(frozen=True)
class PairedFigures:
    """The figures of a paired comparison as they may be shown (suppression applied)."""

    n_paired: Cell
    mean_pre: Cell
    mean_post: Cell
    mean_change: Cell
    sd_change: Cell
    effect_size: Cell
    n_unpaired_pre: Cell
    n_unpaired_post: Cell


@dataclass(frozen=True)
class ItemChange(PairedFigures):
    key: str
    label: str
    reverse: bool


@dataclass(frozen=True)
class ScaleChange(PairedFigures):
    key: str
    label: str
    items: list[ItemChange]


def scored(value: int, *, reverse: bool) -> int:
    return SCALE_MIN + SCALE_MAX - value if reverse else value


def paired_change(pre: dict[str, float], post: dict[str, float]) -> Change:
    """The paired figures for scores keyed by person: pairs are the people in both."""
    people = sorted(set(pre) & set(post))
    n = len(people)
    unpaired_pre = len(set(pre) - set(post))
    unpaired_post = len(set(post) - set(pre))
    if n == 0:
        return Change(0, None, None, None, None, None, unpaired_pre, unpaired_post)
    changes = [post[p] - pre[p] for p in people]
    mean_change = sum(changes) / n
    sd = None
    effect = None
    if n >= 2:
        sd = math.sqrt(sum((c - mean_change) ** 2 for c in changes) / (n - 1))
        effect = mean_change / sd if sd > 0 else None
    return Change(
        n_paired=n,
        mean_pre=sum(pre[p] for p in people) / n,
        mean_post=sum(post[p] for p in people) / n,
        mean_change=mean_change,
        sd_change=sd,
        effect_size=effect,
        n_unpaired_pre=unpaired_pre,
        n_unpaired_post=unpaired_post,
    )


def _cells(change: Change, *, threshold: int) -> dict[str, Cell]:
    n = change.n_paired

    def measure(value: float | None, decimals: int) -> Cell:
        return measure_cell(value, n=n, threshold=threshold, decimals=decimals)

    return {
        "n_paired": count_cell(n, threshold=threshold),
        "mean_pre": measure(change.mean_pre, 2),
        "mean_post": measure(change.mean_post, 2),
        "mean_change": measure(change.mean_change, 2),
        "sd_change": measure(change.sd_change, 2),
        "effect_size": measure(change.effect_size, 2),
        "n_unpaired_pre": count_cell(change.n_unpaired_pre, threshold=threshold),
        "n_unpaired_post": count_cell(change.n_unpaired_post, threshold=threshold),
    }


def _answers(
    *,
    organisation: Organisation | Param,
    programme: Any = None,
    cohort: Any = None,
    start: date | Param | None = None,
    end: date | Param | None = None,
) -> QuerySet[Answer]:
    """The agreement answers of baseline and end rounds that the analysis reads."""
    answers = Answer.objects.for_org(organisation).filter(
        item__kind=ItemKind.AGREEMENT,
        value__isnull=False,
        response__wave__kind__in=[PRE, POST],
    )
    if cohort is not None:
        answers = answers.filter(response__wave__cohort=cohort)
    if programme is not None:
        answers = answers.filter(response__wave__cohort__programme=programme)
    if start is not None or end is not None:
        # A cohort counts in the period in which its end round opened: its baseline (taken
        # earlier, maybe in the period before) is what that end is compared with.
        ends = Wave.objects.for_org(organisation).filter(kind=POST)
        if start is not None:
            ends = ends.filter(opened_at__date__gte=start)
        if end is not None:
            ends = ends.filter(opened_at__date__lte=end)
        answers = answers.filter(Q(response__wave__cohort__in=ends.values("cohort")))
    return answers


def scale_changes(
    *,
    organisation: Organisation,
    programme: Any = None,
    cohort: Any = None,
    start: date | None = None,
    end: date | None = None,
    items: bool = True,
) -> list[ScaleChange]:
    """Paired change per scale and per item for a cohort, a programme or the whole organisation
    (optionally for the cohorts whose end round opened between `start` and `end`), suppressed.

    Two queries whatever the number of answers: the answers, and the wording of the items.
    With `items=False` (targets, which read a scale's change only), the scales alone, each with
    no items: the database adds up each person's answers per scale and round, so the rows read
    are one per person, scale and round instead of one per answer (two grouped queries)."""
    threshold = threshold_for(organisation)
    if not items and cohort is None and None not in (programme, start, end):
        # A target's period of a programme: the reads compiled once per process.
        values = {
            "organisation": organisation.pk,
            "programme": getattr(programme, "pk", programme),
            "period_start": start,
            "period_end": end,
        }
        return _scale_totals_changes(
            partial(_period_scale_items, **values),
            partial(_period_scale_totals, **values),
            threshold=threshold,
            pooled=True,
        )
    answers = _answers(
        organisation=organisation, programme=programme, cohort=cohort, start=start, end=end
    )
    if not items:
        return _scale_totals_changes(
            partial(list, _scale_items(answers)),
            partial(list, _scale_totals(answers)),
            threshold=threshold,
            pooled=cohort is None,
        )
    rows = answers.values_list(
        "response__wave__cohort_id",
        "response__pairing_key",
        "response__wave__kind",
        "item__instrument_id",
        "item__key",
        "item__scale",
        "item__reverse",
        "value",
    )
    return _scale_changes(
        organisation=organisation, rows=rows, threshold=threshold, pooled=cohort is None
    )


def without_small_cohorts(
    pre: dict[str, float], post: dict[str, float], *, cohort_of: dict[str, int], threshold: int
) -> tuple[dict[str, float], dict[str, float]]:
    """The scores without the people of cohorts that have 1 to threshold - 1 pairs here."""
    pairs: dict[int, int] = defaultdict(int)
    for person in set(pre) & set(post):
        pairs[cohort_of[person]] += 1
    small = {cohort for cohort, n in pairs.items() if n < threshold}
    if not small:
        return pre, post
    return (
        {p: v for p, v in pre.items() if cohort_of[p] not in small},
        {p: v for p, v in post.items() if cohort_of[p] not in small},
    )


def _items_needed(items: int) -> int:
    """A scale score needs answers to at least half of the scale's items that someone answered."""
    return math.ceil(items / 2)


def _in_scale_order(scales: Iterable[str], labels: dict[str, str]) -> list[str]:
    """The scales in the instruments' order, unknown ones last."""
    order = list(labels)
    return sorted(scales, key=lambda s: order.index(s) if s in labels else 99)


def _figures(
    pre: dict[str, float],
    post: dict[str, float],
    *,
    pooled: bool,
    cohort_of: dict[str, int],
    threshold: int,
) -> dict[str, Cell]:
    if pooled:
        pre, post = without_small_cohorts(pre, post, cohort_of=cohort_of, threshold=threshold)
    return _cells(paired_change(pre, post), threshold=threshold)


def _scale_changes(
    *,
    organisation: Organisation,
    rows: Iterable[tuple[Any, ...]],
    threshold: int,
    pooled: bool,
) -> list[ScaleChange]:
    cohort_of: dict[str, int] = {}
    # item answers[(scale, item key)][wave kind][person] = scored value
    item_scores: dict[tuple[str, str], dict[str, dict[str, float]]] = defaultdict(
        lambda: {PRE: {}, POST: {}}
    )
    # a person's answers per scale and wave, to average into scale scores
    scale_answers: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(
        lambda: {PRE: defaultdict(list), POST: defaultdict(list)}
    )
    scale_items: dict[str, dict[str, bool]] = defaultdict(dict)
    instrument_ids = set()
    for cohort_id, person, kind, instrument_id, key, scale, reverse, value in rows:
        cohort_of[person] = cohort_id
        instrument_ids.add(instrument_id)
        score = scored(value, reverse=reverse)
        item_scores[(scale, key)][kind][person] = score
        scale_answers[scale][kind][person].append(score)
        scale_items[scale][key] = reverse
    wording = _item_wording(organisation=organisation, instrument_ids=instrument_ids)
    labels = scale_labels()

    def change(pre: dict[str, float], post: dict[str, float]) -> dict[str, Cell]:
        return _figures(pre, post, pooled=pooled, cohort_of=cohort_of, threshold=threshold)

    result = []
    for scale in _in_scale_order(scale_items, labels):
        needed = _items_needed(len(scale_items[scale]))
        scores = {
            kind: {
                person: sum(values) / len(values)
                for person, values in scale_answers[scale][kind].items()
                if len(values) >= needed
            }
            for kind in (PRE, POST)
        }
        items = [
            ItemChange(
                key=key,
                label=wording.get(key, key),
                reverse=reverse,
                **change(item_scores[(scale, key)][PRE], item_scores[(scale, key)][POST]),
            )
            for key, reverse in sorted(scale_items[scale].items(), key=lambda kv: kv[0])
        ]
        result.append(
            ScaleChange(
                key=scale,
                label=labels.get(scale, scale),
                items=items,
                **change(scores[PRE], scores[POST]),
            )
        )
    return result


def _scale_items(answers: QuerySet[Answer]) -> QuerySet[Answer, tuple[str, str]]:
    """The items of each scale that someone answered (a score needs at least half of them). The
    distinct pairs are counted in Python: the database hashes them, where COUNT(DISTINCT)
    sorts."""
    return answers.values_list("item__scale", "item__key").distinct().order_by()


def _scale_totals(answers: QuerySet[Answer]) -> QuerySet[Answer, tuple[Any, ...]]:
    """Each person's scored answers per scale and round: their sum and number (the mean is
    the same division)."""
    scored_value = Case(
        When(item__reverse=True, then=Value(SCALE_MIN + SCALE_MAX) - F("value")),
        default=F("value"),
        output_field=IntegerField(),
    )
    return (
        answers.values(
            "item__scale",
            "response__wave__kind",
            "response__wave__cohort_id",
            "response__pairing_key",
        )
        .annotate(total=Sum(scored_value), answered=Count("pk"))
        .order_by()
        .values_list(
            "item__scale",
            "response__wave__kind",
            "response__wave__cohort_id",
            "response__pairing_key",
            "total",
            "answered",
        )
    )


def _period_answers() -> QuerySet[Answer]:
    return _answers(
        organisation=Param("organisation"),
        programme=Param("programme"),
        start=Param("period_start", DateField()),
        end=Param("period_end", DateField()),
    )


@compiled_read
def _period_scale_items() -> QuerySet[Answer, tuple[str, str]]:
    """`_scale_items` of a programme's cohorts whose end round opened in a period."""
    return _scale_items(_period_answers())


@compiled_read
def _period_scale_totals() -> QuerySet[Answer, tuple[Any, ...]]:
    """`_scale_totals` of a programme's cohorts whose end round opened in a period."""
    return _scale_totals(_period_answers())


def _scale_totals_changes(
    items: Callable[[], Iterable[tuple[str, str]]],
    totals: Callable[[], Iterable[tuple[Any, ...]]],
    *,
    threshold: int,
    pooled: bool,
) -> list[ScaleChange]:
    """The scale figures of `_scale_changes` from what the database adds up (`_scale_items`,
    then `_scale_totals`: each read when called)."""
    items_of: dict[str, int] = defaultdict(int)
    for scale, _key in items():
        items_of[scale] += 1
    needed = {scale: _items_needed(n) for scale, n in items_of.items()}
    if not needed:
        return []  # no answers: the sums are not asked for
    cohort_of: dict[str, int] = {}
    scores: dict[str, dict[str, dict[str, float]]] = {s: {PRE: {}, POST: {}} for s in needed}
    for scale, kind, cohort_id, person, total, answered in totals():
        if scale not in needed:
            # The sums are a second statement, which sees what was committed since the count:
            # a scale first answered in between waits for the next read.
            continue
        cohort_of[person] = cohort_id
        if answered >= needed[scale]:
            scores[scale][kind][person] = total / answered
    labels = scale_labels()
    result = []
    for scale in _in_scale_order(scores, labels):
        figures = _figures(
            scores[scale][PRE],
            scores[scale][POST],
            pooled=pooled,
            cohort_of=cohort_of,
            threshold=threshold,
        )
        result.append(ScaleChange(key=scale, label=labels.get(scale, scale), items=[], **figures))
    return result


def _item_wording(*, organisation: Organisation, instrument_ids: set[int]) -> dict[str, str]:
    if not instrument_ids:
        return {}
    language = current_language()
    return {
        item.key: item.text_in(language)
        for item in Item.objects.for_org(organisation).filter(instrument_id__in=instrument_ids)
    }


def scale_choices() -> list[tuple[str, str]]:
    """The built-in scales, (key, label) in the current language, for indicators to refer to."""
    return list(scale_labels().items())
