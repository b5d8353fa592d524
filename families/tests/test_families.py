"""Family activities, guardians' invitations and links: the services, the emails, and the
guardian's page with the withdrawal of a consent through it."""

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from cocora.audit.models import AuditEvent
from cocora.core.errors import ApplicationError
from cocora.notifications.models import Delivery
from cocora.notifications.services import deliveries_send_now
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from cocora.organisations.tests.factories import OrganisationFactory
from families import services
from families.links import link_secret
from families.models import GuardianInvitation, GuardianLink
from families.tests.factories import FamilyActivityFactory, GuardianLinkFactory
from families.tests.helpers import CPH, NOW, scene
from programmes.models import Consent, Enrolment

pytestmark = pytest.mark.django_db

EXPORT_SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "programmes/schemas/participant_export.schema.json"
    ).read_text()
)


@pytest.fixture
def world() -> Any:
    with time_machine.travel(NOW, tick=False):
        org = OrganisationFactory(slug="nordby", language="en", time_zone="Europe/Copenhagen")
        with org_context(org.pk):
            found = scene(org)
        found["org"] = org
        yield found


def _body(message: Any) -> str:
    return str(message.body)


def _page(org: Any, secret: str) -> str:
    return reverse("guardian_page", kwargs={"org_slug": org.slug, "guardian_token": secret})


def _withdraw(org: Any, secret: str, consent: Consent) -> str:
    return reverse(
        "guardian_consent_withdraw",
        kwargs={"org_slug": org.slug, "guardian_token": secret, "consent_id": consent.pk},
    )


@time_machine.travel(NOW, tick=False)
def test_counts_are_recorded_only_after_the_activity_began_and_never_negative(world):
    org = world["org"]
    with org_context(org.pk):
        activity = services.family_activity_create(
            organisation=org,
            cohort=world["cohort"],
            kind="parents_evening",
            title="Parents' evening",
            starts_at=NOW + timedelta(days=2),
            ends_at=NOW + timedelta(days=2, hours=2),
        )
        with pytest.raises(ApplicationError, match="has not begun"):
            services.family_activity_counts_record(
                organisation=org, activity=activity, adults_attended=3, young_people_attended=2
            )
        with pytest.raises(ApplicationError, match="end after it starts"):
            services.family_activity_update(
                organisation=org, activity=activity, ends_at=activity.starts_at
            )
    with time_machine.travel(NOW + timedelta(days=3), tick=False), org_context(org.pk):
        with pytest.raises(ApplicationError):
            services.family_activity_counts_record(
                organisation=org, activity=activity, adults_attended=-1, young_people_attended=2
            )
        services.family_activity_counts_record(
            organisation=org, activity=activity, adults_attended=9, young_people_attended=6
        )
        activity.refresh_from_db()
        actions = list(
            AuditEvent.objects.for_org(org)
            .filter(target_id=str(activity.pk))
            .values_list("action", flat=True)
        )
    assert (activity.adults_attended, activity.young_people_attended) == (9, 6)
    assert activity.counts_recorded
    assert "family_activity.counts_recorded" in actions


def test_guardians_who_may_be_written_to_are_invited_once_in_their_language_and_time_zone(
    world, mailoutbox
):
    org = world["org"]
    with time_machine.travel(NOW, tick=False):
        with org_context(org.pk):
            activity = FamilyActivityFactory(
                organisation=org,
                cohort=world["cohort"],
                title="Parents' evening",
                starts_at=datetime(2026, 3, 10, 18, 0, tzinfo=CPH),
                ends_at=datetime(2026, 3, 10, 20, 0, tzinfo=CPH),
                venue="Youth house",
            )
            first = services.guardians_invite(organisation=org, activity=activity)
            again = services.guardians_invite(organisation=org, activity=activity)
            with pytest.raises(ApplicationError, match="participants of this cohort"):
                services.guardians_invite(
                    organisation=org,
                    activity=activity,
                    participant_ids=[world["stranger"].pk],
                )
        deliveries_send_now(organisation=org)
        deliveries_send_now(organisation=org)  # a second run sends nothing twice

    assert (first.invited, first.already, first.unreachable) == (2, 0, 1)
    assert (again.invited, again.already, again.unreachable) == (0, 2, 1)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "guardian.Ali@example.org",
        "guardian.Bea@example.org",
    ]
    danish = next(m for m in mailoutbox if m.to[0] == "guardian.Ali@example.org")
    english = next(m for m in mailoutbox if m.to[0] == "guardian.Bea@example.org")
    assert "Parents' evening" in english.subject
    assert "18:00" in _body(english)  # the organisation's clock, not UTC (17:00)
    assert "Bea" in _body(english) and "Ali" not in _body(english)
    assert "Forældremøde" in _body(danish) or _body(danish) != _body(english)


