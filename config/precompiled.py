"""Queries that run on every request, compiled to SQL once instead of on every call.

Building a query through the ORM costs more CPU than the database spends answering it when the
query is a primary-key or slug look-up: at UN scale a logged-in page spends ~0.45 ms compiling
`User.objects.get(pk=...)` and the declaration loader ~0.35 ms (docs/performance.md). A
`PrecompiledQuery` asks the ORM for the SQL and the column converters once per thread and
database connection, then only executes it and builds instances with `Model.from_db`, the same
constructor the ORM's own iterator uses, after the same converters (so SQLite's booleans and
datetimes come back as they do through the ORM).

`build` returns the queryset with placeholder values for its parameters; `fetch` takes the real
values in the order the compiled SQL binds them. `wrap` may rewrite the SQL around the model's
columns (e.g. join extra columns, which come back unconverted after the model's own). Only plain
querysets: no select_related, annotations, deferred fields or ordering that needs parameters.

On PostgreSQL the statement is also *prepared* on each connection (psycopg's `prepare=True`, a
server-side-binding cursor on Django's connection): parsing and planning the declaration loader
costs PostgreSQL ~0.9 ms of CPU per execution, more than executing it (~0.3 ms). Django's own
queries stay unprepared (its cursors bind on the client, which never prepares). Preparing is on
when the connection allows it (config/postgresql/base.py sets psycopg's `prepare_threshold`;
`DB_PREPARED_STATEMENTS=0` for a transaction-mode connection pooler that cannot keep prepared
statements). Prepared executions are logged in `connection.queries` like any other query, so
query counts (DEBUG, `django_assert_max_num_queries`) see them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connections
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class _Compiled:
    connection: Any
    sql: str
    compiler: Any
    converters: dict[int, Any]
    attnames: list[str]
    width: int


class PrecompiledQuery[M: Model]:
    def __init__(
        self,
        model: type[M],
        build: Callable[[], QuerySet[M]],
        *,
        wrap: Callable[[str], str] | None = None,
        using: str = "default",
    ) -> None:
        self.model = model
        self.build = build
        self.wrap = wrap
        self.using = using
        self._local = threading.local()

    def _compiled(self) -> _Compiled:
        connection = connections[self.using]
        compiled: _Compiled | None = getattr(self._local, "compiled", None)
        # Per connection object: converters are bound to the backend that compiled them.
        if compiled is None or compiled.connection is not connection:
            compiler = self.build().query.get_compiler(using=self.using)
            sql, _ = compiler.as_sql()
            if compiler.klass_info is None or compiler.annotation_col_map:
                raise ValueError("PrecompiledQuery needs a plain model queryset.")
            columns = [expression for expression, _, _ in compiler.select]
            compiled = _Compiled(
                connection=connection,
                sql=self.wrap(sql) if self.wrap else sql,
                compiler=compiler,
                converters=compiler.get_converters(columns),
                attnames=[expression.target.attname for expression in columns],
                width=len(columns),
            )
            self._local.compiled = compiled
        return compiled

    def fetch_rows(self, params: Sequence[object]) -> list[tuple[M, tuple[Any, ...]]]:
        """Each row as (model instance, the extra columns `wrap` added)."""
        compiled = self._compiled()
        rows = _execute(compiled.connection, compiled.sql, list(params))
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        width = compiled.width
        return [
            (self.model.from_db(self.using, compiled.attnames, row[:width]), tuple(row[width:]))  # type: ignore[arg-type]
            for row in rows
        ]

    def fetch(self, params: Sequence[object]) -> list[M]:
        return [instance for instance, _ in self.fetch_rows(params)]


def _execute(connection: Any, sql: str, params: list[object]) -> list[Any]:
    with connection.cursor() as cursor:  # connects, runs the health check, checks the thread
        pg_connection = getattr(cursor.cursor, "connection", None) if connection.vendor == "postgresql" else None
        if pg_connection is None or getattr(pg_connection, "prepare_threshold", None) is None:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        started = time.monotonic()
        with connection.wrap_database_errors, psycopg.Cursor(pg_connection) as prepared:
            prepared.execute(sql, params, prepare=True)
            rows = prepared.fetchall()
        if connection.queries_logged:
            connection.queries_log.append(
                {"sql": f"EXECUTE (prepared) {sql} -- {params!r}", "time": f"{time.monotonic() - started:.3f}"}
            )
        return rows
