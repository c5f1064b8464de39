"""What one request of each page costs inside one process: CPU time and database queries.

Reported next to the load figures (no budget of its own): under wrk the two cores are shared by
gunicorn, PostgreSQL and wrk, so a page's requests/s follow from its CPU per request. The floor is
what every logged-in page pays before it shows anything (session, user, permissions, the content
stamp): the declaration page's 304 is that floor plus an ETag. See docs/performance.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from benchmarks.pages import Page, pages

if TYPE_CHECKING:
    from django.test import Client

BATCHES = 5
PER_BATCH = 10


@dataclass(frozen=True)
class Cost:
    name: str
    cpu_ms: float  # the lowest of BATCHES batches: the least disturbed by the rest of the machine
    queries: int
    status: int


def _client(page: Page) -> Client:
    from django.contrib.auth import get_user_model
    from django.test import Client

    # As a browser asks (compressed), on the address production settings allow.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
    if page.user:
        client.force_login(get_user_model().objects.get(username=page.user))
    return client


def measure(page: Page, *, conditional: bool = False, batches: int = BATCHES) -> Cost:
    from django.db import connection

    client = _client(page)
    first = client.get(page.url)
    headers = {"If-None-Match": first.headers["ETag"]} if conditional and first.has_header("ETag") else {}
    for _ in range(3):  # warm: templates compiled, cached bodies made
        client.get(page.url, headers=headers)
    queries = 0

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(page.url, headers=headers).status_code
    per_request = []
    for _ in range(batches):
        started = time.process_time()
        for _ in range(PER_BATCH):
            client.get(page.url, headers=headers)
        per_request.append((time.process_time() - started) / PER_BATCH * 1000)
    name = f"{page.name}, repeat view (304)" if headers else page.name
    return Cost(name, min(per_request), queries, status)


def page_costs(*, quick: bool = False) -> list[Cost]:
    """Every budgeted page, and the declaration page's 304 (the floor of a logged-in page)."""
    batches = 2 if quick else BATCHES
    measured = [page for page in pages() if page.budgeted]
    costs = [measure(page, batches=batches) for page in measured]
    declaration = next(page for page in measured if page.ratio_budget)
    costs.append(measure(declaration, conditional=True, batches=batches))
    return costs
