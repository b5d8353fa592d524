"""A participant who became an ambassador: their completed courses are in their export, and
erasure removes the notes on them while the courses, days and hours stay."""

from datetime import date

import pytest

from ambassadors.tests.factories import AmbassadorFactory
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.privacy.services import subject_erase, subject_export
from training.models import TrainingRecord
from training.tests.factories import CourseFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def test_an_ambassadors_training_is_exported_and_its_notes_erased(org):
    admin = MembershipFactory(organisation=org, role=Role.ADMIN).user
    ambassador = AmbassadorFactory(organisation=org)
    course = CourseFactory(organisation=org, name="Peer basics")
    TrainingRecordFactory(
        organisation=org,
        course=course,
        membership=None,
        ambassador=ambassador,
        completed_on=date(2026, 2, 3),
        note="Came late, caught up",
    )
    other = TrainingRecordFactory(organisation=org, course=course, note="A trainer's note")

    with org_context(org.pk):
        document = subject_export(
            organisation=org, subject=ambassador.participant, actor=admin, fmt="json"
        )
        record = subject_erase(organisation=org, subject=ambassador.participant, actor=admin)
        kept = TrainingRecord.objects.for_org(org).get(ambassador=ambassador)
        other.refresh_from_db()

    assert document["training"] == [
        {
            "course": "Peer basics",
            "completed_on": "2026-02-03",
            "hours": "12.0",
            "note": "Came late, caught up",
        }
    ]
    assert (kept.note, kept.completed_on) == ("", date(2026, 2, 3))
    assert other.note == "A trainer's note"
    assert record.counts.get("training_notes_removed") == 1
