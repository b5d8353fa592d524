"""cocora.core.images.image_clean: uploads are checked by content and stored as pixels only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from cocora.core.errors import ApplicationError
from cocora.core.images import image_clean

GPS_LATITUDE = (55.0, 40.0, 30.0)


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PocketCam"
    exif[ExifTags.Base.BodySerialNumber] = "SN-0042"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (12.0, 34.0, 56.0)
    return exif


def png_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at the youth centre")
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG", exif=_exif_with_gps(), pnginfo=text)
    return out.getvalue()


def _upload(
    data: bytes, name: str = "logo.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_png_with_gps_data_is_stored_without_any_metadata() -> None:
    original = png_with_gps()
    assert _open(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture has GPS

    cleaned = image_clean(_upload(original)).read()

    image = _open(cleaned)
    assert image.format == "PNG" and image.size == (64, 48)
    assert dict(image.getexif()) == {}
    assert image.info == {}
    assert b"eXIf" not in cleaned and b"tEXt" not in cleaned and b"PocketCam" not in cleaned
    assert image.getpixel((0, 0)) == (200, 30, 30)


def test_a_jpeg_photo_loses_its_exif_and_keeps_its_orientation() -> None:
    exif = _exif_with_gps()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show rotated by 90 degrees
    out = io.BytesIO()
    Image.new("RGB", (80, 40), (10, 120, 200)).save(out, "JPEG", exif=exif)

    cleaned = image_clean(_upload(out.getvalue(), "photo.jpg", "image/jpeg"))

    image = _open(cleaned.read())
    assert cleaned.name and cleaned.name.endswith(".jpg")
    assert image.format == "JPEG" and image.size == (40, 80)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info


def test_webp_and_transparency_become_png() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(out, "WEBP", lossless=True)

    cleaned = image_clean(_upload(out.getvalue(), "logo.webp", "image/webp"))

    image = _open(cleaned.read())
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((5, 5))[3] == 0


# Pillow warns above its own, higher limit (89 megapixels) before ours refuses the file.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_121_megapixel_image_is_refused_before_it_is_decoded() -> None:
    # 11000 x 11000 one-bit pixels compress to some 15 kB: a decompression bomb.
    out = io.BytesIO()
    Image.new("1", (11000, 11000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000

    with pytest.raises(ApplicationError) as refused:
        image_clean(_upload(out.getvalue()), field="logo")

    assert "11000 × 11000 pixels" in str(refused.value.message)
    assert "at most 40 megapixels" in str(refused.value.message)
    assert refused.value.field == "logo" and refused.value.code == "too_many_pixels"


def test_the_pixel_cap_can_be_set_lower() -> None:
    with pytest.raises(ApplicationError) as refused:
        image_clean(_upload(png_with_gps((600, 600))), max_pixels=100_000)

    assert "600 × 600 pixels" in str(refused.value.message)
    assert "at most 0.1 megapixels" in str(refused.value.message)


def test_a_file_above_the_size_cap_is_refused_with_its_size() -> None:
    with pytest.raises(ApplicationError) as refused:
        image_clean(_upload(png_with_gps() + b"\0" * 2048), max_bytes=1024)

    assert "at most 1.0\xa0KB" in str(refused.value.message)
    assert refused.value.code == "file_too_large"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"GIF89a" + b"\0" * 64,
        b"\x89PNG\r\n\x1a\n" + b"not really a png",
        b"",
    ],
    ids=["html", "svg", "gif", "broken-png", "empty"],
)
def test_a_file_that_is_not_a_png_jpeg_or_webp_is_refused_whatever_its_name(data: bytes) -> None:
    with pytest.raises(ApplicationError) as refused:
        image_clean(_upload(data, "harmless.png"), field="logo")

    assert refused.value.code in ("not_an_image", "damaged_image")
    assert refused.value.field == "logo"


def test_a_truncated_image_is_refused() -> None:
    out = io.BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(out, "PNG")

    with pytest.raises(ApplicationError) as refused:
        image_clean(_upload(out.getvalue()[:-400]))

    assert refused.value.code == "damaged_image"


def test_a_truncated_image_is_refused_even_after_weasyprint_was_imported() -> None:
    """Regression: importing WeasyPrint (handbook rendering) made Pillow accept truncated files
    for the whole process, so the upload check depended on which test ran first."""
    import weasyprint  # noqa: F401

    out = io.BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(out, "PNG")
    with pytest.raises(ApplicationError) as refused:
        image_clean(_upload(out.getvalue()[:-400]))
    assert refused.value.code == "damaged_image"


def test_a_script_appended_to_a_png_does_not_survive() -> None:
    script = b"<script>alert(document.cookie)</script>"
    data = png_with_gps() + script

    cleaned = image_clean(_upload(data)).read()

    assert script not in cleaned and b"<script" not in cleaned
    assert _open(cleaned).size == (64, 48)


def test_the_uploaders_file_name_is_not_kept() -> None:
    cleaned = image_clean(_upload(png_with_gps(), "../../etc/passwd<script>.png"))

    assert cleaned.name is not None
    assert "passwd" not in cleaned.name and "/" not in cleaned.name
    assert cleaned.name.endswith(".png")


def test_max_dimension_scales_down_only() -> None:
    big = image_clean(_upload(png_with_gps((2000, 1000))), max_dimension=500)
    small = image_clean(_upload(png_with_gps((100, 50))), max_dimension=500)

    assert _open(big.read()).size == (500, 250)
    assert _open(small.read()).size == (100, 50)
