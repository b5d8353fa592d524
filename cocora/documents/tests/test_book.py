"""A book rendered in parts and merged: tags, bookmarks, links, page numbers and the part cache.

The PDF is read back with poppler (pdfinfo, pdftotext) and pikepdf, as a reader would meet it.
"""

import io
import multiprocessing
import os
import re
import subprocess
import time
from datetime import timedelta

import pikepdf
import pytest

from cocora.documents.book import prune_part_cache, render_book
from cocora.documents.fetcher import static_file_url

CSS = static_file_url("documents/handbook.css")
TITLES = ("Listening", "Rights", "Belonging")


@pytest.fixture(autouse=True)
def _files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COCORA_PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"


def _document(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Field book</title>'
        f'<link rel="stylesheet" href="{CSS}">'
        "<style>@page { @bottom-center { content: none; } }</style></head>"
        f"<body>{body}</body></html>"
    )


def _chapter(number: int, paragraphs: int) -> tuple[str, str]:
    body = (
        f'<section class="chapter" data-programme="Field book" id="chapter-{number}">'
        f'<h2 class="chapter-title">{TITLES[number - 1]}</h2>'
        + "<p>A paragraph that fills the page with ordinary words, line after line.</p>"
        * paragraphs
        + f'<h3 id="chapter-{number}-end">End</h3><p lang="de">Auf Wiedersehen</p></section>'
    )
    return f"chapter-{number}", _document(body)


def _front_matter(pages):
    # Before the pages are known (None), numbers as wide as real ones stand in.
    page = {f"chapter-{n}": "000" for n in (1, 2, 3)} | (pages or {})
    entries = "".join(
        f'<li id="chapter-{n}"><a href="#chapter-{n}" data-page="{page[f"chapter-{n}"]}">'
        f"{n}. {title}</a></li>"
        for n, title in enumerate(TITLES, start=1)
    )
    return _document(
        '<section class="cover"><h1 class="cover-title">Field book</h1></section>'
        f'<nav class="toc"><h2 class="toc-title">Contents</h2><ol>{entries}</ol></nav>'
    )


def _page_numbers(sizes):
    distinct = list(dict.fromkeys(sizes))
    style = "".join(
        f"@page size-{k} {{ size: {w}pt {h}pt; }} .size-{k} {{ page: size-{k}; }}"
        for k, (w, h) in enumerate(distinct, start=1)
    )
    pages = "".join(f'<div class="n size-{distinct.index(size) + 1}"></div>' for size in sizes)
    return (
        f'<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="{CSS}"><style>{style}'
        ".n { break-before: page; } .n:first-child { page: cover; }</style></head>"
        f"<body>{pages}</body></html>"
    )


def _book(chapters):
    return render_book(
        chapters=chapters,
        front_matter=_front_matter,
        page_numbers=_page_numbers,
        base_url=CSS,
        salt="test",
        cache_folder="book-test",
    )


