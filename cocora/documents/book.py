"""Long documents (handbooks) rendered as parts in parallel processes and merged into one PDF.

A book is a front matter (cover and contents), then chapters, each starting on a new page. The
chapters do not depend on one another, so each is rendered on its own, in a pool of worker
processes, and kept in a cache by the hash of what goes into it: editing one module renders one
chapter again. Page numbers are what ties the parts together, and they are put in afterwards:

1. The chapters, and the front matter with placeholder numbers, are rendered (in parallel) to
   learn how many pages each has.
2. The front matter is rendered with the real start page of each chapter in its contents (its
   length is known from step 1), and a "page numbers" document of N empty pages of the right
   sizes, whose page margins print "n / N". Both are small.
3. The parts are merged with pikepdf, keeping what makes the PDF accessible and navigable: the
   structure tree (PDF/UA tags, /ParentTree renumbered, /MarkInfo, /Lang), the bookmarks of
   each part in order, the named destinations (the contents' links go to the chapters), the
   document title shown by viewers and the XMP metadata of the front matter. Each page number
   is laid over its page as an artifact (not read aloud, as WeasyPrint's page margins).

Chapters render the same text whatever their start page, so a cached chapter stays valid when
an earlier one grows. The pool is made per book from multiprocessing's forkserver, a clean
process that has loaded Django and WeasyPrint once (`render_boot`): a renderer forked from the
caller instead would share its open Redis and database sockets, and the broker's after-fork
clean-up then waits for ever on the caller's connection (seen in the suite). It works the same
in a Celery worker, in eager mode and in tests, and WeasyPrint's memory goes with its processes.
"""

import contextlib
import hashlib
import io
import logging
import multiprocessing
import os
import stat
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pikepdf
import weasyprint
from django.conf import settings
from django.core.files.base import ContentFile

from .rendering import render_pdf
from .storage import private_document_storage

logger = logging.getLogger(__name__)

# Part of every cache key: bump when the way parts are rendered or merged changes the output.
BOOK_FORMAT = "1"

PageSize = tuple[float, float]


@dataclass(frozen=True)
class Book:
    """A merged book and how it was made: `rendered` names the parts that were rendered (the
    others came from the cache)."""

    pdf: bytes
    pages: int
    rendered: tuple[str, ...]


@dataclass(frozen=True)
class _Part:
    name: str
    html: str
    tagged: bool = True


# What the URL fetcher reads, as the caller sees it: a renderer starts with the environment's
# settings, and these may differ in the caller (a test's temporary media folder).
FETCHER_SETTINGS = ("STATIC_ROOT", "STATICFILES_DIRS", "MEDIA_ROOT", "COCORA_PRIVATE_MEDIA_ROOT")


def _fetcher_settings() -> dict[str, Any]:
    return {name: getattr(settings, name) for name in FETCHER_SETTINGS}


def _render_part(html: str, base_url: str, tagged: bool, fetcher: dict[str, Any]) -> bytes:
    """Runs in a pool process: one part to PDF, reading files where the caller would."""
    for name, value in fetcher.items():
        if getattr(settings, name) != value:
            setattr(settings, name, value)
    pdf, _pages = render_pdf(html, base_url=base_url, tagged=tagged)
    return pdf


