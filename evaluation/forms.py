"""Forms of the evaluation pages: the questionnaire a young person fills in, rewording a
question, and entering a code from the printed list."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .instruments import answer_options, languages
from .models import OPEN_ANSWER_MAX_CHARS, Item, ItemKind, WaveKind
from .services.instruments import ITEM_TEXT_MAX_CHARS


class QuestionnaireForm(forms.Form):
    """Every question of the instrument, none required: any question can be skipped."""

    def __init__(self, *args: Any, items: list[Item], kind: str, language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        options = [(str(value), label) for value, label in answer_options(kind, language)]
        self.items = items
        for item in items:
            name = f"item_{item.pk}"
            if item.kind == ItemKind.AGREEMENT:
                self.fields[name] = forms.ChoiceField(
                    label=item.text_in(language),
                    choices=options,
                    required=False,
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=item.text_in(language),
                    required=False,
                    max_length=OPEN_ANSWER_MAX_CHARS,
                    widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
                )

    def answers(self) -> dict[int, Any]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}

    def agreement_fields(self) -> list[Any]:
        return [self[f"item_{i.pk}"] for i in self.items if i.kind == ItemKind.AGREEMENT]

    def open_fields(self) -> list[Any]:
        return [self[f"item_{i.pk}"] for i in self.items if i.kind == ItemKind.OPEN]


class ItemWordingForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        names = dict(settings.LANGUAGES)
        for language in languages():
            self.fields[f"text_{language}"] = forms.CharField(
                label=names[language],
                required=language == "en",
                max_length=ITEM_TEXT_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def texts(self) -> dict[str, str]:
        return {language: self.cleaned_data.get(f"text_{language}", "") for language in languages()}


class WaveOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Round"), choices=WaveKind.choices)
