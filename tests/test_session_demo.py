"""The demo is loaded once per run, and every test starts from it untouched (decision 104).

The tests in this file run in the order written: the first changes the demo, the next ones check that
nothing of it is left.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from declarations.models import Clause, ClauseText, Declaration
from declarations.services import clause_text_update
from signatories.models import Membership, Party

pytestmark = pytest.mark.django_db
CLAUSE = "recommendation-5"


def _state(declaration: Declaration) -> tuple[object, ...]:
    text = ClauseText.objects.get(clause__declaration=declaration, clause__key=CLAUSE, language="en")
    return (
        declaration.title["en"],
        text.revision,
        get_user_model().objects.filter(username="kyoto.focal").exists(),
        # Only the demo's rows: a module's fixture may leave history rows of its own (tests/test_query_budgets.py).
        Party.objects.filter(participations__declaration=declaration).count(),
        Membership.objects.filter(user__email__endswith="@demo.accord.invalid").count(),
        ClauseText.history.filter(clause__declaration_id=declaration.pk).count(),  # type: ignore[attr-defined]
    )


def test_a_test_may_change_the_demo(demo: Declaration) -> None:
    """Edit a clause, rename the declaration, delete a user: all inside this test's transaction."""
    text = ClauseText.objects.get(clause__declaration=demo, clause__key=CLAUSE, language="en")
    clause_text_update(
        clause=Clause.objects.get(declaration=demo, key=CLAUSE),
        language="en",
        text=text.text + " Changed by a test.",
        base_revision=text.revision,
        by=get_user_model().objects.get(username="secretariat"),
    )
    demo.title = {**demo.title, "en": "Changed by a test"}
    demo.save()
    get_user_model().objects.filter(username="kyoto.focal").delete()
    assert _state(demo)[:3] == ("Changed by a test", 2, False)


def test_the_next_test_sees_the_demo_as_loaded(demo: Declaration) -> None:
    """The edit, the new title and the deleted user are gone; the counts are the seed's."""
    title, revision, kyoto_focal, parties, memberships, history = _state(demo)
    assert title == "A manifesto for advancing trustworthy AI"
    assert (revision, kyoto_focal) == (1, True)
    assert (parties, memberships, history) == (15, 13, 36)  # 15 DETA members; 4 parties × 3 roles and the outsider


def test_no_demo_gives_an_empty_installation(no_demo: None) -> None:
    """no_demo deletes the demo inside the test's transaction."""
    assert not Declaration.objects.exists() and not Party.objects.exists()
    assert not get_user_model().objects.exists() and not ClauseText.history.exists()  # type: ignore[attr-defined]


def test_and_the_test_after_it_has_the_demo_again(demo: Declaration) -> None:
    """What no_demo deleted is back for the next test."""
    assert demo.clauses.count() == 18 and get_user_model().objects.filter(username="observer").exists()
