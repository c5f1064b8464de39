"""A crash in the middle of a state change leaves nothing half-done (one transaction per service)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models.signals import post_save

from consultations import services as consultations
from consultations.models import Comment
from consultations.services import dispositions
from declarations.models import ClauseText, Declaration, DeclarationVersion
from declarations.selectors import declaration_snapshot
from declarations.services import version_publish

from .conftest import CLAUSE_KEY, clause, db_state, open_round, party, user

pytestmark = pytest.mark.django_db


class Crash(RuntimeError):
    """The simulated failure (a worker killed, a disk full, a bug)."""


def _crash_after_save(model: type[Any]) -> Any:
    def handler(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        raise Crash(f"crash after writing {sender.__name__} {instance.pk}")

    post_save.connect(handler, sender=model, weak=False, dispatch_uid="security-crash")
    return handler


@pytest.fixture
def crash_after_save() -> Any:
    """crash_after_save(Model) → the next save of Model raises right after the row is written."""
    yield _crash_after_save
    for model in (DeclarationVersion, Comment):
        post_save.disconnect(sender=model, dispatch_uid="security-crash")


def test_crash_while_publishing_leaves_no_version_and_no_number(demo: Declaration, crash_after_save: Any) -> None:
    """The version row is written, then the process fails: no row, number 2 still free, draft unchanged."""
    before, snapshot = db_state(), declaration_snapshot(demo)
    crash_after_save(DeclarationVersion)
    with pytest.raises(Crash):
        version_publish(declaration=demo, label="Draft 2", by=user("secretariat"))
    post_save.disconnect(sender=DeclarationVersion, dispatch_uid="security-crash")
    assert db_state() == before
    assert declaration_snapshot(demo) == snapshot
    assert version_publish(declaration=demo, label="Draft 2", by=user("secretariat")).number == 2


def _proposal(demo: Declaration) -> Comment:
    rnd = open_round(demo)
    current = ClauseText.objects.get(clause__key=CLAUSE_KEY, language="en")
    comment = consultations.comment_create(
        round=rnd,
        party=party("gyeonggi"),
        kind=Comment.Kind.PROPOSED_TEXT,
        language="en",
        proposed_text=current.text + " As amended.",
        clause=clause(demo),
        by=user("gyeonggi.reviewer"),
    )
    consultations.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"))
    comment.refresh_from_db()
    return comment


@pytest.mark.parametrize("where", ["comment save", "notification"])
def test_crash_while_applying_a_proposal_changes_nothing(
    demo: Declaration, crash_after_save: Any, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Accept-and-apply fails after the clause edit: clause text, revision, history and disposition all roll back."""
    comment = _proposal(demo)
    before = db_state()
    if where == "comment save":
        crash_after_save(Comment)
    else:

        def failing_notify(*args: Any, **kwargs: Any) -> None:
            raise Crash("mail queue down")

        monkeypatch.setattr(dispositions, "notify", failing_notify)
    with pytest.raises(Crash):
        consultations.comment_dispose(
            comment=comment,
            disposition=Comment.Disposition.ACCEPTED,
            reason="Agreed.",
            apply=True,
            by=user("secretariat"),
        )
    post_save.disconnect(sender=Comment, dispatch_uid="security-crash")
    assert db_state() == before
    monkeypatch.undo()
    # And the same request succeeds afterwards, against the untouched revision.
    applied = consultations.comment_dispose(
        comment=comment,
        disposition=Comment.Disposition.ACCEPTED,
        reason="Agreed.",
        apply=True,
        by=user("secretariat"),
    )
    assert applied.applied_history is not None
    assert ClauseText.objects.get(clause__key=CLAUSE_KEY, language="en").text == comment.proposed_text
