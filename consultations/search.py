"""Search within one declaration: clause texts in every language, and the comments this user may read.

Comments go through the round rules of permissions.py (`others_visible`), so a party never finds
another party's drafts and observers find no comments at all. On PostgreSQL the match is full-text
search with the `simple` configuration (whole words, in any language, no stemming that would favour
English); on SQLite it is a case-insensitive substring match. Results are paginated by id, then one
query loads each kind of row of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString

from declarations.models import ClauseText

from .models import Comment, CommentRound
from .permissions import Access, RoundAccess, others_visible

PER_PAGE = 25
MAX_TERMS = 8


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


def _matching(qs: QuerySet, field: str, words: list[str]) -> QuerySet:
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), search_type="plain", config="simple")
        return qs.annotate(_found=SearchVector(field, config="simple")).filter(_found=query)
    for word in words:
        qs = qs.filter(**{f"{field}__icontains": word})
    return qs


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


def search(access: Access, query: str, filters: Filters, page_number: int | str = 1) -> tuple[Page, list[Hit]]:
    """One page of hits: clause texts first (in reading order), then comments (by round and number)."""
    words = terms(query)
    found: list[tuple[str, int]] = []
    if words and not filters.comments_only:
        texts = ClauseText.objects.filter(
            clause__declaration=access.declaration,
            clause__deleted_at__isnull=True,
            clause__section__deleted_at__isnull=True,
        )
        if filters.clause:
            texts = texts.filter(clause__key=filters.clause)
        texts = _matching(texts, "text", words).order_by("clause__section__position", "clause__position", "language")
        found += [("clause", pk) for pk in texts.values_list("pk", flat=True)]
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
        by_text = _matching(comments, "text", words).values_list("pk", flat=True)
        by_proposal = _matching(comments, "proposed_text", words).values_list("pk", flat=True)
        ids = set(by_text) | set(by_proposal)
        order = comments.filter(pk__in=ids).order_by("round__number", "number", "id").values_list("pk", flat=True)
        found += [("comment", pk) for pk in order]
    page = Paginator(found, PER_PAGE).get_page(page_number)
    return page, _hits(list(page.object_list), words)


def _hits(rows: list[tuple[str, int]], words: list[str]) -> list[Hit]:
    text_ids = [pk for kind, pk in rows if kind == "clause"]
    comment_ids = [pk for kind, pk in rows if kind == "comment"]
    texts = ClauseText.objects.filter(pk__in=text_ids).select_related("clause").only("language", "text", "clause__key")
    comments = Comment.objects.filter(pk__in=comment_ids).select_related("party", "clause", "round")
    by_text = {t.pk: t for t in texts}
    by_comment = {c.pk: c for c in comments}
    hits = []
    for kind, pk in rows:
        if kind == "clause":
            t = by_text[pk]
            hits.append(Hit("clause", t.clause.key, t.language, highlight(t.text, words)))
        else:
            c = by_comment[pk]
            shown = "\n\n".join(part for part in (c.text, c.proposed_text) if part)
            key = c.clause.key if c.clause_id else ""  # type: ignore[union-attr]
            hits.append(Hit("comment", key, c.language, highlight(shown, words), comment=c))
    return hits