@time_machine.travel(NOW, tick=False)
def test_a_withdrawn_contact_consent_stops_the_invitation_before_it_is_sent(world, mailoutbox):
    org = world["org"]
    with org_context(org.pk):
        activity = FamilyActivityFactory(organisation=org, cohort=world["cohort"])
        services.guardians_invite(
            organisation=org, activity=activity, participant_ids=[world["bea"].pk]
        )
        from programmes.services.consent import consent_withdraw

        contact = Consent.objects.for_org(org).get(participant=world["bea"], scope="contact")
        consent_withdraw(organisation=org, consent=contact)
    deliveries_send_now(organisation=org)
    assert mailoutbox == []


def test_the_guardian_link_by_email_opens_the_childs_sessions_and_the_guardians_consents(
    world, mailoutbox, client
):
    org = world["org"]
    with time_machine.travel(NOW, tick=False):
        with org_context(org.pk):
            link = services.guardian_link_send(organisation=org, participant=world["bea"])
        deliveries_send_now(organisation=org)
        (message,) = mailoutbox
        secret = link_secret(link.nonce)
        page = _page(org, secret)
        assert message.to == ["guardian.Bea@example.org"]
        assert page in _body(message)
        with org_context(org.pk):
            assert not Delivery.objects.for_org(org).filter(context__icontains=secret).exists()
        Organisation.objects.filter(pk=org.pk).update(logo="logos/nordby.png")

        response = client.get(page)

    html = response.content.decode()
    assert response.status_code == 200
    # The layout links to the organisation's own pages (its notice on personal data first), and
    # its logo is the logo's address: a logo that pointed back at this page would open the link
    # a second time.
    assert '<a class="brand me-auto" href="/o/nordby/">' in html
    assert 'src="/o/nordby/logo/?v=' in html
    assert '<a href="/o/nordby/transparency/?lang=en">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # The child's cohort's session in the organisation's time: Wednesday 11 March, 16:30.
    assert "Spring group" in html and "16:30" in html
    # Nothing of another child, nor of another cohort.
    for other in ("Ali", "Cem", "Stranger", "Other group"):
        assert other not in html
    assert html.count("Withdraw") == 2  # taking part and contact, both given by the guardian
    with org_context(org.pk):
        assert AuditEvent.objects.for_org(org).filter(action="guardian_link.opened").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_guardian_withdraws_a_consent_through_the_link_with_every_consequence(world, client):
    org = world["org"]
    with org_context(org.pk):
        link = GuardianLinkFactory(organisation=org, participant=world["bea"])
        taking_part = Consent.objects.for_org(org).get(
            participant=world["bea"], scope="participation", given_by="guardian"
        )
    secret = link_secret(link.nonce)

    confirm = client.get(_withdraw(org, secret, taking_part))
    assert confirm.status_code == 200
    assert "Yes, withdraw my consent" in confirm.content.decode()
    assert confirm["X-Robots-Tag"] == "noindex, nofollow"
    # Not "no-referrer" here: the browser would post the form with `Origin: null`.
    assert confirm["Referrer-Policy"] == "same-origin"
    done = client.post(_withdraw(org, secret, taking_part))

    assert done.status_code == 302
    assert "withdrawn=1" in done["Location"]
    assert "Your consent was withdrawn" in client.get(done["Location"]).content.decode()
    with org_context(org.pk):
        taking_part.refresh_from_db()
        assert taking_part.withdrawn_at is not None
        # The programmes' withdrawal did the rest: the place is given up.
        assert Enrolment.objects.for_org(org).get(participant=world["bea"]).stage == "withdrawn"
        actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert {"consent.withdrawn", "guardian_link.consent_withdrawn"} <= actions
    # Twice: refused with words, not a 500.
    assert client.post(_withdraw(org, secret, taking_part)).status_code == 400


@time_machine.travel(NOW, tick=False)
def test_a_guardian_cannot_withdraw_the_young_persons_own_or_another_childs_consent(world, client):
    org = world["org"]
    with org_context(org.pk):
        link = GuardianLinkFactory(organisation=org, participant=world["bea"])
        own = Consent.objects.for_org(org).get(
            participant=world["bea"], scope="participation", given_by="self"
        )
        other = Consent.objects.for_org(org).get(
            participant=world["ali"], scope="participation", given_by="guardian"
        )
    secret = link_secret(link.nonce)
    for consent in (own, other):
        assert client.post(_withdraw(org, secret, consent)).status_code == 404
    with org_context(org.pk):
        assert not Consent.objects.for_org(org).filter(withdrawn_at__isnull=False).exists()


