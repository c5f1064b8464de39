"""Comments on a passage: the anchor is checked when made, follows later edits or shows as detached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from consultations import services
from consultations.anchors import PassageAnchor, Status, passage_html, passages, relocate, text_hash
from consultations.models import Comment
from consultations.selectors import redline
from declarations.models import Clause, ClauseText
from declarations.services import clause_text_update

pytestmark = pytest.mark.django_db

TEXT = "Trust needs rules. Rules need trust in the people who keep them. Trust is slow."
QUOTE = "Rules need trust"
START = TEXT.index(QUOTE)


def _relocate(new_text: str, *, old_text: str | None = TEXT, quote: str = QUOTE, start: int = START) -> Any:
    location = relocate(quote=quote, start=start, end=start + len(quote), new_text=new_text, old_text=old_text)
    shown = new_text[location.start : location.end] if location.start is not None else None
    return location.status, shown


# --- relocating: pure -------------------------------------------------------------------------


def test_unchanged_text_keeps_the_offsets() -> None:
    """Nothing changed: the passage is where it was."""
    assert relocate(quote=QUOTE, start=START, end=START + len(QUOTE), new_text=TEXT, old_text=TEXT).start == START


def test_edit_before_the_passage_moves_the_anchor() -> None:
    """Words added before the passage shift it; the highlight follows to the same words."""
    status, shown = _relocate("Above all, trust needs clear rules. " + TEXT[19:])
    assert (status, shown) == (Status.ATTACHED, QUOTE)


def test_edit_after_the_passage_leaves_it() -> None:
    """A change after the passage does not touch it."""
    location = relocate(
        quote=QUOTE, start=START, end=START + len(QUOTE), new_text=TEXT.replace("slow", "earned"), old_text=TEXT
    )
    assert (location.status, location.start) == (Status.ATTACHED, START)


def test_edit_inside_the_passage_follows_the_changed_words() -> None:
    """A passage edited inside, mostly surviving, is shown as changed, with what it became."""
    status, shown = _relocate(TEXT.replace("Rules need trust", "Rules need mutual trust"))
    assert (status, shown) == (Status.CHANGED, "Rules need mutual trust")


def test_a_change_across_the_end_of_the_passage_is_shown_without_the_space_after_it() -> None:
    """When the redline's change runs past the passage, the changed span still ends at a word."""
    old = "a shift from rational to relational thinking about personhood, data"
    new = old.replace("relational thinking", "relational and caring thinking").replace("about personhood", "")
    start = old.index("relational thinking")
    location = relocate(quote="relational thinking", start=start, end=start + 19, new_text=new, old_text=old)
    assert location.status == Status.CHANGED
    assert new[location.start : location.end] == "relational and caring thinking"


def test_deleting_the_passage_detaches_it() -> None:
    """The passage's sentence is gone: the anchor is detached."""
    status, shown = _relocate("Trust needs rules. Trust is slow.")
    assert (status, shown) == (Status.DETACHED, None)


def test_rewriting_most_of_the_passage_detaches_it() -> None:
    """When less than half of the quoted characters survive, it is no longer the same passage."""
    status, _shown = _relocate(TEXT.replace("Rules need trust", "Laws demand confidence"))
    assert status == Status.DETACHED


def test_a_moved_sentence_is_found_where_it_went() -> None:
    """The passage cut and pasted elsewhere in the clause is found there."""
    moved = "Trust needs rules. Trust is slow. Rules need trust in the people who keep them."
    status, shown = _relocate(moved)
    assert (status, shown) == (Status.ATTACHED, QUOTE)
    assert moved.index(QUOTE) == 34


def test_another_occurrence_that_was_there_is_not_taken_for_a_deleted_passage() -> None:
    """The second 'trust' was deleted; the first one, there all along, is not the commented one."""
    second = TEXT.index("trust")
    status, _shown = _relocate(TEXT.replace("need trust in", "need faith in"), quote="trust", start=second)
    assert status == Status.DETACHED


