"""The demo data: how people first meet the product."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from cocora.accounts.models import User
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from programmes.models import Cohort, Participant, Programme, Session
from programmes.selectors.translations import (
    curriculum_with_translations,
    module_translation_states,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    counts = {"users": User.objects.count()}
    for org in Organisation.objects.all():
        with org_context(org.pk):
            counts[f"{org.slug}:participants"] = Participant.objects.for_org(org).count()
            counts[f"{org.slug}:cohorts"] = Cohort.objects.for_org(org).count()
            counts[f"{org.slug}:held"] = Session.objects.for_org(org).filter(status="held").count()
    return counts


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()


def test_seed_demo_is_idempotent_and_prints_the_logins(settings):
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    first = _counts()
    call_command("seed_demo", "--force", stdout=io.StringIO())

    assert _counts() == first
    assert first["users"] >= 10
    assert first["nordby:held"] >= 4 and first["suedstadt:participants"] >= 12
    for role in ("admin", "coordinator", "trainer", "ambassador", "partner"):
        assert f"{role}@nordby.example" in out.getvalue()
        assert f"{role}@suedstadt.example" in out.getvalue()


# A few English function words that Danish and German text never contains.
ENGLISH_WORDS = re.compile(r"\b(?:the|and|with|about|of|Guardian)\b")


def test_what_the_demo_people_wrote_is_in_their_organisations_language():
    """Regression: session logs, tasks, check-ins, insights, follow-ups and the curricula of the
    Danish and German demo organisations were in English."""
    call_command("seed_demo", "--force", stdout=io.StringIO())

    english = []
    for org in Organisation.objects.all():
        with org_context(org.pk):
            assert set(Programme.objects.for_org(org).values_list("language", flat=True)) == {
                org.language
            }
            for model in apps.get_models():
                if not any(f.name == "organisation" for f in model._meta.concrete_fields):
                    continue
                names = [
                    f.attname
                    for f in model._meta.concrete_fields
                    if isinstance(f, models.CharField | models.TextField) and not f.choices
                ]
                rows = model._default_manager.filter(organisation=org)
                if any(f.name == "language" for f in model._meta.concrete_fields):
                    # A text that says which language it is in (a translation kept beside its
                    # original) is in that language on purpose.
                    rows = rows.filter(language=org.language)
                for row in rows.values(*names):
                    english += [
                        f"{org.slug} {model.__name__}.{name}: {value[:80]!r}"
                        for name, value in row.items()
                        if isinstance(value, str) and ENGLISH_WORDS.search(value)
                    ]
    assert not english, "\n".join(english)


def test_nordby_shows_a_translation_up_to_date_and_one_out_of_date(settings):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    nordby = Organisation.objects.get(slug="nordby")
    with org_context(nordby.pk):
        programme = Programme.objects.for_org(nordby).get(kind="collaborative")
        modules = curriculum_with_translations(organisation=nordby, programme=programme)
    assert programme.language == "da"
    first, second = (module_translation_states(m, programme=programme) for m in modules[:2])
    assert [s.language for s in first] == ["en"] and not first[0].out_of_date
    assert second[0].out_of_date and second[0].changed == ["content_md"]
    assert all(state.translation.title for state in first[0].activities)


def test_nordbys_coordinator_finds_unread_notifications(
    settings, django_capture_on_commit_callbacks
):
    """A difficult moment, a confidential note and a partner's proposal wait for the demo
    coordinator."""
    from cocora.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", stdout=io.StringIO())

    org = Organisation.objects.get(slug="nordby")
    coordinator = User.objects.get(email="coordinator@nordby.example")
    with org_context(org.pk):
        kinds = set(
            Notification.objects.for_org(org)
            .filter(recipient=coordinator, read_at__isnull=True)
            .values_list("kind", flat=True)
        )
    assert kinds == {"difficult_moment", "confidential_note", "proposal"}
