"""The declaration page's document body: rendered and compressed once per text, then sent as it is.

At UN scale (400 clauses in six languages) rendering the body takes ~250 ms and yields ~0.4-1 MB
of HTML, so the body is cached. The key is what the body shows:

- the *draft stamp*: the newest history row of sections, clauses and clause texts. Every write
  to them is a history-keeping save (services never use QuerySet.update(), see STYLE.md), so
  any change to the text, the order, a deletion or a drift flag gives a new stamp;
- the reading columns, the user's role (the secretariat's body has editing links), the query the
  links carry along and the interface language.

The body holds nothing that belongs to one request or one user: no CSRF token (the forms that
need one, move/delete/confirm, are fetched per clause, see views.clause_tools), no name. That is
checked when it is rendered. So it is stored once as a raw DEFLATE stream ending in a sync flush,
and a page for a browser that accepts gzip is put together without compressing the body again:

    gzip header | deflate(head, sync flush) | cached body stream | deflate(tail, finish) | CRC-32, size

Each part comes from its own compressor, so no part refers back into another and the pieces join
into one valid DEFLATE stream (RFC 1951: blocks are independent once byte-aligned; a sync flush
ends on a byte boundary with an empty stored block, and only the tail's last block is final).
The CRC-32 of the whole page is combined from the parts: CRC-32 is affine in its initial value,
so the effect of the body on any running CRC is one 32x32 bit matrix computed when the body is
cached. Separate compressors also keep the per-request head (masked CSRF token, user name, the
requested path) out of the body's compression context (BREACH, see docs/security.md).

Two edits committing in the opposite order of their history ids could leave an older body
under the newer stamp: a body rendered while an edit with a lower id was still uncommitted misses
it. So a new body is *provisional* for BODY_GRACE seconds (longer than any edit transaction
runs): the first request after that renders it once more, and that rendering is *confirmed* and
kept (CONFIRMED_TTL, and the cache's size bound). Until 4 Dec 2026 bodies simply expired after 60
s, and every worker re-rendered every view every minute: ~250 ms holding the GIL, which stalled the
worker's other requests (p99 ~400 ms under load). The declaration's creation time is part of the
key too: test databases roll back and SQLite then hands out the same ids again.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.messages import get_messages
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

if TYPE_CHECKING:
    from .models import Declaration

PAGE_TTL = 60  # the top bar (render_shell)
BODY_GRACE = 60.0  # seconds a new body is provisional (see above)
CONFIRMED_TTL = 3600  # a body rendered again after its grace period
BODY_LEVEL = 6
# The head and tail (top bar, footer: ~2 KB) go out as stored DEFLATE blocks, not compressed:
# compressing them cost ~50 µs of CPU per request under load (4 % of the page) to save ~1.2 KB of
# a ~65 KB response, and the head holds the request's CSRF token next to its path and query, which
# a compressor would then share a window with (the BREACH pattern; the token is masked anyway).
HEAD_LEVEL = 0
# Level 0 matches nothing: a small window and hash tables, not ~260 KB of state per request.
HEAD_WBITS = 12
HEAD_MEMLEVEL = 1
# What the body is rendered with as its CSRF token: finding it in the output means a form slipped
# into the shared body, which must not happen (the page would carry a token that is nobody's).
TOKEN_SENTINEL = "accord-no-token-in-shared-bodies-3f9b1c"  # noqa: S105 - not a secret
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime, OS unknown
_ACCEPTS_GZIP = re.compile(r"(?:^|,)\s*(?:gzip|\*)\s*(?:;\s*q\s*=\s*(?P<q>[0-9.]+))?\s*(?=,|$)", re.IGNORECASE)


class SharedBodyError(RuntimeError):
    """A body meant for every reader was rendered with something that belongs to one request."""


def stamp_columns_sql(declaration_pk: str) -> str:
    """The draft stamp's four values as SELECT columns, for the declaration whose id is `declaration_pk`
    (an SQL expression): the newest history id of sections, clauses and clause texts, and the
    declaration's newest version. Each MAX is one step down a primary-key index; the version one
    down the declaration's index."""
    from .models import Clause, ClauseText, DeclarationVersion, Section

    quote = connection.ops.quote_name
    tables = [
        quote(model.history.model._meta.db_table)  # type: ignore[attr-defined]
        for model in (Section, Clause, ClauseText)
    ]
    # Table names come from the models, not from input.
    parts = [f"(SELECT MAX(history_id) FROM {table})" for table in tables]  # noqa: S608
    versions = quote(DeclarationVersion._meta.db_table)
    parts.append(f"(SELECT MAX(id) FROM {versions} WHERE declaration_id = {declaration_pk})")  # noqa: S608
    return ", ".join(parts)


