"""Uploaded images, made safe to keep and to show.

Django's ImageField accepts any file whose first bytes look like an image: a PNG with a script
appended passes, and GPS coordinates in the EXIF block are stored as they came. Every image that
people upload goes through `image_clean` instead, which

- reads at most `max_bytes` and refuses anything larger;
- lets only Pillow's PNG, JPEG and WebP parsers look at the content (the name and the declared
  content type are ignored);
- refuses images of more than `max_pixels` from the header, before any pixel is decoded, so that
  a small file that unpacks into gigabytes (a decompression bomb) never does;
- decodes the whole image (a truncated or corrupt file is refused) and draws the pixels onto a
  fresh canvas, so that nothing but pixels survives: no EXIF (GPS, camera serial numbers), no
  text chunks, no colour profile, no trailing bytes;
- encodes the result again as PNG (or JPEG for photographs that came as JPEG), under a random
  name: the uploader's file name is not kept either.
"""

import io
import uuid
from typing import IO, Any

from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .errors import ApplicationError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# The parsers Pillow may use on uploads. Everything else (TIFF, BMP, PSD, SVG...) is refused.
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
JPEG_QUALITY = 88


def _not_an_image(field: str | None) -> ApplicationError:
    return ApplicationError(
        _("This file is not a PNG, JPEG or WebP image. Please choose an image file."),
        field=field,
        code="not_an_image",
    )


def image_clean(
    uploaded_file: IO[bytes] | Any,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    max_dimension: int | None = None,
    field: str | None = None,
) -> "ContentFile[bytes]":
    """Checks an uploaded image by its content and returns a re-encoded copy without metadata.

    Raises ApplicationError (with `field`) with a message a person can act on when the file is
    too large, has too many pixels or is not a PNG, JPEG or WebP image. `max_dimension` scales
    the image down (never up) so that neither side is longer, for uses such as a logo.
    """
    declared_size = getattr(uploaded_file, "size", None)
    if declared_size is not None and declared_size > max_bytes:
        raise _too_large(declared_size, max_bytes, field)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, field)

    try:
        # Image.open reads the header only: the size is known before anything is decoded.
        source = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        raise _too_many_pixels(None, max_pixels, field) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _not_an_image(field) from None

    with source:
        width, height = source.size
        if width * height > max_pixels:
            raise _too_many_pixels((width, height), max_pixels, field)
        source_format = source.format
        try:
            if max_dimension and source_format == "JPEG":
                # Lets the JPEG decoder scale while decoding: far less memory for large photos.
                source.draft("RGB", (max_dimension, max_dimension))
            # WeasyPrint switches Pillow to accept truncated files for the whole process when
            # it is imported; an upload must be complete whatever else runs in the process.
            previous = ImageFile.LOAD_TRUNCATED_IMAGES
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            try:
                source.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = previous
            # Turn the picture the way the camera meant before the orientation tag goes away.
            oriented = ImageOps.exif_transpose(source)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise ApplicationError(
                _("This image is damaged or incomplete and cannot be read."),
                field=field,
                code="damaged_image",
            ) from None

        has_alpha = oriented.mode in ("RGBA", "LA", "PA") or (
            oriented.mode == "P" and "transparency" in oriented.info
        )
        mode = "RGBA" if has_alpha else "RGB"
        converted = oriented.convert(mode)
        if max_dimension:
            converted.thumbnail((max_dimension, max_dimension), Image.Resampling.LANCZOS)

        # A fresh canvas carries pixels only: no info dict, no EXIF, no profile, no text.
        clean = Image.new(mode, converted.size)
        clean.paste(converted)

    output = io.BytesIO()
    if source_format == "JPEG" and mode == "RGB":
        clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        extension = "jpg"
    else:
        clean.save(output, format="PNG", optimize=True)
        extension = "png"
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def _too_large(size: int, max_bytes: int, field: str | None) -> ApplicationError:
    return ApplicationError(
        _(
            "This file is %(size)s; images may be at most %(limit)s. "
            "Please choose a smaller image or save it in a smaller size."
        )
        % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        field=field,
        code="file_too_large",
    )


def _too_many_pixels(
    size: tuple[int, int] | None, max_pixels: int, field: str | None
) -> ApplicationError:
    limit = floatformat(max_pixels / 1_000_000, -1)
    if size is None:
        message = _(
            "This image has too many pixels; images may have at most %(limit)s megapixels. "
            "Please scale it down first."
        ) % {"limit": limit}
    else:
        message = _(
            "This image is %(width)s × %(height)s pixels; images may have at most %(limit)s "
            "megapixels. Please scale it down first."
        ) % {"width": size[0], "height": size[1], "limit": limit}
    return ApplicationError(message, field=field, code="too_many_pixels")
