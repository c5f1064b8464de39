"""Page layout of a PDF rendered in one pass: side-by-side rows that outgrow a page, page numbers, running strings."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from declarations.interchange import content_hash
from documents import compose

from .helpers import pdftotext, submission_data

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
# In points: the text block is 166 mm wide from 22 mm, two 79.5 mm columns 7 mm apart.
LEFT_COLUMN = (62, 225)
RIGHT_COLUMN = (307, 225)


def _column(pdf: Path, page: int, column: tuple[int, int]) -> list[str]:
    x, width = column
    command = ["pdftotext", "-f", str(page), "-l", str(page), "-x", str(x), "-y", "72", "-W", str(width)]
    text = subprocess.run(  # noqa: S603
        [*command, "-H", "704", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return text.split()


def test_a_clause_longer_than_a_page_continues_in_both_columns(tmp_path: Path) -> None:
    """A side-by-side clause taller than a page breaks across pages with both languages continuing, no word lost."""
    data, images = submission_data(signatories=2)
    english = " ".join(f"en{n:04d}" for n in range(900))
    korean = " ".join(f"ko{n:04d}" for n in range(900))
    snapshot = {
        **data.snapshot,
        "sections": [
            {
                "key": "long",
                "heading": {"en": "Long", "ko": "긴 조항"},
                "clauses": [{"key": "long", "text": {"en": english, "ko": korean}}],
            }
        ],
    }
    data = dataclasses.replace(data, snapshot=snapshot, content_hash=content_hash(snapshot))
    pdf = compose.render_document(data, images, when=WHEN)
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    count = pdftotext(pdf, tmp_path).count("\f")
    pages_with_clause = [
        page for page in range(1, count + 1) if any(w.startswith("en0") for w in _column(path, page, LEFT_COLUMN))
    ]
    assert len(pages_with_clause) >= 3
    left: list[str] = []
    right: list[str] = []
    for page in pages_with_clause:
        en_words = [w for w in _column(path, page, LEFT_COLUMN) if re.fullmatch(r"en\d{4}", w)]
        ko_words = [w for w in _column(path, page, RIGHT_COLUMN) if re.fullmatch(r"ko\d{4}", w)]
        assert en_words and ko_words, f"page {page}: one column is empty"
        assert not [w for w in _column(path, page, RIGHT_COLUMN) if w.startswith("en0")]  # no column pushed below
        left += en_words
        right += ko_words
    assert left == english.split()
    assert right == korean.split()


def test_every_page_is_numbered_with_the_running_strings(tmp_path: Path) -> None:
    """Every page: "Page N of total", the document reference; every page but the title page: the version label."""
    data, images = submission_data(signatories=40)
    pages = [p for p in pdftotext(compose.render_document(data, images, when=WHEN), tmp_path).split("\f") if p.strip()]
    total = len(pages)
    assert total > 5
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        assert "deta-trustworthy-ai-manifesto · v1" in page
        if number > 1:
            assert "Final 30/09/2024" in page


def test_korean_only_documents_number_pages_the_korean_way(tmp_path: Path) -> None:
    """A Korean-only document's footer reads "N / total 쪽"."""
    data, images = submission_data(signatories=12)
    data = dataclasses.replace(data, languages=["ko"], layout="single")
    pages = [p for p in pdftotext(compose.render_document(data, images, when=WHEN), tmp_path).split("\f") if p.strip()]
    # pdftotext drops the narrow spaces of the footer: compare without whitespace.
    assert all(f"{n}/{len(pages)}쪽" in re.sub(r"\s", "", page) for n, page in enumerate(pages, start=1))