@functools.cache
def _stamp_sql() -> str:
    return "SELECT " + stamp_columns_sql("%s")


STAMP_ATTRIBUTE = "_accord_draft_stamp"


def _format_stamp(values: Sequence[object]) -> str:
    return ".".join(str(value or 0) for value in values)


def remember_stamp(declaration: Declaration, values: Sequence[object]) -> None:
    """Keep the stamp columns (stamp_columns_sql) read together with `declaration` for draft_stamp()."""
    declaration.__dict__[STAMP_ATTRIBUTE] = _format_stamp(values)


def draft_stamp(declaration: Declaration) -> str:
    """Changes with every saved change to any section, clause or clause text, and with every
    version the declaration publishes (the page's header names the latest). One indexed query,
    or none when the loader read it with the declaration (get_declaration_for(..., stamp=True))."""
    # Read before the text itself: a body is then never older than the stamp it is stored under.
    loaded: str | None = declaration.__dict__.get(STAMP_ATTRIBUTE)
    if loaded is not None:
        return loaded
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), [declaration.pk])
        row = cursor.fetchone()
    return _format_stamp(row)


def _crc_operator(length: int) -> tuple[int, ...]:
    """The linear map that appending `length` bytes applies to a running CRC-32, as 32 columns.

    crc32(data, init) == apply(op, init) ^ crc32(data, 0) for any data of that length.
    """
    zeros = bytes(length)
    base = zlib.crc32(zeros, 0)
    return tuple(zlib.crc32(zeros, 1 << bit) ^ base for bit in range(32))


def _apply(operator: tuple[int, ...], crc: int) -> int:
    out, bit = 0, 0
    while crc:
        if crc & 1:
            out ^= operator[bit]
        crc >>= 1
        bit += 1
    return out


