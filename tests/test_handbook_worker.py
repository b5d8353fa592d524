"""A handbook export end to end through the real Redis broker and a real Celery worker."""

import subprocess
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker

from cocora.celery import app
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory, OrganisationFactory
from programmes.handbooks import services
from programmes.models import HandbookExport, Module
from programmes.services.curriculum import programme_create_from_builtin

# Imported before any worker starts: a worker knows only the tasks registered when it started
# (run alone, this file failed with "unregistered task").
from tests.test_celery import visible_organisations

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(transactional_db: Any, settings: Any, tmp_path: Any):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COCORA_PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    app.conf.task_always_eager = False
    app.conf.result_backend = settings.REDIS_URL.rsplit("/", 1)[0] + "/2"
    # An eager task run earlier in the suite may have cached "no result backend": forget it.
    app._backend_cache = None
    vars(app._local).pop("backend", None)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as w:
        yield w
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def renders(monkeypatch):
    calls = []
    original = services.render_book

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "render_book", counting)
    return calls


def _wait_until_finished(org, export_id, timeout=120.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with org_context(org.pk):
            export = HandbookExport.objects.for_org(org).get(pk=export_id)
        if export.status in ("done", "failed"):
            return export
        time.sleep(0.25)
    raise AssertionError(f"The export is still {export.status} after {timeout} s.")


def test_a_handbook_is_rendered_by_a_worker_and_not_again_for_the_same_content(worker, renders):
    # Given an organisation with the Prevention Programme
    org = OrganisationFactory(slug="handbook-worker")
    admin = MembershipFactory(organisation=org, role=Role.ADMIN).user
    with org_context(org.pk):
        programme = programme_create_from_builtin(organisation=org, kind="prevention")
        titles = list(
            Module.objects.for_org(org).filter(programme=programme).values_list("title", flat=True)
        )

    # When an admin asks for the handbook (the task is sent after commit, to the broker)
    with org_context(org.pk):
        export = services.handbook_export_request(
            organisation=org, programme=programme, language="en", actor=admin
        )
    assert export.status == "queued"
    export = _wait_until_finished(org, export.pk)

    # Then the worker rendered it: the PDF exists, with its contents and modules
    assert export.status == "done", export.error
    assert renders == [1]
    assert 20 <= export.pages <= 60
    text = subprocess.run(
        ["pdftotext", "-layout", export.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    contents = text.split("\f")[1]
    for number, title in enumerate(titles, start=1):
        line = next(line for line in contents.splitlines() if f"{number}. {title[:20]}" in line)
        assert line.rsplit(maxsplit=1)[-1].isdigit()  # its page number
        assert title[:20] in text

    # And asking again for unchanged content returns that export, sending nothing to render
    with org_context(org.pk):
        again = services.handbook_export_request(
            organisation=org, programme=programme, language="en", actor=admin
        )
    assert again.pk == export.pk and again.status == "done"
    # A redelivered task (the same message twice) finds it done and renders nothing.
    from programmes.handbooks.tasks import handbook_render

    handbook_render.delay(org.pk, export.pk)
    handbook_render.apply_async(args=(org.pk, export.pk)).forget()
    # Round-trip a task through the same worker: it runs after the two above.
    assert visible_organisations.delay(org.pk).get(timeout=60) == [org.pk]
    assert renders == [1]
    with org_context(org.pk):
        assert HandbookExport.objects.for_org(org).count() == 1
