"""Handbook exports: asking for one, rendering it in a worker, retrying a failed one.

Same content, same file: an export is keyed by a sha256 of everything that goes into the PDF
(the programme and its curriculum, the organisation's name and logo, the language and
TEMPLATE_VERSION). Asking again for unchanged content returns the finished export at once.

Rendering runs in a Celery task inside the organisation's transaction (`org_task`). The export
row is locked for the whole render (`SELECT ... FOR UPDATE SKIP LOCKED`): a redelivered copy of
the task finds it locked and does nothing, a finished one is never rendered again, and a worker
that dies releases the lock with its connection, so the task's redelivery renders it. Because
the row is only committed at the end, live progress goes to the cache.
"""

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.documents.book import Book, render_book
from cocora.documents.fetcher import static_file_url
from cocora.organisations.models import Organisation
from programmes.models import HandbookExport, HandbookExportStatus, Programme, ProgrammeKind

from .branding import Branding, organisation_branding
from .selectors import (
    IN_FLIGHT,
    HandbookModule,
    Passage,
    handbook_curriculum,
    progress_cache_key,
)

logger = logging.getLogger(__name__)

# Bump when the handbook's template or stylesheet changes what a PDF looks like: every handbook
# is then rendered afresh on its next request.
TEMPLATE_VERSION = "2026-2"
TEMPLATE = "programmes/handbooks/handbook.html"
PART_TEMPLATE = "programmes/handbooks/handbook_part.html"
PAGE_NUMBERS_TEMPLATE = "programmes/handbooks/handbook_page_numbers.html"
STYLESHEET = "documents/handbook.css"
# The part cache (cocora/documents/book.py) in the private storage, a folder per organisation.
PART_CACHE_ROOT = "handbook-parts"
PROGRESS_TTL = 3600
ERROR_MAX_LENGTH = 2000


def _check_language(language: str) -> str:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ApplicationError(
            _("“%(language)s” is not one of the languages of the platform.")
            % {"language": language},
            field="language",
        )
    return language


def _check_programme(organisation: Organisation, programme: Programme) -> None:
    if programme.organisation_id != organisation.pk:  # type: ignore[attr-defined]
        raise ApplicationError(_("The programme does not belong to this organisation."))


def _passage_key(passage: Passage) -> list[str]:
    return [passage.text, passage.lang]


def handbook_content_hash(
    *, programme: Programme, modules: list[HandbookModule], branding: Branding, language: str
) -> str:
    """sha256 of everything that goes into the handbook, in a stable order. The modules are as
    the handbook in `language` prints them, translations and the marks of fallback passages
    included: a changed translation is a new file."""
    content: dict[str, Any] = {
        "template": TEMPLATE_VERSION,
        "language": language,
        "branding": [branding.name, branding.logo_digest],
        "programme": [
            programme.pk,
            programme.kind,
            programme.title,
            programme.summary,
            programme.language,
        ],
        "modules": [
            [
                _passage_key(module.title),
                _passage_key(module.objectives),
                _passage_key(module.content_md),
                module.duration_minutes,
                [
                    [
                        _passage_key(a.title),
                        a.method,
                        _passage_key(a.instructions_md),
                        _passage_key(a.materials),
                        a.duration_minutes,
                    ]
                    for a in module.activities
                ],
            ]
            for module in modules
        ],
    }
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def _current_hash(
    organisation: Organisation, programme: Programme, language: str
) -> tuple[str, list[HandbookModule], Branding]:
    modules = handbook_curriculum(organisation=organisation, programme=programme, language=language)
    branding = organisation_branding(organisation)
    content_hash = handbook_content_hash(
        programme=programme, modules=modules, branding=branding, language=language
    )
    return content_hash, modules, branding


def _enqueue(export: HandbookExport) -> None:
    from .tasks import handbook_render

    organisation_id, export_id = export.organisation_id, export.pk  # type: ignore[attr-defined]
    transaction.on_commit(lambda: handbook_render.delay(organisation_id, export_id))


