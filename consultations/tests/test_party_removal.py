"""A party that has acted in a comment round stays on the declaration; a silent one can be removed."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations.services import party_submit_no_comments, round_open
from declarations.demo import seed_demo
from declarations.participation import party_remove
from declarations.services import DeclarationError

pytestmark = pytest.mark.django_db


def test_a_party_that_has_acted_cannot_be_removed() -> None:
    """Gyeonggi answered a comment round on the demo: removing it is refused; Kyoto, silent, can go."""
    declaration = seed_demo(create_users=True)
    users = get_user_model().objects
    round_ = round_open(
        declaration=declaration,
        version=declaration.versions.get(),
        deadline=timezone.now() + datetime.timedelta(days=7),
        by=users.get(username="secretariat"),
    )
    gyeonggi = declaration.participations.get(party__key="gyeonggi").party
    party_submit_no_comments(round=round_, party=gyeonggi, by=users.get(username="gyeonggi.focal"))
    with pytest.raises(DeclarationError, match="cannot be removed"):
        party_remove(declaration=declaration, party=gyeonggi, by=None)
    kyoto = declaration.participations.get(party__key="kyoto").party
    party_remove(declaration=declaration, party=kyoto, by=None)
    assert not declaration.participations.filter(party=kyoto).exists()
