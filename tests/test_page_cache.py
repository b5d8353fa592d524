"""The home page's panels are kept until the organisation's data changes: a second visit reads them
from memory, and any committed change, however it was written, shows at the next visit. Nobody
sees another member's or another organisation's panels, and a transaction sees its own writes."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import translation

from cocora.organisations import page_cache
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from programmes.models import Cohort
from programmes.tests.factories import ConsentFactory

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
        return page_cache.kept("test", organisation=org, parts=("x",), render=render)

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
