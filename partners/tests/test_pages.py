"""The partners app's pages: directory and activity lists (query counts), forms, the participant
panel, and what the partner role sees (a field-level test: no participant name unless
disclosed to that partner)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries
from partners.models import CollaborationActivity, FollowUp, IntegrityCheck, PartnerOrganisation
from partners.participant_panels import sharing_panel
from partners.services.collaboration import collaboration_activity_create
from partners.tests.factories import (
    AgreementFactory,
    CollaborationPartnerFactory,
    DisclosureFactory,
    FollowUpFactory,
    IntegrityCheckFactory,
    PartnerContactFactory,
    PartnerOrganisationFactory,
    SharingRuleFactory,
)
from programmes.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_directory_query_count_is_the_same_for_5_and_50_partners(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("partner_list", args=[org.slug])

    def measure(partners):
        for _ in range(partners):
            partner = PartnerOrganisationFactory(organisation=org)
            PartnerContactFactory(organisation=org, partner=partner)
            IntegrityCheckFactory(organisation=org, partner=partner)
            IntegrityCheckFactory(organisation=org, partner=partner, outcome="not_passed")
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        return count, len(response.context["rows"])

    five, rows5 = measure(5)
    fifty, rows50 = measure(45)
    assert (rows5, rows50) == (5, 50)
    # session, user, the member's memberships with their organisations (the switcher too), the
    # count, a page of partners with counts, their latest checks = 6 (+2 tenant settings on
    # PostgreSQL).
    assert five == fifty == 6 + 2 * tenant_settings_queries()


def test_directory_filters_by_kind_status_and_review(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    today = timezone.localdate()
    school = PartnerOrganisationFactory(organisation=org, kind="school", name="West School")
    IntegrityCheckFactory(
        organisation=org,
        partner=school,
        checked_on=today - timedelta(days=400),
        next_review_on=today - timedelta(days=35),
    )
    club = PartnerOrganisationFactory(organisation=org, kind="youth_club", name="Club East")
    IntegrityCheckFactory(organisation=org, partner=club)
    PartnerOrganisationFactory(organisation=org, status="ended", name="Old Friends")
    url = reverse("partner_list", args=[org.slug])

    def names(**params):
        response = client.get(url, params)
        return [r.partner.name for r in response.context["rows"]]

    assert names(kind="school") == ["West School"]
    assert names(status="ended") == ["Old Friends"]
    assert names(review="overdue") == ["Old Friends", "West School"]
    assert names(review="ok") == ["Club East"]
    assert "review overdue" in client.get(url).content.decode()


def test_activity_list_query_count_is_the_same_for_5_and_50_activities(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("collaboration_list", args=[org.slug])
    programme = ProgrammeFactory(organisation=org)

    def measure(activities):
        for _ in range(activities):
            link = CollaborationPartnerFactory(organisation=org, activity__programme=programme)
            CollaborationPartnerFactory(organisation=org, activity=link.activity)
            FollowUpFactory(organisation=org, activity=link.activity, owner_partner=link.partner)
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        return count, len(response.context["activities"]), response.content.decode()

    five, rows5, _html = measure(5)
    # 55 in all: the page shows the first 50 of them, and says that there are more.
    fifty, rows50, html = measure(50)
    assert (rows5, rows50) == (5, 50)
    assert "Page 1 of 2 · 55 in all" in html
    # session, user, the member's memberships with their organisations (the switcher too), the
    # count of activities, a page of activities with programme and cohort, their partner links
    # with partners, open follow-ups, partners for the filter = 8 (+2 tenant settings on
    # PostgreSQL).
    assert five == fifty == 8 + 2 * tenant_settings_queries()


def test_recording_an_activity_with_two_partners_and_a_follow_up(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    first = PartnerOrganisationFactory(organisation=org)
    second = PartnerOrganisationFactory(organisation=org)
    response = client.post(
        reverse("collaboration_create", args=[org.slug]),
        {
            "kind": "dialogue",
            "title": "Dialogue on safety",
            "held_at": "2026-03-04T18:00",
            "partners": [first.pk, second.pk],
            "community_members": "20",
            "professionals": "4",
            "agreed": "Meet again in May.",
        },
    )
    assert response.status_code == 302
    with org_context(org.pk):
        activity = CollaborationActivity.objects.for_org(org).get()
        linked = set(activity.partner_links.values_list("partner_id", flat=True))
    assert linked == {first.pk, second.pk}
    # Entered as local time in Copenhagen (winter: UTC+1).
    assert activity.held_at.astimezone(timezone.get_fixed_timezone(0)).hour == 17

    response = client.post(
        reverse("follow_up_create", args=[org.slug, activity.pk]),
        {"description": "Send the minutes", "owner_partner": first.pk, "due_on": "2026-03-20"},
    )
    assert response.status_code == 302
    with org_context(org.pk):
        follow_up = FollowUp.objects.for_org(org).get()
    response = client.post(reverse("follow_up_done", args=[org.slug, follow_up.pk]))
    assert response.status_code == 302
    with org_context(org.pk):
        assert FollowUp.objects.for_org(org).get().done_at is not None


def test_negative_counts_are_refused_with_a_message_and_change_nothing(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    partner = PartnerOrganisationFactory(organisation=org)
    response = client.post(
        reverse("collaboration_create", args=[org.slug]),
        {
            "kind": "joint_event",
            "title": "Street party",
            "held_at": "2026-03-04T18:00",
            "partners": [partner.pk],
            "community_members": "-3",
            "professionals": "2",
        },
    )
    assert response.status_code == 400
    assert "Counts cannot be negative" in response.content.decode()
    with org_context(org.pk):
        assert not CollaborationActivity.objects.for_org(org).exists()


def test_an_activity_with_another_organisations_partner_is_refused(org, other_org):
    foreign = PartnerOrganisationFactory(organisation=other_org)
    from cocora.core.errors import ApplicationError

    with org_context(org.pk), pytest.raises(ApplicationError, match="partners of this"):
        collaboration_activity_create(
            organisation=org,
            partner_ids=[foreign.pk],
            kind="dialogue",
            title="Meeting",
            held_at=timezone.now(),
        )


def test_recording_a_check_through_the_page(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    partner = PartnerOrganisationFactory(organisation=org)
    url = reverse("integrity_check_create", args=[org.slug, partner.pk])
    bad = client.post(
        url, {"checked_on": "2026-01-10", "outcome": "passed", "next_review_on": "2025-12-01"}
    )
    assert bad.status_code == 400
    assert "before the check itself" in bad.content.decode()
    good = client.post(
        url,
        {
            "checked_on": "2026-01-10",
            "outcome": "passed",
            "checklist": ["governance_known", "named_contact"],
            "informed_on": "2026-01-05",
            "informed_how": "letter",
        },
    )
    assert good.status_code == 302
    with org_context(org.pk):
        check = IntegrityCheck.objects.for_org(org).get()
    assert check.next_review_on.isoformat() == "2027-01-10"
    assert (
        client.get(reverse("integrity_check_detail", args=[org.slug, check.pk])).status_code == 200
    )


def test_agreement_page_saves_the_matrix_and_prints(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    partner = PartnerOrganisationFactory(organisation=org, name="Mosque Association")
    url = reverse("agreement_edit", args=[org.slug, partner.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {"purpose": "Dialogue meetings", "starts_on": "2026-01-01"}
    data |= {k: v for k, v in page.context["form"].initial.items() if k.startswith("level_")}
    data["level_participant_names"] = "allowed"
    assert client.post(url, data | {"level_confidential_notes": "perhaps"}).status_code == 400
    assert client.post(url, data).status_code == 302
    with org_context(org.pk):
        agreement = partner.agreements.get()
        level = agreement.rules.get(information_class="participant_names").level
    assert level == "allowed"
    printed = client.get(reverse("agreement_print", args=[org.slug, agreement.pk]))
    assert printed.status_code == 200
    html = printed.content.decode()
    assert "Mosque Association" in html and "style=" not in html and "<script>" not in html


def test_the_participant_panel_shows_sharing_to_staff_only(org, member_client):
    participant = ParticipantFactory(organisation=org, display_name="Noor")
    partner = PartnerOrganisationFactory(organisation=org, name="Club North")
    DisclosureFactory(organisation=org, participant=participant, partner=partner)
    client = member_client(org, Role.COORDINATOR)
    page = client.get(reverse("participant_detail", args=[org.slug, participant.pk]))
    html = page.content.decode()
    assert "Sharing with partners" in html and "Club North" in html
    for role in (Role.TRAINER, Role.AMBASSADOR, Role.PARTNER):
        other = member_client(org, role)
        with org_context(org.pk):
            assert (
                sharing_panel(
                    request=None,
                    organisation=org,
                    membership=other.membership,
                    participant=participant,
                )
                is None
            )


def test_a_refusal_on_the_sharing_page_says_what_is_missing(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org, birth_year=2000)
    partner = PartnerOrganisationFactory(organisation=org, name="Club North")
    response = client.post(
        reverse("disclosure_create", args=[org.slug, participant.pk]),
        {"partner": partner.pk, "information_class": "participant_names", "purpose": "Event"},
    )
    assert response.status_code == 400
    assert "there is no agreement with Club North" in response.content.decode()
    assert "override_reason" not in response.content.decode()  # coordinators cannot override


def _portal_setup(org, member_client, *, allowed=("aggregate_figures", "programme_materials")):
    partner = PartnerOrganisationFactory(organisation=org, name="Club North")
    other_partner = PartnerOrganisationFactory(organisation=org, name="School South")
    agreement = AgreementFactory(organisation=org, partner=partner)
    for cls in (
        "aggregate_figures",
        "programme_materials",
        "session_dates",
        "participant_names",
        "named_attendance",
        "session_log_summaries",
        "confidential_notes",
    ):
        SharingRuleFactory(
            organisation=org,
            agreement=agreement,
            information_class=cls,
            level="allowed" if cls in allowed else "consent",
        )
    client = member_client(org, Role.PARTNER)
    PartnerContactFactory(organisation=org, partner=partner, user=client.membership.user)
    programme = ProgrammeFactory(organisation=org, title="Prevention 2026", summary="Ten sessions.")
    people = {}
    for name in ("Zaynab", "Quentin", "Xavier", "Ophelia"):
        people[name] = ParticipantFactory(organisation=org, display_name=name)
        EnrolmentFactory(organisation=org, participant=people[name], cohort__programme=programme)
    SessionFactory(organisation=org, status="held", venue="Room Lindholm")
    DisclosureFactory(organisation=org, partner=partner, participant=people["Zaynab"])
    # A disclosure that names nobody: the name stays off the partner's page.
    DisclosureFactory(
        organisation=org,
        partner=partner,
        participant=people["Ophelia"],
        information_class="aggregate_figures",
    )
    DisclosureFactory(organisation=org, partner=other_partner, participant=people["Quentin"])
    return client, partner


def test_the_partner_sees_no_participant_name_unless_disclosed_to_them(org, member_client):
    client, _partner = _portal_setup(org, member_client)
    response = client.get(reverse("partner_portal", args=[org.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Club North" in html
    assert "Zaynab" in html  # disclosed to this partner by name
    for name in ("Quentin", "Xavier", "Ophelia"):
        assert name not in html, name
    # Allowed by the agreement: programme materials and aggregate figures, counts only.
    assert "Prevention 2026" in html and "Ten sessions." in html
    assert "4 young people taking part" in html and "1 session held" in html
    # Not allowed (consent only): no session dates or venues.
    assert "Room Lindholm" not in html
    # No participant codes or purposes of disclosures either.
    assert "P-T" not in html and "Planning the joint event." not in html


def test_the_partner_sees_only_what_the_agreement_allows(org, member_client):
    client, _partner = _portal_setup(org, member_client, allowed=("session_dates",))
    html = client.get(reverse("partner_portal", args=[org.slug])).content.decode()
    assert "Prevention 2026" not in html and "young people taking part" not in html
    assert "Room Lindholm" not in html or "Coming sessions" in html


def test_the_partner_role_reaches_none_of_the_staff_pages(org, member_client):
    client, partner = _portal_setup(org, member_client)
    participant = ParticipantFactory(organisation=org)
    for url in (
        reverse("partner_list", args=[org.slug]),
        reverse("partner_detail", args=[org.slug, partner.pk]),
        reverse("collaboration_list", args=[org.slug]),
        reverse("participant_detail", args=[org.slug, participant.pk]),
        reverse("disclosure_create", args=[org.slug, participant.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_partner_lands_on_a_link_to_their_partnership(org, member_client):
    client, _partner = _portal_setup(org, member_client)
    html = client.get(reverse("org_home", args=[org.slug])).content.decode()
    assert reverse("partner_portal", args=[org.slug]) in html
    assert "Our partnership: Club North" in html


def test_the_partner_home_shows_the_partnership_card_once(org, member_client):
    # Regression: the home page showed a generic "Our partnership" card beside the partner's own.
    def partnership_headings(client):
        html = client.get(reverse("org_home", args=[org.slug])).content.decode()
        return re.findall(r"<h2[^>]*>\s*Our partnership[^<]*</h2>", html)

    client, _partner = _portal_setup(org, member_client)
    assert partnership_headings(client) == [
        '<h2 class="h5 card-title" id="partnership-heading">Our partnership: Club North</h2>'
    ]
    assert len(partnership_headings(member_client(org, Role.PARTNER))) == 1


def test_an_unlinked_partner_member_is_told_so(org, member_client):
    client = member_client(org, Role.PARTNER)
    response = client.get(reverse("partner_portal", args=[org.slug]))
    assert response.status_code == 200
    assert "not linked to a partner organisation yet" in response.content.decode()


def test_a_partner_account_speaks_for_one_contact_only(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    partner_member = member_client(org, Role.PARTNER).membership.user
    partner = PartnerOrganisationFactory(organisation=org)
    url = reverse("partner_contact_create", args=[org.slug, partner.pk])
    assert client.post(url, {"name": "Ana", "user": partner_member.pk}).status_code == 302
    # The account is linked now: it is no longer offered, and choosing it is refused.
    second = client.post(url, {"name": "Ben", "user": partner_member.pk})
    assert second.status_code == 400
    with org_context(org.pk):
        assert PartnerOrganisation.objects.for_org(org).get().contacts.count() == 1