def _is_stale(export: HandbookExport) -> bool:
    since = export.started_at or export.requested_at
    limit = timedelta(seconds=settings.COCORA_HANDBOOK_RENDER_TIMEOUT)
    return since is not None and timezone.now() - since > limit


@transaction.atomic
def handbook_export_request(
    *, organisation: Organisation, programme: Programme, language: str, actor: Any
) -> HandbookExport:
    """Returns the finished export of the same content at once, or the one already on its way;
    otherwise creates a queued export and renders it in a worker after commit."""
    _check_programme(organisation, programme)
    _check_language(language)
    # The programme row serialises requests for it: two clicks make one export, not two.
    programme = Programme.objects.for_org(organisation).select_for_update().get(pk=programme.pk)
    content_hash, _modules, _branding = _current_hash(organisation, programme, language)
    same = HandbookExport.objects.for_org(organisation).filter(
        programme=programme, content_hash=content_hash
    )
    done = same.filter(status=HandbookExportStatus.DONE).first()
    if done is not None:
        return done
    in_flight = same.filter(status__in=IN_FLIGHT).order_by("-requested_at").first()
    if in_flight is not None:
        if _is_stale(in_flight):
            # Its task was lost (a broker flushed, a worker gone for good): send it again. A task
            # still running holds the row's lock, so a second one would do nothing.
            logger.warning("Handbook export %s was stale; queued again.", in_flight.pk)
            in_flight.requested_at = timezone.now()
            in_flight.save(update_fields=["requested_at"])
            _enqueue(in_flight)
        return in_flight
    export = HandbookExport.objects.create(
        organisation=organisation,
        programme=programme,
        language=language,
        content_hash=content_hash,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _enqueue(export)
    return export


@transaction.atomic
def handbook_export_retry(
    *, organisation: Organisation, export: HandbookExport, actor: Any
) -> HandbookExport:
    """Queues a failed export again (renders it after commit). Where the same content has been
    finished meanwhile, returns that export instead."""
    export = HandbookExport.objects.for_org(organisation).select_for_update().get(pk=export.pk)
    if export.status != HandbookExportStatus.FAILED:
        raise ApplicationError(
            _("Only a handbook whose rendering failed can be tried again."), code="conflict"
        )
    done = (
        HandbookExport.objects.for_org(organisation)
        .filter(content_hash=export.content_hash, status=HandbookExportStatus.DONE)
        .first()
    )
    if done is not None:
        return done
    export.status = HandbookExportStatus.QUEUED
    export.progress = 0
    export.error = ""
    export.started_at = None
    export.finished_at = None
    export.requested_at = timezone.now()
    if getattr(actor, "is_authenticated", False):
        export.requested_by = actor
    export.save()
    _enqueue(export)
    return export


@dataclass(frozen=True)
class HandbookDownload:
    handle: File
    filename: str


def handbook_export_download(
    *, organisation: Organisation, export: HandbookExport, actor: Any
) -> HandbookDownload:
    """Opens a finished handbook's PDF for download and writes the download to the audit trail.
    Refuses ("not_ready") while the export is queued, rendering or failed, and ("gone") when its
    file has gone missing from the storage. The caller closes the handle (a file response does)."""
    if export.organisation_id != organisation.pk:  # type: ignore[attr-defined]
        raise ApplicationError(_("The handbook does not belong to this organisation."))
    if export.status != HandbookExportStatus.DONE or not export.file:
        raise ApplicationError(
            _("This handbook is not ready yet: wait until its status is done."), code="not_ready"
        )
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        logger.error("Handbook export %s is done but its file is missing.", export.pk)
        raise ApplicationError(
            _("The file of this handbook is missing. Please tell your administrator."),
            code="gone",
        ) from None
    audit_record(
        organisation=organisation,
        actor=actor,
        action="handbook.downloaded",
        target=export,
        details={"programme_id": export.programme_id, "language": export.language},  # type: ignore[attr-defined]
    )
    name = f"{slugify(export.programme.title) or 'handbook'}-{export.language}.pdf"
    return HandbookDownload(handle=handle, filename=name)


def _publish_progress(export: HandbookExport, percent: int) -> None:
    cache.set(progress_cache_key(export.pk), percent, PROGRESS_TTL)


def _handbook_context(
    organisation: Organisation,
    programme: Programme,
    modules: list[HandbookModule],
    branding: Branding,
    language: str,
) -> dict[str, Any]:
    total = sum(module.duration_minutes for module in modules)
    return {
        "organisation": organisation,
        "programme": programme,
        "kind_label": ProgrammeKind(programme.kind).label,
        "modules": modules,
        "branding": branding,
        "stylesheet_url": static_file_url(STYLESHEET),
        "total_hours": total // 60,
        "total_minutes": total % 60,
        "language_code": language,
        # The programme's own title and summary are not translated: in a handbook in
        # another language they are marked with theirs.
        "programme_lang": "" if language == programme.language else programme.language,
        "attendance_rows": range(16),
        "attendance_sessions": range(1, 11),
        "plan_rows": range(8),
        "consent_scopes": _consent_scopes(),
        "generated_on": timezone.localdate(),
    }


def _contents(modules: list[HandbookModule], pages: dict[str, int] | None) -> list[dict[str, Any]]:
    """The entries of the contents: what each links to and, for a handbook in parts, its page
    (a placeholder as wide as a real number while the pages are not known yet)."""
    entries: list[dict[str, Any]] = [{"target": "introduction", "title": _("Introduction")}]
    entries += [
        {"target": f"module-{number}", "number": number, "title": module.title}
        for number, module in enumerate(modules, start=1)
    ]
    entries += [
        {"target": "appendix-session-plan", "title": _("Appendix A: Session plan")},
        {"target": "appendix-attendance", "title": _("Appendix B: Attendance sheet")},
        {"target": "appendix-consent", "title": _("Appendix C: Consent form")},
    ]
    for entry in entries:
        entry["page"] = None if pages is None else pages.get(entry["target"], "000")
    return entries


def handbook_html(
    *,
    organisation: Organisation,
    programme: Programme,
    modules: list[HandbookModule],
    branding: Branding,
    language: str,
) -> str:
    """The handbook as one HTML document in `language` (its contents numbered by the layout):
    every interface text in it, the curriculum as `handbook_curriculum` gives it. The caller
    made the queries; this adds none. The export renders `handbook_book` instead."""
    context = _handbook_context(organisation, programme, modules, branding, language)
    with translation.override(language):
        context["contents"] = _contents(modules, None)
        return render_to_string(TEMPLATE, context)


def _stylesheet_digest() -> str:
    path = finders.find(STYLESHEET)
    return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest() if path else ""


def handbook_book(
    *,
    organisation: Organisation,
    programme: Programme,
    modules: list[HandbookModule],
    branding: Branding,
    language: str,
    on_progress: Callable[[int], None] | None = None,
) -> Book:
    """Renders the handbook in `language` as a book in parts (cocora/documents/book.py): the
    front matter, the introduction, one part per module and the appendices, rendered side by
    side and merged, each part kept in a cache so that editing a module renders that module's
    part (and the small front matter and page numbers) again. Adds no query."""
    context = _handbook_context(organisation, programme, modules, branding, language)

    def render(template: str, **extra: Any) -> str:
        # Every piece in the handbook's language, whoever asks for it (a worker, a request).
        with translation.override(language):
            return render_to_string(template, {**context, **extra})

    def part(name: str, **extra: Any) -> str:
        return render(PART_TEMPLATE, part=name, **extra)

    def front_matter(pages: dict[str, int] | None) -> str:
        with translation.override(language):
            contents = _contents(modules, pages or {})
        return part("front-matter", contents=contents)

    def page_numbers(sizes: list[tuple[float, float]]) -> str:
        distinct = list(dict.fromkeys(sizes))
        return render(
            PAGE_NUMBERS_TEMPLATE,
            # CSS, which the template writes unlocalised whatever the language ("595.28pt").
            page_sizes=[(round(w, 2), round(h, 2)) for w, h in distinct],
            pages=[distinct.index(size) + 1 for size in sizes],
        )

    def chapters() -> Iterator[tuple[str, str]]:
        yield "introduction", part("introduction")
        for number, module in enumerate(modules, start=1):
            yield f"module-{number}", part("module", module=module, number=number)
        yield "appendices", part("appendices")

    return render_book(
        chapters=chapters(),
        front_matter=front_matter,
        page_numbers=page_numbers,
        base_url=static_file_url(STYLESHEET),
        salt=f"{TEMPLATE_VERSION}|{_stylesheet_digest()}|{branding.logo_digest}",
        cache_folder=f"{PART_CACHE_ROOT}/{organisation.pk}",
        on_progress=on_progress,
    )


def _consent_scopes() -> list[Any]:
    from programmes.models import ConsentScope

    return [label for value, label in ConsentScope.choices if value != "ambassador"]


def _file_name(programme: Programme, language: str, content_hash: str) -> str:
    return f"{slugify(programme.title)[:60] or 'handbook'}-{language}-{content_hash[:12]}.pdf"


def handbook_export_render(*, organisation: Organisation, export_id: int) -> HandbookExport | None:
    """Renders a queued export and stores the PDF, or marks it failed with a readable error
    (and logs the cause). Runs in the worker, inside the organisation's transaction. Does
    nothing for an export that is finished, failed, gone, or being rendered by another worker."""
    export = (
        HandbookExport.objects.for_org(organisation)
        .select_for_update(skip_locked=True)
        .select_related("programme")
        .filter(pk=export_id)
        .first()
    )
    if export is None or export.status not in IN_FLIGHT:
        return export
    export.status = HandbookExportStatus.RENDERING
    export.started_at = timezone.now()
    _publish_progress(export, 5)
    try:
        with transaction.atomic():
            _render_into(organisation, export)
    except ApplicationError as error:
        logger.warning("Handbook export %s failed: %s", export.pk, error.message)
        _mark_failed(export, str(error.message))
    except Exception as error:
        logger.exception("Handbook export %s failed", export.pk)
        with translation.override(export.language):
            message = _(
                "The handbook could not be rendered (%(reason)s). Try again; if it fails "
                "again, please tell your administrator."
            ) % {"reason": f"{type(error).__name__}: {error}"[:300]}
        _mark_failed(export, message)
    finally:
        cache.delete(progress_cache_key(export.pk))
    return export


def _render_into(organisation: Organisation, export: HandbookExport) -> None:
    programme = export.programme
    content_hash, modules, branding = _current_hash(organisation, programme, export.language)
    if content_hash != export.content_hash:
        # The curriculum changed after the request: the file holds what was rendered now.
        clash = (
            HandbookExport.objects.for_org(organisation)
            .filter(content_hash=content_hash, status=HandbookExportStatus.DONE)
            .exists()
        )
        if clash:
            with translation.override(export.language):
                raise ApplicationError(
                    _(
                        "The curriculum changed after this handbook was requested, and a "
                        "handbook of the new content is ready: download that one."
                    )
                )
        export.content_hash = content_hash
    book = handbook_book(
        organisation=organisation,
        programme=programme,
        modules=modules,
        branding=branding,
        language=export.language,
        on_progress=lambda percent: _publish_progress(export, percent),
    )
    pdf, pages = book.pdf, book.pages
    export.file.save(_file_name(programme, export.language, content_hash), ContentFile(pdf), False)
    export.size = len(pdf)
    export.pages = pages
    export.progress = 100
    export.status = HandbookExportStatus.DONE
    export.finished_at = timezone.now()
    export.error = ""
    try:
        export.save()
    except IntegrityError as error:
        # Another export of the same content finished first (the unique constraint).
        export.file.delete(save=False)
        raise ApplicationError(_("An identical handbook was finished meanwhile.")) from error


def _mark_failed(export: HandbookExport, message: str) -> None:
    export.status = HandbookExportStatus.FAILED
    export.progress = 0
    export.file = None  # type: ignore[assignment]
    export.size = None
    export.pages = None
    export.finished_at = timezone.now()
    export.error = message[:ERROR_MAX_LENGTH]
    export.save()
