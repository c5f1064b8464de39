"""Round pages: outsiders get 404, participants 403 on secretariat pages, each role sees its part."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from openpyxl.worksheet.worksheet import Worksheet

from consultations.models import Comment
from declarations.demo import MANIFESTO_SLUG
from declarations.tests.reading import read_declaration

pytestmark = pytest.mark.django_db


def _urls(rnd, comment_id: int) -> list[str]:
    s, n = MANIFESTO_SLUG, rnd.number
    return [
        reverse("consultations:rounds", args=[s]),
        reverse("consultations:round_new", args=[s]),
        reverse("consultations:reflection", args=[s]),
        reverse("consultations:round", args=[s, n]),
        reverse("consultations:comment_new", args=[s, n]),
        reverse("consultations:comment", args=[s, n, comment_id]),
        reverse("consultations:comment_edit", args=[s, n, comment_id]),
        reverse("consultations:matrix", args=[s, n, "xlsx"]),
        reverse("consultations:matrix", args=[s, n, "csv"]),
    ]


def test_outsider_gets_404_everywhere(rnd, submitted, user_client, at_now) -> None:
    """A user whose party takes no part learns nothing about rounds or comments."""
    comment = submitted()
    client = user_client("outsider")
    for url in _urls(rnd, comment.pk):
        assert client.get(url).status_code == 404, url
    post = reverse("consultations:comment_dispose", args=[MANIFESTO_SLUG, rnd.number, comment.pk])
    assert client.post(post, {"disposition": "accepted", "reason": "x"}).status_code == 404


def test_participants_get_403_on_secretariat_pages(rnd, submitted, user_client, at_now) -> None:
    """A focal point cannot open rounds, download the matrix, see the reflection summary or decide."""
    comment = submitted()
    client = user_client("gyeonggi.focal")
    for name, args in [
        ("consultations:round_new", []),
        ("consultations:reflection", []),
        ("consultations:matrix", [rnd.number, "xlsx"]),
        ("consultations:matrix", [rnd.number, "csv"]),
    ]:
        assert client.get(reverse(name, args=[MANIFESTO_SLUG, *args])).status_code == 403
    url = reverse("consultations:comment_dispose", args=[MANIFESTO_SLUG, rnd.number, comment.pk])
    assert client.post(url, {"disposition": "accepted", "reason": "x"}).status_code == 403


def test_another_partys_draft_is_404(rnd, draft, user_client, at_now) -> None:
    """Catalonia's focal point cannot open Gyeonggi's draft, nor its edit page."""
    comment = draft()
    client = user_client("catalonia.focal")
    assert (
        client.get(reverse("consultations:comment", args=[MANIFESTO_SLUG, rnd.number, comment.pk])).status_code == 404
    )
    assert (
        client.get(reverse("consultations:comment_edit", args=[MANIFESTO_SLUG, rnd.number, comment.pk])).status_code
        == 404
    )


def test_secretariat_opens_a_round_from_the_form(demo, user_client, party) -> None:
    """The form turns a wall-clock deadline in a chosen zone into an instant and invites the ticked parties."""
    client = user_client("secretariat")
    response = client.post(
        reverse("consultations:round_new", args=[MANIFESTO_SLUG]),
        {
            "version": demo.versions.get().pk,
            "deadline": "2099-06-30T17:00",
            "time_zone": "Asia/Seoul",
            "visibility": "after_close",
            "parties": [party("gyeonggi").pk, party("kyoto").pk],
            "instructions": "",
        },
    )
    assert response.status_code == 302
    rnd = demo.comment_rounds.get()
    assert rnd.deadline.isoformat() == "2099-06-30T08:00:00+00:00"
    assert sorted(rnd.invitations.values_list("party__key", flat=True)) == ["gyeonggi", "kyoto"]


def test_reviewer_drafts_through_the_form(rnd, user_client, clause, at_now) -> None:
    """A reviewer's proposal page starts from the clause text; saving makes a draft the focal point can submit."""
    client = user_client("gyeonggi.reviewer")
    url = reverse("consultations:comment_new", args=[MANIFESTO_SLUG, rnd.number])
    target = f"c:{clause('vision').pk}"
    page = client.get(url, {"target": target, "kind": "proposed_text", "lang": "en"})
    assert "The integration of trustworthy AI" in page.content.decode()
    response = client.post(
        url,
        {"target": target, "kind": "proposed_text", "language": "en", "text": "Why", "proposed_text": "New vision."},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.proposed_text) == ("draft", "New vision.")
    round_page = client.get(reverse("consultations:round", args=[MANIFESTO_SLUG, rnd.number])).content.decode()
    assert "focal point can submit the drafts." in round_page


def test_focal_point_submits_from_the_round_page(rnd, draft, user_client, at_now) -> None:
    """The focal point's button submits the drafts; the tracker then says submitted."""
    draft()
    client = user_client("gyeonggi.focal")
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, rnd.number])
    assert "Submit 1 comment for my party" in client.get(url).content.decode()
    client.post(reverse("consultations:party_submit", args=[MANIFESTO_SLUG, rnd.number]), {"answer": "comments"})
    assert Comment.objects.get().status == "submitted"


def test_reviewer_cannot_submit_through_the_url(rnd, draft, user_client, at_now) -> None:
    """Posting to the submit URL as a reviewer leaves the drafts as drafts."""
    draft()
    user_client("gyeonggi.reviewer").post(reverse("consultations:party_submit", args=[MANIFESTO_SLUG, rnd.number]))
    assert Comment.objects.get().status == "draft"


def test_secretariat_records_a_disposition_with_reason(rnd, submitted, user_client, at_now) -> None:
    """Without a reason the form is refused; with one the party reads it on the comment page."""
    comment = submitted()
    url = reverse("consultations:comment_dispose", args=[MANIFESTO_SLUG, rnd.number, comment.pk])
    client = user_client("secretariat")
    assert client.post(url, {"disposition": "rejected", "reason": ""}).status_code == 400
    assert client.post(url, {"disposition": "rejected", "reason": "Outside the mandate"}).status_code == 302
    page = user_client("gyeonggi.reviewer").get(
        reverse("consultations:comment", args=[MANIFESTO_SLUG, rnd.number, comment.pk])
    )
    assert "Outside the mandate" in page.content.decode()


def test_matrix_download(rnd, submitted, user_client, at_now) -> None:
    """The secretariat downloads an XLSX that openpyxl opens."""
    submitted()
    response = user_client("secretariat").get(
        reverse("consultations:matrix", args=[MANIFESTO_SLUG, rnd.number, "xlsx"])
    )
    assert response["Content-Disposition"].endswith('-round-1-comments.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    assert sheet.max_row == 2


def test_reflection_page_links_to_publish_with_the_note(rnd, submitted, user_client, at_now) -> None:
    """The reflection page offers the English and Korean summary as the next version's note."""
    submitted()
    page = user_client("secretariat").get(reverse("consultations:reflection", args=[MANIFESTO_SLUG])).content.decode()
    assert "/versions/publish/?note=Comments+on+version+1" in page
    assert "경기도 의견 검토 중" in page


def test_declaration_page_links_to_rounds(rnd, user_client) -> None:
    """The declaration's action bar links to its comment rounds."""
    url = reverse("declarations:detail", args=[MANIFESTO_SLUG])
    page = read_declaration(user_client("gyeonggi.reviewer"), url).content.decode()
    assert reverse("consultations:rounds", args=[MANIFESTO_SLUG]) in page
