"""Signing tests that need a comment round use the consultations tests' fixtures (signing sits above it);
`closed` is a signing closed with signatures, a recorded refusal and a party that never answered."""

import pytest

from consultations.tests.conftest import clause, draft, open_round, party, rnd, submitted, user
from declarations.models import Declaration
from signing.models import Signing

from .adherence_helpers import closed_signing

__all__ = ["clause", "closed", "draft", "open_round", "party", "rnd", "submitted", "user"]


@pytest.fixture
def closed(demo: Declaration) -> Signing:
    """Gyeonggi and Catalonia signed, Occitanie's refusal recorded, Kyoto did not answer; closed."""
    return closed_signing(demo)
