"""A PDF export shows its steps — queued, rendering, sealing, ready — and no request renders it:
the worker does, in development as in production."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from config.preflight import Report, _check_tasks
from declarations.models import Declaration
from documents import services
from documents.models import ExportJob, Kind, Layout

from .helpers import user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _job(demo: Declaration, **fields: Any) -> ExportJob:
    """Kyoto's reviewer's English PDF of version 1."""
    defaults: dict[str, Any] = {
        "declaration": demo,
        "version": demo.versions.get(),
        "kind": Kind.DRAFT,
        "languages": ["en"],
        "layout": Layout.SINGLE,
        "requested_by": user("kyoto.reviewer"),
    }
    return ExportJob.objects.create(**{**defaults, **fields})


@pytest.fixture
def statuses() -> Any:
    """Every status an ExportJob is saved with, in order."""
    seen: list[str] = []

    def record(sender: Any, instance: ExportJob, **kwargs: Any) -> None:
        seen.append(instance.status)

    post_save.connect(record, sender=ExportJob)
    yield seen
    post_save.disconnect(record, sender=ExportJob)


def _request(demo: Declaration, capture: Any) -> ExportJob:
    with capture(execute=True):
        job = services.export_request(
            declaration=demo,
            version=demo.versions.get(),
            kind=Kind.DRAFT,
            languages=["en", "ko"],
            layout=None,
            by=user("kyoto.reviewer"),
        )
    job.refresh_from_db()
    return job


def test_the_worker_takes_a_job_through_rendering_and_sealing_to_ready(
    demo: Declaration, statuses: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    """Each step is committed on its own as the task runs: queued, rendering, sealing, ready."""
    job = _request(demo, django_capture_on_commit_callbacks)
    assert statuses == ["queued", "rendering", "sealing", "ready"]
    assert job.status == ExportJob.Status.READY and job.document is not None
    assert [state for _, state in job.steps()] == ["done", "done", "done", "done"]


def test_a_seal_that_cannot_be_loaded_fails_the_job_at_the_sealing_step(
    demo: Declaration, statuses: list[str], django_capture_on_commit_callbacks: Any, settings: Any, user_client: Any
) -> None:
    """The PDF is typeset, the seal is missing: the job fails while sealing and its page says where."""
    settings.ACCORD_SEAL_KEY_FILE = str(ROOT / "var" / "no-such-seal.key")
    job = _request(demo, django_capture_on_commit_callbacks)
    assert statuses == ["queued", "rendering", "sealing", "failed"]
    assert (job.status, job.failed_step) == (ExportJob.Status.FAILED, ExportJob.Status.SEALING)
    assert [state for _, state in job.steps()] == ["done", "done", "failed", "todo"]
    assert "SealConfigurationError" in job.error and "no-such-seal.key" in job.error
    body = user_client("kyoto.reviewer").get(reverse("documents:job_status", args=[demo.slug, job.pk])).text
    assert "could not be made" in body and "hx-trigger" not in body
    assert '<li class="job-step step-failed" aria-current="step">' in body


def test_a_job_cannot_skip_rendering_or_leave_failed(demo: Declaration) -> None:
    """Sealing comes only after rendering: a queued or a failed job is left as it is."""
    queued = _job(demo)
    assert services.export_job_sealing(job=queued).status == ExportJob.Status.QUEUED
    failed = _job(demo, status=ExportJob.Status.FAILED, failed_step=ExportJob.Status.RENDERING)
    assert services.export_job_sealing(job=failed).status == ExportJob.Status.FAILED
    rendering = _job(demo, status=ExportJob.Status.RENDERING, started_at=timezone.now())
    assert services.export_job_sealing(job=rendering).status == ExportJob.Status.SEALING


def test_the_status_fragment_shows_the_steps_and_polls_every_two_seconds(demo: Declaration, user_client: Any) -> None:
    """While sealing: queued and rendering ticked, sealing current, ready to come; polling until finished."""
    job = _job(demo, status=ExportJob.Status.SEALING, started_at=timezone.now())
    client = user_client("kyoto.reviewer")
    url = reverse("documents:job_status", args=[demo.slug, job.pk])
    body = client.get(url).text
    assert 'hx-trigger="every 2s"' in body and 'data-status="sealing"' in body
    assert [state for _, state in job.steps()] == ["done", "done", "current", "todo"]
    assert '<li class="job-step step-current" aria-current="step">' in body
    assert body.index("Queued") < body.index("Rendering") < body.index("Sealing") < body.index("Ready")
    assert "being sealed" in body

    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, failed_step=ExportJob.Status.SEALING)
    assert "hx-trigger" not in client.get(url).text


def test_a_job_queued_for_long_says_the_worker_may_not_be_running(demo: Declaration, user_client: Any) -> None:
    """After a minute in the queue the page says so, instead of waiting silently."""
    job = _job(demo)
    url = reverse("documents:job_status", args=[demo.slug, job.pk])
    assert "has not started on it yet" not in user_client("kyoto.reviewer").get(url).text
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    body = user_client("kyoto.reviewer").get(url).text
    assert "has not started on it yet" in body and 'hx-trigger="every 2s"' in body


def test_a_worker_that_died_while_sealing_ends_the_job_as_failed(demo: Declaration) -> None:
    """A job left in 'sealing' past the render timeout is failed at the sealing step."""
    started = timezone.now() - services.RENDER_TIMEOUT - timedelta(minutes=1)
    job = services.export_job_expire_if_stuck(job=_job(demo, status=ExportJob.Status.SEALING, started_at=started))
    assert (job.status, job.failed_step) == (ExportJob.Status.FAILED, ExportJob.Status.SEALING)


def test_outside_tests_tasks_go_to_the_database_queue() -> None:
    """`make run` (DEBUG on, no TASKS_BACKEND) queues tasks for `manage.py db_worker`: no request renders."""
    env = {k: v for k, v in os.environ.items() if k not in {"ACCORD_TESTING", "TASKS_BACKEND"}}
    env.update(DEBUG="1", DATABASE_URL="sqlite://:memory:")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.TASKS)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "django_tasks_db.DatabaseBackend" in result.stdout


def test_a_production_process_refuses_to_render_in_requests(settings: Any) -> None:
    """The preflight stops a production process configured with the immediate backend, naming TASKS_BACKEND."""
    report = Report()
    _check_tasks(report)
    assert report.errors and "TASKS_BACKEND" in report.errors[0] and "db_worker" in report.errors[0]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report = Report()
    _check_tasks(report)
    assert report.errors == []
