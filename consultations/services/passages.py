"""The service's side of a comment's passage: checking a reader's selection against the clause text."""

from __future__ import annotations

from django.utils.translation import gettext as _

from declarations.models import ClauseText, Declaration

from ..anchors import KEEP, Keep, PassageAnchor, text_hash
from ..models import Comment
from .common import ConsultationError


def anchor_set(comment: Comment, anchor: PassageAnchor | Keep | None, *, previous_clause_id: int | None) -> None:
    """Check a new passage against the clause text and store it on the comment (nothing else is saved here)."""
    if anchor is KEEP:
        moved = comment.clause_id != previous_clause_id
        # A proposal changes the text in its own language, so its passage must be in that language.
        other_language = comment.is_proposal and comment.anchor_language not in ("", comment.language)
        if moved or other_language:
            _clear(comment)
        return
    if anchor is None:
        _clear(comment)
        return
    clause = comment.clause
    if clause is None:
        raise ConsultationError(_("A passage is part of a clause: comment on the clause it is in."))
    declaration: Declaration = clause.declaration
    if anchor.language not in declaration.languages:
        raise ConsultationError(_("The passage is in a language the declaration does not have."))
    if comment.is_proposal and anchor.language != comment.language:
        raise ConsultationError(_("A suggestion changes the passage in the language it was selected in."))
    current = ClauseText.objects.filter(clause=clause, language=anchor.language).first()
    text = current.text if current else ""
    quote = anchor.quote
    if not quote.strip():
        raise ConsultationError(_("Select some words of the clause, not only spaces."))
    if not (0 <= anchor.start < anchor.end <= len(text)) or text[anchor.start : anchor.end] != quote:
        if current is not None and anchor.revision != current.revision:
            raise ConsultationError(
                _("The clause text has changed since you selected the passage. Select it again as it is now.")
            )
        raise ConsultationError(_("The quoted passage is not the clause text at that place. Select it again."))
    assert current is not None  # a non-empty quote matched the text, so the text exists
    comment.anchor_language = anchor.language
    comment.anchor_start, comment.anchor_end = anchor.start, anchor.end
    comment.anchor_quote = quote
    # The revision and hash of the text the offsets refer to: the current one (it holds the quote there).
    comment.anchor_revision = current.revision
    comment.anchor_text_hash = text_hash(text)


def _clear(comment: Comment) -> None:
    comment.anchor_language, comment.anchor_quote, comment.anchor_text_hash = "", "", ""
    comment.anchor_start = comment.anchor_end = comment.anchor_revision = None