@dataclass(frozen=True)
class CachedBody:
    deflated: bytes  # raw DEFLATE, ends with a sync flush (byte-aligned, not final)
    crc: int  # crc32 of the UTF-8 body
    length: int  # bytes of the UTF-8 body
    operator: tuple[int, ...]  # _crc_operator(length)
    extra: dict[str, Any]
    rendered_at: float = 0.0  # time.time() when it was rendered
    confirmed: bool = False  # rendered at least BODY_GRACE after its stamp was first served

    @classmethod
    def build(
        cls, html: str, extra: dict[str, Any], *, rendered_at: float = 0.0, confirmed: bool = False
    ) -> CachedBody:
        data = html.encode()
        compressor = zlib.compressobj(BODY_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        deflated = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
        return cls(deflated, zlib.crc32(data), len(data), _crc_operator(len(data)), extra, rendered_at, confirmed)

    def usable(self, now: float) -> bool:
        return self.confirmed or now - self.rendered_at < BODY_GRACE

    @property
    def html(self) -> SafeString:
        text = zlib.decompressobj(-zlib.MAX_WBITS).decompress(self.deflated).decode()
        return mark_safe(text)  # noqa: S308 - our own rendered template


def document_body(
    *, key_parts: tuple[object, ...], stamp: str, render: Callable[[str], tuple[str, dict[str, Any]]]
) -> CachedBody:
    """The body for `stamp` and `key_parts`, from the cache or from `render(csrf_token)`.

    `render` gets a sentinel to use as the CSRF token and returns the HTML and any small values
    computed along the way that the page needs too (e.g. the table of contents).
    """
    digest = hashlib.sha256(repr((stamp, get_language(), *key_parts)).encode()).hexdigest()
    key = f"declarations:body:{digest}"
    local, shared = caches["pages"], _shared_cache()
    now = time.time()
    body: CachedBody | None = local.get(key)
    if body is not None and body.usable(now):
        return body
    past_grace = body is not None
    if shared is not None:
        # Another process may have rendered it, or confirmed it already.
        found: CachedBody | None = shared.get(key)
        if found is not None and found.usable(now):
            local.set(key, found, CONFIRMED_TTL)
            return found
        past_grace = past_grace or found is not None
    # Not cached, or only a provisional body past its grace period: then this rendering confirms it.
    html, extra = render(TOKEN_SENTINEL)
    if TOKEN_SENTINEL in html:
        raise SharedBodyError("The shared document body contains a form with a CSRF token.")
    body = CachedBody.build(html, extra, rendered_at=now, confirmed=past_grace)
    local.set(key, body, CONFIRMED_TTL)
    if shared is not None:
        shared.set(key, body, CONFIRMED_TTL)
    return body


def _shared_cache() -> BaseCache | None:
    """The cache the web processes share (Redis in production), or None when it is per process too."""
    shared = caches["default"]
    return None if isinstance(shared, LocMemCache) else shared


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client takes gzip (RFC 9110 §12.5.3: a q of 0 means "not acceptable")."""
    header = request.headers.get("Accept-Encoding", "")
    for match in _ACCEPTS_GZIP.finditer(header):
        q = match.group("q")
        try:
            if q is None or float(q) > 0:
                return True
        except ValueError:
            continue
    return False


def gzip_page(head: str, body: CachedBody, tail: str) -> bytes:
    """head + body + tail as one gzip member, compressing only head and tail now."""
    head_bytes, tail_bytes = head.encode(), tail.encode()
    head_compressor = zlib.compressobj(HEAD_LEVEL, zlib.DEFLATED, -HEAD_WBITS, HEAD_MEMLEVEL)
    tail_compressor = zlib.compressobj(HEAD_LEVEL, zlib.DEFLATED, -HEAD_WBITS, HEAD_MEMLEVEL)
    crc = _apply(body.operator, zlib.crc32(head_bytes)) ^ body.crc
    crc = zlib.crc32(tail_bytes, crc)
    size = len(head_bytes) + body.length + len(tail_bytes)
    return b"".join(
        [
            _GZIP_HEADER,
            head_compressor.compress(head_bytes),
            head_compressor.flush(zlib.Z_SYNC_FLUSH),
            body.deflated,
            tail_compressor.compress(tail_bytes),
            tail_compressor.flush(zlib.Z_FINISH),
            struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF),
        ]
    )


def page_response(request: HttpRequest, page: str, marker: str, body: CachedBody) -> HttpResponse:
    """The page rendered around `marker`, with the cached body in its place."""
    head, found, tail = page.partition(marker)
    if not found:
        raise ValueError("The page template did not place the document body.")
    if accepts_gzip(request):
        response = HttpResponse(gzip_page(head, body, tail))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(head + body.html + tail)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


# --- The page around the body ------------------------------------------------------------------
#
# The top bar and footer (base.html) cost more to render than everything else on a cached page.
# What in them belongs to the request is three values: the user's name, the path the language
# switch returns to and the CSRF token. The page is rendered once per interface language, role and
# declaration view with holes in those places, and each request fills them in (escaped as the
# template would). Pending messages are shown once, so a request with messages renders normally.

NAME_HOLE = "accord-hole-name-5d21"
PATH_HOLE = "accord-hole-path-5d21"
TOKEN_HOLE = "accord-hole-token-5d21"  # noqa: S105 - a placeholder, not a secret


class _UserHoles:
    """What base.html reads of the user, with the name left open."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, user: Any) -> None:
        self.is_superuser = bool(user.is_superuser)
        self.username = NAME_HOLE

    def get_full_name(self) -> str:
        return NAME_HOLE


class _RequestHoles:
    def get_full_path(self) -> str:
        return PATH_HOLE


def render_shell(request: HttpRequest, template: str, context: dict[str, Any], *, key_parts: tuple[object, ...]) -> str:
    """`template` rendered for this request; the same text as render_to_string(..., request=request)."""
    user = request.user
    if not user.is_authenticated or len(get_messages(request)):
        return render_to_string(template, context, request=request)
    digest = hashlib.sha256(repr((template, get_language(), user.is_superuser, *key_parts)).encode()).hexdigest()
    key = f"declarations:shell:{digest}"
    local = caches["pages"]
    shell: str | None = local.get(key)
    if shell is None:
        holes = {"user": _UserHoles(user), "request": _RequestHoles(), "csrf_token": TOKEN_HOLE, "messages": ()}
        shell = render_to_string(template, {**context, **holes}, request=request)
        local.set(key, shell, PAGE_TTL)
    name = user.get_full_name() or user.get_username()
    return (
        shell.replace(TOKEN_HOLE, get_token(request))
        .replace(NAME_HOLE, escape(name))
        .replace(PATH_HOLE, escape(request.get_full_path()))
    )
