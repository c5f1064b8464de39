"""The PDF pages: who may request and download what; jobs from queued to ready."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.models import Declaration
from documents.models import ExportJob, Kind, Layout
from documents.services import RENDER_TIMEOUT

from .helpers import issued_draft, sign_manifesto, user

pytestmark = pytest.mark.django_db


def _export_url(demo: Declaration) -> str:
    return reverse("documents:export", args=[demo.slug])


def _kyoto_job(demo: Declaration, **fields: Any) -> ExportJob:
    """An English draft-PDF job of version 1, asked for by Kyoto's reviewer."""
    defaults: dict[str, Any] = {
        "declaration": demo,
        "version": demo.versions.get(),
        "kind": Kind.DRAFT,
        "languages": ["en"],
        "layout": Layout.SINGLE,
        "requested_by": user("kyoto.reviewer"),
    }
    return ExportJob.objects.create(**{**defaults, **fields})


@pytest.mark.parametrize("username", ["secretariat", "kyoto.reviewer", "observer"])
def test_insiders_see_the_pdf_page(demo: Declaration, user_client: Any, username: str) -> None:
    """The secretariat, participants and observers may request PDFs of published versions."""
    response = user_client(username).get(_export_url(demo))
    assert response.status_code == 200
    assert "PDF of a published version" in response.text
    assert "can be made once signing is closed" in response.text


def test_outsider_gets_404_everywhere(demo: Declaration, user_client: Any) -> None:
    """An outsider learns nothing: the page, a job, a download and the submission link are 404."""
    document = issued_draft(demo.versions.get())
    job = ExportJob.objects.create(
        declaration=demo,
        version=document.version,
        kind=Kind.DRAFT,
        languages=["en"],
        layout=Layout.SINGLE,
        requested_by=user("secretariat"),
    )
    client = user_client("outsider")
    for url in (
        _export_url(demo),
        reverse("documents:job", args=[demo.slug, job.pk]),
        reverse("documents:job_status", args=[demo.slug, job.pk]),
        reverse("documents:download", args=[demo.slug, document.sha256]),
        reverse("documents:submission", args=[demo.slug]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("documents:export_create", args=[demo.slug]), {"kind": "draft"}).status_code == 404


def test_anonymous_is_sent_to_login(demo: Declaration, client: Any) -> None:
    """PDF pages of a declaration need an account (only /verify/ is public)."""
    response = client.get(_export_url(demo))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_request_watch_and_download(
    demo: Declaration, user_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A participant asks for the bilingual PDF, the job becomes ready, and the download is that sealed file."""
    client = user_client("gyeonggi.reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:export_create", args=[demo.slug]),
            {"kind": "draft", "draft-version": "1", "draft-languages": ["en"], "draft-layout": ""},
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:job", args=[demo.slug, job.pk])
    assert job.status == ExportJob.Status.READY and job.task_id
    assert job.document is not None
    page = client.get(response["Location"])
    assert "Ready" in page.text and job.document.sha256 in page.text
    download = client.get(reverse("documents:download", args=[demo.slug, job.document.sha256]))
    body = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert hashlib.sha256(body).hexdigest() == job.document.sha256


def test_cached_pdf_is_ready_at_once(demo: Declaration, user_client: Any, monkeypatch: Any) -> None:
    """Asking again for a PDF already issued gives a ready job with no task queued."""
    document = issued_draft(demo.versions.get())
    monkeypatch.setattr("documents.services._enqueue", lambda job_id: pytest.fail("queued a task"))
    response = user_client("observer").post(
        reverse("documents:export_create", args=[demo.slug]),
        {"kind": "draft", "draft-version": "1", "draft-languages": ["en"]},
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.status, job.document) == (ExportJob.Status.READY, document)


def test_participant_cannot_make_the_submission_pdf(demo: Declaration, user_client: Any) -> None:
    """Only the secretariat issues the submission PDF; a participant gets 403."""
    response = user_client("kyoto.focal").post(
        reverse("documents:export_create", args=[demo.slug]), {"kind": "submission", "submission-languages": ["en"]}
    )
    assert response.status_code == 403


def test_submission_needs_closed_signing(demo: Declaration, user_client: Any) -> None:
    """While signing is open the secretariat cannot issue the submission PDF yet."""
    sign_manifesto(demo, close=False)
    response = user_client("secretariat").post(
        reverse("documents:export_create", args=[demo.slug]), {"kind": "submission", "submission-languages": ["en"]}
    )
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_submission_form_appears_when_signing_is_closed(demo: Declaration, user_client: Any) -> None:
    """Once signing is closed the secretariat sees the submission form; others do not."""
    sign_manifesto(demo)
    assert "Prepare submission PDF" in user_client("secretariat").get(_export_url(demo)).text
    page = user_client("catalonia.signatory").get(_export_url(demo)).text
    assert "Prepare submission PDF" not in page and "has not been issued yet" in page


def test_someone_elses_job_is_404(demo: Declaration, user_client: Any) -> None:
    """A job is visible to the user who asked for it and to the secretariat only."""
    job = _kyoto_job(demo)
    url = reverse("documents:job", args=[demo.slug, job.pk])
    assert user_client("gyeonggi.reviewer").get(url).status_code == 404
    assert user_client("secretariat").get(url).status_code == 200
    assert user_client("kyoto.reviewer").get(url).status_code == 200


def test_status_partial_polls_until_finished(demo: Declaration, user_client: Any) -> None:
    """A queued job's status partial polls every two seconds; a failed one stops polling and says so."""
    job = _kyoto_job(demo)
    client = user_client("kyoto.reviewer")
    url = reverse("documents:job_status", args=[demo.slug, job.pk])
    queued = client.get(url)
    assert 'hx-trigger="every 2s"' in queued.text and "Queued" in queued.text
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error="boom")
    failed = client.get(url).text
    assert "hx-trigger" not in failed and "could not be made" in failed
    assert "boom" not in failed  # the technical reason is for the secretariat


def test_a_job_whose_worker_died_ends_as_failed(demo: Declaration, user_client: Any) -> None:
    """A job still 'rendering' long after it started is shown as failed instead of spinning forever."""
    job = _kyoto_job(
        demo, status=ExportJob.Status.RENDERING, started_at=timezone.now() - RENDER_TIMEOUT - timedelta(minutes=1)
    )
    url = reverse("documents:job_status", args=[demo.slug, job.pk])
    body = user_client("kyoto.reviewer").get(url).text
    assert "could not be made" in body and "hx-trigger" not in body
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "timed out" in job.error


def test_a_job_rendering_for_a_short_while_keeps_polling(demo: Declaration, user_client: Any) -> None:
    """A job that started rendering a minute ago is still shown as in progress."""
    job = _kyoto_job(demo, status=ExportJob.Status.RENDERING, started_at=timezone.now() - timedelta(minutes=1))
    body = user_client("kyoto.reviewer").get(reverse("documents:job_status", args=[demo.slug, job.pk])).text
    assert 'hx-trigger="every 2s"' in body
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RENDERING
