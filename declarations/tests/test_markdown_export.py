"""Markdown export of a version: title, headings and numbered clauses with their keys, markup escaped."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from declarations.markdown_export import build_markdown, escape
from declarations.models import Declaration

pytestmark = pytest.mark.django_db


def test_every_clause_is_numbered_with_its_key(demo: Declaration) -> None:
    """Each section is a level-2 heading and each clause a numbered paragraph, both carrying their keys."""
    version = demo.versions.get(number=1)
    text = build_markdown(declaration=demo, version=version, language="ko")
    snapshot = version.snapshot
    assert f"# {escape(snapshot['title']['ko'])}\n" in text
    assert f"sha256: {version.content_hash}\n" in text
    number = 0
    for section in snapshot["sections"]:
        assert f"## {escape(section['heading']['ko'])} {{#{section['key']}}}\n" in text
        for clause in section["clauses"]:
            number += 1
            assert f"\n{number}. {escape(clause['text']['ko'])} {{#{clause['key']}}}\n" in text


def test_markup_in_the_text_is_escaped() -> None:
    """Characters Markdown would read as emphasis, links, HTML or a list stay literal."""
    assert escape("*AI* [x](y) <b> a_b") == r"\*AI\* \[x\](y) \<b\> a\_b"
    assert escape("1. first\n- item\n# not a heading") == "1\\. first\n\\- item\n\\# not a heading"


def test_view(demo: Declaration, user_client: Any) -> None:
    """Participants download it per language; outsiders get 404; an unknown language is 404."""
    url = f"/d/{demo.slug}/versions/1/export.md"
    response = user_client("gyeonggi.reviewer").get(url + "?language=en")
    assert response.status_code == 200 and response["Content-Type"] == "text/markdown; charset=utf-8"
    assert "language: en" in response.content.decode()
    assert user_client("gyeonggi.reviewer").get(url + "?language=xx").status_code == 404
    assert user_client("outsider").get(url).status_code == 404


def test_the_publication_time_carries_its_offset(demo: Declaration) -> None:
    """The front matter's `published` is ISO 8601 with an explicit offset, not a bare (UTC) date."""
    version = demo.versions.get(number=1)
    text = build_markdown(declaration=demo, version=version, language="en")
    expected = version.published_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert f"published: {expected}\n" in text
