"""Background work on the real Redis broker and a real Celery worker."""

from typing import Any

import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from django.db import connection

from cocora.celery import app
from cocora.organisations.context import org_task
from cocora.organisations.models import Membership, Role
from cocora.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@shared_task(name="tests.visible_organisations", ignore_result=False)
@org_task
def visible_organisations(organisation_id: int) -> list[int]:
    """What a task for one organisation can see of the membership table, with no filter."""
    return sorted(set(Membership.objects.values_list("organisation_id", flat=True)))


@shared_task(name="tests.visible_without_context", ignore_result=False)
def visible_without_context() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organisations_membership")
        return int(cursor.fetchone()[0])


@pytest.fixture
def worker(transactional_db: Any, settings: Any):  # type: ignore[no-untyped-def]
    app.conf.task_always_eager = False
    app.conf.result_backend = settings.REDIS_URL.rsplit("/", 1)[0] + "/2"
    # An eager task run earlier in the suite may have cached "no result backend": forget it.
    app._backend_cache = None
    vars(app._local).pop("backend", None)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as w:
        yield w
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_a_task_sees_only_its_own_organisation_after_another_ones_task(worker):
    a = OrganisationFactory(slug="task-a")
    b = OrganisationFactory(slug="task-b")
    MembershipFactory.create_batch(2, organisation=a, role=Role.TRAINER)
    MembershipFactory.create_batch(3, organisation=b, role=Role.TRAINER)

    # The same worker process and database connection serve both tasks, one after the other.
    first = visible_organisations.delay(a.pk).get(timeout=30)
    second = visible_organisations.delay(b.pk).get(timeout=30)
    forgot = visible_without_context.delay().get(timeout=30)

    assert first == [a.pk]
    assert second == [b.pk]
    # A task that forgot to enter an organisation sees nothing at all.
    assert forgot == 0
