"""Partners in a real browser: a coordinator records an integrity check, edits a sharing matrix
and records a joint activity with two partners; a partner proposes an activity and the
coordinator accepts it."""

import re

import pytest

from tests.browser import DESKTOP, PHONE, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_checks_a_partner_sets_its_sharing_rules_and_records_an_activity(
    live_server, demo
):
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, live_server.url, "coordinator@nordby.example")

        # The directory flags the school whose review is overdue.
        page.get_by_role("link", name="Partners", exact=True).click()
        school = page.get_by_role("row", name=re.compile("Vestskolen"))
        assert "review overdue" in school.inner_text()

        # An integrity check of the prospective youth club.
        page.get_by_role("link", name="Klubben Søndermarken").click()
        page.get_by_role("link", name="Record an integrity check").click()
        for item in ("Governance is known", "Safeguarding policy seen", "A named contact person"):
            page.get_by_label(item).check()
        page.get_by_label("Passed", exact=True).check()
        page.get_by_label("Partner informed on").fill("2026-01-05")
        page.get_by_label("Partner informed how").select_option(label="In a meeting")
        page.get_by_role("button", name="Record the check").click()
        page.get_by_text("The integrity check was recorded.").wait_for()
        assert "checked" in page.locator("main p.text-body-secondary").first.inner_text()

        # Its agreement: strict defaults, then names may be shared.
        page.get_by_role("link", name="Record the agreement").click()
        names = page.get_by_role("group", name="Names of participants")
        assert names.get_by_label("With the young person's (or guardian's) consent").is_checked()
        page.get_by_label("Purpose of the cooperation").fill("Joint summer trips for the club.")
        page.get_by_label("Starts on").fill("2026-01-10")
        names.get_by_label("Allowed", exact=True).check()
        page.get_by_label("Purpose – Names of participants").fill("Lists for the summer trip")
        page.get_by_role("button", name="Save the agreement").click()
        page.get_by_text("The agreement and its sharing rules were saved.").wait_for()
        row = page.locator("#sharing-matrix").get_by_role("row", name=re.compile("Names of"))
        assert "Allowed" in row.inner_text() and "summer trip" in row.inner_text()
        notes = page.locator("#sharing-matrix").get_by_role("row", name=re.compile("Confidential"))
        assert "Never" in notes.inner_text()

        # A dialogue meeting with two partners.
        page.get_by_role("link", name="Collaboration", exact=True).click()
        page.get_by_role("link", name="Record an activity").click()
        page.get_by_label("Kind").select_option(label="Dialogue meeting")
        page.get_by_label("Title").fill("Dialogmøde om sommerferien")
        page.get_by_label("Date and time").fill("2026-06-02T18:00")
        page.get_by_label("Place").fill("Klubhuset")
        page.get_by_label("Klubben Søndermarken").check()
        page.get_by_label("FC Nordby Ungdom").check()
        page.get_by_label("Community members present").fill("14")
        page.get_by_label("Professionals present").fill("3")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("The activity Dialogmøde om sommerferien was recorded.").wait_for()
        partners = page.locator("#activity-partners").inner_text()
        assert "Klubben Søndermarken" in partners and "FC Nordby Ungdom" in partners
        assert "18:00" in page.locator("main").inner_text()


def test_a_partner_proposes_an_activity_and_the_coordinator_accepts_it(live_server, demo):
    with chromium() as browser:
        # The partner contact of FC Nordby Ungdom proposes a joint event from their phone.
        partner = browser.new_page(viewport=PHONE)
        sign_in(partner, live_server.url, "partner@nordby.example")
        partner.get_by_role("link", name="Our proposals").click()
        # The demo shows what became of earlier proposals.
        proposals = partner.locator("#proposals").inner_text()
        assert "Accepted" in proposals and "Declined" in proposals
        partner.get_by_role("link", name="Propose an activity").click()
        partner.get_by_label("Kind").select_option(label="Joint event")
        partner.get_by_label("Title").fill("Streetfodbold på torvet")
        partner.get_by_label("Date and time").fill("2026-06-12T16:00")
        partner.get_by_label("Place").fill("Torvet")
        partner.get_by_label("Why do you propose it?").fill(
            "De unge vil gerne vise byen, hvad de kan."
        )
        partner.get_by_role("button", name="Send the proposal").click()
        partner.get_by_text("Your proposal “Streetfodbold på torvet” was sent.").wait_for()
        assert "Waiting for a decision" in partner.locator("#proposal-status").inner_text()
        partner.get_by_role("textbox", name=re.compile("^Comment")).fill(
            "Vi kan låne mål fra klubben."
        )
        partner.get_by_role("button", name="Add the comment").click()
        partner.get_by_text("Your comment was added.").wait_for()
        # The comment lands at itself on the page that shows it (`#comment-<id>`); the
        # proposal's own address is without it, or opening it again would only scroll.
        assert re.search(r"#comment-\d+$", partner.url)
        proposal_url = partner.url.split("#", 1)[0]

        # The coordinator finds it waiting on their home page, changes the time and accepts.
        coordinator = browser.new_page(viewport=DESKTOP)
        sign_in(coordinator, live_server.url, "coordinator@nordby.example")
        panel = coordinator.get_by_role("region", name=re.compile("waiting for a decision"))
        panel.get_by_role("link", name="Streetfodbold på torvet").click()
        assert "Vi kan låne mål fra klubben." in coordinator.locator("#thread").inner_text()
        coordinator.get_by_label("Date and time").fill("2026-06-12T17:00")
        coordinator.get_by_label("Note to the partner").fill("Vi sørger for tilladelsen.")
        coordinator.get_by_role("button", name="Accept the proposal").click()
        coordinator.get_by_text("The proposal “Streetfodbold på torvet” was accepted.").wait_for()
        coordinator.get_by_role("link", name="Open the activity").click()
        assert "FC Nordby Ungdom" in coordinator.locator("#activity-partners").inner_text()
        assert "17:00" in coordinator.locator("main").inner_text()

        # The partner sees what became of it.
        partner.goto(proposal_url)
        outcome = partner.locator("#outcome").inner_text()
        assert "Accepted with changes" in outcome
        assert "Streetfodbold på torvet" in outcome and "Vi sørger for tilladelsen." in outcome
