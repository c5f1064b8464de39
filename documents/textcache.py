"""Text pages of a submission PDF, laid out and drawn once, reused for every signature set.

A submission PDF is the version's text (title page + ~100 pages at UN scale) followed by the
signature pages and the certificate. The text pages only depend on the text and on how it is
printed (languages, layout, title-page fields: see `compose.text_context`), not on who signed;
laying them out and drawing them is nearly all the cost of the PDF (WeasyPrint: ~25 s of CPU for
400 clauses in two languages on the benchmark machine), so they are done once per text:

1. the text part (`declaration.html` with `part="text"`) is laid out alone and each page's body
   (everything but the margin boxes: running header, "Page X of Y", reference) is *drawn* into a
   recording — the PDF content-stream operators and the glyphs it uses from each font;
2. the signature part (`part="signatures"`) starts with one empty placeholder page per text page,
   so WeasyPrint numbers every page, counts the total and carries the running strings itself;
3. `combine` puts each recording under the placeholder's margin boxes (`ComposedPage`), and the
   combined `Document` is written as one PDF: one font subset per face with the glyphs of both
   parts, bookmarks and links of the text pages kept, PDF/A metadata and attachments as before.
   A text page's body is kept compressed, as the content stream it becomes: the page's
   `/Contents` is an array (ISO 32000-1 §7.8.2), the placeholder's own stream (margin boxes)
   followed by the recorded body, so writing does not serialise and deflate it again
   (`add_recorded_contents`, called by `rendering.write_document` before the file is written).

Recordings are kept in a small per-thread LRU (`ACCORD_PDF_TEXT_CACHE_SIZE` entries, default 2):
they hold WeasyPrint font objects tied to the thread's FontConfiguration
(`rendering._engine_resources`), which must not be shared between threads. The key is a SHA-256
over every value the text part's template reads (`compose.text_context`), the template and
stylesheet sources and the WeasyPrint version, so a different text, title page, language, layout
or label can never reuse another text's pages.

This relies on WeasyPrint internals (`Page._page_box`, `pdf.stream.Stream`, `pdf.fonts.Font`,
`draw.draw_page`), checked against the pinned version (`SUPPORTED_WEASYPRINT`); with another
version, or a page that draws anything but text, borders and solid colours (images, patterns,
transparency groups, missing glyphs), `record` raises `NotReplayable` and the caller renders the
whole document in one pass instead.
"""

from __future__ import annotations

import copy
import re
import sys
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import pydyf
import weasyprint
from django.conf import settings
from weasyprint.draw import draw_page
from weasyprint.formatting_structure import boxes
from weasyprint.pdf.stream import Stream

SUPPORTED_WEASYPRINT: Final = "70.0"
DEFAULT_CACHE_SIZE: Final = 2
# Alpha states (`a1`, `A0.5`) are named after their value; other ExtGStates are numbered in
# drawing order and could not be merged into another document's resources.
_ALPHA_STATE_RE: Final = re.compile(r"^[aA][0-9.]+$")


class NotReplayable(Exception):
    """The text pages draw something a recording cannot carry into another document."""


# WeasyPrint draws at zoom 1: CSS pixels to PDF points (`pdf.generate_pdf`, `scale = zoom * 0.75`).
RECORDED_SCALE: Final = 0.75


@dataclass(frozen=True)
class PageRecording:
    """One text page's body as a compressed content stream, plus what the page links to."""

    # FlateDecode data of "q <scale> cm q <the body's operators> Q Q": drawn after the
    # placeholder's margin boxes, as `ComposedPage` used to append the operators to its stream.
    deflated: bytes
    bookmarks: list[Any]
    links: list[Any]
    anchors: dict[str, Any]


def _content_stream(content: tuple[Any, ...]) -> bytes:
    """The operators as pydyf writes a content stream, inside the page's scale, compressed as pydyf does."""
    scale = pydyf.Stream()
    scale.push_state()
    scale.set_matrix(RECORDED_SCALE, 0, 0, RECORDED_SCALE, 0, 0)
    scale.push_state()
    raw = b"\n".join(pydyf._to_bytes(item) for item in (*scale.stream, *content, b"Q", b"Q"))
    compressor = zlib.compressobj(level=9)
    return compressor.compress(raw) + compressor.flush()


