"""The PDF renderer and its fetcher: only our own static and media files are ever read."""

import socket
import subprocess
from pathlib import Path

import pytest

from cocora.documents.fetcher import (
    ResourceRefused,
    SafeURLFetcher,
    file_url,
    static_file_url,
)
from cocora.documents.rendering import render_pdf, warm_up

PNG_1PX = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COCORA_PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    settings.COCORA_PRIVATE_MEDIA_ROOT.mkdir(parents=True)
    return settings.MEDIA_ROOT


@pytest.fixture
def no_network(monkeypatch):
    """Fails the test if anything opens a socket."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("The renderer tried to open a network connection.")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return calls


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(  # noqa: S603  (poppler on a file we wrote)
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607  (poppler from the PATH)
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_static_and_media_files_and_small_data_urls_are_served(media):
    (media / "logos").mkdir(parents=True)
    logo = media / "logos" / "a.png"
    logo.write_bytes(b"\x89PNG fake")
    fetcher = SafeURLFetcher()

    assert fetcher.fetch(file_url(logo)).read() == b"\x89PNG fake"
    css = fetcher.fetch(static_file_url("documents/handbook.css"))
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    assert fetcher.fetch(PNG_1PX).read().startswith(b"\x89PNG")
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/style.css",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "file://remote-host/etc/passwd",
        "gopher://example.org/",
    ],
)
def test_other_urls_are_refused(url, media, no_network):
    fetcher = SafeURLFetcher()
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert no_network == []


def test_traversal_symlinks_and_private_documents_are_refused(media, tmp_path):
    (media / "logos").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for documents")
    (media / "logos" / "link.png").symlink_to(secret)
    private = media / "private" / "handbook.pdf"
    private.write_bytes(b"%PDF")
    fetcher = SafeURLFetcher()

    for url in (
        "file://" + str(media / "logos" / ".." / ".." / "secret.txt"),
        "file://" + str(media / "logos" / "%2e%2e" / ".." / "secret.txt"),
        file_url(media / "logos" / "link.png"),
        file_url(private),
        file_url(media / "logos"),  # a folder
        file_url(media / "missing.png"),
    ):
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_large_data_urls_are_refused(media):
    with pytest.raises(ResourceRefused):
        SafeURLFetcher().fetch("data:text/plain;base64," + "A" * 400_000)


def test_a_document_renders_without_the_resources_it_may_not_have(media, tmp_path, no_network):
    # Given HTML that points at the network and at a file outside static and media
    outside = tmp_path / "outside.css"
    outside.write_text("body { color: red }")
    html = f"""<!DOCTYPE html><html lang="en"><head><title>T</title>
      <link rel="stylesheet" href="https://example.org/evil.css">
      <link rel="stylesheet" href="{file_url(outside)}">
      <link rel="stylesheet" href="{static_file_url("documents/handbook.css")}"></head>
      <body><h1>Hello handbook</h1><img src="http://example.org/track.png" alt="">
      <img src="{PNG_1PX}" alt="dot"></body></html>"""
    fetcher = SafeURLFetcher()

    # When it is rendered
    pdf, pages = render_pdf(html, base_url=file_url(tmp_path) + "/", fetcher=fetcher)

    # Then the PDF is made, without the refused resources, and nothing went to the network
    assert pdf.startswith(b"%PDF-1.7")
    assert pages == 1
    assert "Hello handbook" in _text(pdf, tmp_path)
    assert set(fetcher.refused) == {
        "https://example.org/evil.css",
        file_url(outside),
        "http://example.org/track.png",
    }
    assert no_network == []
    # Tagged PDF (PDF/UA-1): a structure tree and the UA identification in the metadata.
    path = tmp_path / "tagged.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(  # noqa: S603  (poppler on a file we wrote)
        ["pdfinfo", str(path)],  # noqa: S607  (poppler from the PATH)
        capture_output=True,
        text=True,
    ).stdout
    assert "Tagged:          yes" in info


def test_the_renderers_server_warms_up_once_and_cleanly(caplog):
    """The forkserver that starts the handbook's renderers renders one small document first
    (fonts, hyphenation, the PDF writer), which the renderers inherit: it must render without
    a complaint from WeasyPrint (a missing language or title is an error under PDF/UA)."""
    caplog.set_level("WARNING")
    caplog.set_level("WARNING", logger="weasyprint")
    assert warm_up() is True
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == []


def test_a_warm_up_that_fails_leaves_the_renderers_cold_but_working(caplog, monkeypatch):
    from cocora.documents import rendering

    def broken(*args, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    # Its own logger's level: a test before may have raised the root logger's (a worker's).
    caplog.set_level("WARNING", logger=rendering.logger.name)
    assert rendering.warm_up() is False
    assert "start without a warm-up" in caplog.text
    monkeypatch.undo()
    pdf, pages = render_pdf(
        '<html lang="en"><title>t</title><p>Still renders</p>', base_url="file:///"
    )
    assert pages == 1 and pdf.startswith(b"%PDF")
