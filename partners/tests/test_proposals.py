"""Partners as co-producers: a partner contact proposes activities, follow-ups and curriculum
changes under an agreement in force; coordinators accept (as written or edited) or decline with
a reason; both sides comment; the partner sees the outcome. Roles and partners are kept apart:
trainers and ambassadors see no proposal, another partner's contact gets a 404."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, queries_as_rows_grow, tenant_settings_queries
from partners.models import (
    CollaborationActivity,
    CollaborationPartner,
    FollowUp,
    Proposal,
    ProposalComment,
    ProposalStatus,
)
from partners.services import proposals as services
from partners.tests.api_support import actions
from partners.tests.factories import (
    AgreementFactory,
    CollaborationPartnerFactory,
    PartnerContactFactory,
    PartnerOrganisationFactory,
    ProposalCommentFactory,
    ProposalFactory,
    SharingRuleFactory,
)
from programmes.models import ModuleTranslation
from programmes.selectors.translations import changed_fields, source_digests
from programmes.tests.factories import ActivityFactory, ModuleFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

# Noon in Copenhagen on a weekday in spring: the organisation's day is the same on any clock.
NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _partner_client(member_client, org, partner, *, starts_on=TODAY - timedelta(days=30)):
    """A signed-in partner contact of `partner`, whose agreement is in force unless told."""
    client = member_client(org, Role.PARTNER)
    PartnerContactFactory(organisation=org, partner=partner, user=client.membership.user)
    if starts_on is not None:
        AgreementFactory(
            organisation=org, partner=partner, starts_on=starts_on, review_on=TODAY + timedelta(300)
        )
    return client


def _page(name, org, **ids):
    return reverse(name, kwargs={"org_slug": org.slug, **ids})


def _row(org, model, **filters):
    with org_context(org.pk):
        return model.objects.for_org(org).filter(**filters).get()


# -- the journey: propose, accept, see the outcome --------------------------------------------


def test_partner_proposes_an_activity_the_coordinator_accepts_and_the_partner_sees_it(
    org, member_client
):
    # Given a partner contact under an agreement in force
    partner = PartnerOrganisationFactory(organisation=org, name="Youth Football Club")
    client = _partner_client(member_client, org, partner)

    # When they propose a dialogue meeting
    response = client.post(
        _page("proposal_create_activity", org),
        {
            "collaboration_kind": "dialogue",
            "title": "Parents' evening at the club",
            "held_at": "2026-04-02T18:00",
            "place": "Clubhouse",
            "reason": "Parents asked for it.",
        },
    )
    proposal = _row(org, Proposal)
    assert response.status_code == 302
    assert response.url == _page("proposal_detail", org, proposal_id=proposal.pk)
    assert (proposal.partner, proposal.status) == (partner, ProposalStatus.OPEN)
    assert proposal.proposed_by == client.membership.user

    # Then the coordinator sees it waiting on their home page and accepts it
    coordinator = member_client(org, Role.COORDINATOR)
    home = coordinator.get(_page("org_home", org)).content.decode()
    assert "1 proposal waiting for a decision" in home and "Parents&#x27; evening" in home
    response = coordinator.post(
        _page("proposal_accept", org, proposal_id=proposal.pk),
        {
            "accept-collaboration_kind": "dialogue",
            "accept-title": "Parents' evening at the club",
            "accept-held_at": "2026-04-02T18:00",
            "accept-place": "Clubhouse",
            "accept-note": "See you there.",
        },
    )
    assert response.status_code == 302
    activity = _row(org, CollaborationActivity)
    assert activity.title == "Parents' evening at the club"
    assert _row(org, CollaborationPartner, activity=activity).partner == partner
    proposal = _row(org, Proposal)
    assert proposal.status == ProposalStatus.ACCEPTED
    assert (proposal.created_activity, proposal.edited) == (activity, False)
    audited = [a for a in actions(org) if a.split(".")[0] in ("proposal", "collaboration")]
    assert audited == ["proposal.created", "collaboration.created", "proposal.accepted"]

    # And the partner sees what became of it
    page = client.get(_page("proposal_detail", org, proposal_id=proposal.pk)).content.decode()
    assert "Accepted on" in page and "It became the activity" in page and "See you there." in page
    # The nothing-waiting home shows no panel.
    assert "waiting for a decision" not in coordinator.get(_page("org_home", org)).content.decode()


def test_the_home_page_lists_the_newest_open_proposals_with_their_partners(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def propose(index: int, **fields: object) -> Proposal:
        with time_machine.travel(start + timedelta(hours=index), tick=False):
            return ProposalFactory(
                organisation=org,
                title=f"Proposal <{index}>",
                partner=PartnerOrganisationFactory(organisation=org, name=f"Club & {index}"),
                **fields,
            )

    propose(0)
    ProposalFactory(
        organisation=org,
        title="Decided already",
        status=ProposalStatus.DECLINED,
        decided_at=start,
        decision_note="Not this year.",
    )
    one, _ = count_queries(lambda: coordinator.get(_page("org_home", org)))
    for index in range(1, 7):
        propose(index)
    many, response = count_queries(lambda: coordinator.get(_page("org_home", org)))
    page = response.content.decode()

    # The same queries for one proposal and seven (no partner read line by line).
    assert one == many
    assert "7 proposals waiting for a decision" in page
    panel = page.split('id="proposals-waiting-heading"', 1)[1].split("</section>", 1)[0]
    # The five newest, newest first, each with its kind and partner, escaped; the decided one
    # and the two oldest are left to the full list.
    titles = [f"Proposal &lt;{i}&gt;" for i in (6, 5, 4, 3, 2)]
    assert [panel.index(t) for t in titles] == sorted(panel.index(t) for t in titles)
    assert "Proposal &lt;1&gt;" not in panel and "Decided already" not in panel
    assert panel.count("A collaboration activity") == 5
    assert "Club &amp; 6" in panel and "Club &amp; 2" in panel


def test_edit_then_accept_a_follow_up_owned_by_the_partner(org, member_client):
    partner = PartnerOrganisationFactory(organisation=org)
    link = CollaborationPartnerFactory(organisation=org, partner=partner)
    client = _partner_client(member_client, org, partner)
    response = client.post(
        _page("proposal_create_follow_up", org),
        {"follow_up_of": link.activity_id, "title": "Share the photos", "due_on": "2026-03-20"},
    )
    assert response.status_code == 302
    proposal = _row(org, Proposal)
    coordinator = member_client(org, Role.COORDINATOR)
    coordinator.post(
        _page("proposal_accept", org, proposal_id=proposal.pk),
        {"accept-title": "Share the photos (with consent only)", "accept-due_on": "2026-03-27"},
    )
    follow_up = _row(org, FollowUp)
    assert (follow_up.description, follow_up.due_on) == (
        "Share the photos (with consent only)",
        date(2026, 3, 27),
    )
    assert (follow_up.owner_partner, follow_up.activity_id) == (partner, link.activity_id)
    proposal = _row(org, Proposal)
    # The partner's own words stay on the proposal; the outcome shows what was done.
    assert (proposal.title, proposal.edited, proposal.created_follow_up) == (
        "Share the photos",
        True,
        follow_up,
    )
    page = client.get(_page("proposal_detail", org, proposal_id=proposal.pk)).content.decode()
    assert "Accepted with changes" in page and "with consent only" in page


def test_a_follow_up_only_of_an_activity_the_partner_took_part_in(org):
    partner = PartnerOrganisationFactory(organisation=org)
    AgreementFactory(organisation=org, partner=partner, starts_on=TODAY - timedelta(days=3))
    contact = PartnerContactFactory(organisation=org, partner=partner, user=_user(org))
    other_activity = CollaborationPartnerFactory(organisation=org).activity
    with org_context(org.pk), pytest.raises(ApplicationError) as error:
        services.proposal_create(
            organisation=org,
            actor=contact.user,
            kind="follow_up",
            title="Minutes",
            follow_up_of=other_activity,
            due_on=TODAY,
        )
    assert error.value.field == "follow_up_of"


def _user(org, role=Role.PARTNER):
    from cocora.organisations.tests.factories import MembershipFactory

    return MembershipFactory(organisation=org, role=role).user


# -- curriculum changes -----------------------------------------------------------------------


def test_an_accepted_curriculum_change_goes_through_the_curriculum_and_dates_translations(
    org, member_client
):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    programme = ProgrammeFactory(organisation=org, language="en")
    module = ModuleFactory(
        organisation=org, programme=programme, title="Rights", content_md="Old text."
    )
    with org_context(org.pk):
        ModuleTranslation.objects.create(
            organisation=org,
            module=module,
            language="da",
            title="Rettigheder",
            content_md="Gammel tekst.",
            source_digests=source_digests(module),
        )

    # The partner picks the module from the curriculum and starts from its current text.
    picker = client.get(_page("proposal_curriculum", org)).content.decode()
    assert _page("proposal_create_module", org, module_id=module.pk) in picker
    form = client.get(_page("proposal_create_module", org, module_id=module.pk))
    assert form.context["form"].initial == {"title": "Rights", "text": "Old text."}
    client.post(
        _page("proposal_create_module", org, module_id=module.pk),
        {"title": "Rights and duties", "text": "New text.", "reason": "Add duties."},
    )
    proposal = _row(org, Proposal)
    assert (proposal.module, proposal.programme, proposal.text) == (module, programme, "New text.")

    coordinator = member_client(org, Role.COORDINATOR)
    page = coordinator.get(_page("proposal_detail", org, proposal_id=proposal.pk)).content.decode()
    assert "Old text." in page and "New text." in page
    coordinator.post(
        _page("proposal_accept", org, proposal_id=proposal.pk),
        {"accept-title": "Rights and duties", "accept-text": "New text, edited."},
    )
    with org_context(org.pk):
        module.refresh_from_db()
    assert (module.title, module.content_md) == ("Rights and duties", "New text, edited.")
    with org_context(org.pk):
        translation = ModuleTranslation.objects.for_org(org).get()
    assert changed_fields(translation, module) == ["title", "content_md"]
    proposal = _row(org, Proposal)
    assert (proposal.applied_title, proposal.applied_text, proposal.edited) == (
        "Rights and duties",
        "New text, edited.",
        True,
    )


def test_a_change_to_an_activity_keeps_its_method_materials_and_duration(org):
    partner = PartnerOrganisationFactory(organisation=org)
    AgreementFactory(organisation=org, partner=partner, starts_on=TODAY)
    contact = PartnerContactFactory(organisation=org, partner=partner, user=_user(org))
    activity = ActivityFactory(
        organisation=org, method="role play", materials="Cards", duration_minutes=45
    )
    coordinator = _user(org, Role.COORDINATOR)
    with org_context(org.pk):
        proposal = services.proposal_create(
            organisation=org,
            actor=contact.user,
            kind="curriculum",
            title="Role play: the bus",
            text="Two roles.",
            curriculum_activity=activity,
        )
        services.proposal_accept(organisation=org, proposal=proposal, actor=coordinator)
        activity.refresh_from_db()
    assert (activity.title, activity.instructions_md) == ("Role play: the bus", "Two roles.")
    assert (activity.method, activity.materials, activity.duration_minutes) == (
        "role play",
        "Cards",
        45,
    )


def test_without_programme_materials_in_the_agreement_no_curriculum_is_shown_or_taken(
    org, member_client
):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    with org_context(org.pk):
        agreement = partner.agreements.get()
    SharingRuleFactory(
        organisation=org,
        agreement=agreement,
        information_class="programme_materials",
        level="never",
    )
    module = ModuleFactory(organisation=org, content_md="The secret method.")
    assert (
        "The secret method." not in client.get(_page("proposal_curriculum", org)).content.decode()
    )
    assert client.get(_page("proposal_create_module", org, module_id=module.pk)).status_code == 404
    with org_context(org.pk), pytest.raises(ApplicationError):
        services.proposal_create(
            organisation=org,
            actor=client.membership.user,
            kind="curriculum",
            title="x",
            module=module,
        )


# -- the agreement ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "review_on", "status"),
    [
        (None, None, "active"),  # no agreement at all
        (TODAY + timedelta(days=1), None, "active"),  # not started yet
        (TODAY - timedelta(days=400), TODAY - timedelta(days=1), "active"),  # review passed
        (TODAY - timedelta(days=30), None, "paused"),  # the partnership is paused
    ],
)
def test_proposals_need_an_agreement_in_force(org, starts_on, review_on, status):
    partner = PartnerOrganisationFactory(organisation=org, status=status)
    if starts_on is not None:
        AgreementFactory(
            organisation=org, partner=partner, starts_on=starts_on, review_on=review_on
        )
    contact = PartnerContactFactory(organisation=org, partner=partner, user=_user(org))
    with org_context(org.pk), pytest.raises(ApplicationError) as error:
        services.proposal_create(
            organisation=org,
            actor=contact.user,
            kind="activity",
            title="A walk",
            collaboration_kind="visit",
            held_at=NOW,
        )
    assert "agreement in force" in str(error.value.message)


def test_only_a_partner_contact_proposes(org):
    with org_context(org.pk), pytest.raises(ApplicationError):
        services.proposal_create(
            organisation=org,
            actor=_user(org, Role.COORDINATOR),
            kind="activity",
            title="A walk",
            collaboration_kind="visit",
            held_at=NOW,
        )


# -- deciding and the thread ------------------------------------------------------------------


def test_declining_needs_a_reason_the_partner_reads(org, member_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    proposal = ProposalFactory(organisation=org, partner=partner)
    coordinator = member_client(org, Role.COORDINATOR)
    url = _page("proposal_decline", org, proposal_id=proposal.pk)
    assert coordinator.post(url, {"decline-reason": " "}).status_code == 400
    assert coordinator.post(url, {"decline-reason": "We have one that week."}).status_code == 302
    with org_context(org.pk):
        proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == ("declined", "We have one that week.")
    page = client.get(_page("proposal_detail", org, proposal_id=proposal.pk)).content.decode()
    assert "Declined on" in page and "We have one that week." in page
    # Decided once: a second decision is refused, and nothing more happens.
    with org_context(org.pk), pytest.raises(ApplicationError) as error:
        services.proposal_accept(
            organisation=org, proposal=proposal, actor=coordinator.membership.user
        )
    assert error.value.code == "decided"
    assert "proposal.declined" in actions(org)


def test_both_sides_comment_in_one_thread_kept_after_the_decision(org, member_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    proposal = ProposalFactory(organisation=org, partner=partner)
    coordinator = member_client(org, Role.COORDINATOR)
    url = _page("proposal_comment", org, proposal_id=proposal.pk)
    assert client.post(url, {"comment-text": "Friday suits us."}).status_code == 302
    assert coordinator.post(url, {"comment-text": "Friday it is."}).status_code == 302
    assert client.post(url, {"comment-text": "  "}).status_code == 400
    coordinator.post(
        _page("proposal_decline", org, proposal_id=proposal.pk), {"decline-reason": "Moved."}
    )
    with org_context(org.pk):
        sides = list(
            ProposalComment.objects.for_org(org).order_by("pk").values_list("from_partner", "text")
        )
    assert sides == [(True, "Friday suits us."), (False, "Friday it is.")]
    for who in (client, coordinator):
        page = who.get(_page("proposal_detail", org, proposal_id=proposal.pk)).content.decode()
        assert "Friday suits us." in page and "Friday it is." in page
    assert actions(org).count("proposal.commented") == 2


def _activities_with(org, partner, count, *, start=0, prefix="Meeting"):
    """`count` activities `partner` took part in, numbered from `start`, the lowest number the
    latest, a day apart before today."""
    return [
        CollaborationPartnerFactory(
            organisation=org,
            partner=partner,
            activity__title=f"{prefix} {number:02d}",
            activity__held_at=NOW - timedelta(days=number + 1),
        ).activity
        for number in range(start, start + count)
    ]


def _options(html):
    """The titles the follow-up form's list of activities offers, in its order."""
    select = html.split('name="follow_up_of"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select)


def _shown_choice(html):
    """The option a browser shows in the follow-up form's list: the selected one, or else the
    first."""
    select = html.split('name="follow_up_of"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r"<option [^>]*?(selected)?>([^<]*)</option>", select)
    return next((text for chosen, text in options if chosen), options[0][1])


def test_the_follow_up_form_offers_the_latest_50_activities_at_a_constant_cost(org, member_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    url = _page("proposal_create_follow_up", org)

    (five, shown5), (fifty, shown50), (fifty_five, shown55) = queries_as_rows_grow(
        lambda: client.get(url),
        lambda count, made: _activities_with(org, partner, count, start=made),
        lambda page: (
            _options(page.content.decode()),
            "For an older one" in page.content.decode(),
        ),
        totals=(5, 50, 55),
    )

    # Every activity while there are 50 or fewer, the latest first; then the 50 latest, with
    # a word on where to find the older ones.
    assert shown5 == ([f"Meeting {n:02d}" for n in range(5)], False)
    assert shown50 == ([f"Meeting {n:02d}" for n in range(50)], False)
    assert shown55 == ([f"Meeting {n:02d}" for n in range(50)], True)
    # session, user, the member's memberships with their organisations (the switcher too), the
    # partner's contact, its agreement and the rule on materials (read once for the form and
    # its list), and 51 activities at most (the 51st says that older ones exist) = 7 (+2
    # tenant settings on PostgreSQL).
    assert five == fifty == fifty_five == 7 + 2 * tenant_settings_queries()


def test_an_older_activity_gets_a_follow_up_from_its_link_on_the_portal(
    org, other_org, member_client
):
    # Given a partner with 55 activities, the oldest beyond the form's list
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    activities = _activities_with(org, partner, 55)
    oldest = activities[-1]
    form = _page("proposal_create_follow_up", org)

    # When the partner follows the link beside the oldest one on the portal's last page
    portal = client.get(_page("partner_portal", org), {"page": 3}).content.decode()
    assert f"{form}?activity={oldest.pk}" in portal
    page = client.get(form, {"activity": oldest.pk}).content.decode()

    # Then the form offers it, chosen, after the 50 latest
    assert _options(page) == [f"Meeting {n:02d}" for n in range(50)] + ["Meeting 54"]
    assert f'<option value="{oldest.pk}" selected>' in page
    # and the proposal is sent for it.
    response = client.post(
        form, {"follow_up_of": oldest.pk, "title": "Share the photos", "due_on": "2026-03-20"}
    )
    assert response.status_code == 302
    assert _row(org, Proposal).follow_up_of == oldest

    # An activity the partner did not take part in, or another organisation's, is neither
    # offered nor accepted.
    elsewhere = CollaborationPartnerFactory(organisation=org, activity__title="Not theirs")
    foreign = CollaborationPartnerFactory(organisation=other_org, activity__title="Foreign")
    for link in (elsewhere, foreign):
        page = client.get(form, {"activity": link.activity_id}).content.decode()
        assert link.activity.title not in page
        assert _shown_choice(page) == "Choose an activity"  # not the latest one
        response = client.post(
            form, {"follow_up_of": link.activity_id, "title": "Hmm", "due_on": "2026-03-20"}
        )
        assert response.status_code == 400
    with org_context(org.pk):
        assert Proposal.objects.for_org(org).count() == 1


@pytest.mark.parametrize("named", ["²", "٣", "1.5", "-1", ""])
def test_a_follow_up_of_an_activity_named_by_anything_but_its_number_is_refused_calmly(
    named, org, member_client
):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    _activities_with(org, partner, 3)
    form = _page("proposal_create_follow_up", org)

    page = client.get(form, {"activity": named})
    assert page.status_code == 200
    assert _options(page.content.decode()) == ["Meeting 00", "Meeting 01", "Meeting 02"]
    # Nothing is chosen for them: the list opens on its request to choose.
    assert _shown_choice(page.content.decode()) == "Choose an activity"
    response = client.post(
        form, {"follow_up_of": named, "title": "Share the photos", "due_on": "2026-03-20"}
    )
    assert response.status_code == 400
    with org_context(org.pk):
        assert not Proposal.objects.for_org(org).exists()


def test_the_portal_links_activities_to_the_follow_up_form_only_under_an_agreement_in_force(
    org, member_client
):
    # Given a partner under an agreement in force, and one whose agreement starts next week
    partner = PartnerOrganisationFactory(organisation=org)
    [activity] = _activities_with(org, partner, 1)
    in_force = _partner_client(member_client, org, partner)
    waiting_partner = PartnerOrganisationFactory(organisation=org)
    _activities_with(org, waiting_partner, 1, prefix="Waiting")
    waiting = _partner_client(member_client, org, waiting_partner, starts_on=TODAY + timedelta(7))

    # When each reads their portal
    ours = in_force.get(_page("partner_portal", org)).content.decode()
    theirs = waiting.get(_page("partner_portal", org)).content.decode()

    # Then only the first is offered to propose a follow-up of the activity
    assert f"{_page('proposal_create_follow_up', org)}?activity={activity.pk}" in ours
    assert "Waiting 00" in theirs and "?activity=" not in theirs


def _comments(org, proposal, count, *, start=0, prefix="Message"):
    """`count` comments on `proposal`, numbered from `start` in the order they were written, a
    minute apart in the hour before now."""
    for number in range(start, start + count):
        with time_machine.travel(NOW - timedelta(hours=1, minutes=-number), tick=False):
            ProposalCommentFactory(
                organisation=org, proposal=proposal, text=f"{prefix} {number:02d}"
            )


def _count_text(html):
    """The pager's count ("Page 1 of 2 · 55 in all"), or None when the page shows none."""
    found = re.search(r"Page \d+ of \d+ · \d+ in all", html)
    return found.group(0) if found else None


def test_the_thread_reads_the_same_queries_for_5_and_50_comments(org, member_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    proposal = ProposalFactory(organisation=org, partner=partner)
    url = _page("proposal_detail", org, proposal_id=proposal.pk)

    (five, shown5), (fifty, shown50), (fifty_five, shown55) = queries_as_rows_grow(
        lambda: client.get(url),
        lambda count, made: _comments(org, proposal, count, start=made),
        lambda page: (len(page.context["comments"].items), _count_text(page.content.decode())),
        totals=(5, 50, 55),
    )

    # One page of 50 at most, with the count of all once there is more than one page.
    assert (shown5, shown50) == ((5, None), (50, None))
    assert shown55 == (50, "Page 1 of 2 · 55 in all")
    # session, user, the member's memberships with their organisations (the switcher too), the
    # partner's contact (twice: which proposals they see, what the agreement shares), the
    # proposal with everything it names and its number of comments (the thread's count), the
    # agreement in force and its sharing rule, and one page of comments with their authors
    # = 9 (+2 tenant settings on PostgreSQL): no query to count the thread.
    assert five == fifty == fifty_five == 9 + 2 * tenant_settings_queries()


def test_the_thread_pages_by_50_oldest_first(org, member_client):
    # Given a thread of 53 comments
    coordinator = member_client(org, Role.COORDINATOR)
    proposal = ProposalFactory(organisation=org)
    _comments(org, proposal, 53)
    url = _page("proposal_detail", org, proposal_id=proposal.pk)

    # When the coordinator reads it, then its second page
    first = coordinator.get(url).content.decode()
    second = coordinator.get(url, {"page": 2}).content.decode()

    # Then the first page holds the 50 oldest, as the conversation reads, the second the rest
    assert "Message 00" in first and "Message 49" in first and "Message 50" not in first
    assert first.index("Message 00") < first.index("Message 49")
    assert "Message 50" in second and "Message 52" in second and "Message 49" not in second
    assert "Page 1 of 2 · 53 in all" in first and "Page 2 of 2 · 53 in all" in second
    assert 'href="?page=2#proposal-thread">Next</a>' in first
    assert 'href="?page=1#proposal-thread">Previous</a>' in second
    # and the comment form stays on every page.
    for html in (first, second):
        assert 'name="comment-text"' in html


def test_a_new_comment_lands_on_the_page_that_shows_it(org, member_client):
    # Given a thread of 50 comments: one page, full
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    proposal = ProposalFactory(organisation=org, partner=partner)
    _comments(org, proposal, 50)
    comment_url = _page("proposal_comment", org, proposal_id=proposal.pk)
    detail = _page("proposal_detail", org, proposal_id=proposal.pk)

    # When the partner adds the 51st
    response = client.post(comment_url, {"comment-text": "Friday suits us."})

    # Then they land on the second page, at their comment, which that page shows
    new = _row(org, ProposalComment, text="Friday suits us.")
    assert response.status_code == 302
    assert response["Location"] == f"{detail}?page=2#comment-{new.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="comment-{new.pk}"' in page and "Friday suits us." in page
    assert "Page 2 of 2 · 51 in all" in page

    # and on a short thread the first page, without a page number.
    short = ProposalFactory(organisation=org, partner=partner)
    response = client.post(
        _page("proposal_comment", org, proposal_id=short.pk), {"comment-text": "Thanks."}
    )
    first = _row(org, ProposalComment, proposal=short)
    detail = _page("proposal_detail", org, proposal_id=short.pk)
    assert response["Location"] == f"{detail}#comment-{first.pk}"


# -- roles and partners apart -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR])
def test_trainers_and_ambassadors_see_no_proposal(org, member_client, role):
    proposal = ProposalFactory(organisation=org)
    client = member_client(org, role)
    for name, ids in [
        ("proposal_list", {}),
        ("proposal_detail", {"proposal_id": proposal.pk}),
        ("proposal_comment", {"proposal_id": proposal.pk}),
    ]:
        assert client.get(_page(name, org, **ids)).status_code == 403
    assert client.post(_page("proposal_comment", org, proposal_id=proposal.pk)).status_code == 403


def test_a_contact_of_another_partner_gets_404_and_an_empty_list(org, member_client):
    proposal = ProposalFactory(organisation=org, title="Ours alone")
    ProposalCommentFactory(organisation=org, proposal=proposal, text="Between us")
    other = _partner_client(member_client, org, PartnerOrganisationFactory(organisation=org))
    for name in ("proposal_detail", "proposal_comment"):
        url = _page(name, org, proposal_id=proposal.pk)
        assert other.get(url).status_code == 404, name
    # Deciding is refused to the partner role whatever the id: the 403 reveals nothing.
    for name in ("proposal_accept", "proposal_decline"):
        url = _page(name, org, proposal_id=proposal.pk)
        assert other.get(url).status_code == 403, name
    response = other.post(
        _page("proposal_comment", org, proposal_id=proposal.pk), {"comment-text": "Hello"}
    )
    assert response.status_code == 404
    listed = other.get(_page("proposal_list", org)).content.decode()
    assert "Ours alone" not in listed
    # And the service refuses them even when asked directly.
    with org_context(org.pk), pytest.raises(ApplicationError):
        services.proposal_comment_add(
            organisation=org, proposal=proposal, actor=other.membership.user, text="Hello"
        )


def test_a_partner_cannot_decide(org, member_client):
    partner = PartnerOrganisationFactory(organisation=org)
    client = _partner_client(member_client, org, partner)
    proposal = ProposalFactory(organisation=org, partner=partner)
    url = _page("proposal_accept", org, proposal_id=proposal.pk)
    assert client.post(url, {}).status_code == 403
    with org_context(org.pk), pytest.raises(ApplicationError):
        services.proposal_accept(organisation=org, proposal=proposal, actor=client.membership.user)


def test_proposal_list_query_count_is_the_same_for_5_and_50(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = _page("proposal_list", org)

    def measure(count):
        for _ in range(count):
            proposal = ProposalFactory(organisation=org)
            ProposalCommentFactory(organisation=org, proposal=proposal)
        queries, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        return queries, len(response.context["paged"].items)

    five, rows5 = measure(5)
    fifty, rows50 = measure(45)
    assert (rows5, rows50) == (5, 50)
    # session, user, the member's memberships with their organisations (the switcher too), the
    # count, a page of proposals with everything they name and their comment counts = 5 (+2 tenant
    # settings on PostgreSQL).
    assert five == fifty == 5 + 2 * tenant_settings_queries()


def test_staff_cannot_suggest_on_the_curriculum_themselves(org, member_client):
    module = ModuleFactory(organisation=org)
    client = member_client(org, Role.COORDINATOR)
    url = _page("proposal_create_module", org, module_id=module.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x"}).status_code == 403
    assert client.get(_page("proposal_curriculum", org)).status_code == 403


def test_a_second_decision_on_the_page_says_who_was_first(org, member_client):
    proposal = ProposalFactory(organisation=org)
    first, second = member_client(org, Role.COORDINATOR), member_client(org, Role.ADMIN)
    decline = _page("proposal_decline", org, proposal_id=proposal.pk)
    assert first.post(decline, {"decline-reason": "Not this year."}).status_code == 302
    response = second.post(decline, {"decline-reason": "No room."}, follow=True)
    assert "This proposal was already decided: Declined." in response.content.decode()
    with org_context(org.pk):
        assert Proposal.objects.for_org(org).get().decision_note == "Not this year."
