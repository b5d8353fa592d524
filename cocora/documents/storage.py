"""Where generated documents are kept: a private file storage with no public address.

Generated PDFs (handbooks) are read by permission-checked views only. The storage has no
`base_url`, so `file.url` raises instead of producing a public link, and its folder lies outside
the folders the PDF fetcher may read (see fetcher.py), so one document can never embed another.
"""

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateDocumentStorage(FileSystemStorage):
    """FileSystemStorage under settings.COCORA_PRIVATE_MEDIA_ROOT, read at each use, so that
    tests (and deployments) can move it with the setting."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("base_url", None)
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.COCORA_PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Generated documents have no public address; serve them through a view.")


private_document_storage = PrivateDocumentStorage()
