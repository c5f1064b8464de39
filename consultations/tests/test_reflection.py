"""Reflection: how each party's comments were treated, the version note, outcomes for signatories."""

from __future__ import annotations

import pytest

from consultations import services
from consultations.selectors import Outcome, party_comment_outcomes, party_reflections, reflection_summary
from declarations.models import ClauseText
from declarations.services import version_publish

pytestmark = pytest.mark.django_db


def _decide(comment, disposition, user):
    return services.comment_dispose(comment=comment, disposition=disposition, reason="Because.", by=user("secretariat"))


def _outcome(rnd, key):
    return next(r for r in party_reflections([rnd]) if r.party.key == key).outcome


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([("substantive", "accepted"), ("general", "noted")], Outcome.FULLY),
        ([("substantive", "accepted_modified"), ("editorial", "accepted")], Outcome.FULLY),
        ([("substantive", "accepted"), ("editorial", "rejected")], Outcome.PARTIALLY),
        ([("substantive", "accepted"), ("editorial", "noted")], Outcome.PARTIALLY),
        ([("substantive", "rejected")], Outcome.NOT),
        ([("substantive", "noted")], Outcome.NOTED),
        ([("substantive", None)], Outcome.PENDING),
    ],
)
def test_outcome_rules(rnd, draft, party, user, decisions, expected) -> None:
    """Accepted (with or without modification) reflects; a noted general comment does not count against."""
    comments = [draft(kind=kind) for kind, _decision in decisions]
    services.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"))
    for comment, (_kind, decision) in zip(comments, decisions, strict=True):
        comment.refresh_from_db()
        if decision:
            _decide(comment, decision, user)
    assert _outcome(rnd, "gyeonggi") == expected


def test_withdrawn_comments_do_not_count(rnd, submitted, user) -> None:
    """A party whose only comment was withdrawn is listed as having withdrawn its comments."""
    comment = submitted()
    services.comment_withdraw(comment=comment, reason="Not needed", by=user("gyeonggi.focal"))
    assert _outcome(rnd, "gyeonggi") == Outcome.WITHDRAWN


def test_summary_in_english_and_korean(rnd, submitted, party, user) -> None:
    """The summary names each party in the summary's language, with counts."""
    _decide(submitted("catalonia", kind="substantive"), "accepted", user)
    services.party_submit_no_comments(round=rnd, party=party("kyoto"), by=user("kyoto.focal"))
    en, ko = reflection_summary(rnd, "en"), reflection_summary(rnd, "ko")
    # The round is still open (issue 21): the note says so, and silence is not yet "did not respond".
    assert en.splitlines()[0] == "Comments on version 1 so far (comment round 1, still open):"
    assert "Government of Catalonia's comments fully reflected (1 comment: 1 accepted)." in en
    assert "Kyoto Prefecture had no comments." in en
    assert "카탈루냐 의견 전부 반영 (의견 1건: 수용 1건)." in ko
    assert "교토부 의견 없음." in ko
    assert "옥시타니 아직 의견 없음." in ko


def test_reflected_in_the_first_version_after_the_edit(demo, rnd, submitted, user, clause) -> None:
    """An applied proposal is reflected in the first version published after it; a rejected one nowhere."""
    base = ClauseText.objects.get(clause=clause("vision"), language="en").text
    applied = submitted(kind="proposed_text", clause=clause("vision"), proposed_text=base + " More.")
    rejected = submitted("gyeonggi", kind="editorial", text="Typo")
    services.comment_dispose(comment=applied, disposition="accepted", reason="Yes", apply=True, by=user("secretariat"))
    _decide(rejected, "rejected", user)
    outcomes = party_comment_outcomes(declaration=demo, party=applied.party)
    assert [(o.number, o.reflected_in) for o in outcomes] == [(1, None), (2, None)]
    version_publish(declaration=demo, label="Draft 2", by=user("secretariat"))
    outcomes = party_comment_outcomes(declaration=demo, party=applied.party)
    assert [(o.number, o.disposition, o.reflected_in) for o in outcomes] == [(1, "accepted", 2), (2, "rejected", None)]
    assert outcomes[1].reason == "Because." and outcomes[1].kind_label == "Editorial"
