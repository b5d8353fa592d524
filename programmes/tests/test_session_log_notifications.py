"""A session log with a confidential note tells the cohort's coordinator that a note waits for
them, without the note's words; the link leads to the log, whose page checks again."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cocora.notifications.models import Notification, NotificationKind
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from programmes.tests.factories import CohortTrainerFactory, SessionFactory

pytestmark = pytest.mark.django_db
NOTE = "Check in with J. about home."


def _setup(org, member_client):
    author = member_client(org, Role.TRAINER)
    coordinator = member_client(org, Role.COORDINATOR)
    other_coordinator = member_client(org, Role.COORDINATOR)
    session = SessionFactory(
        organisation=org,
        cohort__coordinator=coordinator.membership.user,
        cohort__name="Harbour group",
        starts_at=datetime(2026, 5, 6, 17, 0, tzinfo=ZoneInfo("Europe/Copenhagen")),
    )
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=author.membership.user)
    return session, author, coordinator, other_coordinator


def _notes(org):
    with org_context(org.pk):
        return list(
            Notification.objects.for_org(org).filter(kind=NotificationKind.CONFIDENTIAL_NOTE)
        )


def test_the_cohorts_coordinator_is_told_a_note_exists_never_what_it_says(
    org, member_client, django_capture_on_commit_callbacks
):
    session, author, coordinator, other_coordinator = _setup(org, member_client)
    url = reverse("session_log", args=[org.slug, session.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(url, {"summary": "We mapped our street.", "confidential_note": NOTE})
    assert response.status_code == 302

    (notification,) = _notes(org)
    assert notification.recipient_id == coordinator.membership.user_id
    assert notification.link == url
    assert "J." not in str(notification.context) and "home" not in str(notification.context)
    page = coordinator.get(reverse("notification_list", args=[org.slug])).content.decode()
    assert "The log of the session of Harbour group on 6 May 2026 has a confidential note" in page
    assert NOTE not in page
    # Another coordinator, not the cohort's, hears nothing and cannot read the note either.
    assert (
        'Notifications <span class="badge'
        not in other_coordinator.get(reverse("org_home", args=[org.slug])).content.decode()
    )
    assert NOTE.encode() not in other_coordinator.get(url).content

    # Saving the log again with the same note tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        author.post(
            url, {"summary": "We mapped our street, then the park.", "confidential_note": NOTE}
        )
    assert len(_notes(org)) == 1


def test_a_log_without_a_note_tells_nobody(org, member_client, django_capture_on_commit_callbacks):
    session, author, _coordinator, _other = _setup(org, member_client)
    with django_capture_on_commit_callbacks(execute=True):
        author.post(reverse("session_log", args=[org.slug, session.pk]), {"summary": "Fine."})
    assert _notes(org) == []
