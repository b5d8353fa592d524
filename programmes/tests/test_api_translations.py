"""The curriculum's translations in the API: read with their module or activity (out-of-date
state included), written like other curriculum writes, refused for bad input, the wrong role or
another organisation's module."""

import pytest
from django.urls import reverse

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from programmes.models import ModuleTranslation
from programmes.services.curriculum import programme_create_from_builtin
from programmes.tests.factories import ActivityFactory, ModuleFactory, ProgrammeFactory
from programmes.tests.test_translations import _edit_module

pytestmark = pytest.mark.django_db


def _url(name, org, **ids):
    return reverse(f"api-{name}", kwargs={"org_slug": org.slug, **ids})


@pytest.fixture
def module(org):
    programme = ProgrammeFactory(organisation=org, language="en")
    module = ModuleFactory(organisation=org, programme=programme, title="Belonging")
    ActivityFactory(organisation=org, module=module, title="Map")
    return module


def _body(module, org, **changes):
    with org_context(org.pk):
        activity = module.activities.get()
    return {
        "language": "de",
        "title": "Zugehörigkeit",
        "content_md": "Wo bist du zu Hause?",
        "activities": [{"id": activity.pk, "title": "Karte", "materials": "Stifte"}],
        **changes,
    }


def test_a_translation_is_written_and_read_with_its_module_and_activity(org, module, api_client):
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        _url("module-translations", org, module_id=module.pk), _body(module, org), format="json"
    )
    assert response.status_code == 200, response.json()
    [translation] = response.json()["translations"]
    assert translation["language"] == "de"
    assert translation["title"] == "Zugehörigkeit"
    assert translation["out_of_date"] is False and translation["changed_fields"] == []

    activities = client.get(_url("module-activities", org, module_id=module.pk)).json()
    [activity_translation] = activities["results"][0]["translations"]
    assert activity_translation["title"] == "Karte"
    assert activity_translation["materials"] == "Stifte"

    # The original changes: the module says its translation is out of date, and in what
    _edit_module(org, module, content_md="A new text")
    detail = client.get(_url("module-detail", org, module_id=module.pk)).json()
    assert detail["translations"][0]["out_of_date"] is True
    assert detail["translations"][0]["changed_fields"] == ["content_md"]


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"language": "en"}, 400, "is written in English"),
        ({"language": "xx"}, 400, "language"),
        ({"title": ""}, 400, "title"),
        ({"colour": "red"}, 400, "colour"),
    ],
)
def test_bad_translations_are_refused_and_change_nothing(
    org, module, api_client, changes, status, words
):
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        _url("module-translations", org, module_id=module.pk),
        _body(module, org, **changes),
        format="json",
    )
    assert response.status_code == status
    assert words in str(response.json())
    with org_context(org.pk):
        assert not ModuleTranslation.objects.for_org(org).exists()


def test_trainers_read_translations_but_do_not_write_them(org, module, api_client):
    client = api_client(org, Role.TRAINER)
    assert client.get(_url("module-detail", org, module_id=module.pk)).status_code == 200
    response = client.post(
        _url("module-translations", org, module_id=module.pk), _body(module, org), format="json"
    )
    assert response.status_code == 403


def test_another_organisations_module_and_programme_are_not_found(org, other_org, api_client):
    theirs = ModuleFactory(organisation=other_org)
    client = api_client(org, Role.ADMIN)
    response = client.post(
        _url("module-translations", org, module_id=theirs.pk),
        {"language": "de", "title": "X"},
        format="json",
    )
    assert response.status_code == 404
    builtin = _url("programme-builtin-translations", org, programme_id=theirs.programme_id)
    assert client.post(builtin, {"language": "de"}, format="json").status_code == 404
    with org_context(other_org.pk):
        assert not ModuleTranslation.objects.for_org(other_org).exists()


def test_the_builtin_text_is_added_through_the_api(org, api_client):
    with org_context(org.pk):
        programme = programme_create_from_builtin(organisation=org, kind="ambassador")
    client = api_client(org, Role.COORDINATOR)
    url = _url("programme-builtin-translations", org, programme_id=programme.pk)

    response = client.post(url, {"language": "it"}, format="json")
    assert response.status_code == 200
    assert response.json()["modules"] == 7 and response.json()["skipped"] == 0

    again = client.post(url, {"language": "it"}, format="json")
    assert again.status_code == 400
    assert again.json()["code"] == "nothing_to_add"


def test_module_list_with_translations_takes_the_same_queries_for_5_and_50_rows(org, api_client):
    client = api_client(org, Role.COORDINATOR)

    def measure(count):
        programme = ProgrammeFactory(organisation=org)
        for position in range(count):
            module = ModuleFactory(organisation=org, programme=programme, position=position)
            with org_context(org.pk):
                ModuleTranslation.objects.create(
                    organisation=org, module=module, language="da", title=f"Modul {position}"
                )
        url = _url("programme-modules", org, programme_id=programme.pk)
        client.get(url)
        queries, response = count_queries(lambda: client.get(url))
        assert len(response.json()["results"]) == count
        assert all(row["translations"] for row in response.json()["results"])
        return queries

    assert measure(5) == measure(50)
