"""Races on PostgreSQL: submissions at the deadline, two focal points at once, a signature sent twice.

Two secretariat users saving one clause is proven in declarations/tests/test_clause_edit_concurrency.py
and not repeated here. Each thread uses its own connection; a short pause inside the locked section
makes the second thread really wait on the row lock, so only the lock keeps the outcome right.
"""

from __future__ import annotations

import datetime
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from consultations import services as consultations
from consultations.models import Comment, CommentRound, RoundInvitation
from consultations.services import comments as consultation_comments
from declarations.demo import seed_demo
from signatories.models import Membership
from signing import services as signing_services
from signing.images import clean_signature_image
from signing.models import Signature
from signing.services import answers as signing_answers
from signing.tests.signing_helpers import PRINTED, designate, open_signing, png_bytes, signing_party

from .conftest import open_round, party, user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"),
]

PAUSE = 0.3


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is a return value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(10)
            results[index] = call()
        except Exception as error:  # the test inspects whatever happened
            results[index] = error
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _slow(module: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pause inside the locked section so the other thread is queued on the lock meanwhile."""
    original = getattr(module, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(PAUSE)
        return result

    monkeypatch.setattr(module, name, slow)


def _drafts(rnd: CommentRound, key: str, count: int) -> None:
    for i in range(count):
        consultations.comment_create(
            round=rnd,
            party=party(key),
            kind=Comment.Kind.GENERAL,
            language="en",
            text=f"{key} remark {i}",
            by=user(f"{key}.reviewer"),
        )


def _submit(rnd: CommentRound, key: str, username: str, now: datetime.datetime) -> Callable[[], Any]:
    return lambda: consultations.party_submit(round=rnd, party=party(key), by=user(username), now=now)


def test_two_parties_just_before_the_deadline_are_both_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submitting one microsecond before the deadline at the same moment: both accepted, numbers 1..6 once each."""
    demo = seed_demo(create_users=True)
    rnd = open_round(demo)
    _drafts(rnd, "gyeonggi", 3)
    _drafts(rnd, "catalonia", 3)
    _slow(consultation_comments, "_invitation", monkeypatch)
    just_before = rnd.deadline - datetime.timedelta(microseconds=1)
    results = race(
        _submit(rnd, "gyeonggi", "gyeonggi.focal", just_before),
        _submit(rnd, "catalonia", "catalonia.focal", just_before),
    )
    assert all(isinstance(r, list) and len(r) == 3 for r in results), results
    numbers = list(Comment.objects.filter(round=rnd).order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert set(
        RoundInvitation.objects.filter(round=rnd).exclude(response="pending").values_list("party__key", flat=True)
    ) == {"gyeonggi", "catalonia"}


@pytest.mark.parametrize("offset", [datetime.timedelta(0), datetime.timedelta(microseconds=1)], ids=["at", "after"])
def test_two_parties_at_or_after_the_deadline_are_both_refused(offset: datetime.timedelta) -> None:
    """At the deadline instant (or later) both simultaneous submissions are refused and nothing is numbered."""
    demo = seed_demo(create_users=True)
    rnd = open_round(demo)
    _drafts(rnd, "gyeonggi", 2)
    _drafts(rnd, "catalonia", 2)
    late = rnd.deadline + offset
    results = race(_submit(rnd, "gyeonggi", "gyeonggi.focal", late), _submit(rnd, "catalonia", "catalonia.focal", late))
    assert all(isinstance(r, consultations.ConsultationError) and "closed" in str(r) for r in results), results
    assert not Comment.objects.filter(round=rnd).exclude(status=Comment.Status.DRAFT).exists()


def test_two_focal_points_of_one_party_submit_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two focal points of the same party press Submit together: one submission, comments numbered once."""
    demo = seed_demo(create_users=True)
    second = get_user_model().objects.create_user("gyeonggi.focal2", password="x")
    Membership.objects.create(user=second, party=party("gyeonggi"), role=Membership.Role.FOCAL_POINT)
    rnd = open_round(demo)
    _drafts(rnd, "gyeonggi", 4)
    _slow(consultation_comments, "_invitation", monkeypatch)
    now = rnd.opened_at + datetime.timedelta(hours=1)
    results = race(_submit(rnd, "gyeonggi", "gyeonggi.focal", now), _submit(rnd, "gyeonggi", "gyeonggi.focal2", now))
    submitted = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, consultations.ConsultationError)]
    assert len(submitted) == 1 and len(submitted[0]) == 4 and len(refused) == 1, results
    assert "nothing to submit" in str(refused[0])
    numbers = list(Comment.objects.filter(round=rnd).order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]


def _sign(signing: Any, token: uuid.UUID) -> Callable[[], Any]:
    def call() -> Signature:
        signing.refresh_from_db()
        return signing_services.signature_sign(
            signing_party=signing_party(signing, "gyeonggi"),
            content_hash=signing.version.content_hash,
            typed_name=PRINTED["gyeonggi"][0],
            method=Signature.Method.DRAWN,
            image=clean_signature_image(png_bytes()),
            idempotency_key=token,
            ip_address=None,
            user_agent="pytest",
            by=user("gyeonggi.signatory"),
        )

    return call


@pytest.mark.parametrize("same_token", [True, False], ids=["same token", "different tokens"])
def test_signature_sent_twice_at_once_gives_one_live_signature(
    monkeypatch: pytest.MonkeyPatch, same_token: bool
) -> None:
    """A double-clicked (same token) or duplicated (new token) signature: exactly one live signature."""
    demo = seed_demo(create_users=True)
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    _slow(signing_answers, "_check_turn", monkeypatch)
    token = uuid.uuid4()
    results = race(_sign(signing, token), _sign(signing, token if same_token else uuid.uuid4()))
    live = Signature.objects.filter(signing=signing, status__in=Signature.LIVE)
    assert live.count() == 1
    if same_token:
        assert all(isinstance(r, Signature) and r.pk == live.get().pk for r in results), results
    else:
        assert sum(isinstance(r, Signature) for r in results) == 1, results
        assert any(isinstance(r, signing_services.SigningError) and "already answered" in str(r) for r in results)
    assert Signature.objects.filter(signing=signing).count() == 1
