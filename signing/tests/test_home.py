"""The home page says what is waiting for each person, within the declarations they can see."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from consultations import services as rounds
from consultations.models import Comment, CommentRound
from declarations.caching import data_key
from declarations.demo import DEMO_PARTIES
from declarations.models import ClauseText, Declaration
from signatories.models import Party
from signing.home import secretariat_stamp, waiting_for
from signing.models import Signing
from signing.tests import signing_helpers as signing

pytestmark = pytest.mark.django_db
HOME = reverse("signing:home")


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _round(demo: Declaration) -> CommentRound:
    return rounds.round_open(
        declaration=demo,
        version=demo.versions.get(number=1),
        deadline=timezone.now() + datetime.timedelta(days=14),
        parties=list(Party.objects.filter(key__in=DEMO_PARTIES)),
        by=_user("secretariat"),
    )


def _draft(round_: CommentRound, key: str, text: str = "A remark.") -> Comment:
    return rounds.comment_create(
        round=round_,
        party=Party.objects.get(key=key),
        kind=Comment.Kind.GENERAL,
        language="en",
        text=text,
        by=_user(f"{key}.reviewer"),
    )


def _page(user_client: Any, username: str) -> str:
    response = user_client(username).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_reviewer_sees_open_round_with_own_drafts_and_deadline(demo: Declaration, user_client: Any) -> None:
    """A reviewer is shown the open round, how many drafts of theirs wait in it, and its deadline."""
    round_ = _round(demo)
    _draft(round_, "gyeonggi")
    _draft(round_, "gyeonggi")
    page = _page(user_client, "gyeonggi.reviewer")
    assert reverse("consultations:round", args=[demo.slug, round_.number]) in page
    assert "2 draft comments of yours" in page
    assert round_.deadline.strftime("%Y-%m-%d %H:%M") in page


def test_focal_point_sees_drafts_to_submit_until_the_party_answers(demo: Declaration, user_client: Any) -> None:
    """The focal point sees the party's drafts to submit; once submitted, the task is gone."""
    round_ = _round(demo)
    _draft(round_, "gyeonggi")
    page = _page(user_client, "gyeonggi.focal")
    assert "1 draft to submit" in page
    assert page.count(reverse("consultations:round", args=[demo.slug, round_.number])) == 1  # one line per round
    rounds.party_submit(round=round_, party=Party.objects.get(key="gyeonggi"), by=_user("gyeonggi.focal"))
    waiting = waiting_for(_user("gyeonggi.focal"))
    assert waiting.rounds_to_submit == []


def test_focal_point_sees_signatories_to_designate(demo: Declaration, user_client: Any) -> None:
    """After signing opens, the focal point is asked to designate who signs, until they do."""
    opened = signing.open_signing(demo)
    page = _page(user_client, "gyeonggi.focal")
    assert reverse("signing:designate", args=[demo.slug, "gyeonggi"]) in page
    signing.designate(opened, "gyeonggi")
    assert waiting_for(_user("gyeonggi.focal")).to_designate == []


def test_signatory_sees_text_to_sign_until_signed(demo: Declaration, user_client: Any) -> None:
    """A designated signatory sees the text to sign with its deadline; after signing it is gone."""
    opened = signing.open_signing(demo)
    assert waiting_for(_user("gyeonggi.signatory")).to_sign == []  # not designated yet
    signing.designate(opened, "gyeonggi")
    page = _page(user_client, "gyeonggi.signatory")
    assert reverse("signing:sign", args=[demo.slug, "gyeonggi"]) in page
    assert opened.deadline.strftime("%Y-%m-%d %H:%M") in page
    signing.sign(opened, "gyeonggi")
    assert waiting_for(_user("gyeonggi.signatory")).to_sign == []


def test_secretariat_sees_decisions_unanswered_parties_and_signing_progress(
    demo: Declaration, user_client: Any
) -> None:
    """The secretariat sees comments awaiting a decision, answers so far and signatures so far, as bars with text."""
    round_ = _round(demo)
    _draft(round_, "gyeonggi")
    rounds.party_submit(round=round_, party=Party.objects.get(key="gyeonggi"), by=_user("gyeonggi.focal"))
    page = _page(user_client, "secretariat")
    assert "1 comment awaits a decision in round 1" in page
    assert f"1 of {len(DEMO_PARTIES)}" in page  # one party answered the round
    assert 'aria-hidden="true"' in page and "<svg" in page  # the bar is drawn, its sentence carries the meaning

    opened = signing.open_signing(demo)
    signing.designate(opened, "gyeonggi")
    signing.sign(opened, "gyeonggi")
    waiting = waiting_for(_user("secretariat"))
    [progress] = [s.progress for s in waiting.signing_progress]  # type: ignore[attr-defined]
    assert (progress.done, progress.total, progress.percent) == (1, len(DEMO_PARTIES), 25)


def test_other_parties_and_outsiders_see_nothing_of_others(demo: Declaration, user_client: Any) -> None:
    """Another party's reviewer never counts Gyeonggi's drafts; an outsider is told nothing waits."""
    round_ = _round(demo)
    _draft(round_, "gyeonggi")
    _draft(round_, "gyeonggi")
    other = waiting_for(_user("catalonia.reviewer"))
    assert [r.my_drafts for r in other.rounds_to_review] == [0]  # type: ignore[attr-defined]
    assert other.awaiting_decision == [] and other.signing_progress == []
    signing.open_signing(demo)
    page = _page(user_client, "outsider")
    assert "Nothing is waiting for you." in page
    assert demo.slug not in page
    assert waiting_for(_user("outsider")).is_empty


