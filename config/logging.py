"""One log line per request, and the request's id on every log record written while it runs.

The id comes from the proxy's ``X-Request-ID`` when it sends a sane one (so a line in the proxy's
log and ours can be matched), otherwise it is made here; it is returned in the response header of
the same name, which a user can quote to the secretariat's operators.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
logger = logging.getLogger("accord.request")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _loggable_path(request: HttpRequest) -> str:
    """The path without its query string, with secrets in the path (reset and invitation tokens) masked."""
    match = request.resolver_match
    if match is None or not any("token" in name for name in match.kwargs):
        return request.path
    path = request.path
    for name, value in match.kwargs.items():
        if "token" in name and value:
            path = path.replace(str(value), "***")
    return path


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request) for the log format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            logger.info("%s %s %s %.1fms", request.method, _loggable_path(request), status, duration_ms)
            request_id_var.reset(token)
