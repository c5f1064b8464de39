"""Comments on a passage: the anchor a reader makes by selecting text, and where that passage is now.

An anchor is the clause, the language, start and end offsets in characters (code points, as Python
counts them) of the clause text the reader saw, that text's revision and SHA-256, and the quoted
words. The clause text moves on after the comment; `relocate` finds the passage again (the quote
where the redline engine says the old offsets went, else the occurrence nearest to them), follows a
passage edited inside when most of it survives, and otherwise calls it detached: the comment then
shows its quote and says the passage is no longer in the text. `passages` is the one place the pages
ask; `passage_html` draws a clause text with its passages marked. The service checks a new selection
against the clause text in `services/passages.py`.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from config.text import BIDI_CONTROLS, show_controls
from declarations.models import ClauseText
from declarations.redline import Op, diff_text

from .models import Comment

# A passage edited inside still counts as found when at least this share of its characters survive.
SURVIVAL = 0.5


@dataclass(frozen=True)
class PassageAnchor:
    """What a reader selected: offsets into the clause text in `language` at `revision`, and the quote."""

    language: str
    start: int
    end: int
    quote: str
    revision: int


class Keep(enum.Enum):
    """Editing a draft keeps its passage unless the comment moves to another clause."""

    ANCHOR = "keep"


KEEP = Keep.ANCHOR


class Status(enum.StrEnum):
    ATTACHED = "attached"  # the quoted words are in the text, highlighted where they are now
    CHANGED = "changed"  # the passage was edited inside; what became of it is highlighted
    DETACHED = "detached"  # the passage is no longer in the text


@dataclass(frozen=True)
class Location:
    status: Status
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Passage:
    """What a page shows of one comment's passage in the clause text as it is now."""

    comment_id: int
    language: str
    quote: str
    location: Location
    current: str  # the passage's words in the current text ("" when detached)
    clause_text: str  # the whole current clause text in the passage's language

    @property
    def status(self) -> str:
        return self.location.status.value

    @property
    def detached(self) -> bool:
        return self.location.status == Status.DETACHED

    @property
    def changed(self) -> bool:
        return self.location.status == Status.CHANGED


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- reading: where the passage is now ------------------------------------------------------------


def relocate(*, quote: str, start: int, end: int, new_text: str, old_text: str | None = None) -> Location:
    """Where the passage `start:end` (reading `quote`) of `old_text` is in `new_text`.

    Through the redline of the two texts: the passage kept whole is where it went; else the quote
    elsewhere (moved), nearest to where the passage was, but not another occurrence that was already
    there and stayed; else the passage edited inside when most of it survives; else detached. Without
    the old text (its history is missing) only the quote itself can be found, nearest to the old offsets.
    """
    if old_text is None:
        found = _nearest(new_text, quote, start, skip=set())
        return Location(Status.DETACHED) if found is None else Location(Status.ATTACHED, found, found + len(quote))
    if old_text == new_text:
        return Location(Status.ATTACHED, start, end)
    ops = diff_text(old_text, new_text)
    expected, span, survived = _follow(ops, start, end)
    if span is not None and new_text[span[0] : span[1]] == quote:
        return Location(Status.ATTACHED, *span)
    others = (o for o in _occurrences(old_text, quote) if o != start)
    stayed = {sp[0] for sp, kept in (_follow(ops, o, o + len(quote))[1:] for o in others) if sp and kept == len(quote)}
    found = _nearest(new_text, quote, expected, skip=stayed)
    if found is not None:
        return Location(Status.ATTACHED, found, found + len(quote))
    if span is not None and survived >= SURVIVAL * len(quote):
        # A change is as wide as the redline's block, which may end in the space after a word.
        low, high = span
        while low < high and new_text[low].isspace():
            low += 1
        while high > low and new_text[high - 1].isspace():
            high -= 1
        return Location(Status.CHANGED, low, high)
    return Location(Status.DETACHED)


def _occurrences(text: str, quote: str) -> Iterator[int]:
    position = text.find(quote)
    while position >= 0:
        yield position
        position = text.find(quote, position + 1)


def _nearest(text: str, quote: str, expected: int, *, skip: set[int]) -> int | None:
    candidates = [o for o in _occurrences(text, quote) if o not in skip]
    return min(candidates, key=lambda o: (abs(o - expected), o)) if candidates else None


def _follow(ops: Sequence[Op], start: int, end: int) -> tuple[int, tuple[int, int] | None, int]:
    """Along the redline: where `start` went, the span the passage became, and how many of its
    characters are unchanged."""
    expected: int | None = None
    covered: list[int] = []
    survived = 0
    i = j = 0  # positions in the old and the new text
    deleted_inside = False  # the last op deleted part of the passage: an insertion right after replaces it
    for op in ops:
        n = len(op.text)
        if op.kind == "equal":
            if expected is None and i <= start < i + n:
                expected = j + start - i
            low, high = max(i, start), min(i + n, end)
            if low < high:
                survived += high - low
                covered += [j + low - i, j + high - i]
            i, j, deleted_inside = i + n, j + n, False
        elif op.kind == "delete":
            if expected is None and i <= start < i + n:
                expected = j
            deleted_inside = i < end and i + n > start
            i += n
        else:
            if deleted_inside or start < i < end:
                covered += [j, j + n]
            j, deleted_inside = j + n, False
    span = (min(covered), max(covered)) if covered and max(covered) > min(covered) else None
    return (j if expected is None else expected), span, survived


