"""The declaration page's document body: rendered once per text, served from the cache after that.

At UN scale (400 clauses, the secretariat's editing tools on each) rendering the body takes
~250 ms and yields ~1 MB of HTML, so the page is cached. The key is what the body shows:

- the *draft stamp*: the newest history row of sections, clauses and clause texts. Every write
  to them is a history-keeping save (services never use QuerySet.update(), see STYLE.md), so
  any change to the text, the order, a deletion or a drift flag gives a new stamp;
- the reading columns, the user's role (the secretariat's body has editing tools), the query the
  tools carry along and the interface language.

The body is stored with a placeholder where each form's CSRF token goes and the token of the
request is put in on the way out, so one rendering serves every user with the same role.
Two edits committing in the opposite order of their history ids could leave an older body
under the newer stamp; entries therefore live only PAGE_TTL seconds. The declaration's creation
time is part of the key too: test databases roll back and SQLite then hands out the same ids again.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

PAGE_TTL = 60
CSRF_PLACEHOLDER = "accord-csrf-placeholder-3f9b1c"


def draft_stamp() -> str:
    """Changes with every saved change to any section, clause or clause text (one indexed query)."""
    from .models import Clause, ClauseText, Section

    tables = [
        connection.ops.quote_name(model.history.model._meta.db_table)  # type: ignore[attr-defined]
        for model in (Section, Clause, ClauseText)
    ]
    # Read before the text itself: a body is then never older than the stamp it is stored under.
    # Each MAX is one step down a primary-key index. Table names come from the models, not from input.
    sql = "SELECT " + ", ".join(f"(SELECT MAX(history_id) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return ".".join(str(value or 0) for value in row)


@dataclass
class CachedBody:
    html: SafeString
    extra: dict[str, Any]


def document_body(
    request: HttpRequest,
    *,
    key_parts: tuple[object, ...],
    render: Callable[[str], tuple[str, dict[str, Any]]],
) -> CachedBody:
    """The rendered body for `key_parts`, from the cache or from `render(csrf_token)`.

    `render` gets the placeholder to use as the CSRF token and returns the HTML and any small
    values computed along the way that the page needs too (e.g. the table of contents).
    """
    digest = hashlib.sha256(repr((draft_stamp(), get_language(), *key_parts)).encode()).hexdigest()
    key = f"declarations:body:{digest}"
    entry = cache.get(key)
    if entry is None:
        html, extra = render(CSRF_PLACEHOLDER)
        # Compressed: ~1 MB of repetitive HTML becomes ~100 KB, so many variants fit in memory.
        entry = (zlib.compress(html.encode(), 1), extra)
        cache.set(key, entry, PAGE_TTL)
    compressed, extra = entry
    html = zlib.decompress(compressed).decode().replace(CSRF_PLACEHOLDER, get_token(request))
    return CachedBody(html=mark_safe(html), extra=extra)  # noqa: S308 - our own rendered template
