"""Search within one declaration: clause texts in every language, and the comments this user may read.

Comments go through the round rules of permissions.py (`others_visible`), so a party never finds
another party's drafts and observers find no comments at all. On PostgreSQL the match is full-text
search with the `simple` configuration (whole words, in any language, no stemming that would favour
English), on the GIN indexes of `text_vector` (decision 100); words in Chinese, Japanese or Korean
are matched as substrings there as everywhere on SQLite (decision 101). Results are counted (up to
MAX_HITS, decision 107) and sliced in the database, one page at a time: clause texts first, then comments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import overload

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString

from declarations.caching import content_stamp
from declarations.models import Clause, ClauseText, Declaration, DeclarationParty, Section
from signatories.models import Party

from .models import Comment, CommentRound
from .permissions import Access, RoundAccess, others_visible

PER_PAGE = 25
MAX_TERMS = 8
# Hits are counted up to here (decision 107): past it the count reads "more than 1,000" and the
# pager stops at page 40. Counting every hit of a common word at UN scale was a quarter of the page.
MAX_HITS = 1000
# Scripts written without spaces between words (Chinese, Japanese) or with particles joined to the
# word (Korean): PostgreSQL's parser cannot find their words, so they are matched as substrings.
UNSPACED = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]")


@dataclass(frozen=True)
class Filters:
    party: str = ""  # party key; comments only
    status: str = ""  # comment status; comments only
    kind: str = ""  # comment type; comments only
    clause: str = ""  # clause key; clause texts and comments

    @property
    def comments_only(self) -> bool:
        return bool(self.party or self.status or self.kind)


@dataclass
class Hit:
    kind: str  # "clause" or "comment"
    clause_key: str
    language: str
    html: SafeString  # the text, escaped, with <mark> around the matches
    comment: Comment | None = None


def terms(query: str) -> list[str]:
    """The words searched for (quotes and punctuation people type around them are ignored)."""
    words = [w.strip("\"'“”‘’.,;:!?()") for w in query.split()]
    return [w for w in words if w][:MAX_TERMS]


def highlight(text: str, words: list[str]) -> SafeString:
    """`text` escaped, each match of a word wrapped in <mark>; matching the raw text, escaping every piece."""
    if not words:
        return SafeString(escape(text))
    pattern = re.compile("(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")", re.I)
    pieces = pattern.split(text)
    # re.split with one group: even indices are between matches, odd ones are the matches.
    return SafeString("".join(f"<mark>{escape(p)}</mark>" if i % 2 else escape(p) for i, p in enumerate(pieces)))


def text_vector(field: str) -> SearchVector:
    """The tsvector of a text field, exactly as the GIN indexes hold it (consultations 0005, declarations 0006).

    PostgreSQL uses an expression index only for the very same expression: change both or neither
    (consultations/tests/test_search_index.py checks that the query's plan uses the index).
    """
    return SearchVector(field, config="simple")


def _matching(qs: QuerySet, fields: tuple[str, ...], words: list[str]) -> QuerySet:
    """The rows of `qs` where one of `fields` holds every word."""
    postgres = connection.vendor == "postgresql"
    whole = [w for w in words if postgres and not UNSPACED.search(w)]
    substrings = [w for w in words if w not in whole]
    query = SearchQuery(" ".join(whole), search_type="plain", config="simple")
    if whole:
        # alias(), not annotate(): the vector is matched in WHERE (by the index), never computed for SELECT.
        qs = qs.alias(**{f"_{field}_vector": text_vector(field) for field in fields})
    found = Q()
    for field in fields:
        in_field = Q(**{f"_{field}_vector": query}) if whole else Q()
        for word in substrings:
            # A word without letter case (Chinese, Korean) needs no UPPER() of every row's text.
            lookup = "icontains" if word.lower() != word.upper() else "contains"
            in_field &= Q(**{f"{field}__{lookup}": word})
        found |= in_field
    return qs.filter(found)


def visible_comments_in(access: Access) -> QuerySet[Comment]:
    """Every comment of the declaration this user may read, round by round (permissions.visible_comments)."""
    if not access.may_comment and not access.is_secretariat:
        return Comment.objects.none()
    readable = [
        r.pk
        for r in CommentRound.objects.filter(declaration=access.declaration)
        if others_visible(RoundAccess(**access.__dict__, round=r))
    ]
    condition = Q(round__pk__in=readable) & ~Q(status=Comment.Status.DRAFT)
    if access.party is not None:
        condition |= Q(party=access.party)  # a party's own drafts never leave the party
    return Comment.objects.filter(round__declaration=access.declaration).filter(condition)


def filters_stamp(declaration: Declaration) -> str:
    """Changes with what the party and paragraph lists of the search form show: every save of a
    section, clause, participation or party writes a history row. One query."""
    return content_stamp(Declaration.objects.filter(pk=declaration.pk), Section, Clause, DeclarationParty, Party)


class Found(Sequence[ClauseText | Comment]):
    """Matching clause texts, then matching comments, as Paginator reads them: counted in the database,
    a page's ids sorted there, then its rows loaded by id (sorting whole rows with their party and
    clause took 22 ms for a page of a common word at UN scale, sorting ids 4 ms)."""

    def __init__(self, texts: QuerySet[ClauseText], comments: QuerySet[Comment]) -> None:
        self.texts = texts  # the matching clause texts, in reading order
        self.comments = comments  # the matching comments, by round and number

    # Counted without ordering and at most MAX_HITS + 1 rows, so the database stops early.
    @cached_property
    def text_count(self) -> int:
        return self.texts.order_by()[: MAX_HITS + 1].count()

    @cached_property
    def comment_count(self) -> int:
        return self.comments.order_by()[: max(MAX_HITS + 1 - self.text_count, 0)].count()

    @property
    def more(self) -> bool:
        """More hits exist than are counted and paged (MAX_HITS)."""
        return self.text_count + self.comment_count > MAX_HITS

    def __len__(self) -> int:
        return min(self.text_count + self.comment_count, MAX_HITS)

    @overload
    def __getitem__(self, index: int) -> ClauseText | Comment: ...
    @overload
    def __getitem__(self, index: slice) -> list[ClauseText | Comment]: ...
    def __getitem__(self, index: int | slice) -> ClauseText | Comment | list[ClauseText | Comment]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        first = self.text_count
        rows: list[ClauseText | Comment] = []
        if start < first:
            texts = ClauseText.objects.select_related("clause").only("language", "text", "clause__key")
            rows += _rows(self.texts, start, min(stop, first), texts)
        if stop > first:
            comments = Comment.objects.select_related("party", "clause", "round")
            rows += _rows(self.comments, max(start - first, 0), stop - first, comments)
        return rows


def _rows[M: (ClauseText, Comment)](matching: QuerySet[M], start: int, stop: int, shown: QuerySet[M]) -> list[M]:
    """Rows `start` to `stop` of `matching`, read from `shown` (what a hit shows) by id, in order."""
    ids = list(matching.values_list("pk", flat=True)[start:stop])
    by_id = shown.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def search(access: Access, query: str, filters: Filters, page_number: int | str = 1) -> tuple[Page, list[Hit]]:
    """One page of hits: clause texts first (in reading order), then comments (by round and number)."""
    words = terms(query)
    texts = ClauseText.objects.none()
    comments = Comment.objects.none()
    if words and not filters.comments_only:
        texts = ClauseText.objects.filter(
            clause__declaration=access.declaration,
            clause__deleted_at__isnull=True,
            clause__section__deleted_at__isnull=True,
        )
        if filters.clause:
            texts = texts.filter(clause__key=filters.clause)
        texts = _matching(texts, ("text",), words).order_by("clause__section__position", "clause__position", "language")
    if words:
        comments = visible_comments_in(access)
        if filters.clause:
            comments = comments.filter(clause__key=filters.clause)
        if filters.party:
            comments = comments.filter(party__key=filters.party)
        if filters.status:
            comments = comments.filter(status=filters.status)
        if filters.kind:
            comments = comments.filter(kind=filters.kind)
        comments = _matching(comments, ("text", "proposed_text"), words).order_by("round__number", "number", "id")
    page = Paginator(Found(texts, comments), PER_PAGE).get_page(page_number)
    return page, [_hit(row, words) for row in page]


def _hit(row: ClauseText | Comment, words: list[str]) -> Hit:
    if isinstance(row, ClauseText):
        return Hit("clause", row.clause.key, row.language, highlight(row.text, words))
    shown = "\n\n".join(part for part in (row.text, row.proposed_text) if part)
    key = row.clause.key if row.clause_id else ""  # type: ignore[union-attr]
    return Hit("comment", key, row.language, highlight(shown, words), comment=row)
