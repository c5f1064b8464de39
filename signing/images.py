"""Untrusted signature images and scans: checked by content, images re-encoded by Pillow."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

MAX_IMAGE_BYTES = 1024 * 1024
MAX_SCAN_BYTES = 10 * 1024 * 1024
# A signature is a line, not a photograph: this is plenty for print at 300 dpi across a column.
MAX_WIDTH, MAX_HEIGHT = 1200, 400
# Refuse before decoding anything bigger: a small file can declare a huge canvas.
MAX_SOURCE_PIXELS = 40_000_000


class ImageError(Exception):
    """The file is not an acceptable image or scan; the message is for the user."""


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Security review: WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, which
    made truncated uploads decode "successfully" (padded with grey) in every process that can render
    PDFs. Untrusted files are decoded strictly; the flag is restored for WeasyPrint afterwards."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _read_limited(file: UploadedFile, limit: int) -> bytes:
    if file.size is not None and file.size > limit:
        raise ImageError(_("The file is too large (at most %(mb)s MB).") % {"mb": limit // 1024 // 1024})
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ImageError(_("The file is too large (at most %(mb)s MB).") % {"mb": limit // 1024 // 1024})
    return data


def clean_signature_image(data: bytes) -> ContentFile[bytes]:
    """Decode a PNG or JPEG and re-encode it as a PNG without metadata, at most 1200 by 400 pixels."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(_("The image is too large (at most 1 MB)."))
    try:
        with _strict_decoding(), Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG"):
                raise ImageError(_("The signature must be a PNG or JPEG image."))
            width, height = probe.size
            if width * height > MAX_SOURCE_PIXELS or not width or not height:
                raise ImageError(_("The image has too many pixels."))
            probe.load()
            image = probe.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise ImageError(_("The file is not a readable PNG or JPEG image.")) from exc
    image.thumbnail((MAX_WIDTH, MAX_HEIGHT))
    out = io.BytesIO()
    # A fresh image carries no EXIF, text chunks or ICC profile: only the pixels survive.
    clean = Image.new("RGBA", image.size)
    clean.paste(image)
    clean.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="signature.png")


def signature_from_upload(file: UploadedFile) -> ContentFile[bytes]:
    return clean_signature_image(_read_limited(file, MAX_IMAGE_BYTES))


def signature_from_data_url(value: str) -> ContentFile[bytes]:
    """The PNG data URL that signature_pad produces, decoded and re-encoded like an upload."""
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        raise ImageError(_("Draw your signature in the box."))
    if len(value) > MAX_IMAGE_BYTES * 4 // 3 + len(prefix) + 4:
        raise ImageError(_("The drawing is too large."))
    try:
        data = base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImageError(_("The drawing could not be read; please draw again.")) from exc
    return clean_signature_image(data)


@dataclass(frozen=True)
class Scan:
    file: ContentFile[bytes]
    sha256: str


SCAN_TYPES = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def clean_scan(file: UploadedFile) -> Scan:
    """A PDF, PNG or JPEG scan of a paper signature, kept byte for byte (it is evidence)."""
    data = _read_limited(file, MAX_SCAN_BYTES)
    extension = next((ext for magic, ext in SCAN_TYPES.items() if data.startswith(magic)), None)
    if extension is None:
        raise ImageError(_("The scan must be a PDF, PNG or JPEG file."))
    if extension == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise ImageError(_("The PDF file is incomplete."))
    else:
        try:
            with _strict_decoding(), Image.open(io.BytesIO(data)) as probe:
                if probe.size[0] * probe.size[1] > MAX_SOURCE_PIXELS:
                    raise ImageError(_("The image has too many pixels."))
                probe.verify()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
            raise ImageError(_("The scan is not a readable image.")) from exc
    return Scan(ContentFile(data, name=f"scan.{extension}"), hashlib.sha256(data).hexdigest())
