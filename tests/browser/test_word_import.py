"""Journey: a reviewer annotates the Word export, uploads it, reviews the preview; the focal point submits."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from consultations import services
from consultations.models import Comment
from consultations.tests.word_annotation import annotate
from declarations.docx_export import marker_name
from declarations.models import Declaration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "deta-trustworthy-ai-manifesto"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_reviewer_imports_word_annotations_and_focal_point_submits(login, demo_live) -> None:  # type: ignore[no-untyped-def]
    """Download the Word export, annotate it, upload, preview, create drafts, and submit them as the party."""
    base = demo_live.url
    declaration = Declaration.objects.get(slug=SLUG)
    services.round_open(
        declaration=declaration,
        version=declaration.versions.get(number=1),
        deadline=timezone.now() + datetime.timedelta(days=7),
        by=get_user_model().objects.get(username="secretariat"),
    )
    page: Page = login("gyeonggi.reviewer")
    page.goto(f"{base}/d/{SLUG}/rounds/1/")
    page.click("text=Import comments from Word or a matrix")
    with page.expect_download() as download:
        page.click("text=Word export of version 1")
    exported = Path(download.value.path()).read_bytes()
    annotated = annotate(
        exported,
        comments=[(marker_name(declaration.pk, 1, "ko", "democracy"), "민주주의", "용어를 통일해 주십시오.", "Kim")],
        changes=[(marker_name(declaration.pk, 1, "en", "vision"), "necessitates", "requires", "Kim")],
    )
    page.set_input_files(
        "input[name=file]",
        files=FilePayload(name="manifesto-gyeonggi.docx", mimeType="application/octet-stream", buffer=annotated),
    )
    page.click("button:has-text('Preview')")
    preview = page.locator("#import-preview")
    expect(preview.locator("[data-import-item]")).to_have_count(2)
    expect(preview).to_contain_text("용어를 통일해 주십시오.")
    expect(preview.locator("ins")).to_contain_text("requires")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "word-import-preview.png"), full_page=True)
    assert Comment.objects.count() == 0  # the preview writes nothing
    page.click("button:has-text('Create these drafts')")
    expect(page.locator(".messages")).to_contain_text("2 draft comments were created")

    page = login("gyeonggi.focal")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/d/{SLUG}/rounds/1/")
    page.click("button:has-text('Submit 2 comments for my party')")
    expect(page.locator(".messages")).to_be_visible()
    submitted = Comment.objects.filter(party__key="gyeonggi", status=Comment.Status.SUBMITTED)
    assert sorted(submitted.values_list("kind", "clause__key", "language")) == [
        ("general", "democracy", "ko"),
        ("proposed_text", "vision", "en"),
    ]
