"""HTML → tagged PDF/A-3a rendering for Accord documents (WeasyPrint's public API only).

Pure functions, no database access. Feature code renders a Django template to
an HTML string and hands it to :func:`render_pdf`; the stylesheet in
``documents/pdf.css`` and the vendored Nanum fonts are applied automatically.

Text that comes from users and may contain Korean must be passed through
:func:`keep_korean_words` (or the ``keep_korean_words`` template filter in
``documents.templatetags.pdf_text``): it escapes the text and protects Hangul
words from being broken between syllables, which WeasyPrint otherwise does.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import urlsplit
from urllib.request import url2pathname

import qrcode
import qrcode.constants
import qrcode.image.svg
import weasyprint
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from weasyprint.text.fonts import FontConfiguration

from config.text import show_controls

__all__ = [
    "BREAK_OPPORTUNITY",
    "FONT_DIR",
    "PDF_CSS_PATH",
    "PDF_VARIANT",
    "WORD_JOINER",
    "AFRelationship",
    "Attachment",
    "font_face_css",
    "keep_korean_words",
    "layout_html",
    "qr_code_svg",
    "render_pdf",
    "write_document",
]

ENGINE_DIR: Final = Path(__file__).resolve().parent
PROJECT_DIR: Final = ENGINE_DIR.parent
FONT_DIR: Final = PROJECT_DIR / "documents" / "fonts" / "nanum"
PDF_CSS_PATH: Final = ENGINE_DIR / "pdf.css"
# PDF/A-3a: PDF/A-3b plus WeasyPrint's tagging (structure tree in reading order, /MarkInfo, catalog
# /Lang). WeasyPrint 70 marks no language below the catalog, whatever the elements' `lang`
# (docs/pdf.md, "Accessible PDF"); the templates set `lang` on every passage all the same.
PDF_VARIANT: Final = "pdf/a-3a"

# Family names deliberately differ from the system-installed Nanum fonts
# ("NanumMyeongjo", "나눔명조"): the PDF must embed the *vendored* files so that
# output does not depend on what a given server happens to have installed.
SERIF_FAMILY: Final = "Nanum Myeongjo"
SANS_FAMILY: Final = "Nanum Gothic"

_FONT_FILES: Final[tuple[tuple[str, str, int], ...]] = (
    (SERIF_FAMILY, "NanumMyeongjo.ttf", 400),
    (SERIF_FAMILY, "NanumMyeongjoBold.ttf", 700),
    (SANS_FAMILY, "NanumGothic.ttf", 400),
    (SANS_FAMILY, "NanumGothicBold.ttf", 700),
)

# ISO 32000-2 §7.11.3 / ISO 19005-3 Annex: values allowed for /AFRelationship.
AFRelationship = Literal["Source", "Data", "Alternative", "Supplement", "Unspecified"]
_AF_RELATIONSHIPS: Final = frozenset({"Source", "Data", "Alternative", "Supplement", "Unspecified"})
_MIME_RE: Final = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*$")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file embedded in the PDF as a PDF/A-3 *associated file*.

    PDF/A-3 requires every embedded file to carry a MIME type (/Subtype on the
    embedded-file stream) and an /AFRelationship, and to be listed in the
    catalog's /AF array; :func:`render_pdf` takes care of all three.
    Use ``relationship="Source"`` for data the document was rendered from
    (e.g. ``declaration.json``) and ``"Data"`` for supporting data
    (e.g. ``signature-events.json``).
    """

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"
    description: str = ""
    relationship: AFRelationship = "Data"
    modified: datetime | None = field(default=None)

    def __post_init__(self) -> None:
        if not self.filename or "/" in self.filename or "\\" in self.filename:
            raise ValueError(f"attachment filename must be a bare name: {self.filename!r}")
        if not _MIME_RE.match(self.mime_type):
            raise ValueError(f"invalid MIME type: {self.mime_type!r}")
        if self.relationship not in _AF_RELATIONSHIPS:
            raise ValueError(f"invalid AFRelationship: {self.relationship!r}")
        if not isinstance(self.content, bytes):
            raise TypeError("attachment content must be bytes")


# ------------------------------------------------------------------ fonts ---


