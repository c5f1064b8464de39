"""Two people save the same clause at the same moment: one wins, the other gets the conflict, nothing is lost."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from declarations import services
from declarations.demo import seed_demo
from declarations.models import Clause, ClauseText
from declarations.services import drafting

KEY = "recommendation-5"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"),
]


def _someone_waits_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return bool(cursor.fetchone()[0])


def _run(name: str, text: str, results: dict[str, Any]) -> None:
    try:
        clause = Clause.objects.get(key=KEY)
        user = get_user_model().objects.get(username="secretariat")
        results[name] = services.clause_text_update(
            clause=clause, language="en", text=text, base_revision=1, by=user, reason=f"edit {name}"
        )
    except Exception as error:  # the test inspects whatever happened
        results[name] = error
    finally:
        connections.close_all()  # each thread had its own connection


def test_simultaneous_saves_exactly_one_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """A holds the row lock while B's save waits on it; B then sees revision 2 and gets EditConflict."""
    seed_demo(create_users=True)
    original = ClauseText.objects.get(clause__key=KEY, language="en").text
    text_a = original.replace("campaignsto", "campaigns to")
    text_b = original.replace("programs", "programmes")
    stamp = drafting._stamp
    b_started = threading.Event()

    def slow_stamp(obj: Any, **kwargs: Any) -> None:
        # Thread A has locked and checked the revision; keep the lock until B is blocked on it,
        # so both really read revision 1 "at once" and only the lock keeps B from overwriting A.
        if threading.current_thread().name == "A" and isinstance(obj, ClauseText) and obj.language == "en":
            b_started.wait(5)
            deadline = time.monotonic() + 5
            while not _someone_waits_for_a_lock() and time.monotonic() < deadline:
                time.sleep(0.01)
        stamp(obj, **kwargs)

    monkeypatch.setattr(drafting, "_stamp", slow_stamp)
    results: dict[str, Any] = {}
    a = threading.Thread(target=_run, name="A", args=("A", text_a, results))
    b = threading.Thread(target=_run, name="B", args=("B", text_b, results))
    a.start()
    time.sleep(0.05)  # let A take the lock first
    b.start()
    b_started.set()
    a.join(20)
    b.join(20)

    assert isinstance(results["A"], ClauseText), results["A"]
    assert isinstance(results["B"], services.EditConflict), results["B"]
    conflict = results["B"]
    assert conflict.base_revision == 1
    assert conflict.current.revision == 2 and conflict.current.text == text_a
    saved = ClauseText.objects.get(clause__key=KEY, language="en")
    assert saved.revision == 2 and saved.text == text_a
    # Nothing lost: A's text is saved, B's text is still B's to merge (the view puts it back in the textarea).
    assert [h.history_change_reason for h in saved.history.filter(revision=2)][-1] == "edit A"


def test_many_editors_racing_lose_nothing() -> None:
    """Four editors save from revision 1 at once: one revision is written, three conflicts, no lost update."""
    seed_demo(create_users=True)
    original = ClauseText.objects.get(clause__key=KEY, language="en").text
    barrier = threading.Barrier(4)
    results: dict[str, Any] = {}

    def run(name: str) -> None:
        barrier.wait(5)
        _run(name, f"{original} ({name})", results)

    threads = [threading.Thread(target=run, args=(f"T{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    winners = [name for name, r in results.items() if isinstance(r, ClauseText)]
    losers = [r for r in results.values() if isinstance(r, services.EditConflict)]
    assert len(winners) == 1 and len(losers) == 3, results
    saved = ClauseText.objects.get(clause__key=KEY, language="en")
    assert saved.revision == 2
    assert saved.text == f"{original} ({winners[0]})"
    assert all(loser.current.text == saved.text for loser in losers)
