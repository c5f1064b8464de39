"""A party that has acted in a comment round stays on the declaration; a silent one can be removed."""

from __future__ import annotations

import pytest

from consultations.services import party_submit_no_comments
from consultations.tests.factories import CommentRoundFactory
from declarations.participation import party_remove
from declarations.services import DeclarationError
from declarations.tests.factories import DeclarationFactory
from signatories.models import Membership
from signatories.tests.factories import PartyFactory, member

pytestmark = pytest.mark.django_db


def test_a_party_that_has_acted_cannot_be_removed() -> None:
    """A party that answered a comment round cannot be removed; a silent one can go."""
    answered, silent = PartyFactory.create(), PartyFactory.create()
    declaration = DeclarationFactory.create(parties=[answered, silent])
    round_ = CommentRoundFactory.create(declaration=declaration)
    party_submit_no_comments(round=round_, party=answered, by=member(answered, Membership.Role.FOCAL_POINT))
    with pytest.raises(DeclarationError, match="cannot be removed"):
        party_remove(declaration=declaration, party=answered, by=None)
    party_remove(declaration=declaration, party=silent, by=None)
    assert not declaration.participations.filter(party=silent).exists()
    assert declaration.participations.filter(party=answered).exists()
