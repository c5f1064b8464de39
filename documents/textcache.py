"""Text pages of a submission PDF, laid out and drawn once, reused for every signature set.

A submission PDF is the version's text (title page + ~100 pages at UN scale) followed by the
signature pages and the certificate. The text pages only depend on the text and on how it is
printed (languages, layout, title-page fields: see `compose.text_context`), not on who signed;
laying them out and drawing them is nearly all the cost of the PDF (WeasyPrint: ~25 s of CPU for
400 clauses in two languages on the benchmark machine), so they are done once per text:

1. the text part (`declaration.html` with `part="text"`) is laid out alone and each page's body
   (everything but the margin boxes: running header, "Page X of Y", reference) is *drawn* into a
   recording — the PDF content-stream operators, kept compressed as the content stream they
   become, and the glyphs they use from each font;
2. the signature part (`part="signatures"`: signature pages and certificate) is laid out alone,
   without margin boxes (`@page body-only`);
3. the *frame* (`part="frame"`) is one empty page per page of the whole document, text and
   signature part (the first sets the running strings as the title page does), so WeasyPrint
   numbers every page, counts "of N" and draws the running header and footer itself; it is
   recorded whole, once per text and page count (a new count comes every few signatures);
4. `combine` makes each text page of its frame page and its recorded body (`TextPage`), and each
   signature page of its live drawing and its frame page (`SignaturePage`); the combined
   `Document` is written as one PDF: one font subset per face with the glyphs of all parts,
   bookmarks and links of the text pages kept, PDF/A metadata and attachments as before. A page's
   `/Contents` is an array (ISO 32000-1 §7.8.2): its live stream, then the recorded ones, added by
   `add_recorded_contents` (called by `rendering.write_document` before the file is written), so
   writing neither serialises nor deflates a recording again.

Recordings are kept in a small per-thread LRU (`ACCORD_PDF_TEXT_CACHE_SIZE` texts, default 2, and
twice as many frames):
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
    """One recorded page (a text page's body, or a frame page) as a compressed content stream,
    plus what the page links to."""

    # FlateDecode data of "q <scale> cm q <the operators> Q Q": a further content stream of the
    # page, drawn in the page's coordinates as `Page.paint` draws its own box.
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


def record(key: str, document: weasyprint.Document, *, margins: bool = False) -> TextPages:
    """Draw every page of *document* into recordings: the bodies (text pages) or, with
    *margins*, the whole pages (a frame: pages that hold nothing but their margin boxes)."""
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
        draw_page(page._page_box if margins else _body_box(page), stream)
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


class _Composed(weasyprint.Page):
    """A page of a composed document: content streams recorded earlier follow its own."""

    _layers: tuple[bytes, ...] = ()

    def paint(self, stream: Stream, scale: float = 1) -> None:
        # Draws nothing itself: the recordings were made at one scale and can only be used at it.
        if scale != RECORDED_SCALE:
            raise NotReplayable(f"drawn at scale {scale}, recorded at {RECORDED_SCALE}")

    def recorded_layers(self) -> tuple[bytes, ...]:
        return self._layers


class TextPage(_Composed):
    """A text page: nothing drawn live; its frame (margin boxes) and its body come from recordings."""

    def __init__(self, geometry: weasyprint.Page, frame: TextPages, text: TextPages, index: int) -> None:
        # Not Page.__init__: nothing is laid out for this page now. The geometry is a page of
        # the same document (every page is the same size) and the rest is the recording's.
        self.__dict__.update(geometry.__dict__)
        body = text.pages[index]
        self.bookmarks = list(body.bookmarks)
        self.links = list(body.links)
        self.anchors = dict(body.anchors)
        self.forms: dict[Any, list[Any]] = {None: []}
        self._layers = (frame.pages[index].deflated, body.deflated)
        self._merge: tuple[TextPages, ...] = ()

    def paint(self, stream: Stream, scale: float = 1) -> None:
        super().paint(stream, scale)
        for recorded in self._merge:
            _merge_fonts(recorded, stream)


class SignaturePage(_Composed):
    """A page of the signature part, drawn live, with its frame (margin boxes) from the recording."""

    def __init__(self, live: weasyprint.Page, frame: TextPages, index: int) -> None:
        self.__dict__.update(live.__dict__)
        self._layers = (frame.pages[index].deflated,)

    def paint(self, stream: Stream, scale: float = 1) -> None:
        super().paint(stream, scale)
        weasyprint.Page.paint(self, stream, scale)


def add_recorded_contents(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """After each composed page's own content stream, its recorded ones (frame, text body)."""
    by_number = {obj.number: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)}
    kids = pdf.pages["Kids"]  # pydyf lists each page as three items: number, 0, "R"
    numbers = kids[0::3]
    if len(kids) != 3 * len(document.pages) or any(by_number.get(n, {}).get("Type") != "/Page" for n in numbers):
        raise NotReplayable(f"the PDF's page tree does not list the document's {len(document.pages)} pages")
    for page, number in zip(document.pages, numbers, strict=True):
        if isinstance(page, _Composed):
            pdf_page = by_number[number]
            contents = [pdf_page["Contents"]]
            for layer in page.recorded_layers():
                stream = pydyf.Stream([layer], pydyf.Dictionary({"Filter": "/FlateDecode"}))
                pdf.add_object(stream)
                contents.append(stream.reference)
            pdf_page["Contents"] = pydyf.Array(contents)


