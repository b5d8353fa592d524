"""One plausible-date rule for every date people type: every date field of every form and of every
API input is the shared field that carries it, so that no new form or endpoint can forget it."""

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from rest_framework import serializers

from cocora.api.serializers import InputSerializer, PlausibleDateField, PlausibleDateTimeField
from cocora.core import forms as core_forms
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from partners.services.agreements import agreement_save
from partners.services.checks import integrity_check_record
from partners.services.disclosures import sharing_consent_record
from partners.tests.factories import PartnerOrganisationFactory
from programmes.services.cohorts import cohort_create
from programmes.services.consent import consent_record
from programmes.tests.factories import ParticipantFactory, ProgrammeFactory

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


def _service_calls(org):
    """Each service that takes a typed date, called with the year 1 in one field."""
    year_one = date(1, 1, 1)
    partner = PartnerOrganisationFactory(organisation=org)
    participant = ParticipantFactory(organisation=org)
    return [
        (
            "ends_on",
            lambda: cohort_create(
                organisation=org,
                programme=ProgrammeFactory(organisation=org),
                name="Spring",
                starts_on=date(2027, 3, 1),
                ends_on=year_one,
            ),
        ),
        (
            "given_on",
            lambda: consent_record(
                organisation=org,
                participant=participant,
                scope="participation",
                given_by="self",
                given_on=year_one,
            ),
        ),
        (
            "review_on",
            lambda: agreement_save(
                organisation=org,
                partner=partner,
                purpose="Joint evenings",
                starts_on=date(2027, 3, 1),
                review_on=date(9999, 12, 31),
            ),
        ),
        (
            "checked_on",
            lambda: integrity_check_record(
                organisation=org, partner=partner, checked_on=year_one, outcome="passed"
            ),
        ),
        (
            "given_on",
            lambda: sharing_consent_record(
                organisation=org, participant=participant, given_by="self", given_on=year_one
            ),
        ),
    ]


@pytest.mark.django_db
def test_the_services_refuse_implausible_dates_whatever_calls_them(org):
    with org_context(org.pk):
        for field, call in _service_calls(org):
            with pytest.raises(ApplicationError, match="between 2000 and 2100") as refused:
                call()
            assert refused.value.field == field
