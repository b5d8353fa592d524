"""Request bodies are refused by their size before they are read, and uploads while they stream.

Two walls, both answering 413 (a page, or the API's error shape under /api/):

1. `RequestSizeLimitMiddleware` looks at Content-Length before anything reads the body: a form
   with files may send at most COCORA_MAX_UPLOAD_BYTES of files plus DATA_UPLOAD_MAX_MEMORY_SIZE
   of other fields, any other body at most DATA_UPLOAD_MAX_MEMORY_SIZE.
2. `CappedUploadHandler` counts the bytes of the files as they arrive and stops reading once
   they pass COCORA_MAX_UPLOAD_BYTES, for a body whose declared length allowed it (the other
   fields' share) or that declared none that the server trusts.

The reverse proxy in front of the application should refuse earlier still (docs/deployment.md).
"""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .middleware import GetResponse

# Set on the request by the handler when it stopped reading.
TOO_LARGE_MARK = "cocora_upload_too_large"


class CappedUploadHandler(FileUploadHandler):
    """Passes file data on to the next handler until the request's files together pass the
    cap; then marks the request and stops reading the body at once (no draining)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.COCORA_MAX_UPLOAD_BYTES:
            setattr(self.request, TOO_LARGE_MARK, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def too_large_response(request: HttpRequest) -> HttpResponse:
    message = _(
        "The upload is too large: send at most %(size)s. Choose a smaller file, or split it."
    ) % {"size": filesizeformat(settings.COCORA_MAX_UPLOAD_BYTES)}
    if request.path.startswith("/api/"):
        body = {"code": "too_large", "message": message, "errors": {}}
        return JsonResponse(body, status=413)
    return render(request, "413.html", {"message": message}, status=413)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: an unreadable length is no body


class RequestSizeLimitMiddleware:
    """See the module's docstring. Place it before anything that reads request.POST or the
    body (the CSRF check does)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        is_multipart = request.content_type == "multipart/form-data"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if is_multipart:
            limit += settings.COCORA_MAX_UPLOAD_BYTES
        if _declared_length(request) > limit:
            return too_large_response(request)
        if is_multipart and request.method == "POST":
            # Read the form here, once, so that a stopped upload is answered here rather than
            # reaching a view as a form whose file is missing.
            request.FILES  # noqa: B018 (reading it parses the body)
            if getattr(request, TOO_LARGE_MARK, False):
                return too_large_response(request)
        return self.get_response(request)
