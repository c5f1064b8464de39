"""A typed signature: the signatory's name drawn into the signature image on the server.

An alternative to drawing for people who cannot use a pointer (WCAG 2.5.1, 2.1.1): the signatory types
the name that will be printed, and this draws it, slanted like handwriting, in the typefaces the PDF
uses (documents/pdf.css): the system's Noto Serif (fonts-noto-core) and the vendored Nanum Myeongjo for
Hangul, then Noto's CJK and Arabic faces (fonts-noto-cjk). A name is set in the first face that has every one of its
characters — never with missing-glyph boxes; a name no face covers is refused with a clear message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from fontTools.ttLib import TTCollection, TTFont
from PIL import Image, ImageDraw, ImageFont

from .images import MAX_HEIGHT, MAX_WIDTH, ImageError

INK = (10, 30, 90, 255)  # the drawing pad's pen colour (static/js/signing.js)
SIZE = 120  # pixels: a signature line in print at 300 dpi
SLANT = 0.22  # horizontal shear, as handwriting leans
MARGIN = 24
MAX_NAME = 80


@dataclass(frozen=True)
class Face:
    path: Path
    index: int = 0  # the face within a .ttc collection


# Vendored (documents/fonts) or from a Debian font package. Noto Serif comes first, as the PDF sets
# languages other than Korean and English: Nanum's Latin lacks accents and its Cyrillic is full-width.
FACES = (
    Face(Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf")),
    Face(Path(settings.BASE_DIR) / "documents" / "fonts" / "nanum" / "NanumMyeongjo.ttf"),
    Face(Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), index=2),  # Noto Serif CJK SC
    Face(Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")),
)


@cache
def _characters(face: Face) -> frozenset[int]:
    """The code points a face draws (empty when the font is not installed)."""
    if not face.path.exists():
        return frozenset()
    if face.path.suffix == ".ttc":
        font = TTCollection(str(face.path), lazy=True).fonts[face.index]
    else:
        font = TTFont(str(face.path), lazy=True)
    return frozenset(font.getBestCmap())


def face_for(name: str) -> Face | None:
    """The first face that draws every character of the name (spaces aside)."""
    needed = {ord(char) for char in name if not char.isspace()}
    return next((face for face in FACES if needed <= _characters(face)), None)


def signature_from_typed_name(name: str) -> ContentFile[bytes]:
    """The name as a signature image: a transparent PNG at most 1200 by 400 pixels, like a drawing."""
    name = " ".join(name.split())
    if not name:
        raise ImageError(_("Type your name to sign with it."))
    if len(name) > MAX_NAME:
        raise ImageError(_("The name is too long to sign with (at most %(n)s characters).") % {"n": MAX_NAME})
    face = face_for(name)
    if face is None:
        raise ImageError(
            _(
                "Your name has characters that cannot be drawn as a signature here; "
                "draw your signature or upload an image of it instead."
            )
        )
    font = ImageFont.truetype(str(face.path), SIZE, index=face.index)
    left, top, right, bottom = (round(edge) for edge in font.getbbox(name))
    width, height = right - left, bottom - top
    slant = int(height * SLANT)
    canvas = Image.new("RGBA", (width + slant + 2 * MARGIN, height + 2 * MARGIN), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((MARGIN - left, MARGIN - top), name, font=font, fill=INK)
    # Each output pixel (x, y) takes the input at x + SLANT·(y - baseline): the baseline stays, the top
    # of the name leans right by `slant`, into the room left for it.
    baseline = MARGIN + height
    canvas = canvas.transform(
        canvas.size, Image.Transform.AFFINE, (1, SLANT, -SLANT * baseline, 0, 1, 0), resample=Image.Resampling.BICUBIC
    )
    canvas.thumbnail((MAX_WIDTH, MAX_HEIGHT))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="signature.png")
