"""One plausible-date rule for every date people type: every date field of every form and of every
API input is the shared field that carries it, so that no new form or endpoint can forget it."""

import importlib
import pkgutil

from django import forms
from rest_framework import serializers

from cocora.api.serializers import InputSerializer, PlausibleDateField, PlausibleDateTimeField
from cocora.core import forms as core_forms

PACKAGES = ("cocora", "programmes", "partners", "ambassadors")


def _import_everything() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if ".tests" in module.name or ".migrations" in module.name or "settings" in module.name:
                continue
            importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return {c for c in found if c.__module__.split(".")[0] in PACKAGES}


def _not_plausible(classes, fields_of, pairs) -> list[str]:
    """Date fields of the given classes that are not the plausible field of their kind; `pairs`
    maps a base field type to the plausible type that must be used instead (most specific
    first: a DateTimeField is no DateField in forms, but check it first anyway)."""
    wrong = []
    for cls in classes:
        for name, field in fields_of(cls).items():
            for base, plausible in pairs:
                if isinstance(field, base):
                    if not isinstance(field, plausible):
                        wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
                    break
    return sorted(wrong)


def test_every_date_field_of_every_form_is_plausible() -> None:
    _import_everything()
    wrong = _not_plausible(
        _subclasses(forms.BaseForm),
        lambda form: getattr(form, "base_fields", {}),
        [
            (forms.DateTimeField, core_forms.PlausibleDateTimeField),
            (forms.DateField, core_forms.PlausibleDateField),
        ],
    )
    assert wrong == [], "use PlausibleDateField / PlausibleDateTimeField of cocora.core.forms"


def test_every_date_field_of_every_api_input_is_plausible() -> None:
    _import_everything()
    wrong = _not_plausible(
        _subclasses(InputSerializer),
        lambda serializer: serializer._declared_fields,
        [
            (serializers.DateTimeField, PlausibleDateTimeField),
            (serializers.DateField, PlausibleDateField),
        ],
    )
    assert wrong == [], "use PlausibleDateField / PlausibleDateTimeField of cocora.api.serializers"
