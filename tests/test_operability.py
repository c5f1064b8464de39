"""Operable: one log line per request with status, duration and request id; Sentry only when asked."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from config.logging import RequestLogMiddleware

from .production.stack import ROOT, production_env


def _lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "accord.request"]


def test_each_request_is_one_line_with_status_duration_and_id(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    """GET /healthz/ logs "GET /healthz/ 200 <n>ms" once, tagged with the id sent back in X-Request-ID."""
    with caplog.at_level(logging.INFO, logger="accord.request"):
        response = client.get("/healthz/")
    (record,) = _lines(caplog)
    assert record.getMessage().startswith("GET /healthz/ 200 ") and record.getMessage().endswith("ms")
    assert record.request_id == response["X-Request-ID"]  # type: ignore[attr-defined]
    assert len(response["X-Request-ID"]) == 32


def test_a_proxys_request_id_is_kept_and_a_hostile_one_replaced(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """A sane X-Request-ID from the proxy is reused; one with spaces or line breaks is not."""
    with caplog.at_level(logging.INFO, logger="accord.request"):
        kept = client.get("/healthz/", headers={"X-Request-ID": "lb-7f3a9c21"})
        replaced = client.get("/healthz/", headers={"X-Request-ID": "x\nFAKE 200 LINE"})
    assert kept["X-Request-ID"] == "lb-7f3a9c21"
    assert "FAKE" not in replaced["X-Request-ID"]
    assert "FAKE" not in caplog.text


@pytest.mark.django_db
def test_tokens_in_paths_are_masked(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    """A password-reset link's token never reaches the log."""
    with caplog.at_level(logging.INFO, logger="accord.request"):
        client.get("/accounts/reset/MQ/cz4k2g-0123456789abcdef0123456789abcdef/")
    (record,) = _lines(caplog)
    assert "0123456789abcdef" not in record.getMessage()
    assert "/accounts/reset/MQ/***/" in record.getMessage()


def test_an_error_is_logged_as_a_500_line(caplog: pytest.LogCaptureFixture) -> None:
    """A view that raises still produces its request line, with status 500."""

    def broken(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("boom")

    middleware = RequestLogMiddleware(broken)
    with caplog.at_level(logging.INFO, logger="accord.request"), pytest.raises(RuntimeError):
        middleware(RequestFactory().get("/d/x/"))
    (record,) = _lines(caplog)
    assert record.getMessage().startswith("GET /d/x/ 500 ")


def _sentry_active(tmp_path: Any, **extra: str) -> str:
    code = "import django; django.setup(); import sentry_sdk; c = sentry_sdk.get_client(); print(c.is_active(), c.dsn)"
    env = production_env(tmp_path, **extra)
    result = subprocess.run(  # noqa: S603 - our interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_sentry_reports_errors_only_when_a_dsn_is_set(tmp_path: Any) -> None:
    """With SENTRY_DSN the Sentry client is active for that DSN; without it nothing is sent anywhere."""
    dsn = "https://0123456789abcdef@errors.example.invalid/42"
    assert _sentry_active(tmp_path, SENTRY_DSN=dsn) == f"True {dsn}"
    assert _sentry_active(tmp_path).startswith("False")