def _is_signature_start(box: Any) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "signature-pages" in (element.get("class") or "").split()


def combine(text: TextPages, frame: TextPages, signature_part: weasyprint.Document) -> weasyprint.Document:
    """The text pages, then the signature part's, each under its page of the frame."""
    count = len(text.pages)
    pages = signature_part.pages
    if not pages or not any(_is_signature_start(box) for box in pages[0]._page_box.descendants()):
        raise NotReplayable("the signature part does not start with the signature pages")
    if len(frame.pages) != count + len(pages):
        raise NotReplayable(f"a frame of {len(frame.pages)} pages for {count} + {len(pages)} pages")
    text_pages = [TextPage(pages[0], frame, text, index) for index in range(count)]
    # Their fonts and glyphs join the document's when the first page is painted, before any is written.
    text_pages[0]._merge = (text, frame)
    combined: list[weasyprint.Page] = [*text_pages]
    combined.extend(SignaturePage(page, frame, count + index) for index, page in enumerate(pages))
    return signature_part.copy(combined)


# ------------------------------------------------------------------------------- cache ---

_local = threading.local()


@dataclass
class CacheInfo:
    hits: int = 0
    misses: int = 0


def _cache(name: str = "cache") -> tuple[OrderedDict[str, TextPages], CacheInfo]:
    cache: tuple[OrderedDict[str, TextPages], CacheInfo] | None = getattr(_local, name, None)
    if cache is None:
        cache = (OrderedDict(), CacheInfo())
        setattr(_local, name, cache)
    return cache


def cache_size() -> int:
    return max(0, int(getattr(settings, "ACCORD_PDF_TEXT_CACHE_SIZE", DEFAULT_CACHE_SIZE)))


def _cached(name: str, key: str, limit: int, make: Callable[[], TextPages]) -> TextPages:
    entries, info = _cache(name)
    found = entries.get(key)
    if found is not None:
        entries.move_to_end(key)
        info.hits += 1
        return found
    info.misses += 1
    made = make()
    if limit:
        entries[key] = made
        while len(entries) > limit:
            entries.popitem(last=False)
    return made


def text_pages(key: str, layout: Callable[[], weasyprint.Document]) -> TextPages:
    """The recorded text pages for *key*, laid out and drawn by *layout* on a miss."""
    return _cached("cache", key, cache_size(), lambda: record(key, layout()))


def frame_pages(key: str, total: int, layout: Callable[[], weasyprint.Document]) -> TextPages:
    """The recorded frame (running header, "Page X of *total*", reference) of *total* pages for
    the text *key*, laid out and drawn by *layout* on a miss. A text has a frame per page count:
    twice as many entries as texts are kept."""
    frame_key = f"{key}:{total}"
    return _cached("frames", frame_key, 2 * cache_size(), lambda: record(frame_key, layout(), margins=True))


def cache_info() -> tuple[int, int, list[str]]:
    """(hits, misses, keys from least to most recently used) of this thread's text page cache."""
    entries, info = _cache()
    return info.hits, info.misses, list(entries)


def frame_cache_info() -> tuple[int, int, list[str]]:
    """The same for the frames."""
    entries, info = _cache("frames")
    return info.hits, info.misses, list(entries)


def clear_cache() -> None:
    _local.cache = (OrderedDict(), CacheInfo())
    clear_frames()


def clear_frames() -> None:
    _local.frames = (OrderedDict(), CacheInfo())


def entry_size(text: TextPages) -> int:
    """Approximate bytes held by one cache entry (content streams, font data, glyph maps)."""
    fonts = sum(
        sys.getsizeof(font.file_content) + 64 * (len(font.widths) + len(font.to_unicode))
        for font in text.fonts.values()
    )
    return text.content_bytes + fonts
