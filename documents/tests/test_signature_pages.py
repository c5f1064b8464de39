"""Signature pages and certificate at UN scale: blocks never split, event numbers where markers were."""

from __future__ import annotations

import itertools
import re
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string

from documents import compose
from documents.rendering import layout_html, write_document

from .helpers import submission_data

SIGNATORIES = 193


@pytest.fixture(scope="module")
def un_scale() -> Any:
    data, images = submission_data(signatories=SIGNATORIES)
    context = compose.document_context(data, images)
    return layout_html(render_to_string(compose.TEMPLATE, context), base_url=None)


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    if element is None or not getattr(box, "element_tag", None):
        return []
    return str(element.get("class") or "").split()


def _pages_of(document: Any, css_class: str) -> dict[Any, set[int]]:
    """Element → the pages its boxes are on, for the elements with *css_class*."""
    found: dict[Any, set[int]] = defaultdict(set)
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if css_class in _classes(box):
                found[box.element].add(number)
    return found


def test_193_signature_blocks_are_never_split_across_pages(un_scale: Any) -> None:
    pages = _pages_of(un_scale, "signature-block")
    assert len(pages) == SIGNATORIES
    assert all(len(on) == 1 for on in pages.values())
    assert len({min(on) for on in pages.values()}) > 5  # several pages of them
    # Two blocks per row (one line of two inline-blocks), a row never split either.
    rows = _pages_of(un_scale, "sig-row")
    assert len(rows) == (SIGNATORIES + 1) // 2
    assert all(len(on) == 1 for on in rows.values())
    assert all(len(row.findall("div")) == 2 for row in list(rows)[:-1])


def test_certificate_events_are_never_split_across_pages(un_scale: Any) -> None:
    # The list itself spans pages; its items must not.
    events = list(_pages_of(un_scale, "cert-events"))
    assert len(events) == 1
    children = {id(li) for li in events[0]}
    items: dict[Any, set[int]] = defaultdict(set)
    for number, page in enumerate(un_scale.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", "") == "li" and id(element) in children:
                items[element].add(number)
    assert len(items) == SIGNATORIES
    assert all(len(on) == 1 for on in items.values())


def test_event_numbers_are_printed_where_list_markers_were(un_scale: Any, tmp_path: Path) -> None:
    """Numbers end at the list's content edge (hanging indent): every event's date starts at one x."""
    path = tmp_path / "un.pdf"
    path.write_bytes(write_document(un_scale, attachments=[], title="t", lang="en"))
    xhtml = subprocess.run(  # noqa: S603
        ["pdftotext", "-bbox", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', xhtml)
    numbers: list[int] = []
    date_x: set[float] = set()
    number_end: set[float] = set()
    for (x, word), (next_x, next_word) in itertools.pairwise(words):
        if re.fullmatch(r"\d+\.", word) and re.fullmatch(r"\d{4}-\d\d-\d\d", next_word):
            numbers.append(int(word[:-1]))
            date_x.add(round(float(next_x), 1))
            number_end.add(round(float(x), 0))
    assert numbers == list(range(1, SIGNATORIES + 1))
    # 1-, 2- and 3-digit numbers: the dates still line up in one column.
    assert len(date_x) == 1
    assert len(number_end) == 3
