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
        return self._instances(compiled, _execute(compiled.connection, compiled.sql, list(params)))

    def fetch(self, params: Sequence[object]) -> list[M]:
        return [instance for instance, _ in self.fetch_rows(params)]

    def _instances(self, compiled: _Compiled, rows: list[Any]) -> list[tuple[M, tuple[Any, ...]]]:
        width = compiled.width
        return [(self._instance(compiled, row), tuple(row[width:])) for row in self._converted(compiled, rows)]

    @staticmethod
    def _converted(compiled: _Compiled, rows: list[Any]) -> list[Any]:
        if compiled.converters:
            return list(compiled.compiler.apply_converters(rows, compiled.converters))
        return rows

    def _instance(self, compiled: _Compiled, row: Any) -> M:
        return self.model.from_db(self.using, compiled.attnames, row[: compiled.width])  # type: ignore[arg-type]


class PrecompiledPair[A: Model, B: Model]:
    """Two precompiled queries in one statement (one round trip): each row of `first` with the rows of `second`.

    `SELECT * FROM (first) LEFT JOIN (second) ON 1 = 1`: `first` names at most one row (a look-up
    by primary key, no `wrap`); when it finds none there are no rows, when `second` finds none there
    is one row whose second part is None. Parameters: `first`'s, then `second`'s.
    """

    def __init__(self, first: PrecompiledQuery[A], second: PrecompiledQuery[B]) -> None:
        if first.wrap is not None or first.using != second.using:
            raise ValueError("PrecompiledPair needs a plain first query on the same database.")
        self.first = first
        self.second = second
        self._local = threading.local()

    def fetch(
        self, first_params: Sequence[object], second_params: Sequence[object]
    ) -> list[tuple[A, tuple[B, tuple[Any, ...]] | None]]:
        one, two = self.first._compiled(), self.second._compiled()
        cached: tuple[_Compiled, _Compiled, str] | None = getattr(self._local, "sql", None)
        if cached is None or cached[0] is not one or cached[1] is not two:
            # Both parts are the ORM's own SQL; the values are bound parameters.
            cached = (one, two, f"SELECT * FROM ({one.sql}) first_part LEFT JOIN ({two.sql}) second_part ON 1 = 1")  # noqa: S608
            self._local.sql = cached
        sql = cached[2]
        rows = _execute(one.connection, sql, [*first_params, *second_params])
        if not rows:
            return []
        width = one.width
        # The first part is the same in every row: one instance. The second part's rows differ
        # (e.g. one per grant) but repeat their instance's columns: one instance per primary key.
        [(first, _)] = self.first._instances(one, [rows[0][:width]])
        pk_index = two.attnames.index(self.second.model._meta.pk.attname)  # type: ignore[union-attr]
        instances: dict[Any, B] = {}
        result: list[tuple[A, tuple[B, tuple[Any, ...]] | None]] = []
        for second in self.second._converted(two, [row[width:] for row in rows]):
            key = second[pk_index]
            if key is None:
                result.append((first, None))
                continue
            instance = instances.get(key)
            if instance is None:
                instance = instances[key] = self.second._instance(two, second)
            result.append((first, (instance, tuple(second[two.width :]))))
        return result


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
