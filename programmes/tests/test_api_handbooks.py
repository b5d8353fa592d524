"""The handbook API: asking for a programme's handbook (the same content gives the same export,
without rendering again), following it, downloading the PDF (audited, 409 while not ready),
retrying a failure; staff only, isolation and constant query counts.

One real render in the whole file (the end-to-end test): other finished exports are factory rows
holding a small stand-in file."""

from typing import Any

import pytest
from django.core.files.base import ContentFile

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from programmes.handbooks import services
from programmes.handbooks.tasks import handbook_render
from programmes.models import HandbookExport
from programmes.services.curriculum import programme_create_from_builtin
from programmes.tests.factories import HandbookExportFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

EXPORT = {
    "id", "programme", "programme_title", "language", "status", "progress", "pages", "size",
    "content_hash", "error", "requested_at", "started_at", "finished_at", "download_url",
}  # fmt: skip
STAND_IN_PDF = b"%PDF-1.7\n% a stand-in for a rendered handbook\n%%EOF\n"


@pytest.fixture(autouse=True)
def _files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COCORA_PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"


@pytest.fixture
def renders(monkeypatch):
    """Counts real renders (the renderer still runs), as in test_handbooks.py."""
    calls = []
    original = services.render_book

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "render_book", counting)
    return calls


def _url(org: Any, *parts: Any) -> str:
    return f"/api/v1/o/{org.slug}/" + "".join(f"{part}/" for part in parts)


def _events(org: Any, action: str) -> list[AuditEvent]:
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).filter(action=action).order_by("pk"))


def _exports(org: Any) -> list[dict[str, Any]]:
    with org_context(org.pk):
        return list(HandbookExport.objects.for_org(org).order_by("pk").values())


def _done(org: Any, **kwargs: Any) -> HandbookExport:
    export = HandbookExportFactory(
        organisation=org, status="done", progress=100, pages=1, error="", **kwargs
    )
    with org_context(org.pk):
        export.file.save("stand-in.pdf", ContentFile(STAND_IN_PDF), save=False)
        export.size = len(STAND_IN_PDF)
        export.save()
    return export


def _render(org: Any, export_id: int) -> None:
    # The task itself, run in this process: org_task, the service, the same code as a worker.
    handbook_render.apply(args=(org.pk, export_id)).get()


