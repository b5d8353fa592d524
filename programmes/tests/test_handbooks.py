"""Handbook PDFs: the book's content (pdftotext), same content gives the same export without a
second render, changes give a new hash, failures and retries, and the pages' permissions."""

import io
import os
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from programmes.handbooks import services
from programmes.handbooks.selectors import handbook_export_list
from programmes.handbooks.tasks import handbook_parts_prune, handbook_render
from programmes.models import HandbookExport, Module
from programmes.services.curriculum import programme_create_from_builtin
from programmes.tests.factories import HandbookExportFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COCORA_PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"


@pytest.fixture
def renders(monkeypatch):
    """Counts real renders (the renderer still runs)."""
    calls = []
    original = services.render_book

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "render_book", counting)
    return calls


@pytest.fixture
def prevention(org):
    with org_context(org.pk):
        return programme_create_from_builtin(organisation=org, kind="prevention")


def _request(org, programme, user=None, language="en"):
    with org_context(org.pk):
        return services.handbook_export_request(
            organisation=org, programme=programme, language=language, actor=user
        )


def _render(org, export):
    # The task itself, run in this process: org_task, the service, the same code as a worker.
    handbook_render.apply(args=(org.pk, export.pk)).get()
    with org_context(org.pk):
        return HandbookExport.objects.for_org(org).get(pk=export.pk)