@dataclass
class TextPages:
    key: str
    pages: list[PageRecording]
    # WeasyPrint `pdf.fonts.Font` objects by font key, with the glyphs (widths, ToUnicode) the
    # text pages use. Never written themselves: each combined document gets fresh copies.
    fonts: dict[Any, Any]
    ext_gstates: dict[str, Any]
    content_bytes: int = field(default=0)


def _check_version() -> None:
    if weasyprint.__version__ != SUPPORTED_WEASYPRINT:
        raise NotReplayable(f"WeasyPrint {weasyprint.__version__}, recordings checked with {SUPPORTED_WEASYPRINT}")


def _body_box(page: weasyprint.Page) -> Any:
    page_box = page._page_box
    return page_box.copy_with_children([c for c in page_box.children if not isinstance(c, boxes.MarginBox)])


def record(key: str, document: weasyprint.Document) -> TextPages:
    """Draw the body of every page of *document* into recordings (margin boxes left out)."""
    _check_version()
    fonts: dict[Any, Any] = {}
    resources = pydyf.Dictionary(
        {
            "ExtGState": pydyf.Dictionary(),
            "XObject": pydyf.Dictionary(),
            "Pattern": pydyf.Dictionary(),
            "Shading": pydyf.Dictionary(),
            "ColorSpace": None,
        }
    )
    images: dict[str, Any] = {}
    pages = []
    size = 0
    for page in document.pages:
        stream = Stream(
            fonts,
            (0, 0, page.width, page.height),
            resources,
            images,
            None,
            document.color_profiles,
            document.output_intent,
            compress=False,
        )
        draw_page(_body_box(page), stream)
        deflated = _content_stream(tuple(stream.stream))
        size += len(deflated)
        pages.append(PageRecording(deflated, list(page.bookmarks), list(page.links), dict(page.anchors)))
    if images or resources["XObject"] or resources["Pattern"] or resources["Shading"]:
        raise NotReplayable("text pages draw images, patterns, shadings or groups")
    if any(not _ALPHA_STATE_RE.match(name) for name in resources["ExtGState"]):
        raise NotReplayable("text pages use graphics states other than plain alpha")
    for font in fonts.values():
        if font.missing or font.used_in_forms or font.bitmap or font.png or font.svg or font.colr:
            raise NotReplayable(f"font {font.family!r}: missing glyphs, forms or colour glyphs")
    return TextPages(key, pages, fonts, dict(resources["ExtGState"]), size)


def _merge_fonts(text: TextPages, stream: Stream) -> None:
    """Add the text pages' fonts and glyphs to the document being written (first use wins)."""
    target_fonts = stream._fonts
    for key, font in text.fonts.items():
        target = target_fonts.get(key)
        if target is None:
            # Fresh copy: writing subsets the font in place (file_content) and the live part
            # adds its own glyphs; the recorded Font must stay as it is for the next document.
            target = copy.copy(font)
            target.widths, target.to_unicode, target.missing = {}, {}, {}
            target_fonts[key] = target
        for glyph, width in font.widths.items():
            target.widths.setdefault(glyph, width)
        for glyph, text_value in font.to_unicode.items():
            target.to_unicode.setdefault(glyph, text_value)
    states = stream._resources["ExtGState"]
    for name, state in text.ext_gstates.items():
        states.setdefault(name, pydyf.Dictionary(dict(state)))


