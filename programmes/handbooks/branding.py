"""The organisation's look in its handbook: name, logo and colours.

Organisations do not pick colours: the accent colour is taken from the logo (its most common
clearly coloured shade, darkened until white text on it and it on white paper reach WCAG AA
contrast), so that a handbook matches the organisation's own identity with nothing to set up.
Without a logo, or with a grey one, the platform's own colour is used.
"""

import colorsys
import hashlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from cocora.documents.fetcher import file_url
from cocora.organisations.models import Organisation

DEFAULT_ACCENT = (31, 78, 121)  # the platform's dark blue
MIN_CONTRAST = 4.5


@dataclass(frozen=True)
class Branding:
    name: str
    logo_url: str  # a file: URL under MEDIA_ROOT, read through the safe fetcher; "" for none
    logo_digest: str  # sha256 of the logo file, part of the content hash
    accent: str  # "#rrggbb"
    accent_light: str


def _logo_path(organisation: Organisation) -> Path | None:
    if not organisation.logo:
        return None
    try:
        path = Path(organisation.logo.path)
    except (ValueError, NotImplementedError):
        return None
    return path if path.is_file() else None


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast_with_white(rgb: tuple[int, int, int]) -> float:
    return 1.05 / (_luminance(rgb) + 0.05)


def _accent_from_logo(path: Path) -> tuple[int, int, int] | None:
    try:
        with Image.open(path) as image:
            image.thumbnail((64, 64))
            rgb = image.convert("RGB")
            counts = rgb.getcolors(64 * 64) or []
    except (OSError, UnidentifiedImageError):
        return None
    best: tuple[int, tuple[int, int, int]] | None = None
    for count, colour in counts:
        _h, lightness, s = colorsys.rgb_to_hls(*(v / 255 for v in colour))
        if s < 0.25 or lightness > 0.92 or lightness < 0.08:
            continue  # white, black and greys say nothing about the brand
        # Near shades count together, roughly: quantise before comparing.
        if best is None or count > best[0]:
            best = (count, colour)
    return best[1] if best else None


def _darken_to_contrast(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    h, lightness, s = colorsys.rgb_to_hls(*(v / 255 for v in rgb))
    while lightness > 0.05:
        candidate = tuple(round(v * 255) for v in colorsys.hls_to_rgb(h, lightness, s))
        if _contrast_with_white(candidate) >= MIN_CONTRAST:  # type: ignore[arg-type]
            return candidate  # type: ignore[return-value]
        lightness -= 0.03
    return DEFAULT_ACCENT


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def organisation_branding(organisation: Organisation) -> Branding:
    path = _logo_path(organisation)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path else ""
    accent = _accent_from_logo(path) if path else None
    accent = _darken_to_contrast(accent) if accent else DEFAULT_ACCENT
    h, _l, s = colorsys.rgb_to_hls(*(v / 255 for v in accent))
    light = tuple(round(v * 255) for v in colorsys.hls_to_rgb(h, 0.94, min(s, 0.6)))
    return Branding(
        name=organisation.name,
        logo_url=file_url(path) if path else "",
        logo_digest=digest,
        accent=_hex(accent),
        accent_light=_hex(light),  # type: ignore[arg-type]
    )