def pdf_text(path: str | Path) -> str:
    return subprocess.run(  # noqa: S603  (poppler on a file we wrote)
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607  (poppler from the PATH)
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_prevention_handbook_is_a_book_with_contents_page_numbers_and_modules(
    org, prevention, renders, tmp_path
):
    # Given the demo-sized Prevention curriculum (9 modules)
    with org_context(org.pk):
        titles = list(
            Module.objects.for_org(org).filter(programme=prevention).values_list("title", flat=True)
        )

    # When its handbook is asked for and rendered
    export = _render(org, _request(org, prevention))

    # Then the PDF is stored with its pages and size
    assert export.status == "done", export.error
    assert export.progress == 100 and renders == [1]
    assert 20 <= export.pages <= 60
    assert export.size == Path(export.file.path).stat().st_size
    assert str(tmp_path / "media" / "private") in export.file.path
    text = pdf_text(export.file.path)
    pages = text.split("\f")
    assert len([page for page in pages if page.strip()]) == export.pages
    # The contents name every module with the page it starts on (target-counter)...
    contents = pages[1]
    assert "Contents" in contents
    starts = []
    for number, title in enumerate(titles, start=1):
        line = next(line for line in contents.splitlines() if f"{number}. {title[:20]}" in line)
        page_number = int(line.rsplit(maxsplit=1)[-1])
        starts.append(page_number)
        # ...and that page starts the module, with "n / N" at its foot.
        assert title[:20] in pages[page_number - 1]
        assert f"{page_number} / {export.pages}" in pages[page_number - 1]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for appendix in ("Session plan", "Attendance sheet", "Consent form"):
        assert appendix in contents
    # Running headers: a module's title heads each page it covers.
    for title, start, end in zip(titles, starts, starts[1:], strict=False):
        for page in pages[start - 1 : end - 1]:
            assert title[:20] in page.strip().splitlines()[0]
    # No personal data in the handbook.
    assert "Young person" not in text


def _text_in_box(path: str, page: int, box: tuple[float, float, float, float]) -> str:
    x, y, width, height = (str(round(v)) for v in box)
    return subprocess.run(  # noqa: S603  (poppler on a file we wrote)
        [
            *("pdftotext", "-f", str(page), "-l", str(page), "-r", "72"),
            *("-x", x, "-y", y, "-W", width, "-H", height, path, "-"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_danish_handbook_numbers_its_landscape_pages_at_their_own_foot(org, prevention):
    # Given a handbook in Danish, whose decimal comma must not reach the page sizes' CSS, asked
    # for while Danish is active (a Danish coordinator's request)
    with translation.override("da"):
        export = _render(org, _request(org, prevention, language="da"))
    assert export.status == "done", export.error

    # Then every numbered page, the landscape attendance sheet's too, has "n / N" centred at
    # its own foot (a number laid out for a portrait page would sit a fifth of the way in)
    pdf = pikepdf.open(export.file.path)
    sizes = [(float(p.mediabox[2]), float(p.mediabox[3])) for p in pdf.pages]
    landscape = [n for n, (w, h) in enumerate(sizes, start=1) if w > h]
    assert landscape
    for number in (2, *landscape):
        width, height = sizes[number - 1]
        foot = (width / 2 - 60, height - 22 * 72 / 25.4, 120, 22 * 72 / 25.4)
        assert f"{number} / {export.pages}" in _text_in_box(export.file.path, number, foot)


def test_same_content_gives_the_same_export_without_rendering_again(org, prevention, renders):
    export = _render(org, _request(org, prevention))

    again = _request(org, prevention)

    assert again.pk == export.pk and again.status == "done"
    assert renders == [1]
    # A redelivered task for a finished export renders nothing either.
    _render(org, export)
    assert renders == [1]


def test_two_requests_before_rendering_make_one_export(org, prevention, renders):
    first = _request(org, prevention)
    second = _request(org, prevention)
    assert first.pk == second.pk and first.status == "queued"


def test_a_changed_module_a_logo_or_a_language_gives_a_new_hash(org, prevention, renders):
    done = _render(org, _request(org, prevention))
    with org_context(org.pk):
        module = Module.objects.for_org(org).filter(programme=prevention).first()
        module.content_md += "\n\nOne more paragraph."
        module.save()
    changed = _request(org, prevention)
    assert changed.pk != done.pk and changed.content_hash != done.content_hash

    german = _request(org, prevention, language="de")
    assert german.content_hash not in (done.content_hash, changed.content_hash)

    logo = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(logo, "PNG")
    org.logo.save("logo.png", io.BytesIO(logo.getvalue()), save=True)
    branded = _request(org, prevention)
    assert branded.content_hash not in (done.content_hash, changed.content_hash)
    rendered = _render(org, branded)
    assert rendered.status == "done"
    with open(rendered.file.path, "rb") as handle:
        # The logo was read from MEDIA_ROOT through the fetcher and embedded as an image.
        assert b"/Subtype /Image" in handle.read()


def test_a_failed_render_shows_its_error_and_can_be_retried(
    org, prevention, renders, monkeypatch, member_client
):
    # Given a render that breaks
    def broken(*args, **kwargs):
        raise RuntimeError("font cache unavailable")

    monkeypatch.setattr(services, "render_book", broken)
    export = _render(org, _request(org, prevention))
    assert export.status == "failed"
    assert "font cache unavailable" in export.error and not export.file

    # Then the exports page shows the error and a retry button
    client = member_client(org, Role.COORDINATOR)
    page = client.get(_url("handbook_exports", org, programme_id=prevention.pk))
    assert "font cache unavailable" in page.content.decode()
    assert _url("handbook_retry", org, export_id=export.pk) in page.content.decode()

    # When it is retried with a working renderer
    monkeypatch.undo()
    response = client.post(_url("handbook_retry", org, export_id=export.pk))
    assert response.status_code == 302
    with org_context(org.pk):
        assert HandbookExport.objects.for_org(org).get(pk=export.pk).status == "queued"
    assert _render(org, export).status == "done"
    # GET on the retry address looks the export up and goes back to the page.
    response = client.get(_url("handbook_retry", org, export_id=export.pk))
    assert response.status_code == 302


def _url(name, org, **kwargs):
    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})


def test_request_page_download_and_audit(org, prevention, member_client, renders):
    client = member_client(org, Role.ADMIN)
    url = _url("handbook_exports", org, programme_id=prevention.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="language"' in page.content.decode()

    response = client.post(url, {"language": "en"})
    assert response.status_code == 302
    with org_context(org.pk):
        export = HandbookExport.objects.for_org(org).get()
    assert export.requested_by == client.membership.user

    # Queued: the row polls its status fragment; without JavaScript, "Refresh" reloads the page.
    page = client.get(url).content.decode()
    status_url = _url("handbook_status", org, export_id=export.pk)
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 2s"' in page
    assert f'href="{url}"' in page
    fragment = client.get(status_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<progress" in fragment.content.decode()
    assert client.get(status_url).status_code == 302

    _render(org, export)
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment  # polling stops when it is done
    download = client.get(_url("handbook_download", org, export_id=export.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    with org_context(org.pk):
        assert AuditEvent.objects.for_org(org).filter(action="handbook.downloaded").count() == 1

    # The programme page links to the handbook for staff.
    detail = client.get(_url("programme_detail", org, programme_id=prevention.pk))
    assert url in detail.content.decode()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_other_roles_may_not_request_or_download(org, role, member_client):
    export = HandbookExportFactory(organisation=org, status="done")
    client = member_client(org, role)
    urls = [
        _url("handbook_exports", org, programme_id=export.programme_id),
        _url("handbook_download", org, export_id=export.pk),
        _url("handbook_status", org, export_id=export.pk),
        _url("handbook_retry", org, export_id=export.pk),
    ]
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, {"language": "en"}).status_code == 403
    if role == Role.TRAINER:
        # Trainers read the curriculum but see no handbook link.
        detail = client.get(_url("programme_detail", org, programme_id=export.programme_id))
        assert urls[0] not in detail.content.decode()


def test_another_organisations_exports_are_not_found(org, other_org, member_client):
    theirs = HandbookExportFactory(organisation=other_org, status="failed")
    mine = ProgrammeFactory(organisation=org)
    client = member_client(org, Role.ADMIN)
    for name in ("handbook_download", "handbook_status", "handbook_retry"):
        url = _url(name, org, export_id=theirs.pk)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    url = _url("handbook_exports", org, programme_id=theirs.programme_id)
    assert client.post(url, {"language": "en"}).status_code == 404
    assert client.get(_url("handbook_exports", org, programme_id=mine.pk)).status_code == 200
    with org_context(other_org.pk):
        assert HandbookExport.objects.for_org(other_org).get().status == "failed"


def test_a_programmes_handbook_page_lists_only_its_own_handbooks(org, member_client):
    # Regression: the page of one programme listed every programme's PDFs.
    client = member_client(org, Role.ADMIN)
    mine = HandbookExportFactory(organisation=org, status="done", programme__title="Ours")
    theirs = HandbookExportFactory(organisation=org, status="done", programme__title="Theirs")
    response = client.get(_url("handbook_exports", org, programme_id=mine.programme_id))
    assert [row["export"] for row in response.context["rows"]] == [mine]
    html = response.content.decode()
    assert _url("handbook_download", org, export_id=mine.pk) in html
    assert _url("handbook_download", org, export_id=theirs.pk) not in html


def test_the_exports_list_takes_one_query_for_5_and_50_rows(org):
    programme = ProgrammeFactory(organisation=org)
    for total, more in ((5, 5), (50, 45)):
        HandbookExportFactory.create_batch(more, organisation=org, programme=programme)
        with org_context(org.pk):
            queries, rows = count_queries(
                lambda: [
                    (row.programme.title, row.requested_by)
                    for row in handbook_export_list(organisation=org)
                ]
            )
        assert len(rows) == total
        assert queries == 1  # the exports, joined with their programme and requester


def test_the_handbook_pdf_has_a_bookmark_a_link_and_tags_for_every_module(org, prevention):
    with org_context(org.pk):
        titles = list(
            Module.objects.for_org(org).filter(programme=prevention).values_list("title", flat=True)
        )
    export = _render(org, _request(org, prevention))
    pdf = pikepdf.open(export.file.path)
    number_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    dests = {
        name: number_of[target[0].objgen]
        for name, target in pikepdf.NameTree(pdf.Root.Names.Dests).items()
    }

    # Bookmarks: the cover, the introduction, each module in order, the appendices
    with pdf.open_outline() as outline:
        top = [(item.title, number_of[item.destination[0].objgen]) for item in outline.root]
    module_marks = top[2 : 2 + len(titles)]
    assert [title for title, _page in module_marks] == [
        f"{number} {title}" for number, title in enumerate(titles, start=1)
    ]
    assert [page for _title, page in module_marks] == [
        dests[f"module-{number}"] for number in range(1, len(titles) + 1)
    ]

    # The contents link to each module's first page
    links = {str(a.Dest) for a in pdf.pages[1].obj.Annots if "/Dest" in a}
    assert {f"module-{number}" for number in range(1, len(titles) + 1)} <= links
    assert {"introduction", "appendix-consent"} <= links

    # Tags: one Document with a heading for every module, in the handbook's language
    root = pdf.Root.StructTreeRoot
    assert root.K[0].S == "/Document" and str(pdf.Root.Lang) == "en"
    # ...and a parent tree entry for every page and every link.
    annotations = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
    assert len(root.ParentTree.Nums) // 2 == export.pages + len(annotations)


def test_editing_one_module_renders_only_its_part_again(org, prevention, monkeypatch):
    books = []
    original = services.render_book

    def recording(*args, **kwargs):
        books.append(original(*args, **kwargs))
        return books[-1]

    monkeypatch.setattr(services, "render_book", recording)
    first = _render(org, _request(org, prevention))
    assert "module-1" in books[0].rendered and "appendices" in books[0].rendered

    # When one module's text changes (by a word: its pages stay as they were)
    with org_context(org.pk):
        module = Module.objects.for_org(org).filter(programme=prevention)[1]
        module.content_md = module.content_md.replace(" ", "  ", 1) + " Plus."
        module.save()
    second = _render(org, _request(org, prevention))

    # Then only that module's part was rendered; the rest came from the cache
    assert second.pk != first.pk and second.status == "done"
    assert books[1].rendered in (("module-2",), ("module-2", "front-matter", "page-numbers"))
    assert second.pages == first.pages


def test_every_night_the_parts_no_export_used_for_the_period_are_deleted(org, other_org, settings):
    # Given cached parts of two organisations: two last used 31 days ago, one yesterday
    settings.COCORA_HANDBOOK_PART_CACHE_DAYS = 30
    root = settings.COCORA_PRIVATE_MEDIA_ROOT / services.PART_CACHE_ROOT
    parts = {
        name: root / name
        for name in (
            f"{org.pk}/ab/old.pdf",
            f"{org.pk}/cd/recent.pdf",
            f"{other_org.pk}/ef/old.pdf",
        )
    }
    for name, path in parts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.7 ... %%EOF")
        days = 31 if name.endswith("old.pdf") else 1
        os.utime(path, (time.time() - days * 86400,) * 2)

    # When beat's nightly job runs
    schedule = settings.CELERY_BEAT_SCHEDULE["handbook-parts-prune-nightly"]
    assert schedule["task"] == handbook_parts_prune.name
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({3}, {45})
    removed = handbook_parts_prune.apply().get()

    # Then the old parts are gone in every organisation's folder, and the recent one stays
    assert removed == 2
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*.pdf")) == [
        f"{org.pk}/cd/recent.pdf"
    ]