def font_face_css() -> str:
    """@font-face rules for the vendored Nanum fonts, plus the root font.

    URLs are absolute ``file://`` URLs so they resolve whatever the document's
    base_url is. ``font-family`` is set on ``html`` (not ``body``) because
    @page margin boxes (running header, page numbers) inherit from the root
    element, not from body.
    """
    return _font_face_css()


@cache
def _font_face_css() -> str:
    rules: list[str] = []
    for family, filename, weight in _FONT_FILES:
        path = FONT_DIR / filename
        rules.append(
            "@font-face {\n"
            f'  font-family: "{family}";\n'
            f'  src: url("{path.as_uri()}") format("truetype");\n'
            f"  font-weight: {weight};\n"
            "  font-style: normal;\n"
            "}\n"
        )
    # After Nanum, the system's Noto faces for what Nanum lacks (documents/pdf.css says more).
    fallback = '"Noto Serif", "Noto Serif CJK SC", "Noto Naskh Arabic", serif'
    rules.append(f'html {{ font-family: "{SERIF_FAMILY}", {fallback}; }}\n')
    return "".join(rules)


# ------------------------------------------------------- Korean line breaks ---

# Hangul Jamo, Compatibility Jamo, Jamo Extended-A/B, Syllables, half-width.
_HANGUL_RE: Final = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff\uffa0-\uffdc]")
_TOKEN_RE: Final = re.compile(r"\S+")
# U+2060 WORD JOINER: UAX #14 class WJ, "prohibit a break before and after".
WORD_JOINER: Final = "\u2060"
# U+200B ZERO WIDTH SPACE: UAX #14 class ZW, "a break opportunity"; no glyph, no extracted text.
BREAK_OPPORTUNITY: Final = "\u200b"
# A run of more characters than this without white space (a URL, an identifier, a pasted hash)
# gets a break opportunity every LONG_WORD_CHUNK characters. CSS `overflow-wrap: anywhere` or
# `word-break: break-all` would do the same, but WeasyPrint 70 lays a 100,000-character run out
# in 127 s and 273 s with them (7 s this way). 16 full-width characters fit a side-by-side column.
LONG_WORD: Final = 32
LONG_WORD_CHUNK: Final = 16
# Never break before these: combining marks, ZWJ and what follows it, variation selectors and
# emoji modifiers would be torn from the character they belong to.
_NO_BREAK_BEFORE_RE: Final = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0900-\u0903\u093a-\u094f"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\U0001f3fb-\U0001f3ff"
    "\U000e0020-\U000e007f\U000e0100-\U000e01ef]"
)


def _chunks(word: str) -> list[str]:
    """Cut an over-long run into pieces of about LONG_WORD_CHUNK characters, never inside a cluster."""
    chunks: list[str] = []
    start = 0
    cut = LONG_WORD_CHUNK
    while cut < len(word):
        # Move the cut past marks, joiners and modifiers that belong to the character before it.
        while cut < len(word) and (_NO_BREAK_BEFORE_RE.match(word, cut) or word[cut - 1] == "\u200d"):
            cut += 1
        if cut >= len(word):
            break
        chunks.append(word[start:cut])
        start, cut = cut, cut + LONG_WORD_CHUNK
    chunks.append(word[start:])
    return chunks


def keep_korean_words(text: str) -> SafeString:
    """Escape *text* for HTML and make every Hangul-containing word unbreakable.

    WeasyPrint ignores ``word-break: keep-all``; Pango follows UAX #14, which
    allows a line break between any two Hangul syllables. For every run of
    non-whitespace characters that contains Hangul, a WORD JOINER (U+2060) is
    inserted between adjacent characters, so Pango can only break lines at the
    whitespace between words. Whitespace is left untouched. A run longer than
    LONG_WORD characters (URL, identifier) gets a ZERO WIDTH SPACE every
    LONG_WORD_CHUNK characters, so it wraps inside the margins instead of
    running off the page (issue 18, defect 7).

    Why a joiner rather than ``<span class="kw">`` (``white-space: nowrap``)
    per word: both keep words whole, but one inline box per Korean word made
    layout of a 10-page bilingual document ~0.45 s slower (twice that inside flex
    rows), which alone breaks the rendering budget. The joiner costs nothing:
    U+2060 is default-ignorable, Pango/HarfBuzz give it no glyph, and
    WeasyPrint writes no glyph and no ToUnicode entry for it — so it is neither
    drawn nor present in extracted text (pdftotext returns the original
    string, search in PDF viewers works). Verified in
    ``documents/tests/test_engine.py``.

    Joiners are inserted *before* escaping so entities such as ``&lt;`` are
    never split. The input is treated as plain text and always escaped (even
    a SafeString); only the characters added here are trusted. Intended for
    PDF rendering: copying from an HTML page would carry the invisible joiners.
    """

    def join(match: re.Match[str]) -> str:
        word = match.group(0)
        chunks = _chunks(word) if len(word) > LONG_WORD else [word]
        if _HANGUL_RE.search(word):
            chunks = [WORD_JOINER.join(chunk) for chunk in chunks]
        return str(escape(BREAK_OPPORTUNITY.join(chunks)))

    # Whitespace between tokens cannot contain HTML metacharacters, so
    # escaping token by token is equivalent to escaping the whole string.
    # Direction controls become visible markers first (issue 18): in the PDF they would reorder the
    # text around them ("evil" printed as "live") and pdftotext would read it in another order.
    return mark_safe(_TOKEN_RE.sub(join, show_controls(str(text))))  # noqa: S308 - escaped above


