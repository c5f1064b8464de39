"""On PostgreSQL, search reads the full-text GIN indexes (decision 100) instead of computing every row's tsvector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from consultations.models import Comment, CommentRound
from consultations.permissions import access_for
from consultations.search import Filters, Found, search
from declarations.models import Clause, ClauseText, Declaration
from signatories.models import Party

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text indexes are PostgreSQL's (DATABASE_URL)"),
]

WORDS = [
    "states",
    "shall",
    "cooperate",
    "to",
    "ensure",
    "that",
    "artificial",
    "intelligence",
    "systems",
    "respect",
    "human",
    "rights",
]


def _sentence(n: int, length: int) -> str:
    return " ".join(WORDS[(n + i) % len(WORDS)] for i in range(length))


@pytest.fixture
def many_rows(demo: Declaration, rnd: CommentRound, user: Callable[[str], Any], party: Callable[[str], Party]) -> None:
    """A declaration big enough that reading every row's tsvector is the plan to avoid: 800 clause
    texts and 2,000 submitted comments, with fresh planner statistics."""
    section = demo.sections.first()
    clauses = Clause.objects.bulk_create(
        Clause(declaration=demo, section=section, key=f"bulk-{n}", position=1000 + n) for n in range(400)
    )
    ClauseText.objects.bulk_create(
        ClauseText(clause=clause, language=language, text=_sentence(n, 40))
        for n, clause in enumerate(clauses)
        for language in ("en", "ko")
    )
    author, gyeonggi = user("gyeonggi.reviewer"), party("gyeonggi")
    Comment.objects.bulk_create(
        Comment(
            round=rnd,
            party=gyeonggi,
            author=author,
            number=n,
            status=Comment.Status.SUBMITTED,
            submitted_at=rnd.opened_at,
            language="en",
            text=_sentence(n, 12),
            proposed_text=_sentence(n * 7, 6) if n % 3 == 0 else "",
        )
        for n in range(1, 2001)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _plans(demo: Declaration, username: str, query: str) -> tuple[str, str]:
    """The plans of the two queries behind a search page: clause texts and comments."""
    from django.contrib.auth import get_user_model

    access = access_for(get_user_model().objects.get(username=username), demo)
    page, _hits = search(access, query, Filters())
    found = page.paginator.object_list
    assert isinstance(found, Found)
    return found.texts.explain(), found.comments.explain()


@pytest.mark.parametrize("username", ["secretariat", "catalonia.focal"])
def test_search_reads_the_full_text_indexes(demo: Declaration, many_rows: None, username: str) -> None:
    """Clause texts, comments and proposals are found through their index, round rules included.

    The plan can use an index only for the very expression it holds: this fails when the query's
    tsvector (search.text_vector) or an index's changes without the other.
    """
    texts, comments = _plans(demo, username, "zebra")
    assert "Bitmap Index Scan on clausetext_text_search" in texts
    assert "Bitmap Index Scan on comment_text_search" in comments
    assert "Bitmap Index Scan on comment_proposal_search" in comments