class ComposedPage(weasyprint.Page):
    """A placeholder page of the signature part (margin boxes) over a recorded text page body."""

    def __init__(self, overlay: weasyprint.Page, text: TextPages, index: int) -> None:
        # Not Page.__init__: the overlay page is already laid out; take its geometry and add
        # the text page's bookmarks, links and anchors.
        self.__dict__.update(overlay.__dict__)
        body = text.pages[index]
        self.bookmarks = [*body.bookmarks, *overlay.bookmarks]
        self.links = [*body.links, *overlay.links]
        self.anchors = {**overlay.anchors, **body.anchors}
        self._text = text
        self._index = index

    def paint(self, stream: Stream, scale: float = 1) -> None:
        if scale != RECORDED_SCALE:
            raise NotReplayable(f"drawn at scale {scale}, recorded at {RECORDED_SCALE}")
        with stream.stacked():
            stream.transform(a=scale, d=scale)
            # Page background (none), margin boxes and the empty placeholder; the text body
            # follows in its own content stream (add_recorded_contents).
            draw_page(self._page_box, stream)
            if self._index == 0:
                _merge_fonts(self._text, stream)

    def recorded_contents(self) -> bytes:
        return self._text.pages[self._index].deflated


def add_recorded_contents(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """After each composed page's own content stream, its text body's recorded stream."""
    by_number = {obj.number: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)}
    kids = pdf.pages["Kids"]  # pydyf lists each page as three items: number, 0, "R"
    numbers = kids[0::3]
    if len(kids) != 3 * len(document.pages) or any(by_number.get(n, {}).get("Type") != "/Page" for n in numbers):
        raise NotReplayable(f"the PDF's page tree does not list the document's {len(document.pages)} pages")
    for page, number in zip(document.pages, numbers, strict=True):
        if isinstance(page, ComposedPage):
            body = pydyf.Stream([page.recorded_contents()], pydyf.Dictionary({"Filter": "/FlateDecode"}))
            pdf.add_object(body)
            pdf_page = by_number[number]
            pdf_page["Contents"] = pydyf.Array([pdf_page["Contents"], body.reference])


def _is_signature_start(box: Any) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "signature-pages" in (element.get("class") or "").split()


def combine(text: TextPages, signature_part: weasyprint.Document) -> weasyprint.Document:
    """The text pages followed by the signature part, which starts with one placeholder per text page."""
    count = len(text.pages)
    starts = [
        index
        for index, page in enumerate(signature_part.pages)
        if any(_is_signature_start(box) for box in page._page_box.descendants())
    ]
    if not starts or starts[0] != count:
        raise NotReplayable(f"signature part starts on page {starts[:1]}, expected {count} placeholders first")
    pages: list[weasyprint.Page] = [ComposedPage(signature_part.pages[i], text, i) for i in range(count)]
    pages.extend(signature_part.pages[count:])
    return signature_part.copy(pages)


# ------------------------------------------------------------------------------- cache ---

_local = threading.local()


@dataclass
class CacheInfo:
    hits: int = 0
    misses: int = 0


def _cache() -> tuple[OrderedDict[str, TextPages], CacheInfo]:
    cache: tuple[OrderedDict[str, TextPages], CacheInfo] | None = getattr(_local, "cache", None)
    if cache is None:
        cache = (OrderedDict(), CacheInfo())
        _local.cache = cache
    return cache


def cache_size() -> int:
    return max(0, int(getattr(settings, "ACCORD_PDF_TEXT_CACHE_SIZE", DEFAULT_CACHE_SIZE)))


def text_pages(key: str, layout: Callable[[], weasyprint.Document]) -> TextPages:
    """The recorded text pages for *key*, laid out and drawn by *layout* on a miss."""
    entries, info = _cache()
    found = entries.get(key)
    if found is not None:
        entries.move_to_end(key)
        info.hits += 1
        return found
    info.misses += 1
    text = record(key, layout())
    limit = cache_size()
    if limit:
        entries[key] = text
        while len(entries) > limit:
            entries.popitem(last=False)
    return text


def cache_info() -> tuple[int, int, list[str]]:
    """(hits, misses, keys from least to most recently used) of this thread's cache."""
    entries, info = _cache()
    return info.hits, info.misses, list(entries)


def clear_cache() -> None:
    _local.cache = (OrderedDict(), CacheInfo())


def entry_size(text: TextPages) -> int:
    """Approximate bytes held by one cache entry (content streams, font data, glyph maps)."""
    fonts = sum(
        sys.getsizeof(font.file_content) + 64 * (len(font.widths) + len(font.to_unicode))
        for font in text.fonts.values()
    )
    return text.content_bytes + fonts
