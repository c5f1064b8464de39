"""Signature pages and certificate at UN scale: blocks never split, event numbers where markers were.

Read from the PDF itself (poppler's pdftotext and pdfimages), not from WeasyPrint's boxes.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from documents import compose

from .helpers import submission_data

SIGNATORIES = 193
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _run(*command: str) -> str:
    # Fixed poppler tools on a file this module wrote.
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


@pytest.fixture(scope="module")
def un_scale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data, images = submission_data(signatories=SIGNATORIES)
    path = tmp_path_factory.mktemp("signature-pages") / "un.pdf"
    path.write_bytes(compose.render_document(data, images, when=WHEN))
    return path


@pytest.fixture(scope="module")
def words(un_scale: Path) -> list[tuple[int, float, str]]:
    """Every word of the PDF as (page, x, text), in reading order."""
    xhtml = _run("pdftotext", "-bbox", str(un_scale), "-")
    found = []
    for number, page in enumerate(re.split(r"<page [^>]*>", xhtml)[1:], start=1):
        for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', page):
            found.append((number, float(x), word))
    return found


def _pages_by_match(pages: list[str], pattern: str) -> dict[int, set[int]]:
    """Signatory number → the pages on which *pattern* (one group: the number) matches."""
    found: dict[int, set[int]] = defaultdict(set)
    for number, text in enumerate(pages, start=1):
        for match in re.finditer(pattern, text):
            found[int(match.group(1))].add(number)
    return found


def test_193_signature_blocks_are_never_split_across_pages(un_scale: Path) -> None:
    """Party, image, printed name and date of each block are on one page; blocks fill several pages."""
    pages = _run("pdftotext", "-layout", "-enc", "UTF-8", str(un_scale), "-").split("\f")
    names = _pages_by_match(pages, r"Signatory (\d+) 서명인")
    assert sorted(names) == list(range(1, SIGNATORIES + 1))
    assert all(len(on) == 1 for on in names.values())
    # A party's name is on the page of its signatory's name (the certificate, later, names it again).
    parties = _pages_by_match(pages, r"Party (\d+) · 당사자 \d+")
    assert all(min(parties[n]) == min(names[n]) for n in names)
    blocks_per_page: dict[int, int] = defaultdict(int)
    for on in names.values():
        blocks_per_page[min(on)] += 1
    assert len(blocks_per_page) > 5
    # One signature image per block, on the page of its block.
    listing = _run("pdfimages", "-list", str(un_scale)).splitlines()[2:]
    images_per_page: dict[int, int] = defaultdict(int)
    for row in listing:
        page, _, kind = row.split()[:3]
        if kind == "image":  # not its transparency mask ("smask")
            images_per_page[int(page)] += 1
    assert {page: images_per_page[page] for page in blocks_per_page} == dict(blocks_per_page)


def test_blocks_come_two_per_row() -> None:
    """The template groups the blocks two per `.sig-row` (one line box each: never split)."""
    data, images = submission_data(signatories=7)
    rows = compose.document_html(data, images).split('<div class="sig-row">')[1:]
    assert [row.count('<div class="signature-block">') for row in rows] == [2, 2, 2, 1]


def test_certificate_events_are_never_split_across_pages(words: list[tuple[int, float, str]]) -> None:
    """Every event, from its number to its version, is on one page."""
    spans: dict[int, set[int]] = {}
    for index, ((_, _, word), (_, _, following)) in enumerate(itertools.pairwise(words)):
        if re.fullmatch(r"\d+\.", word) and re.fullmatch(r"\d{4}-\d\d-\d\d", following):
            end = next(i for i in range(index, len(words)) if words[i][2] == "v1")
            spans[int(word[:-1])] = {p for p, _, _ in words[index : end + 1]}
    assert sorted(spans) == list(range(1, SIGNATORIES + 1))
    assert len({min(on) for on in spans.values()}) > 1  # the list itself spans pages
    assert all(len(on) == 1 for on in spans.values())


def test_event_numbers_are_printed_where_list_markers_were(words: list[tuple[int, float, str]]) -> None:
    """Numbers end at the list's content edge (hanging indent): every event's date starts at one x."""
    numbers: list[int] = []
    date_x: set[float] = set()
    number_end: set[float] = set()
    for (_, x, word), (_, next_x, next_word) in itertools.pairwise(words):
        if re.fullmatch(r"\d+\.", word) and re.fullmatch(r"\d{4}-\d\d-\d\d", next_word):
            numbers.append(int(word[:-1]))
            date_x.add(round(next_x, 1))
            number_end.add(round(x, 0))
    assert numbers == list(range(1, SIGNATORIES + 1))
    # 1-, 2- and 3-digit numbers: the dates still line up in one column.
    assert len(date_x) == 1
    assert len(number_end) == 3