def test_closed_signing_and_closed_round_are_not_waiting(demo: Declaration) -> None:
    """Only open rounds and open signings wait for anyone."""
    round_ = _round(demo)
    rounds.round_close(round=round_, reason="Enough.", by=_user("secretariat"))
    assert waiting_for(_user("gyeonggi.reviewer")).rounds_to_review == []
    Signing.objects.filter(pk=signing.open_signing(demo).pk).update(status=Signing.Status.CLOSED)
    assert waiting_for(_user("secretariat")).signing_progress == []


def _answered_round(demo: Declaration) -> CommentRound:
    """A round in which Gyeonggi and Catalonia submitted one comment each, then closed."""
    round_ = _round(demo)
    for key in ("gyeonggi", "catalonia"):
        _draft(round_, key)
        rounds.party_submit(round=round_, party=Party.objects.get(key=key), by=_user(f"{key}.focal"))
    rounds.round_close(round=round_, reason="Next round.", by=_user("secretariat"))
    return round_


def test_home_queries_do_not_grow_with_rounds_and_signings(
    demo: Declaration, user_client: Any, django_assert_max_num_queries: Any
) -> None:
    """Each list is one query: more rounds and comments add no queries (no N+1)."""
    client = user_client("secretariat")
    _answered_round(demo)
    client.get(HOME)  # warm process-wide caches (content types)
    cache.clear()  # the secretariat's lists are read, not taken from the cache (see the next test)
    with django_assert_max_num_queries(25) as small:
        client.get(HOME)
    budget = len(small.captured_queries)
    for _ in range(3):
        _answered_round(demo)
    round_ = _round(demo)
    _draft(round_, "gyeonggi")
    rounds.party_submit(round=round_, party=Party.objects.get(key="gyeonggi"), by=_user("gyeonggi.focal"))
    cache.clear()
    with django_assert_max_num_queries(budget):
        page = client.get(HOME).content.decode()
    assert page.count("2 comments await a decision") == 4
    assert f"1 of {len(DEMO_PARTIES)}" in page


def test_secretariat_sees_translations_to_update(demo: Declaration, user_client: Any) -> None:
    """Texts flagged "translation needs update" are counted for the secretariat only."""
    ClauseText.objects.filter(clause__declaration=demo, clause__key="vision", language="ko").update(needs_review=True)
    assert "1 translation to update in" in _page(user_client, "secretariat")
    assert waiting_for(_user("gyeonggi.focal")).stale_translations == []


def test_secretariat_lists_are_cached_until_a_write_or_a_round_closes(
    demo: Declaration, user_client: Any, django_assert_max_num_queries: Any
) -> None:
    """The secretariat's lists come from the cache on a repeat view, and every write they count shows at once.

    The cache is keyed by the stamp of what the lists count: a submission, a decision, a signature, a
    translation flagged stale and a round's early close each show on the very next view; a round whose
    deadline passes leaves the list without any write.
    """
    client = user_client("secretariat")
    round_ = _round(demo)
    _draft(round_, "gyeonggi")
    rounds.party_submit(round=round_, party=Party.objects.get(key="gyeonggi"), by=_user("gyeonggi.focal"))
    cache.clear()
    with django_assert_max_num_queries(25) as cold:
        assert "1 comment awaits a decision in round 1" in client.get(HOME).content.decode()
    with django_assert_max_num_queries(len(cold.captured_queries) - 3):  # the four lists: one stamp query
        assert "1 comment awaits a decision in round 1" in client.get(HOME).content.decode()

    _draft(round_, "catalonia")
    rounds.party_submit(round=round_, party=Party.objects.get(key="catalonia"), by=_user("catalonia.focal"))
    page = _page(user_client, "secretariat")
    assert "2 comments await a decision in round 1" in page and f"2 of {len(DEMO_PARTIES)}" in page

    comment = Comment.objects.get(round=round_, party__key="gyeonggi")
    rounds.comment_dispose(
        comment=comment, disposition=Comment.Disposition.NOTED, reason="Thanks.", by=_user("secretariat")
    )
    assert "1 comment awaits a decision in round 1" in _page(user_client, "secretariat")

    opened = signing.open_signing(demo)
    signing.designate(opened, "gyeonggi")
    assert f"0 of {len(DEMO_PARTIES)}" in _page(user_client, "secretariat")
    signing.sign(opened, "gyeonggi")
    assert f"1 of {len(DEMO_PARTIES)}" in _page(user_client, "secretariat")

    text = ClauseText.objects.get(clause__declaration=demo, clause__key="vision", language="ko")
    text.needs_review = True
    text.save()
    assert "1 translation to update in" in _page(user_client, "secretariat")

    # Time alone: once the round's deadline has passed, its parties no longer owe an answer.
    secretariat = _user("secretariat")
    assert [r.pk for r in waiting_for(secretariat).unanswered] == [round_.pk]
    later = round_.deadline + datetime.timedelta(minutes=1)
    assert waiting_for(secretariat, now=later).unanswered == []
    rounds.round_close(round=round_, reason="Enough.", by=secretariat)
    assert waiting_for(secretariat).unanswered == []


def test_a_declaration_gone_since_the_permissions_were_read_is_no_error(demo: Declaration) -> None:
    """The stamp has no row to read: the lists are read afresh, not cached, and the page still shows them."""
    round_ = _round(demo)
    _draft(round_, "gyeonggi")
    rounds.party_submit(round=round_, party=Party.objects.get(key="gyeonggi"), by=_user("gyeonggi.focal"))
    assert secretariat_stamp([0]) == ""
    cache.clear()
    waiting = waiting_for(_user("secretariat"), edited=[0, demo.pk])
    assert [r.undecided for r in waiting.awaiting_decision] == [1]  # type: ignore[attr-defined]
    assert not cache.get(
        data_key("home-secretariat", stamp="", shown={"ids": [0, demo.pk]})
    )  # nothing kept under a stamp that says nothing
