"""Organisation home, switcher, navigation by role, profile, health."""

import pytest
from django.test.utils import override_script_prefix
from django.urls import reverse

from cocora.notifications.tests.factories import NotificationFactory
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_single_membership_goes_straight_to_its_organisation(org, member_client):
    client = member_client(org, Role.TRAINER)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("org_home", kwargs={"org_slug": org.slug})


def test_member_of_two_organisations_can_switch(org, member_client):
    client = member_client(org, Role.TRAINER)
    second = OrganisationFactory(slug="gamma", name="Gamma Youth Club")
    MembershipFactory(organisation=second, user=client.membership.user, role=Role.COORDINATOR)

    chooser = client.get(reverse("home"))
    assert chooser.status_code == 200
    assert b"Gamma Youth Club" in chooser.content and org.name.encode() in chooser.content

    home = client.get(reverse("org_home", kwargs={"org_slug": "gamma"}))
    assert home.status_code == 200
    assert b"Switch organisation" in home.content
    assert reverse("org_home", kwargs={"org_slug": org.slug}).encode() in home.content


def test_each_organisation_shows_its_own_role_unread_count_and_switcher_mark(org, member_client):
    # The pages find the member's membership among all of theirs (one query): in each
    # organisation they act in its role and see its notifications, never the other's.
    client = member_client(org, Role.COORDINATOR)
    me = client.membership.user
    second = OrganisationFactory(slug="gamma", name="Gamma Youth Club")
    MembershipFactory(organisation=second, user=me, role=Role.ADMIN)
    for _ in range(2):
        NotificationFactory(organisation=org, recipient=me)
    for _ in range(5):
        NotificationFactory(organisation=second, recipient=me)

    for slug, role, unread in ((org.slug, Role.COORDINATOR, 2), ("gamma", Role.ADMIN, 5)):
        response = client.get(reverse("org_home", kwargs={"org_slug": slug}))
        assert response.status_code == 200
        assert response.context["membership"].role == role
        assert response.context["membership"].user == me
        assert response.context["notifications_unread"] == unread
        current = reverse("org_home", kwargs={"org_slug": slug})
        assert f'<a href="{current}" aria-current="true">'.encode() in response.content
    members = reverse("member_list", kwargs={"org_slug": org.slug})
    assert client.get(members).status_code == 403  # a coordinator here, an admin elsewhere


@pytest.mark.parametrize(
    ("role", "sees_members"),
    [(Role.ADMIN, True), (Role.COORDINATOR, False), (Role.TRAINER, False), (Role.PARTNER, False)],
)
def test_navigation_fits_the_role(org, member_client, role, sees_members):
    client = member_client(org, role)
    response = client.get(reverse("org_home", kwargs={"org_slug": org.slug}))
    assert response.status_code == 200
    members_url = reverse("member_list", kwargs={"org_slug": org.slug}).encode()
    assert (members_url in response.content) is sees_members


def test_navigation_links_belong_to_the_organisation_and_the_address_it_is_served_at(
    org, member_client
):
    # The addresses are worked out once per organisation and script prefix: the second
    # organisation's page, and a page served under a prefix, must not get the first's.
    client = member_client(org, Role.COORDINATOR)
    second = OrganisationFactory(slug="gamma", name="Gamma Youth Club")
    MembershipFactory(organisation=second, user=client.membership.user, role=Role.COORDINATOR)

    def cohort_links(response):
        return [item["url"] for item in response.context["nav_items"] if "/cohorts/" in item["url"]]

    first = client.get(reverse("org_home", kwargs={"org_slug": org.slug}))
    other = client.get(reverse("org_home", kwargs={"org_slug": "gamma"}))
    # Served under a prefix (the path the client asks for is the one below the prefix).
    with override_script_prefix("/cocora/"):
        prefixed = client.get("/o/gamma/")
    assert cohort_links(first) == [f"/o/{org.slug}/cohorts/"]
    assert cohort_links(other) == ["/o/gamma/cohorts/"]
    assert cohort_links(prefixed) == ["/cocora/o/gamma/cohorts/"]
    assert b'href="/cocora/o/gamma/cohorts/"' in prefixed.content
    # The layout's own links (search, notifications, the transparency page, signing out) are
    # worked out the same way.
    for response, prefix, slug in ((first, "", org.slug), (other, "", "gamma")):
        page = response.content.decode()
        for address in ("search/", "notifications/", "transparency/"):
            assert f'"{prefix}/o/{slug}/{address}' in page
        assert f'action="{prefix}/accounts/logout/"' in page
    prefixed_page = prefixed.content.decode()
    assert 'action="/cocora/o/gamma/search/"' in prefixed_page
    assert 'action="/cocora/accounts/logout/"' in prefixed_page
    assert f"/o/{org.slug}/" not in other.content.decode().replace(f'href="/o/{org.slug}/"', "")


def test_the_language_menu_names_each_language_in_itself(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    user = client.membership.user
    for language in ("de", "fr"):
        user.language = language
        user.save(update_fields=["language"])
        page = client.get(reverse("org_home", kwargs={"org_slug": org.slug})).content.decode()
        assert f'<html lang="{language}">' in page
        for code, name in (("en", "English"), ("de", "Deutsch"), ("da", "dansk")):
            assert f'<option value="{code}" lang="{code}"' in page and f">{name}</option>" in page
        assert f'<option value="{language}" lang="{language}" selected>' in page
        assert page.count(" selected>") == 1


def test_no_membership_explains_how_to_join(client, db):
    from cocora.organisations.tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"not a member of any organisation yet" in response.content


def test_profile_name_can_be_changed(org, member_client):
    client = member_client(org, Role.TRAINER)
    response = client.post(reverse("profile"), {"name": "Renamed Person"})
    assert response.status_code == 302
    client.membership.user.refresh_from_db()
    assert client.membership.user.name == "Renamed Person"


def test_organisation_pages_use_the_organisation_time_zone(org, member_client):
    client = member_client(org, Role.TRAINER)
    response = client.get(reverse("org_home", kwargs={"org_slug": org.slug}))
    assert response.context["TIME_ZONE"] == org.time_zone


def test_healthz_reports_every_part(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}


def test_healthz_says_503_and_why_when_the_broker_is_unreachable(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert "Error" in response.json()["checks"]["broker"]["error"]


def test_django_admin_is_for_platform_staff_only(org, member_client):
    client = member_client(org, Role.ADMIN)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
