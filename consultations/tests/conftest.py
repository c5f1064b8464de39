"""Fixtures for comment rounds: an open round on the demo's version 1 with the four demo parties invited."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations import services
from consultations.models import Comment, CommentRound
from declarations.demo import DEMO_PARTIES
from declarations.models import Clause, Declaration
from signatories.models import Party

NOW = datetime.datetime(2030, 3, 1, 9, 0, tzinfo=datetime.UTC)
DEADLINE = NOW + datetime.timedelta(days=14)


@pytest.fixture
def user() -> Callable[[str], Any]:
    """user('gyeonggi.focal') → that demo user."""
    return lambda username: get_user_model().objects.get(username=username)


@pytest.fixture
def party() -> Callable[[str], Party]:
    return lambda key: Party.objects.get(key=key)


@pytest.fixture
def clause(demo: Declaration) -> Callable[[str], Clause]:
    return lambda key: Clause.objects.get(declaration=demo, key=key)


@pytest.fixture
def open_round(demo: Declaration, user: Callable[[str], Any]) -> Callable[..., CommentRound]:
    """open_round(visibility=..., parties=[keys]) → a round opened at NOW, due at DEADLINE."""

    def make(visibility: str = CommentRound.Visibility.IMMEDIATE, parties: list[str] | None = None) -> CommentRound:
        keys = DEMO_PARTIES if parties is None else parties
        return services.round_open(
            declaration=demo,
            version=demo.versions.get(number=1),
            deadline=DEADLINE,
            visibility=visibility,
            parties=list(Party.objects.filter(key__in=keys)),
            by=user("secretariat"),
            now=NOW,
        )

    return make


@pytest.fixture
def rnd(open_round: Callable[..., CommentRound]) -> CommentRound:
    """An open round, visible to all participants at once, with the four demo parties invited."""
    return open_round()


@pytest.fixture
def draft(rnd: CommentRound, user: Callable[[str], Any], party: Callable[[str], Party]) -> Callable[..., Comment]:
    """draft('gyeonggi', text=...) → a general draft comment by that party's reviewer."""

    def make(key: str = "gyeonggi", **kwargs: Any) -> Comment:
        kwargs.setdefault("kind", Comment.Kind.GENERAL)
        kwargs.setdefault("language", "en")
        kwargs.setdefault("text", f"A general remark from {key}.")
        return services.comment_create(round=rnd, party=party(key), by=user(f"{key}.reviewer"), now=NOW, **kwargs)

    return make


@pytest.fixture
def submitted(
    rnd: CommentRound, draft: Callable[..., Comment], user: Callable[[str], Any], party: Callable[[str], Party]
) -> Callable[..., Comment]:
    """submitted('catalonia', text=...) → that party's comment, drafted and submitted by its focal point."""

    def make(key: str = "gyeonggi", **kwargs: Any) -> Comment:
        comment = draft(key, **kwargs)
        services.party_submit(round=rnd, party=party(key), by=user(f"{key}.focal"), now=NOW)
        comment.refresh_from_db()
        return comment

    return make


@pytest.fixture
def at_now() -> Any:
    """Freeze django.utils.timezone.now at NOW (for views, which take no now= argument)."""
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW


__all__ = ["DEADLINE", "NOW", "timezone"]
