"""Django's PostgreSQL backend; the connection health check is skipped while the connection is busy.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of *every* request on a
persistent connection: one more round trip and ~0.1 ms of CPU on both sides, a noticeable part of
a cached page (docs/performance.md). A connection that answered less than
`DB_HEALTH_CHECK_IDLE_SECONDS` ago (default 5) is taken as healthy; one that sat idle longer is
checked as before. What breaks idle connections (a database restart overnight, an idle timeout of
a firewall or pooler) is still caught before it reaches a request. A connection that breaks while
in steady use fails the request that meets it, and Django closes it at the end of that request
(it does so for any request with a database error), as it would without health checks.

It also lets the few queries that ask for it be prepared (config/precompiled.py): Django opens
connections with psycopg's automatic preparing off (`prepare_threshold=None`), which also refuses
explicit `prepare=True`. With `DB_PREPARED_STATEMENTS` on (the default) the threshold is set so high
that nothing is prepared unless asked; Django's own cursors bind on the client and never prepare.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base

ONLY_WHEN_ASKED = 2**31 - 1


class DatabaseWrapper(base.DatabaseWrapper):
    _accord_checked_at: float | None = None

    def close_if_health_check_failed(self) -> None:
        # Attributes of Django's BaseDatabaseWrapper that django-stubs does not declare.
        state: Any = self
        if self.connection is not None and state.health_check_enabled and not state.health_check_done:
            now = time.monotonic()
            idle = float(getattr(settings, "DB_HEALTH_CHECK_IDLE_SECONDS", 5.0))
            if self._accord_checked_at is not None and now - self._accord_checked_at < idle:
                state.health_check_done = True
            self._accord_checked_at = now
        super().close_if_health_check_failed()

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if getattr(settings, "DB_PREPARED_STATEMENTS", True) and connection.prepare_threshold is None:
            connection.prepare_threshold = ONLY_WHEN_ASKED
        return connection

    def connect(self) -> None:
        super().connect()
        self._accord_checked_at = time.monotonic()
