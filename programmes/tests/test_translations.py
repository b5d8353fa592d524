"""Translations of the curriculum: saving one with its activities, the out-of-date state after
the original changes (and cleared by saving again), the built-in text as translations, bad input,
roles and other organisations' modules."""

import pytest
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from programmes.curricula import builtin_curriculum
from programmes.models import ActivityTranslation, Module, ModuleTranslation
from programmes.selectors.translations import (
    module_with_translations,
    translation_state,
)
from programmes.services.curriculum import (
    activity_update,
    module_update,
    programme_create_from_builtin,
)
from programmes.services.translations import (
    module_translation_save,
    programme_translations_from_builtin,
)
from programmes.tests.factories import ActivityFactory, ModuleFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(org):
    programme = ProgrammeFactory(organisation=org, language="en", title="Voices")
    module = ModuleFactory(
        organisation=org,
        programme=programme,
        title="Belonging",
        objectives="Name a place\nName a person",
        content_md="Where do you feel at home?",
    )
    ActivityFactory(
        organisation=org, module=module, title="Map", instructions_md="Draw it.", materials="Pens"
    )
    return module


def _state(org, module, language="da"):
    with org_context(org.pk):
        return translation_state(
            module_with_translations(organisation=org, module_id=module.pk), language
        )


def _save(org, module, language="da", **fields):
    with org_context(org.pk):
        activity = module.activities.get()
        return module_translation_save(
            organisation=org,
            module=module,
            language=language,
            actor=None,
            title=fields.get("title", "Tilhørsforhold"),
            objectives=fields.get("objectives", "Nævn et sted"),
            content_md=fields.get("content_md", "Hvor føler du dig hjemme?"),
            activities=fields.get(
                "activities",
                {activity.pk: {"title": "Kort", "instructions_md": "Tegn det.", "materials": ""}},
            ),
        )


def _edit_module(org, module, **changes):
    with org_context(org.pk):
        fields = {
            name: getattr(module, name)
            for name in ("title", "objectives", "content_md", "duration_minutes")
        }
        module_update(organisation=org, module=module, **{**fields, **changes})


def _activity(org, module):
    with org_context(org.pk):
        return module.activities.get()


def _url(name, org, **kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def test_a_saved_translation_is_up_to_date_and_audited(org, module):
    _save(org, module)

    state = _state(org, module)
    assert state.exists and not state.out_of_date
    assert state.translation.title == "Tilhørsforhold"
    assert state.activities[0].translation.title == "Kort"
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="curriculum.translation_saved")
    assert event.details == {"language": "da", "activities": 1}


def test_editing_the_original_marks_the_translation_out_of_date_with_what_changed(org, module):
    # Given an up-to-date Danish translation
    _save(org, module)

    # When the module's content and the activity's materials change
    with org_context(org.pk):
        _edit_module(org, module, content_md="Where do you feel at home, and why?")
        activity = module.activities.get()
        activity_update(
            organisation=org,
            activity=activity,
            title=activity.title,
            method=activity.method,
            instructions_md=activity.instructions_md,
            materials="Pens and paper",
            duration_minutes=activity.duration_minutes,
        )

    # Then the translation is out of date, naming the fields that changed
    state = _state(org, module)
    assert state.out_of_date
    assert state.changed == ["content_md"]
    assert state.activities[0].changed == ["materials"]
    assert state.changed_labels == ["content", "“Map”: materials"]

    # And saving the translation again clears it
    _save(org, module)
    assert not _state(org, module).out_of_date


def test_an_untouched_original_field_does_not_flag_the_translation(org, module):
    _save(org, module)
    # Saving the module with its text unchanged (only the duration) changes no translation.
    _edit_module(org, module, duration_minutes=45)
    assert not _state(org, module).out_of_date


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "is written in English"),
        ("xx", "is not one of the languages"),
        ("", "is not one of the languages"),
    ],
)
def test_a_translation_in_the_originals_language_or_an_unknown_one_is_refused(
    org, module, language, message
):
    with pytest.raises(ApplicationError, match=message):
        _save(org, module, language=language)
    with org_context(org.pk):
        assert not ModuleTranslation.objects.for_org(org).exists()


def test_an_activity_with_text_but_no_title_is_refused_and_nothing_is_saved(org, module):
    activity_id = _activity(org, module).pk
    with pytest.raises(ApplicationError, match="a title"):
        _save(
            org,
            module,
            activities={activity_id: {"title": "", "instructions_md": "Tegn", "materials": ""}},
        )
    with org_context(org.pk):
        assert not ModuleTranslation.objects.for_org(org).exists()


def test_an_activity_of_another_module_is_refused(org, module):
    stranger = ActivityFactory(organisation=org)
    with pytest.raises(ApplicationError, match="not an activity of"):
        _save(org, module, activities={stranger.pk: {"title": "X"}})


def test_clearing_an_activitys_fields_removes_its_translation(org, module):
    _save(org, module)
    activity_id = _activity(org, module).pk
    _save(org, module, activities={activity_id: {"title": "", "instructions_md": ""}})
    with org_context(org.pk):
        assert not ActivityTranslation.objects.for_org(org).exists()


# SECTION: the built-in text as translations


