"""Signing tests that need a comment round use the consultations tests' fixtures (signing sits above it)."""

from consultations.tests.conftest import clause, draft, open_round, party, rnd, submitted, user

__all__ = ["clause", "draft", "open_round", "party", "rnd", "submitted", "user"]