def _poppler(command: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / "book.pdf"
    path.write_bytes(pdf)
    return subprocess.run(  # noqa: S603  (poppler on a file we wrote)
        [command, "-layout", str(path), "-"] if command == "pdftotext" else [command, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_merged_book_keeps_its_tags_bookmarks_links_and_page_numbers(tmp_path):
    # Given three chapters of 2, 3 and 1 pages or so, rendered side by side
    book = _book([_chapter(1, 40), _chapter(2, 90), _chapter(3, 10)])
    pdf = pikepdf.open(io.BytesIO(book.pdf))
    number_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}

    # Then pdfinfo counts the pages the parts have together, and sees a tagged PDF
    info = _poppler("pdfinfo", book.pdf, tmp_path)
    assert f"Pages:           {book.pages}" in info
    assert "Tagged:          yes" in info and "Title:           Field book" in info

    # Each chapter is a named destination; every page but the cover prints "n / N"
    dests = {
        name: number_of[target[0].objgen]
        for name, target in pikepdf.NameTree(pdf.Root.Names.Dests).items()
    }
    starts = [dests[f"chapter-{n}"] for n in (1, 2, 3)]
    assert starts[0] == 3 and starts[0] < starts[1] < starts[2] <= book.pages
    text = _poppler("pdftotext", book.pdf, tmp_path).split("\f")
    assert not re.search(rf"\b1 ?/ ?{book.pages}\b", text[0])
    for n in range(2, book.pages + 1):
        assert re.search(rf"\b{n} ?/ ?{book.pages}\b", text[n - 1]), n

    # The contents list the chapters' real pages and link to them
    for n, title in enumerate(TITLES, start=1):
        line = next(line for line in text[1].splitlines() if f"{n}. {title}" in line)
        assert line.split()[-1] == str(starts[n - 1])
    links = [annotation for annotation in pdf.pages[1].obj.Annots if "/Dest" in annotation]
    assert {dests[str(link.Dest)] for link in links} == set(starts)

    # Bookmarks: the cover's (with the contents below it), then one per chapter, in order
    with pdf.open_outline() as outline:
        top = [(item.title, number_of[item.destination[0].objgen]) for item in outline.root]
        assert [child.title for child in outline.root[0].children] == ["Contents"]
    assert top == [("Field book", 1), *zip(TITLES, starts, strict=True)]

    # The structure tree: one Document holding every part's elements, a parent tree entry for
    # each page whose elements sit on that page, and one for each link, which is a Link
    root = pdf.Root.StructTreeRoot
    document = root.K[0]
    assert document.S == "/Document"
    nums = root.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert int(root.ParentTreeNextKey) == max(parents) + 1
    for page in pdf.pages:
        elements = parents[int(page.obj.StructParents)]
        assert {e.Pg.objgen for e in elements if "/Pg" in e} <= {page.obj.objgen}
        for annotation in page.obj.get("/Annots", []):
            assert parents[int(annotation.StructParent)].S == "/Link"
    elements = list(_elements(document))
    headings = [element for element in elements if element.S == "/H2"]
    assert len(headings) == 4  # Contents and the three chapters
    assert {element.P.objgen for element in document.K} == {document.objgen}
    # A passage in another language keeps its /Lang (rendering.py), in every part
    assert sum(str(element.get("/Lang", "")) == "de" for element in elements) == 3

    # The catalog says what a reader needs: language, marked content, the title shown
    assert str(pdf.Root.Lang) == "en" and bool(pdf.Root.MarkInfo.Marked)
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
    with pdf.open_metadata() as xmp:
        assert xmp["dc:title"] == "Field book"


def _elements(element):
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from _elements(kid)


def test_editing_one_chapter_renders_that_chapter_again(tmp_path):
    chapters = [_chapter(1, 40), _chapter(2, 40), _chapter(3, 10)]
    first = _book(chapters)
    assert first.rendered == (
        "front-matter",
        "chapter-1",
        "chapter-2",
        "chapter-3",
        "front-matter",
        "page-numbers",
    )

    # The same book again: every part from the cache, the same pages
    again = _book(chapters)
    assert again.rendered == () and again.pages == first.pages

    # A chapter edited without changing its length: only that chapter
    edited = _chapter(2, 40)[0], _chapter(2, 40)[1].replace("ordinary", "plain")
    assert _book([chapters[0], edited, chapters[2]]).rendered == ("chapter-2",)

    # A chapter that grows: that chapter, and the contents and page numbers that move
    longer = _book([chapters[0], _chapter(2, 120), chapters[2]])
    assert longer.rendered == ("chapter-2", "front-matter", "page-numbers")
    assert longer.pages > first.pages


def _render_in_daemon(queue, workers, private_root):
    from django.conf import settings

    settings.COCORA_DOCUMENT_WORKERS = workers
    settings.COCORA_PRIVATE_MEDIA_ROOT = private_root
    queue.put(_book([_chapter(1, 5), _chapter(2, 5)]).pages)


def test_a_daemonic_process_renders_in_parallel_too(settings):
    # A Celery prefork child is daemonic; the pool must still start its processes there.
    # (Started from the forkserver too: a forked copy of the suite's process would share its
    # broker connections, as the module's docstring says.)
    context = multiprocessing.get_context("forkserver")
    queue = context.Queue()
    process = context.Process(
        target=_render_in_daemon,
        args=(queue, 2, settings.COCORA_PRIVATE_MEDIA_ROOT),
        daemon=True,
    )
    process.start()
    pages = queue.get(timeout=120)
    process.join(timeout=30)
    assert process.exitcode == 0 and pages >= 4


def test_one_worker_renders_the_same_book_in_this_process(settings):
    settings.COCORA_DOCUMENT_WORKERS = 1
    book = _book([_chapter(1, 40), _chapter(2, 10)])
    settings.COCORA_DOCUMENT_WORKERS = 2
    settings.COCORA_PRIVATE_MEDIA_ROOT = settings.COCORA_PRIVATE_MEDIA_ROOT.parent / "again"
    assert _book([_chapter(1, 40), _chapter(2, 10)]).pages == book.pages


def test_a_cached_part_cut_short_is_rendered_again(settings):
    chapters = [_chapter(1, 5), _chapter(2, 5)]
    book = _book(chapters)
    # Given a cached part whose file was cut short (a process killed while writing it)
    cached = sorted((settings.COCORA_PRIVATE_MEDIA_ROOT / "book-test").rglob("*.pdf"))
    for path in cached:
        path.write_bytes(path.read_bytes()[:-200])

    # Then the book is rendered again, part by part, and is whole
    again = _book(chapters)
    assert set(again.rendered) == {"front-matter", "chapter-1", "chapter-2", "page-numbers"}
    assert again.pages == book.pages
    assert pikepdf.open(io.BytesIO(again.pdf)).pages


def test_pruning_deletes_the_parts_no_book_used_for_the_period_and_keeps_the_rest(settings):
    chapters = [_chapter(1, 5), _chapter(2, 5)]
    _book(chapters)
    edited = [chapters[0], (chapters[1][0], chapters[1][1].replace("ordinary", "plain"))]
    assert _book(edited).rendered == ("chapter-2",)
    folder = settings.COCORA_PRIVATE_MEDIA_ROOT / "book-test"
    # Given every part last written or read 40 days ago
    forty_days_ago = time.time() - 40 * 86400
    for path in folder.rglob("*.pdf"):
        os.utime(path, (forty_days_ago, forty_days_ago))

    # When the edited book is made again, every part read from the cache
    assert _book(edited).rendered == ()
    # Then pruning the parts unused for 30 days deletes the first version of chapter 2 only
    assert prune_part_cache("book-test", unused_for=timedelta(days=30)) == 1
    assert _book(edited).rendered == ()
    assert _book(chapters).rendered == ("chapter-2",)
    # A second prune finds nothing more; a missing folder is nothing to prune
    assert prune_part_cache("book-test", unused_for=timedelta(days=30)) == 0
    assert prune_part_cache("no-such-folder", unused_for=timedelta(days=30)) == 0


def test_pruning_touches_nothing_outside_the_cache_and_clears_folders_left_empty(
    settings, tmp_path
):
    root = settings.COCORA_PRIVATE_MEDIA_ROOT / "prune-test"

    def age(*paths, days=40):
        # The suite may run on a moved clock: every time is set by it, none left to the disk's.
        then = time.time() - days * 86400
        for path in paths:
            os.utime(path, (then, then), follow_symlinks=False)

    def part(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF")
        age(path, days=0)
        return path

    # An old part, a fresh part, and empty folders
    part(root / "1" / "ab" / "old.pdf")
    age(root / "1" / "ab" / "old.pdf")
    fresh = part(root / "1" / "cd" / "fresh.pdf")
    (root / "2" / "ef").mkdir(parents=True)
    # Links out of the cache: to a folder of old files, to an old file, and back to the root
    outside = part(tmp_path / "outside" / "old.pdf")
    age(outside)
    (root / "out").symlink_to(outside.parent)
    (root / "1" / "cd" / "link.pdf").symlink_to(outside)
    (root / "loop").symlink_to(root)
    age(root / "out", root / "1" / "cd" / "link.pdf", root / "loop")

    assert prune_part_cache("prune-test", unused_for=timedelta(days=30)) == 1

    assert not (root / "1" / "ab" / "old.pdf").exists() and fresh.exists()
    assert outside.exists()
    links = (root / "out", root / "loop", root / "1" / "cd" / "link.pdf")
    assert all(link.is_symlink() for link in links)
    # The folders left empty go, the root stays
    assert sorted(path.name for path in root.iterdir()) == ["1", "loop", "out"]
    assert sorted(path.name for path in (root / "1").iterdir()) == ["cd"]
