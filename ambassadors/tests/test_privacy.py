"""Erasing a participant removes the free text the ambassadors app holds about them."""

import pytest

from ambassadors.models import Ambassador, CheckIn, OutreachTask, PeerInsight
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.privacy.services import subject_erase

from .factories import AmbassadorFactory, CheckInFactory, OutreachTaskFactory, PeerInsightFactory

pytestmark = pytest.mark.django_db


def test_erasure_removes_reports_notes_and_insights_but_keeps_the_counts(org):
    admin = MembershipFactory(organisation=org, role=Role.ADMIN).user
    ambassador = AmbassadorFactory(organisation=org, cap_reason="Festival week")
    OutreachTaskFactory(
        organisation=org,
        ambassador=ambassador,
        status="done",
        peers_reached=7,
        what_worked="Talking with Omar helped",
    )
    CheckInFactory(organisation=org, ambassador=ambassador, notes="Worried about exams")
    PeerInsightFactory(organisation=org, ambassador=ambassador, observation="Names slip in")
    other = OutreachTaskFactory(organisation=org, what_worked="Someone else's report")

    with org_context(org.pk):
        record = subject_erase(organisation=org, subject=ambassador.participant, actor=admin)
        task = OutreachTask.objects.for_org(org).get(ambassador=ambassador)
        assert (task.what_worked, task.peers_reached) == ("", 7)
        assert CheckIn.objects.for_org(org).get(ambassador=ambassador).notes == ""
        assert PeerInsight.objects.for_org(org).get(ambassador=ambassador).observation == ""
        assert Ambassador.objects.for_org(org).get(pk=ambassador.pk).cap_reason == ""
        other.refresh_from_db()
        assert other.what_worked == "Someone else's report"
    assert record.counts.get("ambassador_texts_removed") == 3
