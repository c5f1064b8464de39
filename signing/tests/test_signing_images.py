"""Signature images and scans are untrusted: checked by content, images re-encoded without metadata."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from signing.images import ImageError, clean_scan, signature_from_data_url, signature_from_upload

from .signing_helpers import png_bytes


def _upload(data: bytes, name: str = "sig.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_jpeg_upload_becomes_png_without_exif() -> None:
    """A JPEG with EXIF comes back as a PNG with no EXIF or text chunks."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8298] = "Jordi Puig, home address"  # Copyright
    clean = signature_from_upload(_upload(png_bytes(fmt="JPEG", exif=exif.tobytes()), "sig.jpg"))
    data = clean.read()
    assert data.startswith(b"\x89PNG")
    assert b"SpyCam" not in data and b"home address" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert not image.info.get("exif")


def test_large_images_are_scaled_down() -> None:
    """An image larger than 1200 by 400 pixels is scaled to fit, keeping its proportions."""
    clean = signature_from_upload(_upload(png_bytes((2400, 400))))
    with Image.open(clean) as image:
        assert image.size == (1200, 200)


def test_files_over_one_megabyte_are_refused() -> None:
    """An upload over 1 MB is refused before decoding."""
    with pytest.raises(ImageError, match="too large"):
        signature_from_upload(_upload(b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1)))


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_only_png_and_jpeg_are_accepted(fmt: str) -> None:
    """Other image formats are refused even when named .png."""
    with pytest.raises(ImageError):
        signature_from_upload(_upload(png_bytes(fmt=fmt), "sig.png"))


def test_a_renamed_text_file_is_refused() -> None:
    """A file named .png that is not an image is refused."""
    with pytest.raises(ImageError):
        signature_from_upload(_upload(b"<script>alert(1)</script>", "sig.png"))


def test_a_drawing_must_be_a_png_data_url() -> None:
    """The drawing field accepts only a PNG data URL with valid base64."""
    with pytest.raises(ImageError):
        signature_from_data_url("data:image/svg+xml;base64,PHN2Zz4=")
    with pytest.raises(ImageError):
        signature_from_data_url("data:image/png;base64,@@@")


def test_scans_are_typed_by_content_not_name() -> None:
    """A PDF named .png is stored as a PDF; a text file named .pdf is refused."""
    scan = clean_scan(SimpleUploadedFile("scan.png", b"%PDF-1.7\n1 0 obj\n%%EOF\n"))
    assert scan.file.name == "scan.pdf"
    assert len(scan.sha256) == 64
    with pytest.raises(ImageError, match="PDF, PNG or JPEG"):
        clean_scan(SimpleUploadedFile("scan.pdf", b"hello"))
    assert clean_scan(SimpleUploadedFile("scan.bin", png_bytes())).file.name == "scan.png"
