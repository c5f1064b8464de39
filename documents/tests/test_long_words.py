"""Long unbroken strings (URLs, identifiers, pasted hashes) wrap inside the margins of the PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from declarations.models import ClauseText, Declaration
from declarations.services import version_publish
from documents import services
from documents.models import Kind
from documents.rendering import BREAK_OPPORTUNITY, LONG_WORD, WORD_JOINER, keep_korean_words

from .helpers import pdftotext, user

# 100,000 characters, no white space; the digits make every window of the string distinct.
LONG = "".join(f"{n:05d}abcdefghij" for n in range(6250))[:100_000]


def _body_lines(text: str, alphabet: str) -> str:
    """The lines made only of the string's characters, joined: running headers and footers drop out."""
    pattern = re.compile(f"^[{re.escape(alphabet)}]+$")
    return "".join(line.strip() for line in text.splitlines() if pattern.match(line.strip()))


@pytest.mark.django_db
def test_a_clause_of_100000_characters_is_printed_whole(demo: Declaration, tmp_path: Path) -> None:
    """pdftotext of the version PDF holds the whole 100,000-character word, not the first line of it."""
    item = ClauseText.objects.filter(clause__declaration=demo, language="en").order_by("clause__position").first()
    assert item is not None
    item.text = LONG
    item.revision += 1
    item.save()
    version = version_publish(declaration=demo, label="Long words", by=user("secretariat"))
    document = services.document_issue(version=version, kind=Kind.DRAFT, languages=["en"], layout=None, by=None)
    with document.file.open("rb") as handle:
        text = pdftotext(handle.read(), tmp_path)
    assert LONG in _body_lines(text, "0123456789abcdefghij")


def test_long_runs_get_break_opportunities_and_short_words_none() -> None:
    """Only runs longer than LONG_WORD characters are cut, and the cut removes nothing."""
    assert BREAK_OPPORTUNITY not in keep_korean_words("internationalisation " + "x" * LONG_WORD)
    out = str(keep_korean_words("https://example.org/" + "a&b" * 40))
    assert BREAK_OPPORTUNITY in out
    assert out.replace(BREAK_OPPORTUNITY, "") == "https://example.org/" + "a&amp;b" * 40


def test_long_runs_are_never_cut_inside_a_character() -> None:
    """Combining marks, emoji sequences and Hangul joiners stay with the character they belong to."""
    accented = "e\u0301" * 40
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467" * 12
    for word in (accented, family):
        pieces = str(keep_korean_words(word)).split(BREAK_OPPORTUNITY)
        assert len(pieces) > 1 and "".join(pieces) == word
        assert all(not p.startswith(("\u0301", "\u200d")) and not p.endswith("\u200d") for p in pieces)
    korean = str(keep_korean_words("가" * 40))
    assert BREAK_OPPORTUNITY in korean
    assert korean.replace(BREAK_OPPORTUNITY, "").replace(WORD_JOINER, "") == "가" * 40
