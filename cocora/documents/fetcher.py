"""The only way a rendered document can read a resource: our own static and media files.

WeasyPrint's default fetcher opens any URL (http, https, ftp, file:) and follows redirects, so
HTML that a user influenced could make the server fetch from the network or read its own files.
This fetcher never opens a URL: it maps `file:` URLs to files under the static roots (the
staticfiles finders' folders and STATIC_ROOT) or MEDIA_ROOT and reads them itself, and decodes
small `data:` URLs. Everything else is refused: other schemes, `..` in a path, symlinks that lead
outside, folders, missing files and the private documents folder (generated PDFs). Refusals are
logged and kept on `fetcher.refused`, and the document renders without the resource.
"""

import base64
import binascii
import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import pathname2url

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# A data: URL larger than this is refused (about 256 KiB of base64): small icons only.
MAX_DATA_URL_CHARS = 350_000
MAX_FILE_BYTES = 20 * 1024 * 1024


class ResourceRefused(ValueError):
    """A resource the fetcher does not serve."""


def _static_roots() -> list[Path]:
    roots: list[Path] = []
    for finder in finders.get_finders():
        # FileSystemFinder and AppDirectoriesFinder keep one storage per folder they search.
        storages = getattr(finder, "storages", {})
        for storage in storages.values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


@lru_cache(maxsize=8)
def _cached_static_roots(_key: str) -> tuple[Path, ...]:
    return tuple(root.resolve() for root in _static_roots())


def allowed_roots() -> tuple[Path, ...]:
    """The folders whose files may be read: static roots and MEDIA_ROOT, resolved."""
    key = f"{settings.STATIC_ROOT}|{settings.STATICFILES_DIRS}|{settings.INSTALLED_APPS}"
    return (*_cached_static_roots(key), Path(settings.MEDIA_ROOT).resolve())


def file_url(path: str | Path) -> str:
    """A file: URL for a local path, for use in a document's HTML."""
    return "file://" + pathname2url(str(Path(path).resolve()))


def static_file_url(name: str) -> str:
    """The file: URL of a static file found by the staticfiles finders (e.g.
    "documents/handbook.css")."""
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"Static file not found: {name}")
    return file_url(found if isinstance(found, str) else found[0])


class SafeURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only our own static and media files (see module
    docstring). Never opens a network connection, so there are no redirects to follow."""

    def __init__(self) -> None:
        # No handlers, no timeout: nothing is ever opened through urllib.
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            return self._serve(url)
        except ResourceRefused as refusal:
            self.refused.append(url)
            logger.warning("Document resource refused: %s (%s)", url[:200], refusal)
            raise

    def open(self, url: object, data: object = None, timeout: object = None) -> None:  # type: ignore[override]
        raise ResourceRefused("This fetcher opens no URLs.")

    def _serve(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        if scheme != "file":
            raise ResourceRefused(f"Scheme {scheme or '(none)'!r} is not served.")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ResourceRefused("Remote file URLs are not served.")
        raw_path = unquote(parts.path)
        if ".." in Path(raw_path).parts or "\\" in raw_path or "\x00" in raw_path:
            raise ResourceRefused("Paths may not step out of their folder.")
        path = Path(raw_path).resolve()
        private = Path(settings.COCORA_PRIVATE_MEDIA_ROOT).resolve()
        if path.is_relative_to(private):
            raise ResourceRefused("Generated documents are not served.")
        if not any(path.is_relative_to(root) for root in allowed_roots()):
            raise ResourceRefused("Only static and media files are served.")
        if not path.is_file():
            raise ResourceRefused("Not a file.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ResourceRefused("File too large.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            file_url(path), path.read_bytes(), headers={"Content-Type": content_type}
        )

    def _data(self, url: str) -> URLFetcherResponse:
        if len(url) > MAX_DATA_URL_CHARS:
            raise ResourceRefused("data: URL too large.")
        header, _, payload = url[5:].partition(",")
        content_type = header.split(";", 1)[0] or "text/plain"
        try:
            body = (
                base64.b64decode(payload, validate=False)
                if header.endswith(";base64")
                else unquote_to_bytes(payload)
            )
        except (binascii.Error, ValueError) as error:
            raise ResourceRefused("Malformed data: URL.") from error
        return URLFetcherResponse(url[:64], body, headers={"Content-Type": content_type})
