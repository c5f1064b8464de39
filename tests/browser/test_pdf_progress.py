"""Journey: the secretariat asks for a PDF and watches its steps on a page that updates itself while
the task worker (`manage.py db_worker`, as `make run` and production run it) makes the PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from declarations.demo import MANIFESTO_SLUG
from documents.models import ExportJob
from documents.sealing import generate_dev_certificate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEPS = ["queued", "rendering", "sealing", "ready"]

# Records the status of every #job-status element htmx swaps in, and marks the window: a page
# reload would lose both.
WATCH = """() => {
  window.accordSeen = [document.querySelector('#job-status').dataset.status];
  const parent = document.querySelector('#job-status').parentElement;
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.id === 'job-status') window.accordSeen.push(node.dataset.status);
      }
    }
  }).observe(parent, {childList: true});
}"""


@pytest.fixture
def worker_queue(settings: Any, tmp_path: Path) -> None:
    """Tasks go to the database queue (no request renders), and a seal is installed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    key, cert = generate_dev_certificate(tmp_path / "seal")
    settings.ACCORD_SEAL_KEY_FILE, settings.ACCORD_SEAL_CERT_FILE = str(key), str(cert)
    settings.ACCORD_SEAL_PKCS12_FILE = None


def test_the_export_page_follows_the_worker_to_ready(
    login: Callable[[str], Page], demo_live: Any, worker_queue: None, tmp_path: Path
) -> None:
    """Queued while no worker runs; the worker renders and seals; the page, never reloaded, ends on Ready."""
    page = login("secretariat")
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/pdf/")
    page.locator("#version-pdf").get_by_role("button", name="Prepare PDF").click()

    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-status", "queued")
    expect(status.locator("[aria-current=step]")).to_contain_text("Queued")
    expect(status).to_have_attribute("hx-trigger", "every 2s")
    # Still queued after two polls: the request did not render, and nothing does until a worker runs.
    page.wait_for_timeout(4500)
    expect(status).to_have_attribute("data-status", "queued")
    assert ExportJob.objects.get().status == ExportJob.Status.QUEUED
    page.evaluate(WATCH)

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0")

    expect(page.locator("#download-pdf")).to_be_visible(timeout=20_000)
    expect(status).to_have_attribute("data-status", "ready")
    expect(status.locator(".job-step.step-done")).to_have_count(4)
    expect(status).not_to_have_attribute("hx-trigger", re.compile(".*"))
    seen = page.evaluate("window.accordSeen")
    assert seen[0] == "queued" and seen[-1] == "ready", seen
    assert [STEPS.index(s) for s in seen] == sorted(STEPS.index(s) for s in seen), f"steps out of order: {seen}"
    page.screenshot(path=str(tmp_path / "ready.png"), full_page=True)