def test_nearest_occurrence_wins_without_the_old_text() -> None:
    """Without the old text (no history), the quote nearest to the old offset is taken."""
    location = relocate(quote="Trust", start=14, end=19, new_text="Trust. Trust.", old_text=None)
    assert location.start == 7
    assert relocate(quote="Trust", start=0, end=5, new_text="Nothing here.", old_text=None).status == Status.DETACHED


def test_korean_offsets_count_characters() -> None:
    """Offsets count characters, so Korean (and emoji beyond the BMP) shift by their length in characters."""
    old = "🤝 신뢰는 규칙을 필요로 한다."
    quote = "규칙을"
    start = old.index(quote)
    location = relocate(quote=quote, start=start, end=start + 3, new_text="새로운 " + old, old_text=old)
    assert (location.start, location.end) == (start + 4, start + 7)


# --- making an anchor: the service ------------------------------------------------------------


def _anchor(clause: Clause, quote: str, *, language: str = "en", shift: int = 0) -> PassageAnchor:
    current = ClauseText.objects.get(clause=clause, language=language)
    start = current.text.index(quote) + shift
    return PassageAnchor(language=language, start=start, end=start + len(quote), quote=quote, revision=current.revision)


def test_comment_on_a_passage_stores_the_anchor(draft: Callable[..., Comment], clause: Any) -> None:
    """The passage's language, offsets, quote, revision and text hash are on the comment."""
    vision = clause("vision")
    current = ClauseText.objects.get(clause=vision, language="en")
    comment = draft(clause=vision, anchor=_anchor(vision, "relational thinking"), text="Say which relations.")
    assert comment.anchor_quote == "relational thinking"
    assert current.text[comment.anchor_start : comment.anchor_end] == "relational thinking"
    assert (comment.anchor_language, comment.anchor_revision) == ("en", current.revision)
    assert comment.anchor_text_hash == text_hash(current.text)


def test_korean_comment_on_an_english_passage(draft: Callable[..., Comment], clause: Any) -> None:
    """A comment may be written in Korean about a passage of the English text."""
    vision = clause("vision")
    comment = draft(clause=vision, language="ko", text="관계를 명시해 주십시오.", anchor=_anchor(vision, "personhood"))
    assert (comment.language, comment.anchor_language) == ("ko", "en")


@pytest.mark.parametrize(
    ("shift", "quote_override", "message"),
    [
        (3, None, "not the clause text at that place"),
        (0, "relational thinkin", "not the clause text at that place"),
        (0, "   ", "not only spaces"),
    ],
)
def test_a_quote_that_is_not_the_text_there_is_refused(
    draft: Callable[..., Comment], clause: Any, shift: int, quote_override: str | None, message: str
) -> None:
    """Offsets and quote must agree with the clause text; nothing is saved otherwise."""
    vision = clause("vision")
    anchor = _anchor(vision, "relational thinking", shift=shift)
    if quote_override is not None:
        anchor = PassageAnchor("en", anchor.start, anchor.end, quote_override, anchor.revision)
    before = Comment.objects.count()
    with pytest.raises(services.ConsultationError, match=message):
        draft(clause=vision, anchor=anchor)
    assert Comment.objects.count() == before


def test_offsets_outside_the_text_are_refused(draft: Callable[..., Comment], clause: Any) -> None:
    """An end past the clause text is refused."""
    vision = clause("vision")
    length = len(ClauseText.objects.get(clause=vision, language="en").text)
    with pytest.raises(services.ConsultationError, match="not the clause text"):
        draft(clause=vision, anchor=PassageAnchor("en", length - 2, length + 5, "xx", 1))


def test_a_stale_selection_after_an_edit_is_refused(draft: Callable[..., Comment], clause: Any, user: Any) -> None:
    """The text changed between selecting and saving: the reader is asked to select again."""
    vision = clause("vision")
    anchor = _anchor(vision, "relational thinking")
    current = ClauseText.objects.get(clause=vision, language="en")
    clause_text_update(
        clause=vision,
        language="en",
        text="New words. " + current.text,
        base_revision=current.revision,
        by=user("secretariat"),
    )
    with pytest.raises(services.ConsultationError, match="has changed since you selected"):
        draft(clause=vision, anchor=anchor)


