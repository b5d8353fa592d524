"""Oversized request bodies are refused before, or while, they are read.

Regression: a 200 MB upload was read whole (into memory or a temporary file) before the form
said it was too large."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from programmes.models import Participant

pytestmark = pytest.mark.django_db

GIGABYTE = 1024**3


class CountingInput(io.BytesIO):
    """The request body as the server hands it over, counting what the application reads."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def _import_url(org) -> str:
    return reverse("participant_import", args=[org.slug])


def _multipart(size: int) -> bytes:
    upload = SimpleUploadedFile("people.csv", b"name\r\n" + b"x" * size, "text/csv")
    return encode_multipart(BOUNDARY, {"file": upload})


def test_a_declared_oversize_upload_is_refused_without_reading_the_body(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    body = CountingInput(_multipart(10))

    response = client.generic(
        "POST",
        _import_url(org),
        # Given in the environment: the client sets the type only along with a body of its own.
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(GIGABYTE),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert "The upload is too large: send at most 10.0\xa0MB." in response.content.decode()
    assert body.bytes_read == 0
    with org_context(org.pk):
        assert not Participant.objects.for_org(org).exists()


def test_a_declared_oversize_api_body_gets_the_api_error_shape(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    body = CountingInput(b"{}")

    response = client.generic(
        "POST",
        "/api/v1/o/alpha/participants/",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(GIGABYTE),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert body.bytes_read == 0


def test_a_streamed_upload_is_stopped_at_the_cap(org, member_client, settings):
    settings.COCORA_MAX_UPLOAD_BYTES = 256 * 1024
    client = member_client(org, Role.COORDINATOR)
    # 2 MB of file: its declared length fits the share of the other fields, so only the
    # handler that counts the file's bytes can stop it.
    data = _multipart(2 * 1024 * 1024)
    body = CountingInput(data)

    response = client.generic(
        "POST",
        _import_url(org),
        # Given in the environment: the client sets the type only along with a body of its own.
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(data)),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert "send at most 256.0\xa0KB." in response.content.decode()
    # Reading stopped one chunk (64 KB) or so after the cap, far from the end of the body.
    assert body.bytes_read < 512 * 1024 < len(data)
    with org_context(org.pk):
        assert not Participant.objects.for_org(org).exists()


def test_an_upload_within_the_cap_still_arrives(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    upload = SimpleUploadedFile("people.csv", b"name\r\nAmira\r\n", "text/csv")

    response = client.post(_import_url(org), {"file": upload})

    assert response.status_code in (200, 302)
    with org_context(org.pk):
        assert Participant.objects.for_org(org).count() == 1