def test_ask_follow_and_download_a_handbook(org, api_client, renders):
    # Given a programme with the built-in Prevention curriculum
    client = api_client(org, Role.COORDINATOR)
    with org_context(org.pk):
        programme = programme_create_from_builtin(organisation=org, kind="prevention")
    url = _url(org, "programmes", programme.pk, "handbooks")

    # When its handbook is asked for: queued, to be made by a worker
    asked = client.post(url, {"language": "en"})
    assert asked.status_code == 202, asked.json()
    export = asked.json()
    assert set(export) == EXPORT
    assert export["status"] == "queued" and export["download_url"] is None
    detail_url = _url(org, "handbooks", export["id"])
    assert asked["Location"] == f"http://testserver{detail_url}"
    assert [line.actor for line in _events(org, "api.api-programme-handbook-list")] == [
        client.membership.user
    ]
    # Not ready: a clear 409, in JSON even to a client that asks for a PDF.
    download_url = _url(org, "handbooks", export["id"], "download")
    early = client.get(download_url, HTTP_ACCEPT="application/pdf")
    assert early.status_code == 409 and early["Content-Type"] == "application/json"
    assert early.json()["code"] == "not_ready"

    # Then the worker makes it, and its status says so
    _render(org, export["id"])
    done = client.get(detail_url).json()
    assert done["status"] == "done" and done["progress"] == 100, done["error"]
    assert done["pages"] >= 20 and done["size"] > 0
    assert done["download_url"] == f"http://testserver{download_url}"

    # And the PDF downloads, written to the audit trail like the page's download
    response = client.get(download_url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    # Reading the whole stream closes the file (the test client then ends the request).
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF") and len(content) == done["size"]
    [downloaded] = _events(org, "handbook.downloaded")
    assert downloaded.actor == client.membership.user
    assert downloaded.details == {"programme_id": programme.pk, "language": "en"}

    # Asking again for the same content returns the same export at once: no second render
    again = client.post(url, {"language": "en"})
    assert again.status_code == 200 and again.json()["id"] == export["id"]
    assert renders == [1]
    listed = client.get(url).json()
    assert [e["id"] for e in listed["results"]] == [export["id"]]


def test_a_programmes_list_holds_its_own_exports_with_filters_and_the_same_queries(org, api_client):
    client = api_client(org, Role.ADMIN)
    programme = ProgrammeFactory(organisation=org)
    HandbookExportFactory(organisation=org)  # another programme's
    url = _url(org, "programmes", programme.pk, "handbooks")
    client.get(url)  # the token's first use of the minute is written once

    HandbookExportFactory.create_batch(5, organisation=org, programme=programme)
    few, response = count_queries(lambda: client.get(url))
    assert response.json()["count"] == 5
    HandbookExportFactory.create_batch(44, organisation=org, programme=programme, language="de")
    _done(org, programme=programme)
    many, response = count_queries(lambda: client.get(url, {"page_size": 200}))
    assert response.json()["count"] == 50
    # The programme, the count and one page joined with programme and requester: never per row.
    assert few == many
    results = response.json()["results"]
    assert {e["programme"] for e in results} == {programme.pk}
    assert all(set(e) == EXPORT for e in results)

    assert client.get(url, {"language": "de"}).json()["count"] == 44
    assert client.get(url, {"status": "done"}).json()["count"] == 1
    bad = client.get(url, {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "language"), ({"language": "tlh"}, "language"), ({"language": "en", "pdf": 1}, "pdf")],
)
def test_a_bad_request_is_400_naming_the_field_and_makes_nothing(org, api_client, body, field):
    client = api_client(org, Role.ADMIN)
    programme = ProgrammeFactory(organisation=org)
    response = client.post(_url(org, "programmes", programme.pk, "handbooks"), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _exports(org) == []


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_other_roles_may_not_ask_follow_download_or_retry(org, api_client, role):
    client = api_client(org, role)
    done = _done(org)
    failed = HandbookExportFactory(organisation=org, programme=done.programme)
    before = _exports(org)

    answers = [
        client.get(_url(org, "programmes", done.programme_id, "handbooks")),
        client.post(_url(org, "programmes", done.programme_id, "handbooks"), {"language": "en"}),
        client.get(_url(org, "handbooks", done.pk)),
        client.get(_url(org, "handbooks", done.pk, "download")),
        client.post(_url(org, "handbooks", failed.pk, "retry")),
    ]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [(403, "permission_denied")] * 5
    assert _exports(org) == before and _events(org, "handbook.downloaded") == []


def test_another_organisations_programmes_and_exports_are_not_found(org, other_org, api_client):
    client = api_client(org, Role.ADMIN)
    theirs = _done(other_org)
    failed = HandbookExportFactory(organisation=other_org, programme=theirs.programme)
    before = _exports(other_org)

    answers = [
        client.get(_url(org, "programmes", theirs.programme_id, "handbooks")),
        client.post(_url(org, "programmes", theirs.programme_id, "handbooks"), {"language": "en"}),
        client.post(_url(org, "programmes", theirs.programme_id, "handbooks"), {"x": 1}),
        client.get(_url(org, "handbooks", theirs.pk)),
        client.get(_url(org, "handbooks", theirs.pk, "download")),
        client.post(_url(org, "handbooks", failed.pk, "retry")),
        client.delete(_url(org, "handbooks", theirs.pk, "download")),
    ]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [(404, "not_found")] * 7
    assert _exports(other_org) == before and _exports(org) == []
    assert _events(other_org, "handbook.downloaded") == []


def test_a_finished_export_downloads_for_staff_and_each_download_is_recorded(org, api_client):
    export = _done(org)
    for role in (Role.ADMIN, Role.COORDINATOR):
        client = api_client(org, role)
        detail = client.get(_url(org, "handbooks", export.pk)).json()
        assert set(detail) == EXPORT and detail["status"] == "done"
        response = client.get(_url(org, "handbooks", export.pk, "download"))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == STAND_IN_PDF
    assert len(_events(org, "handbook.downloaded")) == 2


def test_a_failed_export_shows_its_error_and_is_tried_again(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    failed = HandbookExportFactory(organisation=org, error="The fonts were missing.")
    detail = client.get(_url(org, "handbooks", failed.pk)).json()
    assert detail["status"] == "failed" and detail["error"] == "The fonts were missing."
    download = client.get(_url(org, "handbooks", failed.pk, "download"))
    assert download.status_code == 409 and download.json()["code"] == "not_ready"

    retried = client.post(_url(org, "handbooks", failed.pk, "retry"))

    assert retried.status_code == 202, retried.json()
    assert retried.json()["status"] == "queued" and retried.json()["error"] == ""
    assert len(_events(org, "api.api-handbook-retry")) == 1
    # Only a failed export can be tried again.
    again = client.post(_url(org, "handbooks", failed.pk, "retry"))
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert _exports(org)[0]["status"] == "queued"


def test_a_read_only_token_follows_and_downloads_but_asks_for_nothing(org, api_client):
    client = api_client(org, Role.ADMIN, read_only=True)
    export = _done(org)
    failed = HandbookExportFactory(organisation=org, programme=export.programme)
    before = _exports(org)

    assert client.get(_url(org, "handbooks", export.pk)).status_code == 200
    download = client.get(_url(org, "handbooks", export.pk, "download"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == STAND_IN_PDF
    answers = [
        client.post(_url(org, "programmes", export.programme_id, "handbooks"), {"language": "de"}),
        client.post(_url(org, "handbooks", failed.pk, "retry")),
    ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(403, "token_read_only")] * 2
    assert _exports(org) == before