class _Sequential(Executor):
    """An executor that runs each call at once, in this process (a pool of one)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["cocora.documents.render_boot"])


@contextmanager
def _pool(size: int) -> Iterator[Executor]:
    if size <= 1:
        yield _Sequential()
        return
    # The renderers come from the forkserver (see the module's docstring), which reads the
    # settings from the environment; each part carries the few the fetcher reads as the caller
    # sees them. A Celery prefork child is marked daemonic, and
    # multiprocessing refuses children to daemonic processes; the pool's processes are only
    # ever ours to wait for, so the mark is lifted while the pool lives.
    process = multiprocessing.current_process()
    daemonic = process._config.get("daemon", False)  # type: ignore[attr-defined]
    process._config["daemon"] = False  # type: ignore[attr-defined]
    executor = ProcessPoolExecutor(size, mp_context=_CONTEXT)
    try:
        yield executor  # processes start at the first submit: the mark stays lifted till the end
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        process._config["daemon"] = daemonic  # type: ignore[attr-defined]


def pool_size() -> int:
    """Processes that render parts: COCORA_DOCUMENT_WORKERS, 0 meaning one per CPU. They start
    at the first part sent to render: a book found whole in the cache starts none."""
    return max(1, settings.COCORA_DOCUMENT_WORKERS or os.cpu_count() or 1)


class _PartCache:
    """Rendered parts in `folder` of the private document storage, named by the sha256 of their
    HTML, the stylesheets' digest (`salt`), the base URL, WeasyPrint's version and BOOK_FORMAT.
    Only the calling process reads and writes it."""

    def __init__(self, folder: str, salt: str, base_url: str) -> None:
        self.folder = folder
        self.prefix = hashlib.sha256(
            f"{BOOK_FORMAT}|{weasyprint.__version__}|{salt}|{base_url}".encode()
        ).hexdigest()

    def _name(self, part: _Part) -> str:
        digest = hashlib.sha256(f"{self.prefix}|{part.tagged}|{part.html}".encode()).hexdigest()
        return f"{self.folder}/{digest[:2]}/{digest}.pdf"

    def get(self, part: _Part) -> bytes | None:
        name = self._name(part)
        try:
            with private_document_storage.open(name, "rb") as handle:
                pdf = bytes(handle.read())
        except FileNotFoundError:  # never rendered, or pruned (prune_part_cache)
            return None
        if b"%%EOF" not in pdf[-32:]:
            # Cut short (a full disk, a process killed while writing): render it again.
            logger.warning("Dropped an incomplete cached part %s.", name)
            private_document_storage.delete(name)
            return None
        self._mark_used(name)
        return pdf

    def put(self, part: _Part, pdf: bytes) -> None:
        """Keeps a rendered part, if it can: a book never fails for want of its cache."""
        name = self._name(part)
        try:
            if not private_document_storage.exists(name):
                private_document_storage.save(name, ContentFile(pdf))
        except OSError as error:
            logger.warning("Could not keep the rendered part %s: %s", name, error)
            return
        self._mark_used(name)

    @staticmethod
    def _mark_used(name: str) -> None:
        """Sets the part's file time to now, by the clock prune_part_cache reads, so that
        pruning keeps the parts that books still use."""
        now = time.time()
        try:
            os.utime(private_document_storage.path(name), (now, now))
        except FileNotFoundError:
            pass  # pruned meanwhile: the book has it
        except OSError as error:
            logger.warning("Could not mark the cached part %s as used: %s", name, error)


def prune_part_cache(root: str, *, unused_for: timedelta) -> int:
    """Deletes the cached parts under `root` of the private document storage (every folder in
    it) that were neither written nor read for `unused_for`, and returns how many; folders left
    empty go too, `root` itself stays. A book that needs a deleted part renders it
    again; a part a book reads is marked as read (_PartCache.get).

    Only regular files inside `root` are touched: a link is neither followed nor deleted, so
    nothing outside the cache can go, and a folder that vanishes meanwhile (emptied by hand) is
    passed over."""
    top = private_document_storage.path(root)
    cutoff = time.time() - unused_for.total_seconds()
    removed = 0
    # Bottom-up, so that a folder is looked at after what it held.
    for folder, _subfolders, files in os.walk(top, topdown=False, followlinks=False):
        for file in files:
            path = os.path.join(folder, file)
            with contextlib.suppress(FileNotFoundError):
                status = os.lstat(path)
                if stat.S_ISREG(status.st_mode) and status.st_mtime < cutoff:
                    os.unlink(path)
                    removed += 1
        if folder != top:
            # Fails, as it should, while the folder holds anything. A part being saved into
            # it meanwhile is not kept (_PartCache.put); its book is not affected.
            with contextlib.suppress(OSError):
                os.rmdir(folder)
    return removed


class _Renderer:
    """Renders parts through the cache and the pool, remembering which were rendered."""

    def __init__(self, executor: Executor, cache: _PartCache, base_url: str) -> None:
        self.executor, self.cache, self.base_url = executor, cache, base_url
        self.rendered: list[str] = []

    def submit(self, part: _Part) -> Future[bytes]:
        cached = self.cache.get(part)
        if cached is not None:
            done: Future[bytes] = Future()
            done.set_result(cached)
            return done
        self.rendered.append(part.name)
        return self.executor.submit(
            _render_part, part.html, self.base_url, part.tagged, _fetcher_settings()
        )

    def result(self, part: _Part, future: Future[bytes]) -> pikepdf.Pdf:
        pdf = future.result()
        self.cache.put(part, pdf)
        return pikepdf.open(io.BytesIO(pdf))


def _anchor_pages(front: pikepdf.Pdf, chapters: Sequence[pikepdf.Pdf]) -> dict[str, int]:
    """The page number in the merged book of each named destination of the chapters."""
    pages: dict[str, int] = {}
    start = len(front.pages) + 1
    for chapter in chapters:
        index = {page.obj.objgen: number for number, page in enumerate(chapter.pages)}
        names = chapter.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, destination in _name_tree_items(names.Dests):
                number = index.get(destination[0].objgen)
                if number is not None:
                    pages.setdefault(name.decode(), start + number)
        start += len(chapter.pages)
    return pages


def _sizes(pdf: pikepdf.Pdf) -> list[PageSize]:
    return [(float(page.mediabox[2]), float(page.mediabox[3])) for page in pdf.pages]


def render_book(
    *,
    chapters: Iterable[tuple[str, str]],
    front_matter: Callable[[dict[str, int] | None], str],
    page_numbers: Callable[[list[PageSize]], str],
    base_url: str,
    salt: str,
    cache_folder: str,
    on_progress: Callable[[int], None] | None = None,
) -> Book:
    """Renders a book and returns it merged.

    `chapters` are (name, HTML) in order, each sent to render as soon as it is given (a
    generator lets the pool start while the next chapter's HTML is made). `front_matter(pages)`
    gives the HTML of the cover and contents with the page of each anchor (`id`) in the
    chapters (None: not known yet, numbers as wide as real ones stand in).
    `page_numbers(sizes)` gives a document of empty pages of these sizes whose page margins
    print "n / N" (untagged: it is laid over the pages as an artifact). `salt` changes with the
    stylesheets (their digest), so that a changed stylesheet renders every part again; parts
    are cached in `cache_folder` of the private document storage (one folder per tenant).
    """
    cache = _PartCache(cache_folder, salt, base_url)
    probe = _Part("front-matter", front_matter(None))
    with _pool(pool_size()) as executor:
        renderer = _Renderer(executor, cache, base_url)
        futures = [(probe, renderer.submit(probe))]
        for name, html in chapters:
            part = _Part(name, html)
            futures.append((part, renderer.submit(part)))
        documents = []
        for done, (part, future) in enumerate(futures, start=1):
            documents.append(renderer.result(part, future))
            if on_progress:
                on_progress(10 + 70 * done // len(futures))
        front_pdf, chapter_pdfs = documents[0], documents[1:]

        # The contents with real numbers: chapters start after the front matter. Placeholder
        # numbers are as wide as real ones, so the length rarely changes; when it does, the
        # numbers move and the front matter is rendered once more.
        for _attempt in range(3):
            front = _Part("front-matter", front_matter(_anchor_pages(front_pdf, chapter_pdfs)))
            sizes = _sizes(front_pdf) + [size for pdf in chapter_pdfs for size in _sizes(pdf)]
            numbers = _Part("page-numbers", page_numbers(sizes), tagged=False)
            front_future, numbers_future = renderer.submit(front), renderer.submit(numbers)
            front_length = len(front_pdf.pages)
            front_pdf = renderer.result(front, front_future)
            numbers_pdf = renderer.result(numbers, numbers_future)
            if len(front_pdf.pages) == front_length:
                break
    if on_progress:
        on_progress(90)
    pages = len(front_pdf.pages) + sum(len(pdf.pages) for pdf in chapter_pdfs)
    merged = merge_parts([front_pdf, *chapter_pdfs], page_numbers=numbers_pdf)
    return Book(pdf=merged, pages=pages, rendered=tuple(renderer.rendered))


# SECTION: merging


def _tree_items(node: Any, entries: str) -> Iterator[tuple[Any, pikepdf.Object]]:
    """The (key, value) pairs of a number tree (`entries` "/Nums") or a name tree ("/Names"),
    flat or with kids, in order."""
    pairs = node.get(entries)
    if pairs is not None:
        for index in range(0, len(pairs), 2):
            yield pairs[index], pairs[index + 1]
    for kid in node.get("/Kids", []):
        yield from _tree_items(kid, entries)


def _number_tree_items(node: Any) -> Iterator[tuple[int, pikepdf.Object]]:
    return ((int(key), value) for key, value in _tree_items(node, "/Nums"))


def _name_tree_items(node: Any) -> Iterator[tuple[bytes, pikepdf.Object]]:
    return ((bytes(key), value) for key, value in _tree_items(node, "/Names"))


def _outline_top(outlines: Any) -> list[Any]:
    items, item = [], outlines.get("/First") if outlines is not None else None
    while item is not None:
        items.append(item)
        item = item.get("/Next")
    return items


def _count_open(item: pikepdf.Dictionary) -> int:
    # An open item's /Count is positive and includes its visible descendants.
    count = int(item.get("/Count", 0))
    return 1 + (count if count > 0 else 0)


def _copy(out: pikepdf.Pdf, source: pikepdf.Pdf, value: Any) -> Any:
    """`value` of `source` in `out`. Copies share one map per source, so a reference to a page
    already copied leads to its copy."""
    if isinstance(value, pikepdf.Object) and not value.is_indirect:
        value = source.make_indirect(value)
    return out.copy_foreign(value)


def merge_parts(parts: Sequence[pikepdf.Pdf], *, page_numbers: pikepdf.Pdf | None = None) -> bytes:
    """One PDF of `parts` (tagged PDFs from WeasyPrint) in order: their pages, structure trees,
    bookmarks and named destinations; catalog entries (language, metadata, viewer preferences)
    from the first. The i-th page of `page_numbers` is laid over the i-th page as an artifact.
    A named destination defined by several parts goes to the first part after the first that
    defines it: the front matter's anchors only stand in for the chapters' own."""
    out = pikepdf.new()
    first = parts[0]
    document = out.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array())
    )
    root = out.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([document]))
    )
    document.P = root
    parent_nums = pikepdf.Array()
    role_map = pikepdf.Dictionary()
    dests: dict[bytes, pikepdf.Object] = {}
    front_dests: dict[bytes, pikepdf.Object] = {}
    outline_items: list[Any] = []
    next_key = 0
    for index, part in enumerate(parts):
        start = len(out.pages)
        with warnings.catch_warnings():
            # pikepdf's warning that named destinations are not carried: they are, below.
            warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
            out.pages.extend(part.pages)
        key_offset = next_key
        tree = part.Root.get("/StructTreeRoot")
        if tree is not None:
            tree = _copy(out, part, tree)
            for element in tree.K if isinstance(tree.K, pikepdf.Array) else [tree.K]:
                kids = element.get("/K", []) if element.get("/S") == "/Document" else [element]
                for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                    if isinstance(kid, pikepdf.Dictionary):
                        kid.P = document
                    document.K.append(kid)
            for key, value in _number_tree_items(tree.ParentTree):
                parent_nums.append(key + key_offset)
                parent_nums.append(value)
                next_key = max(next_key, key + key_offset + 1)
            for name, role in tree.get("/RoleMap", {}).items():
                role_map[name] = role
        for page in out.pages[start:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + key_offset
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + key_offset
        names = part.Root.get("/Names")
        if names is not None and "/Dests" in names:
            target = front_dests if index == 0 else dests
            for name, destination in _name_tree_items(names.Dests):
                if name not in target:
                    target[name] = _copy(out, part, destination)
        if "/Outlines" in part.Root:
            outline_items += _outline_top(_copy(out, part, part.Root.Outlines))
    root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=parent_nums))
    root.ParentTreeNextKey = next_key
    if role_map:
        root.RoleMap = role_map
    out.Root.StructTreeRoot = root
    for name, destination in front_dests.items():
        dests.setdefault(name, destination)
    if dests:
        flat = pikepdf.Array()
        for name in sorted(dests):
            flat.append(pikepdf.String(name))
            flat.append(dests[name])
        out.Root.Names = pikepdf.Dictionary(Dests=out.make_indirect(pikepdf.Dictionary(Names=flat)))
    if outline_items:
        outlines = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
        previous = None
        for item in outline_items:
            item.Parent = outlines
            if previous is None:
                if "/Prev" in item:
                    del item.Prev
                outlines.First = item
            else:
                item.Prev, previous.Next = previous, item
            previous = item
        if previous is not None:
            if "/Next" in previous:
                del previous.Next
            outlines.Last = previous
        outlines.Count = sum(_count_open(item) for item in outline_items)
        out.Root.Outlines = outlines
    for entry in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/PageMode"):
        if entry in first.Root:
            out.Root[entry] = _copy(out, first, first.Root[entry])
    out.docinfo = _copy(out, first, first.docinfo)
    if page_numbers is not None:
        _lay_over(out, page_numbers)
    buffer = io.BytesIO()
    out.remove_unreferenced_resources()
    out.save(
        buffer,
        min_version=max(str(part.pdf_version) for part in parts),
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return buffer.getvalue()


def _lay_over(out: pikepdf.Pdf, numbers: pikepdf.Pdf) -> None:
    if len(numbers.pages) != len(out.pages):
        raise ValueError(
            f"{len(numbers.pages)} page numbers for {len(out.pages)} pages: the parts changed."
        )
    for page, number_page in zip(out.pages, numbers.pages, strict=True):
        form = out.copy_foreign(number_page.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="PageNumber")
        # The page's own drawing is closed in q/Q, so that its transformations do not move the
        # number; the number is marked as an artifact (PDF/UA: not part of the text).
        page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
        page.contents_add(
            pikepdf.Stream(out, b"\nQ\n/Artifact BMC q " + bytes(name) + b" Do Q EMC\n")
        )