def test_the_builtin_danish_text_is_added_up_to_date_and_adapted_modules_show_out_of_date(org):
    # Given a Prevention Programme started from the English built-in curriculum, with the
    # second module's content adapted and the third retitled
    with org_context(org.pk):
        programme = programme_create_from_builtin(organisation=org, kind="prevention")
        modules = list(Module.objects.for_org(org).filter(programme=programme))
        second, third = modules[1], modules[2]
        _edit_module(org, second, content_md=second.content_md + "\n\nOur local note.")
        _edit_module(org, third, title="Our own third module")

        # When the built-in Danish text is added
        result = programme_translations_from_builtin(
            organisation=org, programme=programme, language="da", actor=None
        )

    # Then every module but the retitled one has it; unadapted ones are up to date
    danish = builtin_curriculum("prevention", "da")
    assert (result.modules, result.skipped) == (len(modules) - 1, 1)
    first = _state(org, modules[0])
    assert first.translation.title == danish.modules[0].title
    assert not first.out_of_date
    assert all(state.translation is not None for state in first.activities)
    # the adapted module is honest about its adaptation
    assert _state(org, second).changed == ["content_md"]
    assert not _state(org, third).exists

    # And asking again adds nothing, with a message
    with org_context(org.pk), pytest.raises(ApplicationError, match="No module"):
        programme_translations_from_builtin(
            organisation=org, programme=programme, language="da", actor=None
        )


def test_builtin_text_is_refused_for_a_programme_not_from_a_builtin_curriculum(org, module):
    with org_context(org.pk), pytest.raises(ApplicationError, match="not started from"):
        programme_translations_from_builtin(
            organisation=org, programme=module.programme, language="da", actor=None
        )


# SECTION: pages


def test_the_translation_page_saves_and_the_curriculum_page_shows_the_state(
    org, module, member_client
):
    client = member_client(org, Role.COORDINATOR)
    url = _url("module_translation", org, module_id=module.pk)
    activity = _activity(org, module)

    # The page lists the languages; the form is one language's
    page = client.get(url)
    assert page.status_code == 200
    assert "Danish" in page.content.decode()
    form = client.get(url, {"language": "da"})
    assert form.status_code == 200
    assert f'name="activity-{activity.pk}-title"' in form.content.decode()

    response = client.post(
        url,
        {
            "language": "da",
            "title": "Tilhørsforhold",
            "objectives": "",
            "content_md": "Hvor?",
            f"activity-{activity.pk}-title": "Kort",
            f"activity-{activity.pk}-instructions_md": "",
            f"activity-{activity.pk}-materials": "",
        },
    )
    assert response.status_code == 302
    detail = client.get(_url("programme_detail", org, programme_id=module.programme_id))
    assert "up to date" in detail.content.decode()

    _edit_module(org, module, content_md="Changed")
    detail = client.get(_url("programme_detail", org, programme_id=module.programme_id))
    text = detail.content.decode()
    assert "translation out of date" in text
    assert "changed since: content" in text


def test_the_page_refuses_the_originals_language_and_an_unknown_one(org, module, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = _url("module_translation", org, module_id=module.pk)

    for language, message in (("en", "is written in English"), ("zz", "is not one of")):
        page = client.get(url, {"language": language})
        assert page.status_code == 400
        assert message in page.content.decode()
        post = client.post(url, {"language": language, "title": "X"})
        assert post.status_code == 400
        assert message in post.content.decode()
    with org_context(org.pk):
        assert not ModuleTranslation.objects.for_org(org).exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_those_who_may_edit_the_curriculum_may_translate_it(org, module, member_client, role):
    client = member_client(org, role)
    url = _url("module_translation", org, module_id=module.pk)
    assert client.get(url, {"language": "da"}).status_code in (403, 404)
    assert client.post(url, {"language": "da", "title": "X"}).status_code in (403, 404)
    builtin = _url("programme_builtin_translation", org, programme_id=module.programme_id)
    assert client.post(builtin, {"language": "da"}).status_code in (403, 404)
    with org_context(org.pk):
        assert not ModuleTranslation.objects.for_org(org).exists()


def test_another_organisations_module_is_not_found(org, other_org, member_client):
    theirs = ModuleFactory(organisation=other_org)
    client = member_client(org, Role.ADMIN)
    url = _url("module_translation", org, module_id=theirs.pk)
    assert client.get(url, {"language": "da"}).status_code == 404
    assert client.post(url, {"language": "da", "title": "X"}).status_code == 404
    builtin = _url("programme_builtin_translation", org, programme_id=theirs.programme_id)
    assert client.post(builtin, {"language": "da"}).status_code == 404


def test_the_builtin_button_adds_translations(org, member_client):
    with org_context(org.pk):
        programme = programme_create_from_builtin(organisation=org, kind="collaborative")
    client = member_client(org, Role.COORDINATOR)
    detail = client.get(_url("programme_detail", org, programme_id=programme.pk))
    assert "Add the built-in Danish text as a translation" in detail.content.decode()

    response = client.post(
        _url("programme_builtin_translation", org, programme_id=programme.pk), {"language": "da"}
    )
    assert response.status_code == 302
    with org_context(org.pk):
        assert ModuleTranslation.objects.for_org(org).filter(language="da").count() == 7

    bad = client.post(
        _url("programme_builtin_translation", org, programme_id=programme.pk), {"language": "en"}
    )
    assert bad.status_code == 400
    assert "is written in English" in bad.content.decode()


def test_the_curriculum_page_with_translations_takes_the_same_queries_for_5_and_50_rows(
    org, member_client
):
    client = member_client(org, Role.COORDINATOR)

    def count_for(total_modules):
        programme = ProgrammeFactory(organisation=org)
        for position in range(total_modules):
            module = ModuleFactory(organisation=org, programme=programme, position=position)
            ActivityFactory(organisation=org, module=module)
            _save(org, module)
        url = _url("programme_detail", org, programme_id=programme.pk)
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        return count

    # The translations of modules and of activities are one query each, whatever their number.
    assert count_for(5) == count_for(50)