def test_a_passage_needs_a_clause(draft: Callable[..., Comment], clause: Any) -> None:
    """A passage on the declaration as a whole makes no sense."""
    with pytest.raises(services.ConsultationError, match="part of a clause"):
        draft(anchor=_anchor(clause("vision"), "personhood"))


def test_editing_a_draft_keeps_the_passage_unless_the_clause_changes(
    draft: Callable[..., Comment], clause: Any, user: Any
) -> None:
    """Rewording the comment keeps its passage; moving it to another clause drops it."""
    vision = clause("vision")
    comment = draft(clause=vision, anchor=_anchor(vision, "personhood"))
    reviewer = user("gyeonggi.reviewer")
    edited = services.comment_update(
        comment=comment, kind="general", language="en", text="Reworded.", clause=vision, by=reviewer
    )
    assert edited.anchor_quote == "personhood"
    moved = services.comment_update(
        comment=edited, kind="general", language="en", text="Elsewhere.", clause=clause("democracy"), by=reviewer
    )
    assert moved.anchor_quote == "" and moved.anchor_start is None


def test_suggestion_on_a_passage_is_a_redline_of_the_whole_clause(draft: Callable[..., Comment], clause: Any) -> None:
    """A suggested change keeps the passage and shows as tracked changes against the text it was made on."""
    vision = clause("vision")
    current = ClauseText.objects.get(clause=vision, language="en").text
    comment = draft(
        kind=Comment.Kind.PROPOSED_TEXT,
        clause=vision,
        proposed_text=current.replace("relational thinking", "relational, rights-based thinking"),
        anchor=_anchor(vision, "relational thinking"),
    )
    assert comment.anchor_quote == "relational thinking" and comment.base_text == current
    assert 'relational<ins class="rl-ins">, rights-based</ins> thinking' in redline(comment)


def test_suggestion_passage_must_be_in_its_language(draft: Callable[..., Comment], clause: Any) -> None:
    """A Korean suggestion cannot anchor on the English text it does not change."""
    vision = clause("vision")
    korean = ClauseText.objects.get(clause=vision, language="ko").text
    with pytest.raises(services.ConsultationError, match="language it was selected in"):
        draft(
            kind=Comment.Kind.PROPOSED_TEXT,
            language="ko",
            clause=vision,
            proposed_text=korean + " 추가.",
            anchor=_anchor(vision, "personhood"),
        )


# --- reading: passages() after the secretariat edits --------------------------------------------


def _edit(vision: Clause, user: Any, change: Callable[[str], str]) -> None:
    current = ClauseText.objects.get(clause=vision, language="en")
    clause_text_update(
        clause=vision, language="en", text=change(current.text), base_revision=current.revision, by=user("secretariat")
    )


@pytest.mark.parametrize(
    ("change", "status", "shown"),
    [
        (lambda t: "In short: " + t, Status.ATTACHED, "relational thinking"),
        (lambda t: t.replace("relational thinking", "relational and caring thinking"), Status.CHANGED, None),
        (lambda t: t + " And more.", Status.ATTACHED, "relational thinking"),
        (lambda t: t.replace("from rational to relational thinking about ", ""), Status.DETACHED, ""),
    ],
    ids=["before", "inside", "after", "deleted"],
)
def test_passages_follow_the_secretariats_edits(
    draft: Callable[..., Comment], clause: Any, user: Any, change: Callable[[str], str], status: Status, shown: Any
) -> None:
    """Edits before, inside and after the passage, and its deletion, as a page shows them."""
    vision = clause("vision")
    comment = draft(clause=vision, anchor=_anchor(vision, "relational thinking"))
    _edit(vision, user, change)
    passage = passages([comment])[comment.pk]
    assert passage.location.status == status and passage.quote == "relational thinking"
    if status == Status.CHANGED:
        assert passage.current == "relational and caring thinking"
    else:
        assert passage.current == shown
    current = ClauseText.objects.get(clause=vision, language="en").text
    if passage.location.start is not None:
        assert current[passage.location.start : passage.location.end] == passage.current


