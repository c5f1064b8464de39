"""Uploading an annotated Word file: the preview lists the drafts, confirming creates them for the party."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.models import Comment, CommentRound
from declarations.docx_export import build_docx, marker_name
from declarations.models import Declaration

from .word_annotation import annotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def annotated(demo: Declaration) -> bytes:
    export = build_docx(declaration=demo, version=demo.versions.get(number=1))
    return annotate(
        export,
        comments=[(marker_name(demo.pk, 1, "en", "diagnosis"), "everyday life", "Which life?", "Kim")],
        changes=[(marker_name(demo.pk, 1, "en", "vision"), "necessitates", "requires", "Kim")],
    )


def url(demo: Declaration, rnd: CommentRound, tail: str = "") -> str:
    return f"/d/{demo.slug}/rounds/{rnd.number}/import/{tail}"


def test_preview_then_confirm_creates_the_drafts(
    demo: Declaration, rnd: CommentRound, annotated: bytes, user_client: Any, at_now: Any
) -> None:
    """The reviewer sees two planned drafts, confirms, and the party has two drafts (nothing submitted)."""
    client = user_client("gyeonggi.reviewer")
    response = client.post(url(demo, rnd), {"file": SimpleUploadedFile("notes.docx", annotated)})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        page.count("data-import-item") == 2 and "Which life?" in page and '<ins class="rl-ins">requires</ins>' in page
    )
    assert Comment.objects.count() == 0
    token = response.context["token"]
    response = client.post(url(demo, rnd, "confirm/"), {"token": token})
    assert response.status_code == 302
    drafts = Comment.objects.filter(round=rnd, party__key="gyeonggi")
    assert sorted(drafts.values_list("kind", "status")) == [("general", "draft"), ("proposed_text", "draft")]
    # The preview is used up: confirming twice does not create the drafts again.
    client.post(url(demo, rnd, "confirm/"), {"token": token})
    assert drafts.count() == 2


def test_bad_file_gets_a_clear_message_and_nothing_is_kept(
    demo: Declaration, rnd: CommentRound, user_client: Any, at_now: Any
) -> None:
    """A file that is not Word is refused on the form; no preview, no drafts."""
    response = user_client("gyeonggi.reviewer").post(url(demo, rnd), {"file": SimpleUploadedFile("x.docx", b"nope")})
    assert response.status_code == 400
    assert "This is not a Word document (.docx)." in response.content.decode()
    assert "import-preview" not in response.content.decode()
    assert Comment.objects.count() == 0


def test_who_may_import(demo: Declaration, rnd: CommentRound, user_client: Any, at_now: Any) -> None:
    """Reviewers and focal points of invited parties may; signatories may not (403); outsiders get 404."""
    assert user_client("gyeonggi.reviewer").get(url(demo, rnd)).status_code == 200
    assert user_client("gyeonggi.focal").get(url(demo, rnd)).status_code == 200
    assert user_client("gyeonggi.signatory").get(url(demo, rnd)).status_code == 403
    assert user_client("outsider").get(url(demo, rnd)).status_code == 404
    assert user_client("outsider").post(url(demo, rnd, "confirm/"), {"token": "x"}).status_code == 404


def test_an_upload_over_50_mb_is_refused_before_the_body_is_read(
    demo: Declaration, rnd: CommentRound, user_client: Any, at_now: Any
) -> None:
    """The declared length decides: Django never spools a 60 MB body to disk for the import page
    (the site-wide request limit, UPLOAD_MAX_MB, answers first)."""
    response = user_client("gyeonggi.reviewer").post(
        url(demo, rnd), {"file": SimpleUploadedFile("x.docx", b"small")}, CONTENT_LENGTH=str(60 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "The request is larger than" in response.content.decode()
