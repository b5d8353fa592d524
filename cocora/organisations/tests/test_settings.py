"""The organisation's settings page: admins only; a logo is checked, re-encoded and stored
without metadata; a refused upload changes nothing."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cocora.audit.models import AuditEvent
from cocora.core.tests.test_images import png_with_gps
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _url(org: Organisation) -> str:
    return reverse("organisation_settings", kwargs={"org_slug": org.slug})


def _form(org: Organisation, **changes: Any) -> dict[str, Any]:
    data = {
        "name": org.name,
        "language": org.language,
        "time_zone": org.time_zone,
        "digital_consent_age": org.digital_consent_age,
        "small_cell_threshold": org.small_cell_threshold,
    }
    data.update(changes)
    return data


def _png_upload(data: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_admins_reach_the_settings(org, member_client, role):
    client = member_client(org, role)

    assert client.get(_url(org)).status_code == 403
    assert client.post(_url(org), _form(org, name="Taken over")).status_code == 403
    org.refresh_from_db()
    assert org.name == "Alpha Youth Service"


def test_an_admin_changes_the_settings_and_the_change_is_audited(org, admin_client_):
    assert admin_client_.get(_url(org)).status_code == 200

    response = admin_client_.post(
        _url(org),
        _form(
            org,
            name="Alpha Youth",
            language="da",
            time_zone="Europe/Copenhagen",
            digital_consent_age=13,
        ),
    )

    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.language, org.time_zone, org.digital_consent_age) == (
        "Alpha Youth",
        "da",
        "Europe/Copenhagen",
        13,
    )
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="organisation.settings_changed")
    assert event.details["changed"]["name"] == {"from": "Alpha Youth Service", "to": "Alpha Youth"}


def test_an_age_of_digital_consent_outside_13_to_16_is_refused(org, admin_client_):
    response = admin_client_.post(_url(org), _form(org, digital_consent_age=12))

    assert response.status_code == 400
    org.refresh_from_db()
    assert org.digital_consent_age == 16


def test_the_smallest_group_shown_is_a_setting_from_3_to_20(org, admin_client_):
    response = admin_client_.post(_url(org), _form(org, small_cell_threshold=2))

    assert response.status_code == 400
    assert "greater than or equal to 3" in response.content.decode()
    org.refresh_from_db()
    assert org.small_cell_threshold == 5

    assert admin_client_.post(_url(org), _form(org, small_cell_threshold=10)).status_code == 302
    org.refresh_from_db()
    assert org.small_cell_threshold == 10
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="organisation.settings_changed")
    assert event.details["changed"]["small_cell_threshold"] == {"from": "5", "to": "10"}


def test_a_logo_with_gps_data_is_stored_without_it_and_shown_in_the_header(org, admin_client_):
    response = admin_client_.post(
        _url(org), {**_form(org), "logo": _png_upload(png_with_gps(), "holiday.png")}
    )

    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo.name.startswith(f"organisations/{org.pk}/logo/")
    assert "holiday" not in org.logo.name
    with org.logo.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert dict(image.getexif()) == {} and image.info == {}
    assert b"PocketCam" not in data

    page = admin_client_.get(reverse("org_home", kwargs={"org_slug": org.slug}))
    logo_url = reverse("organisation_logo", kwargs={"org_slug": org.slug})
    assert logo_url.encode() in page.content
    served = admin_client_.get(logo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == data
    # Not secret, and fetched on every page: the browser may keep it (privately).
    assert served["Cache-Control"] == "private, max-age=86400"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>alert(document.cookie)</script></body></html>",
        b"#!/bin/sh\nrm -rf /\n",
    ],
    ids=["html", "script"],
)
def test_a_disguised_upload_is_refused_clearly_and_changes_nothing(org, admin_client_, data):
    response = admin_client_.post(
        _url(org), {**_form(org, name="Renamed"), "logo": _png_upload(data, "logo.png")}
    )

    assert response.status_code == 400
    assert "This file is not a PNG, JPEG or WebP image." in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Alpha Youth Service" and not org.logo
    with org_context(org.pk):
        assert not AuditEvent.objects.for_org(org).exists()


def test_a_script_appended_to_a_png_logo_is_gone_once_stored(org, admin_client_):
    upload = _png_upload(png_with_gps() + b"<script>alert(1)</script>")

    assert admin_client_.post(_url(org), {**_form(org), "logo": upload}).status_code == 302

    org.refresh_from_db()
    with org.logo.open("rb") as stored:
        assert b"<script" not in stored.read()


# Pillow warns above its own, higher limit (89 megapixels) before ours refuses the file.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_121_megapixel_logo_is_refused(org, admin_client_):
    out = io.BytesIO()
    Image.new("1", (11000, 11000)).save(out, "PNG")

    response = admin_client_.post(_url(org), {**_form(org), "logo": _png_upload(out.getvalue())})

    assert response.status_code == 400
    assert "11000 × 11000 pixels" in response.content.decode()
    org.refresh_from_db()
    assert not org.logo


def test_replacing_and_removing_the_logo_deletes_the_old_file(
    org, admin_client_, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post(_url(org), {**_form(org), "logo": _png_upload(png_with_gps())})
    org.refresh_from_db()
    first = org.logo.name
    storage = org.logo.storage

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post(_url(org), {**_form(org), "logo": _png_upload(png_with_gps((10, 10)))})
    org.refresh_from_db()
    second = org.logo.name
    assert second != first and not storage.exists(first) and storage.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post(_url(org), {**_form(org), "remove_logo": "on"})
    org.refresh_from_db()
    assert not org.logo and not storage.exists(second)
    assert admin_client_.get(reverse("organisation_logo", args=[org.slug])).status_code == 404