def test_passages_read_in_two_queries(
    draft: Callable[..., Comment], clause: Any, user: Any, django_assert_max_num_queries: Any
) -> None:
    """Current texts in one query, the texts the readers saw (from history) in another."""
    vision, democracy = clause("vision"), clause("democracy")
    comments = [
        draft(clause=vision, anchor=_anchor(vision, "relational thinking")),
        draft(clause=vision, anchor=_anchor(vision, "personhood")),
        draft("catalonia", clause=democracy, anchor=_anchor(democracy, "Democracy")),
    ]
    _edit(vision, user, lambda t: "First: " + t)
    with django_assert_max_num_queries(2):
        found = passages(comments)
    assert [found[c.pk].current for c in comments] == ["relational thinking", "personhood", "Democracy"]


def test_general_comments_have_no_passage(draft: Callable[..., Comment], clause: Any) -> None:
    """A whole-clause comment is not in the result."""
    comment = draft(clause=clause("vision"))
    assert passages([comment]) == {}


# --- showing ------------------------------------------------------------------------------------


def test_passage_html_marks_and_escapes() -> None:
    """Marked passages, overlapping ones split; markup in the text is shown, never run."""
    html = passage_html("a <b> c d", [(2, 5, 7), (4, 9, 8)], current=8)
    assert html == (
        'a <mark class="passage" data-comments="7">&lt;b</mark>'
        '<mark class="passage current" data-comments="7 8">&gt;</mark>'
        '<mark class="passage current" data-comments="8"> c d</mark>'
    )


def test_direction_controls_are_one_marked_character() -> None:
    """A direction control is shown as a marker element so that offsets still count one character."""
    html = passage_html("evil\u202elive")
    assert html == 'evil<span class="ctl" data-ctl>⟨RLO⟩</span>live'


# --- the clause page in a round -----------------------------------------------------------------


def _clause_url(rnd: Any, key: str = "vision", lang: str = "en") -> str:
    return reverse("consultations:clause", args=[rnd.declaration.slug, rnd.number, key]) + f"?lang={lang}"


def _post_passage(client: Any, rnd: Any, clause: Clause, quote: str, **extra: Any) -> Any:
    anchor = _anchor(clause, quote)
    data = {
        "mode": "comment",
        "kind": "general",
        "language": "en",
        "text": "Which relations?",
        "anchor_language": anchor.language,
        "anchor_start": anchor.start,
        "anchor_end": anchor.end,
        "anchor_quote": anchor.quote,
        "anchor_revision": anchor.revision,
        **extra,
    }
    return client.post(_clause_url(rnd, clause.key), data)


def test_clause_page_comments_on_a_passage_and_highlights_it(
    rnd: Any, clause: Any, user_client: Any, at_now: Any
) -> None:
    """A reviewer's passage comment is saved as a draft and its passage is marked in the clause text."""
    client = user_client("gyeonggi.reviewer")
    response = _post_passage(client, rnd, clause("vision"), "relational thinking")
    comment = Comment.objects.get(party__key="gyeonggi")
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(_clause_url(rnd)).content.decode()
    assert f'<mark class="passage" data-comments="{comment.pk}">relational thinking</mark>' in page
    assert "On the passage" in page and 'data-passage-status="attached"' in page


def test_clause_page_refuses_a_wrong_quote_and_saves_nothing(
    rnd: Any, clause: Any, user_client: Any, at_now: Any
) -> None:
    """A quote that is not the text at the offsets is refused with a message; no draft appears."""
    response = _post_passage(user_client("gyeonggi.reviewer"), rnd, clause("vision"), "personhood", anchor_quote="x")
    assert response.status_code == 400
    assert "not the clause text at that place" in response.content.decode()
    assert not Comment.objects.exists()


