"""Cached page bodies and conditional GET for the declaration pages, keyed in one place.

A cached body is stored under `page_key()`, the only function that makes these keys. The key holds
everything a body can depend on besides what the request chose to show:

- the content stamp (`draft_stamp()`, or the content hashes of published versions), read before the
  text, so a body is never older than the stamp it is stored under;
- the reader's permissions on the declaration (all their codenames, not a role flag: a template that
  branches on a new permission still never serves one reader's body to another);
- the declaration row (title, status, languages change `updated_at`), the interface language and
  time zone.

Bodies hold nothing personal (no name, no CSRF token: htmx sends the token from a header set
in base.html, which is rendered per request). Two edits committing in the opposite order of their
history ids could leave a body without the first edit under the second one's stamp; bodies
therefore expire after BODY_TTL, which bounds that (rare) staleness.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language
from simple_history.utils import get_history_model_for_model

from config.auth_types import AnyUser

from .models import Clause, ClauseText, Declaration, DeclarationVersion, Section
from .permissions import declaration_perms

BODY_TTL = 300
# A text at its own content-addressed URL never changes: browsers may keep it for a year.
IMMUTABLE_MAX_AGE = 365 * 24 * 3600


@functools.cache
def history_model(model: Any) -> Any:
    """The historical model of `model`, looked up once: `model.history` builds a new manager class on
    every access, a quarter of `draft_stamp()`'s time per request (pyinstrument)."""
    return get_history_model_for_model(model)


def newest_history(model: Any) -> Subquery:
    """The id of the newest history row of `model`, as a subquery for a content stamp."""
    return Subquery(history_model(model).objects.order_by("-history_id").values("history_id")[:1])


def content_stamp(row: QuerySet[Any], *models: Any, **newest: Subquery) -> str:
    """A content stamp, read in one query on the one row of `row`: the newest history id of each of
    `models` (every save of theirs writes a history row, STYLE.md) and the value of each of `newest`
    (e.g. the newest version id). "" when the row is gone."""
    subqueries = {f"newest_{index}": newest_history(model) for index, model in enumerate(models)} | newest
    values = row.annotate(**subqueries).values_list(*subqueries).first()
    return ".".join(str(value or 0) for value in values) if values else ""


def newest_version(declaration: str = "pk") -> Subquery:
    """The id of the declaration's newest version (versions are only added); `declaration` names the
    outer query's field that holds the declaration."""
    versions = DeclarationVersion.objects.filter(declaration=OuterRef(declaration)).order_by("-id")
    return Subquery(versions.values("id")[:1])


def draft_stamp(declaration: Declaration) -> str:
    """Changes with every saved change to a section, clause or clause text and with every version the
    declaration publishes. One query."""
    row = Declaration.objects.filter(pk=declaration.pk)
    return content_stamp(row, Section, Clause, ClauseText, newest_version=newest_version())


def page_key(name: str, declaration: Declaration, user: AnyUser, *, stamp: str, shown: dict[str, Any]) -> str:
    """The cache key of a page body: see the module docstring for what it holds and why."""
    parts = {
        "page": name,
        "declaration": [declaration.pk, declaration.created_at, declaration.updated_at],
        "stamp": stamp,
        "perms": sorted(declaration_perms(user, declaration)),
        "ui": [get_language(), timezone.get_current_timezone_name()],
        "shown": shown,
    }
    return _digest_key(name, parts)


def data_key(name: str, *, stamp: str, shown: dict[str, Any]) -> str:
    """The cache key of data (not HTML) read across declarations: `shown` names what was read (which
    declarations), `stamp` when it last changed. The caller checks permissions before it reads."""
    return _digest_key(name, {"data": name, "stamp": stamp, "shown": shown})


def _digest_key(name: str, parts: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"declarations:{name}:{digest}"


def key_digest(key: str) -> str:
    """The part of a `page_key()` that names the content: used in the address of a body of its own."""
    return key.rsplit(":", 1)[1]


def cached_body[T](key: str, render: Callable[[], T]) -> T:
    """What `render()` returns, from the cache when a request before this one made it (under `page_key()`)."""
    return cast("T", cache.get_or_set(key, render, BODY_TTL))


def page_etag(request: HttpRequest, key: str) -> str | None:
    """The ETag of a page made of the body under `key` and the per-request top bar.

    The top bar shows the user's name and carries their CSRF token (its secret changes at login), so
    both are part of it. A request with pending messages gets no ETag: it must render them.
    """
    if len(get_messages(request)):
        return None
    user = request.user
    name = user.get_full_name() if user.is_authenticated else ""
    get_token(request)  # makes the CSRF secret now if the browser has none yet, as the page would
    secret = request.META.get("CSRF_COOKIE", "")
    return hashlib.sha256(f"{key}|{user.pk}|{name}|{secret}".encode()).hexdigest()
