"""The home page's panels are kept until the organisation's data changes: a second visit reads them
from memory, and any committed change, however it was written, shows at the next visit. Nobody
sees another member's or another organisation's panels, and a transaction sees its own writes."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from ambassadors.tests.factories import AmbassadorFactory, OutreachTaskFactory
from cocora.api.services import api_token_create, api_token_touch
from cocora.audit.models import AuditEvent, SignInEvent
from cocora.audit.services import audit_record
from cocora.notifications.inbox import notification_mark_read
from cocora.notifications.models import Delivery, DeliveryStatus
from cocora.notifications.tests.factories import DeliveryFactory, NotificationFactory
from cocora.organisations import page_cache
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.privacy.selectors import RETENTION_APPLIED
from cocora.testing.queries import count_queries
from programmes.models import Cohort
from programmes.tests.factories import (
    CohortFactory,
    CohortTrainerFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
)

from .test_home_dashboards import build, home


def panels(page: str) -> str:
    """The panels of a home page, without the layout around them (whose form tokens change)."""
    return page.split('class="lead"', 1)[1].rsplit('<div class="row g-3">', 1)[0]


def rename(org: Any, cohort: Any, how: str) -> None:
    with org_context(org.pk):
        if how == "a model's save":
            cohort.name = "Renamed group"
            cohort.save()
        elif how == "an update of many rows":
            Cohort.objects.filter(pk=cohort.pk).update(name="Renamed group")
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    'UPDATE "programmes_cohort" SET "name" = %s WHERE "id" = %s',
                    ["Renamed group", cohort.pk],
                )


def test_a_second_visit_reads_the_panels_from_memory(org, member_client, committed):
    with committed():
        coordinator = member_client(org, Role.COORDINATOR)
        build(org, people=12)

    first_queries, first = count_queries(lambda: home(coordinator, org))
    second_queries, second = count_queries(lambda: home(coordinator, org))

    assert "Attendance in Group 0" in panels(first)
    assert panels(second) == panels(first)
    # The panels' own reads (consent gaps, absences, targets, charts...) are not made again:
    # what is left is the sign-in, the member's memberships and the data versions' check.
    assert first_queries > 20
    assert second_queries == 5


@pytest.mark.parametrize("how", ["a model's save", "an update of many rows", "raw SQL"])
def test_a_committed_change_shows_at_the_next_visit(org, other_org, member_client, committed, how):
    with committed():
        coordinator = member_client(org, Role.COORDINATOR)
        scenario = build(org, people=3)
    home(coordinator, org)
    other_version = page_cache.versions(other_org.pk)

    with committed():
        rename(org, scenario.cohorts[0], how)

    page = panels(home(coordinator, org))
    assert "Attendance in Renamed group" in page
    assert "Attendance in Group 0" not in page
    # Another organisation's kept panels stay.
    assert page_cache.versions(other_org.pk) == other_version


def test_a_transaction_sees_its_own_change_before_it_commits(org, member_client, committed):
    with committed():
        coordinator = member_client(org, Role.COORDINATOR)
        scenario = build(org, people=3)
    person = scenario.without_consent[0]
    assert f">{person.display_name}<" in panels(home(coordinator, org))
    version = page_cache.versions(org.pk)

    ConsentFactory(organisation=org, participant=person)

    # Nothing has moved yet (nothing committed), and the page is not read from memory.
    assert page_cache.versions(org.pk) == version
    assert page_cache.has_uncommitted_writes(connection)
    assert f">{person.display_name}<" not in panels(home(coordinator, org))


def test_a_change_rolled_back_moves_nothing(org, committed):
    with committed():
        cohort = build(org, people=1).cohorts[0]
    before = page_cache.versions(org.pk, page_cache.EVERYTHING)

    with committed(), pytest.raises(ZeroDivisionError), transaction.atomic():
        rename(org, cohort, "an update of many rows")
        1 / 0  # noqa: B018

    assert not page_cache.has_uncommitted_writes(connection)
    assert page_cache.versions(org.pk, page_cache.EVERYTHING) == before


def test_a_change_outside_organisations_moves_every_version(org, member_client, committed):
    with committed():
        coordinator = member_client(org, Role.COORDINATOR)
    organisation_version, everything = page_cache.versions(org.pk, page_cache.EVERYTHING)

    with committed():
        user = coordinator.membership.user
        user.first_name = "Renamed"
        user.save()

    assert page_cache.versions(org.pk) == [organisation_version]
    assert page_cache.versions(page_cache.EVERYTHING) != [everything]


def test_each_member_and_organisation_sees_only_their_own_panels(
    org, other_org, member_client, committed
):
    with committed():
        coordinator = member_client(org, Role.COORDINATOR)
        trainer = member_client(org, Role.TRAINER)
        other = member_client(other_org, Role.COORDINATOR)
        scenario = build(org, people=3)
    person = scenario.without_consent[0].display_name
    assert f">{person}<" in panels(home(coordinator, org))

    # The same organisation's trainer, and another organisation's coordinator, after it was kept.
    assert f">{person}<" not in panels(home(trainer, org))
    other_page = panels(home(other, other_org))
    assert f">{person}<" not in other_page
    assert "Group 0" not in other_page


def test_a_kept_part_follows_the_language_and_the_clock(org, committed):
    with committed():
        pass  # the organisation's creation
    renders: list[int] = []

    def render() -> int:
        renders.append(1)
        return len(renders)

    def kept() -> int:
        stamp = page_cache.stamp(RequestFactory().get("/"), org)
        return page_cache.kept("test", stamp=stamp, parts=("x",), render=render)

    start = datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        assert (kept(), kept()) == (1, 1)
        with translation.override("de"):
            assert kept() == 2
    with time_machine.travel(start + timedelta(seconds=page_cache.WINDOW_SECONDS), tick=False):
        assert kept() == 3


@pytest.mark.django_db(transaction=True)
def test_a_really_committed_change_reaches_the_next_visit(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    cohort = build(org, people=3).cohorts[0]
    first_queries, first = count_queries(lambda: home(coordinator, org))
    second_queries, _ = count_queries(lambda: home(coordinator, org))
    assert "Attendance in Group 0" in panels(first)
    assert second_queries < first_queries  # kept

    rename(org, cohort, "an update of many rows")  # commits

    assert not page_cache.has_uncommitted_writes(connection)
    assert "Attendance in Renamed group" in panels(home(coordinator, org))


# The cohort page: its content is kept per member, page asked for and form token.


def cohort_url(org: Any, cohort: Any, query: str = "") -> str:
    return reverse("cohort_detail", args=[org.slug, cohort.pk]) + query


def people_rows(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def signed_in(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_kept_cohort_page_gives_each_browser_a_form_token_of_its_own(org, committed):
    with committed():
        coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
        cohort = build(org, people=3).cohorts[0]
        first = signed_in(coordinator)
    queries, page = count_queries(lambda: first.get(cohort_url(org, cohort)))
    kept_queries, _ = count_queries(lambda: first.get(cohort_url(org, cohort)))
    assert kept_queries < queries
    assert people_rows(page.content.decode()).count(">Active<") == 3

    # The same session in a browser that lost its CSRF cookie (signing in again would move every
    # version anyway, by its last-login time): the form must carry a token of the new secret.
    second = Client(enforce_csrf_checks=True)
    session_cookie = first.cookies[settings.SESSION_COOKIE_NAME].value
    second.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
    assert settings.CSRF_COOKIE_NAME in first.cookies
    page = second.get(cohort_url(org, cohort)).content.decode()
    action = reverse("cohort_stages", args=[org.slug, cohort.pk])
    form = page.split(f'action="{action}"', 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    with committed():
        shown = re.findall(r'name="shown" value="(\d+)"', form)
        response = second.post(
            action,
            {
                "csrfmiddlewaretoken": token.group(1),
                "stage": "completed",
                "all": "1",
                "shown": shown,
            },
        )
    assert response.status_code == 302

    # The change committed: the next visit shows it.
    rows = people_rows(second.get(cohort_url(org, cohort)).content.decode())
    assert rows.count(">Completed<") == 3
    assert ">Active<" not in rows


def test_a_kept_cohort_page_is_the_members_own_and_the_page_asked_for(org, committed):
    with committed():
        coordinator = signed_in(MembershipFactory(organisation=org, role=Role.COORDINATOR).user)
        trainer_membership = MembershipFactory(organisation=org, role=Role.TRAINER)
        cohort = CohortFactory(organisation=org, name="Large group")
        CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer_membership.user)
        for index in range(27):
            EnrolmentFactory(
                organisation=org,
                cohort=cohort,
                participant=ParticipantFactory(
                    organisation=org, display_name=f"Young person {index:02}"
                ),
                stage="active",
            )
        trainer = signed_in(trainer_membership.user)
    first_page = coordinator.get(cohort_url(org, cohort)).content.decode()
    second_page = coordinator.get(cohort_url(org, cohort, "?page=2")).content.decode()
    trainers_page = trainer.get(cohort_url(org, cohort)).content.decode()

    assert "Young person 00" in first_page and "Young person 26" not in first_page
    assert "Young person 26" in second_page and "Young person 00" not in second_page
    # The coordinator's stage form is not the trainer's, though the coordinator's page was kept.
    action = reverse("cohort_stages", args=[org.slug, cohort.pk])
    assert action in first_page
    assert action not in trainers_page
    assert "Young person 00" in trainers_page


def absent(page: str) -> int:
    """How many people the attendance page shows marked absent."""
    return len(re.findall(r'id="s-\d+-absent" value="absent" checked', page))


def test_a_kept_attendance_page_takes_marks_and_shows_them_saved(org, committed):
    with committed():
        trainer = MembershipFactory(organisation=org, role=Role.TRAINER).user
        scenario = build(org, people=3, trainer=trainer)
        session = scenario.unlogged[-1]  # held a week ago; the first person was absent
        first = signed_in(trainer)
    url = reverse("session_detail", args=[org.slug, session.pk])
    queries, _ = count_queries(lambda: first.get(url))
    kept_queries, page = count_queries(lambda: first.get(url))
    assert kept_queries < queries
    assert absent(page.content.decode()) == 1

    # The same session in a browser that lost its CSRF cookie posts with a token of its own.
    second = Client(enforce_csrf_checks=True)
    second.cookies[settings.SESSION_COOKIE_NAME] = first.cookies[settings.SESSION_COOKIE_NAME].value
    page = second.get(url).content.decode()
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.split('id="attendance-form"', 1)[1]
    )
    assert token is not None
    names = sorted(set(re.findall(r'name="(status_\d+)"', page)))
    assert len(names) == 3
    with committed():
        response = second.post(
            url, {"csrfmiddlewaretoken": token.group(1), **dict.fromkeys(names, "absent")}
        )
    assert response.status_code == 302

    assert absent(first.get(url).content.decode()) == 3


def test_kept_home_panels_give_each_browser_a_form_token_of_its_own(org, committed):
    with committed():
        user = MembershipFactory(organisation=org, role=Role.AMBASSADOR).user
        ambassador = AmbassadorFactory(organisation=org, user=user)
        task = OutreachTaskFactory(organisation=org, ambassador=ambassador, title="Stand")
        first = signed_in(user)
    action = reverse("outreach_task_action", args=[org.slug, task.pk])
    assert action in home(first, org)

    second = Client(enforce_csrf_checks=True)
    second.cookies[settings.SESSION_COOKIE_NAME] = first.cookies[settings.SESSION_COOKIE_NAME].value
    form = home(second, org).split(f'action="{action}"', 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    with committed():
        response = second.post(
            action, {"csrfmiddlewaretoken": token.group(1), "action": "start", "back": "home"}
        )
    assert response.status_code == 302
    # Started: the panel offers the report instead of the start button.
    assert action not in home(first, org)


def test_two_trainers_each_see_their_own_cohorts_on_a_kept_home(org, committed):
    with committed():
        first = MembershipFactory(organisation=org, role=Role.TRAINER).user
        second = MembershipFactory(organisation=org, role=Role.TRAINER).user
        scenario = build(org, people=20, trainer=first)  # two cohorts; the first is theirs
        CohortTrainerFactory(organisation=org, cohort=scenario.cohorts[1], user=second)
        clients = signed_in(first), signed_in(second)
    theirs = [
        reverse("session_detail", args=[org.slug, session.pk]) for session in scenario.upcoming
    ]

    pages = [panels(home(client, org)) for client in clients]

    assert theirs[0] in pages[0] and theirs[1] not in pages[0]
    assert theirs[1] in pages[1] and theirs[0] not in pages[1]


@pytest.mark.parametrize(
    ("sql", "scope"),
    [
        ('SELECT "x" FROM "programmes_cohort"', None),
        ("SAVEPOINT s1", None),
        ('INSERT INTO "programmes_cohort" ("name") VALUES (%s)', "organisation"),
        ('UPDATE "programmes_attendance" SET "status" = %s', "organisation"),
        ('  delete from "programmes_enrolment" WHERE "id" = %s', "organisation"),
        ('UPDATE "accounts_user" SET "first_name" = %s', page_cache.EVERYTHING),
        ('UPDATE "django_session" SET "expire_date" = %s', None),
        ('INSERT INTO "audit_auditevent" ("action") VALUES (%s)', None),
        ('INSERT INTO "audit_signinevent" ("kind") VALUES (%s)', None),
        ('UPDATE "notifications_delivery" SET "status" = %s', None),
        ('UPDATE "notifications_notification" SET "read_at" = %s', None),
        ('UPDATE "api_apitoken" SET "last_used_at" = %s', None),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', None),
        (
            'UPDATE "accounts_user" SET "last_login" = %s, "name" = %s '
            'WHERE "accounts_user"."id" = %s',
            page_cache.EVERYTHING,
        ),
        ('TRUNCATE "programmes_cohort"', page_cache.EVERYTHING),
        ('WITH moved AS (DELETE FROM "programmes_cohort") SELECT 1', page_cache.EVERYTHING),
        ("ALTER TABLE programmes_cohort ADD COLUMN x int", page_cache.EVERYTHING),
    ],
)
def test_which_version_a_statement_moves(sql, scope):
    assert page_cache.scope_of(sql, 7) == (7 if scope == "organisation" else scope)
    # With no organisation set, a tenant table's write moves everything.
    if scope == "organisation":
        assert page_cache.scope_of(sql, None) == page_cache.EVERYTHING


@pytest.mark.django_db(transaction=True)
def test_attendance_saved_through_the_page_shows_at_the_next_visit(org):
    trainer = MembershipFactory(organisation=org, role=Role.TRAINER).user
    scenario = build(org, people=3, trainer=trainer)
    session = scenario.unlogged[-1]
    client = signed_in(trainer)
    url = reverse("session_detail", args=[org.slug, session.pk])
    first_queries, response = count_queries(lambda: client.get(url))
    kept_queries, _ = count_queries(lambda: client.get(url))
    page = response.content.decode()
    assert kept_queries < first_queries
    assert absent(page) == 1
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    names = sorted(set(re.findall(r'name="(status_\d+)"', page)))

    response = client.post(
        url, {"csrfmiddlewaretoken": token.group(1), **dict.fromkeys(names, "absent")}
    )

    assert response.status_code == 302
    assert absent(client.get(url).content.decode()) == 3


def test_kept_pages_of_one_organisation_are_a_404_to_another_s_member(org, other_org, committed):
    with committed():
        coordinator = signed_in(MembershipFactory(organisation=org, role=Role.COORDINATOR).user)
        outsider = signed_in(MembershipFactory(organisation=other_org, role=Role.ADMIN).user)
        scenario = build(org, people=3)
    kept = [
        reverse("cohort_detail", args=[org.slug, scenario.cohorts[0].pk]),
        reverse("session_detail", args=[org.slug, scenario.upcoming[0].pk]),
    ]
    for url in kept:
        assert coordinator.get(url).status_code == 200
        assert coordinator.get(url).status_code == 200  # kept

    # The same pages, and the same ids under the outsider's own organisation.
    assert outsider.get(kept[0]).status_code == 404
    assert outsider.get(kept[1]).status_code == 404
    own = [
        reverse("cohort_detail", args=[other_org.slug, scenario.cohorts[0].pk]),
        reverse("session_detail", args=[other_org.slug, scenario.upcoming[0].pk]),
    ]
    assert [outsider.get(url).status_code for url in own] == [404, 404]


def test_looking_at_a_record_leaves_the_kept_panels_and_is_still_recorded(org, committed):
    with committed():
        coordinator = signed_in(MembershipFactory(organisation=org, role=Role.COORDINATOR).user)
        person = build(org, people=3).without_consent[0]
    home(coordinator, org)
    before = page_cache.versions(org.pk, page_cache.EVERYTHING)

    with committed():
        record = coordinator.get(reverse("participant_detail", args=[org.slug, person.pk]))

    assert record.status_code == 200
    with org_context(org.pk):
        assert AuditEvent.objects.filter(action="participant.viewed", target_id=str(person.pk))
    assert page_cache.versions(org.pk, page_cache.EVERYTHING) == before
    kept_queries, page = count_queries(lambda: home(coordinator, org))
    assert kept_queries == 5
    assert f">{person.display_name}<" in panels(page)


@pytest.mark.parametrize("what", ["a reminder run", "a notification read", "an API token used"])
def test_mail_notifications_and_api_tokens_empty_nobody_s_kept_parts(org, committed, what):
    with committed():
        user = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
        coordinator = signed_in(user)
        build(org, people=3)
    first = home(coordinator, org)
    before = page_cache.versions(org.pk, page_cache.EVERYTHING)

    with committed(), org_context(org.pk):
        if what == "a reminder run":
            delivery = DeliveryFactory(organisation=org, status=DeliveryStatus.QUEUED)
            Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT)
        elif what == "a notification read":
            notification = NotificationFactory(organisation=org, recipient=user)
            notification_mark_read(organisation=org, user=user, notification=notification)
        else:
            token, _secret = api_token_create(organisation=org, user=user, name="Script")
            api_token_touch(token=token)

    assert page_cache.versions(org.pk, page_cache.EVERYTHING) == before
    kept_queries, page = count_queries(lambda: home(coordinator, org))
    assert kept_queries == 5
    assert panels(page) == panels(first)


def test_refused_visits_and_failed_sign_ins_empty_nobody_s_kept_parts(org, other_org, committed):
    with committed():
        outsider = signed_in(MembershipFactory(organisation=other_org, role=Role.ADMIN).user)
        cohort = build(org, people=1).cohorts[0]
    before = page_cache.versions(org.pk, page_cache.EVERYTHING)

    with committed():
        refused = outsider.get(cohort_url(org, cohort))
        failed = Client().post(
            reverse("account_login"), {"login": "someone@example.org", "password": "nope"}
        )

    assert refused.status_code == 404
    assert failed.status_code == 200  # the sign-in form again, with its error
    # Both are on the record, and neither moved a version.
    with org_context(org.pk):
        assert AuditEvent.objects.filter(action="access.denied").exists()
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.FAILED).exists()
    assert page_cache.versions(org.pk, page_cache.EVERYTHING) == before


def test_a_part_that_reads_a_table_whose_writes_move_nothing_is_not_kept(org, committed):
    with committed():
        build(org, people=1)
    request = RequestFactory().get("/")
    renders: list[str] = []

    def part(model: Any) -> Any:
        def render() -> str:
            renders.append(model.__name__)
            with org_context(org.pk):
                return str(model.objects.count())

        return render

    def raw_sessions() -> str:
        renders.append("raw")
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM DJANGO_SESSION")
            return str(cursor.fetchone()[0])

    def failing() -> str:
        renders.append("failing")
        AuditEvent.objects.count()
        raise ZeroDivisionError

    for _ in range(2):
        page_cache.kept("raw", stamp=page_cache.stamp(request, org), parts=(), render=raw_sessions)
    with pytest.raises(ZeroDivisionError):
        page_cache.kept("failing", stamp=page_cache.stamp(request, org), parts=(), render=failing)
    assert getattr(connection, "cocora_kept_render", None) is None
    for model in (Cohort, AuditEvent, Cohort, AuditEvent):
        page_cache.kept(
            model.__name__,
            stamp=page_cache.stamp(request, org),
            parts=(),
            render=part(model),
        )

    # The cohorts' count is kept at the first render; the audit trail's is read each time,
    # since a new line of it would move no version.
    assert renders == ["raw", "raw", "failing", "Cohort", "AuditEvent", "AuditEvent"]


def test_what_a_part_saw_of_its_own_rolled_back_write_is_not_kept(org, committed):
    with committed():
        cohort = build(org, people=1).cohorts[0]
    request = RequestFactory().get("/")

    def renaming() -> str:
        with org_context(org.pk):
            Cohort.objects.filter(pk=cohort.pk).update(name="Never committed")
            return Cohort.objects.get(pk=cohort.pk).name

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        page_cache.kept("part", stamp=page_cache.stamp(request, org), parts=(), render=renaming)
        1 / 0  # noqa: B018 — the request fails after the part rendered

    def reading() -> str:
        with org_context(org.pk):
            return Cohort.objects.get(pk=cohort.pk).name

    part = page_cache.kept("part", stamp=page_cache.stamp(request, org), parts=(), render=reading)
    assert part == cohort.name


def test_an_admin_s_retention_panel_reads_the_audit_trail_at_each_visit(org, committed):
    with committed():
        admin = signed_in(MembershipFactory(organisation=org, role=Role.ADMIN).user)
        build(org, people=3)
    first_queries, first = count_queries(lambda: home(admin, org))
    version = page_cache.versions(org.pk, page_cache.EVERYTHING)

    with committed(), org_context(org.pk):
        audit_record(organisation=org, actor=None, action=RETENTION_APPLIED)

    kept_queries, page = count_queries(lambda: home(admin, org))
    assert "No retention run yet." in first
    # The new audit line moved no version, and the panel that shows it was read again; the
    # other panels were kept.
    assert page_cache.versions(org.pk, page_cache.EVERYTHING) == version
    assert "Last retention run:" in page
    assert "The partner with an overdue review" in panels(page)
    assert kept_queries < first_queries - 10


def test_settings_changed_between_reading_the_organisation_and_the_versions_are_not_kept_stale(
    org, committed
):
    # The page reads the organisation (and the member) first, then the versions: a change of
    # its settings that commits in between leaves the page holding the old settings under the
    # new version. What it renders then is keyed on the old settings, which nobody reads again.
    request = RequestFactory().get("/")
    as_read = Organisation.objects.get(pk=org.pk)
    with committed():
        Organisation.objects.filter(pk=org.pk).update(
            small_cell_threshold=as_read.small_cell_threshold + 1
        )
    late = page_cache.stamp(request, as_read)
    page_cache.kept("part", stamp=late, parts=(), render=lambda: "the old threshold")

    now = page_cache.stamp(request, Organisation.objects.get(pk=org.pk))
    new = page_cache.kept("part", stamp=now, parts=(), render=lambda: "the new threshold")
    # With the same reading of the organisation, the part is kept.
    again = page_cache.stamp(request, Organisation.objects.get(pk=org.pk))
    kept = page_cache.kept("part", stamp=again, parts=(), render=lambda: "rendered again")

    assert new == "the new threshold"
    assert kept == "the new threshold"


def test_a_sign_in_empties_nobody_s_kept_parts(org, member_client, committed):
    with committed():
        coordinator = member_client(org, Role.COORDINATOR)
        build(org, people=3)
        someone = MembershipFactory(organisation=org, role=Role.TRAINER).user
        someone.set_password("a long enough passphrase")
        someone.save()
    home(coordinator, org)
    before = page_cache.versions(org.pk, page_cache.EVERYTHING)

    with committed():
        response = Client().post(
            reverse("account_login"),
            {"login": someone.email, "password": "a long enough passphrase"},
        )

    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.last_login is not None
    assert page_cache.versions(org.pk, page_cache.EVERYTHING) == before
    kept_queries, _ = count_queries(lambda: home(coordinator, org))
    assert kept_queries == 5