@time_machine.travel(NOW, tick=False)
def test_a_new_link_stops_the_old_one_and_expired_or_revoked_links_say_so(world, client):
    org = world["org"]
    with org_context(org.pk):
        old = services.guardian_link_send(organisation=org, participant=world["bea"])
        new = services.guardian_link_send(organisation=org, participant=world["bea"])
        expired = GuardianLinkFactory(
            organisation=org, participant=world["ali"], expires_at=NOW - timedelta(minutes=1)
        )
        with pytest.raises(ApplicationError, match="cannot be written to"):
            services.guardian_link_send(organisation=org, participant=world["cem"])
    for link, participant in ((old, world["bea"]), (expired, world["ali"])):
        response = client.get(_page(org, link_secret(link.nonce)))
        assert response.status_code == 200
        # In the family's language (Ali's family reads Danish).
        assert _link_stopped(participant, org) in response.content.decode()
        assert "Spring group" not in response.content.decode()
    assert "Spring group" in client.get(_page(org, link_secret(new.nonce))).content.decode()
    with org_context(org.pk):
        services.guardian_link_revoke(organisation=org, link=new)
    page = client.get(_page(org, link_secret(new.nonce))).content.decode()
    assert _link_stopped(world["bea"], org) in page


def _link_stopped(participant: Any, org: Any) -> str:
    with translation.override(participant.preferred_language or org.language):
        return escape(
            gettext(
                "This link no longer works. Ask the organisation for a new one: they can send "
                "it to you by email."
            )
        )


@time_machine.travel(NOW, tick=False)
def test_a_link_under_another_organisations_address_is_a_404(world, client):
    org = world["org"]
    other = OrganisationFactory(slug="suedstadt")
    with org_context(org.pk):
        link = GuardianLinkFactory(organisation=org, participant=world["bea"])
    secret = link_secret(link.nonce)
    assert client.get(_page(other, secret)).status_code == 404
    assert client.get(_page(org, secret)).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_guessing_links_is_stopped_after_a_few_failures(world, client, settings):
    settings.COCORA_GUARDIAN_LINK_FAILURES = 3
    org = world["org"]
    with org_context(org.pk):
        link = GuardianLinkFactory(organisation=org, participant=world["bea"])
    for n in range(3):
        assert client.get(_page(org, f"guess-{n}")).status_code == 404
    # Even the right link waits: the address is blocked, not the guess.
    assert client.get(_page(org, link_secret(link.nonce))).status_code == 429
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        assert client.get(_page(org, link_secret(link.nonce))).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_the_page_speaks_the_familys_language_and_a_chosen_one(world, client):
    org = world["org"]
    with org_context(org.pk):
        link = GuardianLinkFactory(organisation=org, participant=world["ali"])
    page = _page(org, link_secret(link.nonce))
    assert 'lang="da"' in client.get(page).content.decode()
    assert 'lang="de"' in client.get(page + "?lang=de").content.decode()[:200]


@time_machine.travel(NOW, tick=False)
def test_a_participants_export_tells_of_their_family_and_erasure_removes_links(world, client):
    from cocora.privacy.services import subject_erase, subject_export

    org = world["org"]
    with org_context(org.pk):
        activity = FamilyActivityFactory(organisation=org, cohort=world["cohort"], title="Evening")
        services.guardians_invite(organisation=org, activity=activity)
        link = services.guardian_link_send(organisation=org, participant=world["bea"])
        exported = subject_export(organisation=org, subject=world["bea"], actor=None, fmt="json")
        record = subject_erase(organisation=org, subject=world["bea"], actor=None)
        left = GuardianLink.objects.for_org(org).filter(participant=world["bea"]).count()
        invited = GuardianInvitation.objects.for_org(org).filter(participant=world["bea"]).count()
    assert "Evening" in str(exported) and link_secret(link.nonce) not in str(exported)
    jsonschema.validate(exported, EXPORT_SCHEMA)
    assert exported["guardian_invitations"][0]["invited_at"].endswith("+01:00")
    assert (left, invited) == (0, 0)
    assert record.counts["guardian_links_deleted"] == 1
    assert client.get(_page(org, link_secret(link.nonce))).status_code == 404