# -------------------------------------------------------------------- QR ---


def qr_code_svg(url: str, *, size_mm: float = 28, title: str = "") -> SafeString:
    """Inline ``<svg>`` QR code for *url* (error correction M), for HTML/PDF.

    Vector output: crisp at any zoom and tiny in the PDF. The XML declaration
    is stripped so the markup can be embedded directly in an HTML template,
    and the root width/height are set to *size_mm* (qrcode sizes the image
    by module count, and WeasyPrint sizes inline SVG from these attributes).
    *title* becomes the SVG's ``<title>``, which WeasyPrint writes as the
    figure's text alternative (/Alt) in the tagged PDF.
    """
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    qr.add_data(url)
    qr.make(fit=True)
    image = qr.make_image()
    svg: str = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        f'<svg width="{size_mm:g}mm" height="{size_mm:g}mm"',
        svg,
        count=1,
    )
    if title:
        svg = re.sub(r"^(<svg[^>]*>)", lambda m: f"{m.group(1)}<title>{escape(title)}</title>", svg, count=1)
    # The URL is only encoded as black/white modules, never written into the
    # markup as text; the title is escaped.
    return mark_safe(svg)  # noqa: S308 - generated markup, the only text escaped


# ------------------------------------------------------------- rendering ---


class LocalOnlyURLFetcher(weasyprint.URLFetcher):
    """URL fetcher that only serves ``data:`` URLs and files under *roots*.

    Documents contain user-supplied text; although it is escaped, refusing
    network and arbitrary file access is defence in depth against SSRF and
    local-file disclosure, keeps rendering deterministic and fast, and makes
    sure every resource ends up embedded (a PDF/A requirement anyway).
    Refused URLs raise ValueError, which WeasyPrint logs and skips.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, timeout=5)
        self._roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.lower().startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self._roots):
                raise ValueError(f"file outside allowed roots: {url}")
        return super().fetch(url, headers)


# FontConfiguration + parsed stylesheets are expensive (font files are read
# and registered with fontconfig/Pango). They are reused between renders of
# the same thread; Pango objects are not safe to share between threads.
_local = threading.local()


def _engine_resources() -> tuple[FontConfiguration, list[weasyprint.CSS]]:
    cached: tuple[FontConfiguration, list[weasyprint.CSS]] | None = getattr(_local, "resources", None)
    if cached is None:
        font_config = FontConfiguration()
        fetcher = LocalOnlyURLFetcher([FONT_DIR, ENGINE_DIR])
        stylesheets = [
            weasyprint.CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher),
            weasyprint.CSS(filename=str(PDF_CSS_PATH), font_config=font_config, url_fetcher=fetcher),
        ]
        cached = (font_config, stylesheets)
        _local.resources = cached
    return cached


def _allowed_roots(base_url: str | None) -> list[Path]:
    roots = [PROJECT_DIR / "static", ENGINE_DIR]
    if base_url and base_url.lower().startswith("file:"):
        base = Path(url2pathname(urlsplit(base_url).path))
        roots.append(base if base_url.endswith("/") else base.parent)
    return roots


def _attachment_data_url(attachment: Attachment) -> str:
    # A data: URL carries the MIME type through WeasyPrint's fetcher into the
    # embedded-file stream's /Subtype (otherwise it is guessed from the name).
    payload = base64.b64encode(attachment.content).decode("ascii")
    return f"data:{attachment.mime_type};base64,{payload}"


def _w3c_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def layout_html(html: str, *, base_url: str | None) -> weasyprint.Document:
    """Parse, style and lay out *html* with the Accord stylesheet and fonts (no PDF yet)."""
    font_config, stylesheets = _engine_resources()
    fetcher = LocalOnlyURLFetcher(_allowed_roots(base_url))
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=stylesheets, **_RENDER_OPTIONS
    )


# Defaults spelled out because correctness depends on them: subset fonts (size), no hinting,
# compressed streams.
_RENDER_OPTIONS: Final[dict[str, Any]] = {
    "pdf_variant": PDF_VARIANT,
    "full_fonts": False,
    "hinting": False,
    "uncompressed_pdf": False,
}


def write_document(
    document: weasyprint.Document,
    *,
    attachments: Sequence[Attachment],
    title: str,
    lang: str,
    created: datetime | None = None,
) -> bytes:
    """Write a laid-out *document* as tagged PDF/A-3a bytes with embedded associated files (see :func:`render_pdf`)."""
    _, stylesheets = _engine_resources()
    fetcher = LocalOnlyURLFetcher(_allowed_roots(None))
    when = created or datetime.now(UTC)

    wp_attachments = [
        weasyprint.Attachment(
            url=_attachment_data_url(item),
            url_fetcher=fetcher,
            name=item.filename,
            description=item.description or None,
            relationship=item.relationship,
            # WeasyPrint formats these with a literal "Z": pass UTC.
            created=(item.modified or when).astimezone(UTC),
            modified=(item.modified or when).astimezone(UTC),
        )
        for item in attachments
    ]

    document.metadata.title = title
    document.metadata.lang = lang
    document.metadata.created = _w3c_datetime(when)
    document.metadata.modified = None

    def finisher(_document: Any, pdf: Any) -> None:
        # See docstring: keep Info free of entries pyHanko would desynchronise.
        for key in ("Producer", "ModDate"):
            pdf.info.pop(key, None)
        # WeasyPrint 70 lists each associated file twice in /AF (once from the
        # EmbeddedFiles name tree, once per Filespec); keep one of each.
        if "AF" in pdf.catalog:
            unique = list(dict.fromkeys(pdf.catalog["AF"]))
            pdf.catalog["AF"].clear()
            pdf.catalog["AF"].extend(unique)

    result = document.write_pdf(
        finisher=finisher, stylesheets=stylesheets, attachments=wp_attachments, **_RENDER_OPTIONS
    )
    assert isinstance(result, bytes)
    return result


def render_pdf(
    html: str,
    *,
    base_url: str | None,
    attachments: Sequence[Attachment],
    title: str,
    lang: str,
    created: datetime | None = None,
) -> bytes:
    """Render *html* to tagged PDF/A-3a bytes with embedded associated files.

    - ``base_url``: where relative URLs in *html* resolve. Only ``file://``
      (and ``data:``) resources are fetched; with a ``file://`` base URL its
      directory is allowed in addition to ``static/`` and this package.
      Remote URLs are refused on purpose (see :class:`LocalOnlyURLFetcher`).
    - ``title``/``lang`` override ``<title>``/``<html lang>`` and end up in the
      PDF Info dictionary, the XMP packet (dc:title) and the catalog /Lang.
    - ``created`` (default: now) becomes CreationDate / xmp:CreateDate.

    Tagging follows the HTML: ``p`` → P, ``h1``-``h6`` → H1-H6, ``section`` →
    Sect, lists → L/LI, ``img``/``svg`` → Figure (its ``alt``, or the SVG's
    ``<title>``, becomes /Alt; WeasyPrint logs an error without one), in
    document order. Backgrounds and borders are artifacts, outside the tree.

    The Info dictionary intentionally has no /Producer and no /ModDate: the
    XMP packet carries them, and pyHanko (see sealing.py) rewrites the XMP
    Producer/ModifyDate when sealing. Info entries absent ⇒ nothing that can
    disagree with the XMP after sealing (PDF/A requires them to agree).
    """
    return write_document(
        layout_html(html, base_url=base_url), attachments=attachments, title=title, lang=lang, created=created
    )
