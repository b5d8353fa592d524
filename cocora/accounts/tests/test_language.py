"""A person's language: saved on their account, then the organisation's, then the browser's."""

import pytest
from django.core import mail
from django.test import Client

from cocora.accounts.models import User
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.services import invitation_create
from cocora.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.translations]


def _sign_in(browser, user):
    """Signs in through the form and follows to the page the person lands on."""
    return browser.post(
        "/accounts/login/",
        {"login": user.email, "password": "a-good-test-password"},
        follow=True,
    )


def test_a_saved_language_follows_the_person_to_another_device_with_an_english_browser():
    coordinator = UserFactory()
    membership = MembershipFactory(user=coordinator, organisation=OrganisationFactory())
    first_device = Client(HTTP_ACCEPT_LANGUAGE="en")
    first_device.force_login(coordinator)
    first_device.post("/i18n/setlang/", {"language": "da", "next": "/profile/"})
    first_device.post("/accounts/logout/")

    other_device = Client(HTTP_ACCEPT_LANGUAGE="en")
    other_device.force_login(coordinator)
    response = other_device.get(f"/o/{membership.organisation.slug}/")

    assert response.status_code == 200
    assert response["Content-Language"] == "da"
    assert "Skift sprog" in response.content.decode()


def test_the_notice_after_signing_in_is_in_the_persons_saved_language():
    trainer = UserFactory(language="de", name="Toni")
    MembershipFactory(user=trainer, organisation=OrganisationFactory(), role=Role.TRAINER)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = _sign_in(browser, trainer)

    text = response.content.decode()
    assert response["Content-Language"] == "de"
    assert "Erfolgreich als Toni angemeldet." in text
    assert "Successfully signed in" not in text


def test_the_notice_after_signing_in_is_in_the_organisations_language_without_a_saved_one():
    trainer = UserFactory(language="", name="Toni")
    MembershipFactory(
        user=trainer, organisation=OrganisationFactory(language="de"), role=Role.TRAINER
    )
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = _sign_in(browser, trainer)

    text = response.content.decode()
    assert response["Content-Language"] == "de"
    assert "Erfolgreich als Toni angemeldet." in text


def test_with_two_organisations_and_no_saved_language_the_notice_is_in_the_browsers():
    person = UserFactory(language="", name="Toni")
    for language in ("de", "it"):
        MembershipFactory(
            user=person, organisation=OrganisationFactory(language=language), role=Role.TRAINER
        )
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr")

    response = _sign_in(browser, person)

    # The organisations to choose from, in the browser's language, as the notice.
    assert response["Content-Language"] == "fr"
    assert "Connexion avec Toni réussie." in response.content.decode()


def test_a_member_without_a_language_sees_the_organisations_language():
    membership = MembershipFactory(organisation=OrganisationFactory(language="de"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(membership.user)

    response = client.get(f"/o/{membership.organisation.slug}/")

    assert response["Content-Language"] == "de"
    assert "Sprache ändern" in response.content.decode()


def test_a_visitor_on_the_sign_in_page_gets_the_browsers_language_or_their_own_choice():
    visitor = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert "Changer de langue" in visitor.get("/accounts/login/").content.decode()

    visitor.post("/i18n/setlang/", {"language": "it", "next": "/accounts/login/"})
    assert "Cambia lingua" in visitor.get("/accounts/login/").content.decode()


def test_the_profile_saves_a_language_and_refuses_one_the_platform_does_not_offer():
    person = UserFactory(name="Lene")
    client = Client()
    client.force_login(person)

    refused = client.post("/profile/", {"name": "Lene", "language": "xx"})
    assert refused.status_code == 400
    person.refresh_from_db()
    assert person.language == ""

    client.post("/profile/", {"name": "Lene", "language": "fr"})
    person.refresh_from_db()
    assert person.language == "fr"
    assert "Changer de langue" in client.get("/profile/").content.decode()


def test_an_invitation_to_a_person_who_saved_italian_is_in_italian(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(language="da")
    User.objects.filter(pk=UserFactory(email="giulia@example.org").pk).update(language="it")

    with org_context(organisation.pk), django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            organisation=organisation, email="giulia@example.org", role="trainer", invited_by=None
        )
        invitation_create(
            organisation=organisation, email="new@example.org", role="trainer", invited_by=None
        )

    italian, danish = mail.outbox
    assert italian.subject.startswith("Un invito a unirti")
    # Someone without an account yet reads the organisation's language.
    assert danish.subject.startswith("Du er inviteret")


def test_a_password_reset_email_is_in_the_persons_language_else_the_browsers():
    User.objects.filter(pk=UserFactory(email="amelie@example.org").pk).update(language="fr")
    UserFactory(email="giulia@example.org")

    Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/accounts/password/reset/", {"email": "amelie@example.org"}
    )
    Client(HTTP_ACCEPT_LANGUAGE="it").post(
        "/accounts/password/reset/", {"email": "giulia@example.org"}
    )

    french, italian = mail.outbox
    assert french.body.startswith("Bonjour ")
    assert '<html lang="fr"' in french.alternatives[0].content
    assert italian.body.startswith("Ciao ")
    assert '<html lang="it"' in italian.alternatives[0].content
