"""Evaluation: questionnaires (instruments) that measure outcomes, the waves in which a cohort
answers them (baseline, end, follow-up), the one-time links that invite each consenting young
person, and the answers.

Answers name nobody. A response carries a pseudonymous pairing key (an HMAC of the enrolment,
see `pairing.py`) so that the baseline and end answers of one person pair up, and no foreign key
that a member of staff could follow back to a participant. Open answers are encrypted at rest and
only ever shown pooled, never beside a code or a name.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cocora.core.fields import EncryptedTextField
from cocora.organisations.models import OrgScopedModel

# Answers to agreement items run from 1 (strongly disagree) to 5 (strongly agree).
SCALE_MIN = 1
SCALE_MAX = 5
OPEN_ANSWER_MAX_CHARS = 1000


class InstrumentKind(models.TextChoices):
    PREVENTION = "prevention", _("Prevention Programme questionnaire")
    AMBASSADOR = "ambassador", _("Ambassador questionnaire")


class Instrument(OrgScopedModel):
    """An organisation's own copy of a built-in questionnaire: its items can be reworded (and
    the rewording is audited) without touching the built-in text or another organisation's."""

    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="evaluation_instrument_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ItemKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement (1 to 5)")
    OPEN = "open", _("Open question")


class Item(OrgScopedModel):
    """One question of a questionnaire, with its wording in every language. An agreement item
    belongs to a scale (e.g. self-efficacy) and may be reverse-scored: agreeing with it means
    less of what the scale measures, so analysis flips its answers."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("key"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    scale = models.CharField(_("scale"), max_length=40, blank=True)
    reverse = models.BooleanField(_("reverse-scored"), default=False)
    # {language code: wording}; a language missing here falls back to English.
    texts = models.JSONField(_("wording"), default=dict)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "instrument", "key"], name="evaluation_item_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.text_in("en")

    def text_in(self, language: str) -> str:
        return str(self.texts.get(language) or self.texts.get("en") or self.key)


class WaveKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline (start)")
    END = "end", _("End")
    FOLLOW_UP = "follow_up", _("Follow-up (months later)")


class Wave(OrgScopedModel):
    """One round of a questionnaire in a cohort: a coordinator opens it (which invites every
    enrolment with evaluation consent) and closes it (after which no link works)."""

    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.CASCADE, related_name="evaluation_waves"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="waves")
    kind = models.CharField(_("wave"), max_length=20, choices=WaveKind.choices)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("questionnaire round")
        verbose_name_plural = _("questionnaire rounds")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cohort", "kind"], name="evaluation_wave_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SurveyLink(OrgScopedModel):
    """A one-time invitation of one enrolment to one wave. Only a hash of the secret is stored;
    the secret itself is derived again from a key in settings when the trainer prints the list
    (see `pairing.py`). Whether it was used is a flag without a time, so that the order of the
    answers cannot be matched to the order in which people used their links."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="links")
    enrolment = models.ForeignKey(
        "programmes.Enrolment", on_delete=models.CASCADE, related_name="+"
    )
    # A random value from which, with the key in settings, the secret is derived.
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(_("used"), default=False)
    # Revoked when the evaluation consent was withdrawn (the link then answers like a used one).
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("questionnaire link")
        verbose_name_plural = _("questionnaire links")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "wave", "enrolment"], name="evaluation_link_unique"
            )
        ]


class Response(OrgScopedModel):
    """One young person's answers in one wave, keyed only by a pseudonymous pairing key. Not
    even the language they answered in is kept: in a small group it could single someone out."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    pairing_key = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "wave", "pairing_key"],
                name="evaluation_response_once_per_wave",
            )
        ]
        indexes = [models.Index(fields=["organisation", "pairing_key"])]


class Answer(OrgScopedModel):
    """The answer to one question: a value from 1 to 5 for an agreement item, encrypted text
    for an open one. A skipped question has no row."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: an item that has been answered cannot be deleted (its answers would lose meaning).
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = EncryptedTextField(blank=True, max_length=OPEN_ANSWER_MAX_CHARS)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "response", "item"], name="evaluation_answer_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True)
                | models.Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="evaluation_answer_value_range",
            ),
        ]