def test_whole_clause_comment_without_a_passage(rnd: Any, clause: Any, user_client: Any, at_now: Any) -> None:
    """Without a selection (or without JavaScript) the form comments on the whole clause."""
    response = user_client("gyeonggi.reviewer").post(
        _clause_url(rnd), {"mode": "comment", "kind": "editorial", "language": "ko", "text": "전체 조항에 대해."}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.clause, comment.anchor_quote, comment.kind) == (clause("vision"), "", "editorial")


def test_suggestion_mode_stores_the_change_as_a_redline(rnd: Any, clause: Any, user_client: Any, at_now: Any) -> None:
    """The clause text edited in place is a proposal against the revision shown, shown as tracked changes."""
    current = ClauseText.objects.get(clause=clause("vision"), language="en")
    client = user_client("gyeonggi.reviewer")
    response = client.post(
        _clause_url(rnd),
        {
            "mode": "suggest",
            "proposed_text": current.text.replace("relational thinking", "relational, rights-based thinking"),
            "text": "Name the rights.",
            "base_revision": current.revision,
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.is_proposal and comment.base_revision == current.revision
    page = client.get(_clause_url(rnd)).content.decode()
    assert 'relational<ins class="rl-ins">, rights-based</ins> thinking' in page


def test_suggestion_on_a_text_changed_meanwhile_is_refused(
    rnd: Any, clause: Any, user: Any, user_client: Any, at_now: Any
) -> None:
    """Made in place on an older revision, the suggestion is refused and handed back against the new one."""
    vision = clause("vision")
    current = ClauseText.objects.get(clause=vision, language="en")
    _edit(vision, user, lambda t: t + " Added.")
    response = user_client("gyeonggi.reviewer").post(
        _clause_url(rnd),
        {"mode": "suggest", "proposed_text": current.text + " Mine.", "base_revision": current.revision},
    )
    assert response.status_code == 400 and not Comment.objects.exists()
    page = response.content.decode()
    assert "has changed since you began your suggestion" in page
    assert f'name="base_revision" value="{current.revision + 1}"' in page and "Mine." in page


def test_comment_page_shows_a_detached_passage(
    rnd: Any, clause: Any, user: Any, user_client: Any, draft: Callable[..., Comment], at_now: Any
) -> None:
    """After the passage is deleted, the comment shows its quote and says it is no longer in the text."""
    vision = clause("vision")
    comment = draft(clause=vision, anchor=_anchor(vision, "relational thinking"))
    services.party_submit(round=rnd, party=comment.party, by=user("gyeonggi.focal"))
    _edit(vision, user, lambda t: t.replace("from rational to relational thinking about ", ""))
    url = reverse("consultations:comment", args=[rnd.declaration.slug, rnd.number, comment.pk])
    page = user_client("secretariat").get(url).content.decode()
    assert "Detached: the passage “relational thinking” is no longer in the text." in page
    assert "<mark" not in page


def test_observer_reads_without_forms_and_outsider_gets_404(rnd: Any, user_client: Any) -> None:
    """An observer reads the clause page without comment forms; an outsider does not find it."""
    page = user_client("observer").get(_clause_url(rnd))
    assert page.status_code == 200 and "data-passage-form" not in page.content.decode()
    assert user_client("outsider").get(_clause_url(rnd)).status_code == 404
    assert user_client("observer").post(_clause_url(rnd), {"mode": "comment"}).status_code == 403


def test_clause_pick_goes_to_the_chosen_clause(rnd: Any, user_client: Any) -> None:
    """The round page's clause list leads to that clause in the chosen language."""
    url = reverse("consultations:clause_pick", args=[rnd.declaration.slug, rnd.number])
    response = user_client("gyeonggi.reviewer").get(url, {"clause": "democracy", "lang": "ko"})
    assert response.status_code == 302 and response["Location"] == _clause_url(rnd, "democracy", "ko")
