"""Drafting comments: targets, languages, types, and proposed text with its base."""

from __future__ import annotations

import pytest

from consultations import services
from consultations.models import Comment
from consultations.selectors import redline
from declarations.models import ClauseText

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_proposed_text_stores_its_base_text_and_revision(draft, clause) -> None:
    """A proposal keeps the clause text and revision it was written against."""
    current = ClauseText.objects.get(clause=clause("vision"), language="ko")
    comment = draft(
        kind=Comment.Kind.PROPOSED_TEXT, language="ko", clause=clause("vision"), proposed_text=current.text + " 추가."
    )
    assert comment.base_text == current.text
    assert comment.base_revision == current.revision


def test_proposal_shows_as_a_redline_against_its_base(draft, clause) -> None:
    """The redline marks only what the proposal inserts or deletes."""
    base = ClauseText.objects.get(clause=clause("democracy"), language="en").text
    comment = draft(kind=Comment.Kind.PROPOSED_TEXT, clause=clause("democracy"), proposed_text=base + " New sentence.")
    assert redline(comment).endswith('<ins class="rl-ins"> New sentence.</ins>')
    assert "<del" not in redline(comment)


def test_redline_escapes_markup_in_proposals(draft, clause) -> None:
    """Proposed text is user input: markup in it is shown, never run."""
    comment = draft(kind=Comment.Kind.PROPOSED_TEXT, clause=clause("vision"), proposed_text="<script>alert(1)</script>")
    assert "<script>" not in redline(comment)


def test_proposed_text_needs_a_clause(draft) -> None:
    """Proposed text replaces a clause, so a whole-declaration proposal is refused."""
    with pytest.raises(services.ConsultationError, match="clause"):
        draft(kind=Comment.Kind.PROPOSED_TEXT, proposed_text="Something else.")


def test_comment_in_a_language_of_the_declaration_only(draft) -> None:
    """A comment in French on an English-Korean declaration is refused."""
    with pytest.raises(services.ConsultationError, match="languages"):
        draft(language="fr")


def test_comment_on_a_section(draft, demo) -> None:
    """A comment may concern a whole section."""
    section = demo.sections.get(key="core-values")
    assert draft(section=section).section == section


def test_signatory_cannot_draft(rnd, party, user) -> None:
    """Only reviewers and focal points draft; a signatory does not."""
    with pytest.raises(services.ConsultationError):
        services.comment_create(
            round=rnd,
            party=party("gyeonggi"),
            by=user("gyeonggi.signatory"),
            kind="general",
            language="en",
            text="Hello",
            now=NOW,
        )


def test_uninvited_party_cannot_draft(open_round, party, user) -> None:
    """A party outside the invitation list cannot comment in the round."""
    rnd = open_round(parties=["gyeonggi"])
    with pytest.raises(services.ConsultationError, match="not invited"):
        services.comment_create(
            round=rnd,
            party=party("kyoto"),
            by=user("kyoto.reviewer"),
            kind="general",
            language="en",
            text="Hi",
            now=NOW,
        )


def test_focal_point_edits_a_reviewers_draft(draft, user) -> None:
    """The focal point reviews and edits drafts before submitting."""
    comment = draft(text="Rough words")
    services.comment_update(
        comment=comment, kind="editorial", language="en", text="Polished words", by=user("gyeonggi.focal"), now=NOW
    )
    comment.refresh_from_db()
    assert (comment.kind, comment.text) == ("editorial", "Polished words")


def test_another_reviewer_cannot_edit_a_draft(draft, user, party) -> None:
    """A reviewer of another party cannot edit the draft."""
    comment = draft()
    with pytest.raises(services.ConsultationError):
        services.comment_update(
            comment=comment, kind="general", language="en", text="Mine now", by=user("catalonia.reviewer"), now=NOW
        )
