"""Hostile text in comment rounds: instructions, comments, proposals, dispositions, replies, withdrawals, matrix."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from config.text import show_controls
from consultations.matrix import FORMULA_PREFIXES
from consultations.models import Comment, CommentRound
from declarations.models import Declaration

from . import corpus
from .conftest import DEMO_PARTIES, clause, db_state, open_round, party

pytestmark = pytest.mark.django_db

WITHDRAWN = [corpus.SCRIPT, corpus.HYPERLINK, corpus.KOREAN_MIXED, corpus.AT_SUM]
BAD_COMMENTS = [
    (corpus.NUL, "Null characters are not allowed"),
    ("x" * 20_001, "at most 20,000 characters"),
    (corpus.ONLY_WHITESPACE, "Write your comment"),
]
BAD_REASONS = [corpus.NUL, "x" * 20_001, corpus.ONLY_WHITESPACE]


@dataclass
class World:
    demo: Declaration
    round: CommentRound
    client: Any
    # comment number → the sample used for its text, proposal, reason and reply
    samples: dict[int, corpus.Sample] = field(default_factory=dict)
    withdrawn: dict[int, corpus.Sample] = field(default_factory=dict)

    def url(self, tail: str = "") -> str:
        return f"/d/{self.demo.slug}/rounds/{self.round.number}/{tail}"


def _post_comment(client: Any, world_url: str, data: dict[str, Any]) -> None:
    response = client.post(world_url + "comments/new/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]


@pytest.fixture
def world(demo: Declaration, user_client: Any) -> World:
    """A round opened through the form with hostile instructions; every sample commented, submitted, decided."""
    secretariat = user_client("secretariat")
    deadline = timezone.now() + datetime.timedelta(days=10)
    response = secretariat.post(
        f"/d/{demo.slug}/rounds/new/",
        {
            "version": demo.versions.get(number=1).pk,
            "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "time_zone": "Asia/Seoul",
            "visibility": CommentRound.Visibility.IMMEDIATE,
            "parties": [party(k).pk for k in DEMO_PARTIES],
            "instructions": "\n".join(s.text for s in corpus.ALL),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    world = World(demo=demo, round=CommentRound.objects.get(declaration=demo), client=user_client)
    target = f"c:{clause(demo).pk}"
    reviewer = user_client("gyeonggi.reviewer")
    for sample in corpus.ALL:
        base = {"target": target, "language": "en", "text": sample.text}
        _post_comment(reviewer, world.url(), {**base, "kind": Comment.Kind.GENERAL})
        _post_comment(reviewer, world.url(), {**base, "kind": Comment.Kind.PROPOSED_TEXT, "proposed_text": sample.text})
        draft = Comment.objects.filter(kind=Comment.Kind.PROPOSED_TEXT).latest("id")
        assert draft.proposed_text == corpus.stored(sample.text)
        if sample in corpus.HTML_SAMPLES:
            form = reviewer.get(world.url(f"comments/{draft.pk}/edit/")).content.decode()
            assert corpus.shown(form, sample.text) and not corpus.dangerous_in(form, sample), sample.name
    other = user_client("catalonia.reviewer")
    for sample in WITHDRAWN:
        _post_comment(other, world.url(), {"target": "d", "language": "ko", "text": sample.text, "kind": "general"})
    for key in ("gyeonggi", "catalonia"):
        assert user_client(f"{key}.focal").post(world.url("submit/")).status_code == 302
    by_order = list(Comment.objects.filter(party__key="gyeonggi").order_by("number"))
    for sample, (general, proposal) in zip(corpus.ALL, zip(by_order[::2], by_order[1::2], strict=True), strict=True):
        world.samples[general.number] = world.samples[proposal.number] = sample  # type: ignore[index]
        for comment, disposition in ((general, "noted"), (proposal, "rejected")):
            url = world.url(f"comments/{comment.pk}/")
            response = secretariat.post(url + "dispose/", {"disposition": disposition, "reason": sample.text})
            assert response.status_code == 302, sample.name
            assert secretariat.post(url + "reply/", {"text": sample.text}).status_code == 302, sample.name
    catalonia = user_client("catalonia.focal")
    for sample, comment in zip(
        WITHDRAWN, Comment.objects.filter(party__key="catalonia").order_by("number"), strict=True
    ):
        response = catalonia.post(world.url(f"comments/{comment.pk}/withdraw/"), {"reason": sample.text})
        assert response.status_code == 302, sample.name
        world.withdrawn[comment.number] = sample  # type: ignore[index]
    return world


def _check_pages(world: World) -> None:
    page = world.client("kyoto.reviewer").get(world.url()).content.decode()
    for sample in corpus.ALL:  # instructions (one sample per line) and other parties' comments
        assert not corpus.dangerous_in(page, sample), sample.name
        assert corpus.shown(page, sample.text), sample.name
    focal = world.client("gyeonggi.focal")
    for comment in Comment.objects.filter(party__key="gyeonggi"):
        sample = world.samples[comment.number]  # type: ignore[index]
        assert comment.disposition_reason == corpus.stored(sample.text)
        assert comment.replies.get().text == corpus.stored(sample.text)
        page = focal.get(world.url(f"comments/{comment.pk}/")).content.decode()
        assert not corpus.dangerous_in(page, sample), sample.name
        assert corpus.shown(page, sample.text), sample.name
    focal = world.client("catalonia.focal")
    for comment in Comment.objects.filter(party__key="catalonia"):
        sample = world.withdrawn[comment.number]  # type: ignore[index]
        assert comment.status == Comment.Status.WITHDRAWN
        assert comment.withdrawal_reason == corpus.stored(sample.text)
        page = focal.get(world.url(f"comments/{comment.pk}/")).content.decode()
        assert corpus.shown(page, sample.text) and not corpus.dangerous_in(page, sample), sample.name


def _expected_rows(world: World) -> dict[int, dict[str, str]]:
    rows = {}
    for number, sample in world.samples.items():
        text = corpus.stored(sample.text)
        comment = Comment.objects.get(round=world.round, number=number)
        rows[number] = {"Comment": text, "Reason": text, "Proposed change": text if comment.is_proposal else ""}
    for number, sample in world.withdrawn.items():
        rows[number] = {"Comment": corpus.stored(sample.text), "Reason": corpus.stored(sample.text)}
    return rows


def _check_csv(world: World) -> None:
    response = world.client("secretariat").get(world.url("matrix.csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    expected = _expected_rows(world)
    assert {int(r["No."]) for r in rows} == set(expected)
    for row in rows:
        for column, value in expected[int(row["No."])].items():
            want = "'" + value if value.startswith(FORMULA_PREFIXES) else value
            assert row[column] == want, (row["No."], column)
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), (row["No."], column)


def _check_xlsx(world: World) -> None:
    response = world.client("secretariat").get(world.url("matrix.xlsx"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(n) and b"<f " not in archive.read(n) for n in sheets)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    expected = _expected_rows(world)
    seen = set()
    for cells in sheet.iter_rows(min_row=2):
        number = cells[0].value
        seen.add(number)
        for column, value in expected[number].items():  # type: ignore[index]
            cell = cells[header.index(column)]
            if not value:
                continue
            # Direction controls show as markers in the XLSX (issue 18); the CSV keeps the stored text.
            assert cell.value == show_controls(value) and cell.data_type == "s", (number, column)
            assert bool(cell.quotePrefix) == value.startswith(FORMULA_PREFIXES), (number, column)
    assert seen == set(expected)


def test_hostile_round_text_is_escaped_on_pages_and_neutralised_in_exports(world: World) -> None:
    """Every page shows instructions, comments, reasons, replies, withdrawals escaped; CSV/XLSX keep them exact but inert.

    One world for both checks because building it (34 comments through the forms) is the slow part.
    CSV: formula-like cells get an apostrophe; XLSX: text cells, quote-prefixed, never a <f> formula.
    """
    _check_pages(world)
    _check_csv(world)
    _check_xlsx(world)


def test_bad_comment_is_refused_and_changes_nothing(demo: Declaration, user_client: Any) -> None:
    """A comment with NUL, 20,001 characters or only blanks: 400 with a clear message, nothing stored."""
    rnd = open_round(demo)
    for text, message in BAD_COMMENTS:
        before = db_state()
        response = user_client("gyeonggi.reviewer").post(
            f"/d/{demo.slug}/rounds/{rnd.number}/comments/new/",
            {"target": "d", "language": "en", "kind": "general", "text": text},
        )
        assert response.status_code in (200, 400)
        assert message in response.content.decode(), message
        assert db_state() == before


def test_comment_at_the_limit_is_kept_whole(demo: Declaration, user_client: Any) -> None:
    """Exactly 20,000 characters of Korean and Latin are stored without truncation."""
    rnd = open_round(demo)
    text = corpus.long_text(20_000)
    response = user_client("gyeonggi.reviewer").post(
        f"/d/{demo.slug}/rounds/{rnd.number}/comments/new/",
        {"target": "d", "language": "en", "kind": "general", "text": text},
    )
    assert response.status_code == 302
    assert Comment.objects.get().text == text


def test_bad_disposition_reply_and_withdrawal_are_refused(demo: Declaration, user_client: Any) -> None:
    """Dispose, reply and withdraw with a bad reason: each answers 400 with a message and changes nothing."""
    rnd = open_round(demo)
    url = f"/d/{demo.slug}/rounds/{rnd.number}/"
    user_client("gyeonggi.reviewer").post(
        url + "comments/new/", {"target": "d", "language": "en", "kind": "general", "text": "Fine."}
    )
    user_client("gyeonggi.focal").post(url + "submit/")
    comment = Comment.objects.get()
    for reason in BAD_REASONS:
        before = db_state()
        for client, action, data in [
            (user_client("secretariat"), "dispose/", {"disposition": "noted", "reason": reason}),
            (user_client("secretariat"), "reply/", {"text": reason}),
            (user_client("gyeonggi.focal"), "withdraw/", {"reason": reason}),
        ]:
            response = client.post(f"{url}comments/{comment.pk}/{action}", data)
            assert response.status_code == 400, action
            body = response.content.decode()
            assert any(m in body for m in ("Null characters", "at most 20,000", "This field is required")), action
        assert db_state() == before


def test_bad_round_instructions_are_refused(demo: Declaration, user_client: Any) -> None:
    """Instructions with NUL or over 20,000 characters: the round is not opened."""
    before = db_state()
    for instructions in (corpus.NUL, "x" * 20_001):
        response = user_client("secretariat").post(
            f"/d/{demo.slug}/rounds/new/",
            {
                "version": demo.versions.get(number=1).pk,
                "deadline": (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                "time_zone": "UTC",
                "visibility": "immediate",
                "parties": [party("gyeonggi").pk],
                "instructions": instructions,
            },
        )
        assert response.status_code in (200, 400)
        assert any(m in response.content.decode() for m in ("Null characters", "at most 20,000"))
    assert db_state() == before
