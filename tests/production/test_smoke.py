"""Production smoke: gunicorn with DEBUG off, WhiteNoise, the worker, PostgreSQL and Redis, in Chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from declarations.demo import MANIFESTO_SLUG

from .conftest import Stack, command_of
from .stack import ROOT

pytestmark = [pytest.mark.production, pytest.mark.browser]

ONE_YEAR = "max-age=315360000"


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "accord-demo")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def _assets(page: Page, url: str) -> list[Response]:
    """Every stylesheet, script and font the page at *url* loads."""
    seen: list[Response] = []

    def keep(response: Response) -> None:
        if response.request.resource_type in {"stylesheet", "script", "font"}:
            seen.append(response)

    page.on("response", keep)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", keep)
    return seen


def test_compose_file_parses_and_runs_what_the_smoke_runs(stack: Stack) -> None:
    """docker-compose.yml parses; init runs before web and worker, both have health checks."""
    services = stack.compose["services"]
    assert services["web"]["depends_on"]["init"]["condition"] == "service_completed_successfully"
    assert services["worker"]["depends_on"]["init"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in services["web"] and "healthcheck" in services["worker"]
    assert "migrate" in " ".join(command_of(stack.compose, "init"))
    docker_compose = shutil.which("docker-compose")
    if docker_compose:  # Debian's docker-compose validates the file without a Docker engine
        env = {"PATH": stack.env["PATH"], "SECRET_KEY": "x", "POSTGRES_PASSWORD": "y", "SITE_URL": "https://a.example"}
        result = subprocess.run(  # noqa: S603
            [docker_compose, "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr


def test_health_checks_pass(stack: Stack) -> None:
    """The compose health checks of web and worker answer healthy against the running stack."""
    for service, extra in (("web", {"PORT": stack.a.rsplit(":", 1)[1]}), ("worker", {})):
        test = stack.compose["services"][service]["healthcheck"]["test"]
        assert test[0] == "CMD"
        result = subprocess.run(  # noqa: S603
            test[1:], cwd=ROOT, env={**stack.env, **extra}, capture_output=True, text=True, check=False, timeout=60
        )
        assert result.returncode == 0, f"{service}: {result.stdout}{result.stderr}"


def test_login_and_every_asset_served_with_cache_headers(stack: Stack, page: Page) -> None:
    """A demo user logs in; every stylesheet, script and font of the login and declaration pages is
    200 from WhiteNoise with a one-year immutable cache header, and compressed where it helps."""
    assets = _assets(page, f"{stack.a}/accounts/login/")
    _login(page, stack.a, "secretariat")
    assets += _assets(page, f"{stack.a}/d/{MANIFESTO_SLUG}/")
    expect(page.locator("h1")).to_contain_text("A manifesto for advancing trustworthy AI")
    kinds = {r.request.resource_type for r in assets}
    assert {"stylesheet", "script"} <= kinds, kinds
    for response in assets:
        assert response.status == 200, response.url
        cache = response.headers.get("cache-control", "")
        assert ONE_YEAR in cache and "immutable" in cache, (response.url, cache)
    css = next(r for r in assets if r.request.resource_type == "stylesheet")
    assert css.headers.get("content-encoding") in {"br", "gzip"}, css.headers


def test_request_log_lines_carry_status_duration_and_id(stack: Stack, page: Page) -> None:
    """Each request is one log line with method, path, status, duration and a request id."""
    response = page.goto(f"{stack.a}/healthz/")
    assert response is not None
    request_id = response.headers["x-request-id"]
    log = (stack.logs / "web-a.log").read_text()
    line = next(line for line in log.splitlines() if request_id in line)
    assert "GET /healthz/ 200" in line and "ms" in line


def test_pdf_export_completes_through_the_worker(stack: Stack, page: Page, tmp_path: Path) -> None:
    """The secretariat asks for a PDF on node A; the worker renders and seals it; node B serves it;
    /verify/ calls it authentic and says the seal is a development seal; its verify link is SITE_URL."""
    _login(page, stack.a, "secretariat")
    page.goto(f"{stack.a}/d/{MANIFESTO_SLUG}/pdf/")
    page.locator("#version-pdf").get_by_role("button", name="Prepare PDF").click()
    expect(page.locator("#job-status")).to_contain_text("Ready", timeout=90_000)
    href = page.locator("#download-pdf").get_attribute("href")
    assert href
    response = page.request.get(f"{stack.b}{href}")  # the other node, same session cookie
    assert response.status == 200
    pdf = tmp_path / "manifesto.pdf"
    pdf.write_bytes(response.body())
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(pdf), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"{stack.a.removeprefix('http://')}/verify/" in text.replace("\n", "")

    page.goto(f"{stack.b}/verify/")
    page.set_input_files("#id_file", str(pdf))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verdict")).to_contain_text("Authentic")
    expect(page.locator(".dev-seal")).to_contain_text("Development seal, not for production")