def passages(comments: Iterable[Comment]) -> dict[int, Passage]:
    """Comment id → its passage in the current clause text, for the anchored ones; two queries at most."""
    anchored = [c for c in comments if c.is_anchored and c.clause_id]
    if not anchored:
        return {}
    wanted = {(c.clause_id, c.anchor_language) for c in anchored}
    condition = Q(pk__in=[])
    for clause_id, language in wanted:
        condition |= Q(clause_id=clause_id, language=language)
    current: dict[tuple[int | None, str], ClauseText] = {
        (t.clause_id, t.language): t
        for t in ClauseText.objects.filter(condition).only("clause_id", "language", "text", "revision")
    }
    old = _old_texts(
        c
        for c in anchored
        if (t := current.get((c.clause_id, c.anchor_language))) is None or t.revision != c.anchor_revision
    )
    result: dict[int, Passage] = {}
    for c in anchored:
        assert c.anchor_start is not None and c.anchor_end is not None
        now = current.get((c.clause_id, c.anchor_language))
        new_text = now.text if now is not None else ""
        if now is not None and now.revision == c.anchor_revision and text_hash(new_text) == c.anchor_text_hash:
            before: str | None = new_text
        else:
            before = old.get((c.clause_id, c.anchor_language, c.anchor_revision))
            if before is not None and text_hash(before) != c.anchor_text_hash:
                before = None  # not the text the reader saw (a restore renumbered it): trust the quote only
        location = relocate(
            quote=c.anchor_quote, start=c.anchor_start, end=c.anchor_end, new_text=new_text, old_text=before
        )
        words = new_text[location.start : location.end] if location.start is not None else ""
        result[c.pk] = Passage(c.pk, c.anchor_language, c.anchor_quote, location, words, new_text)
    return result


def _old_texts(comments: Iterable[Comment]) -> dict[tuple[int | None, str, int | None], str]:
    keys = {(c.clause_id, c.anchor_language, c.anchor_revision) for c in comments}
    if not keys:
        return {}
    condition = Q(pk__in=[])
    for clause_id, language, revision in keys:
        condition |= Q(clause_id=clause_id, language=language, revision=revision)
    history = ClauseText.history.model.objects.filter(condition).values_list(
        "clause_id", "language", "revision", "text"
    )  # type: ignore[attr-defined]
    return {(clause_id, language, revision): text for clause_id, language, revision, text in history}


# --- showing: a clause text with its passages marked -----------------------------------------------

# C0 controls (but tab and line feed) cannot stand in HTML text: one U+FFFD each keeps every offset.
_HTML_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F], "\ufffd")


def passage_html(text: str, spans: Sequence[tuple[int, int, int]] = (), *, current: int | None = None) -> SafeString:
    """The clause text, escaped, with each (start, end, comment id) span in a <mark>.

    The page's script counts offsets over this markup, so every stored character stays one character:
    a direction control is shown as a marker element (`data-ctl`) the script counts as one.
    """
    bounds = sorted({0, len(text), *(s for s, _e, _c in spans), *(e for _s, e, _c in spans)})
    parts: list[str] = []
    for low, high in itertools.pairwise(bounds):
        if high <= low:
            continue
        piece = _characters(text[low:high])
        ids = [c for s, e, c in spans if s <= low and high <= e]
        if ids:
            css = "passage current" if current in ids else "passage"
            parts.append(
                format_html('<mark class="{}" data-comments="{}">{}</mark>', css, " ".join(map(str, ids)), piece)
            )
        else:
            parts.append(piece)
    # format_html keeps the pieces as they are (each is escaped or built by format_html) and returns
    # a SafeString, which "".join() would not.
    return format_html("{}" * len(parts), *parts) if parts else SafeString("")


def passage_in_clause(passage: Passage) -> SafeString:
    """The current clause text with this one passage marked (nothing marked when it is detached)."""
    start, end = passage.location.start, passage.location.end
    spans = [(start, end, passage.comment_id)] if start is not None and end is not None else []
    return passage_html(passage.clause_text, spans, current=passage.comment_id)


def _characters(text: str) -> SafeString:
    text = text.translate(_HTML_CONTROL)
    if not any(c in BIDI_CONTROLS for c in text):
        return escape(text)
    pieces = [
        format_html('<span class="ctl" data-ctl>{}</span>', show_controls(c)) if c in BIDI_CONTROLS else escape(c)
        for c in text
    ]
    return format_html("{}" * len(pieces), *pieces)
