"""Fixtures for the security tests: demo users by name, an open round on the demo, a seal for PDFs."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone

from consultations import services as consultations
from consultations.models import Comment, CommentReply, CommentRound, RoundInvitation
from declarations.models import Clause, ClauseText, Declaration, DeclarationVersion, Section
from documents.sealing import generate_dev_certificate
from signatories.models import Party
from signing.models import Signature, SigningEvent, SigningParty

DEMO_PARTIES = ["gyeonggi", "catalonia", "kyoto", "occitanie"]
CLAUSE_KEY = "recommendation-5"


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def party(key: str) -> Party:
    return Party.objects.get(key=key)


def clause(declaration: Declaration, key: str = CLAUSE_KEY) -> Clause:
    return Clause.objects.get(declaration=declaration, key=key)


def open_round(declaration: Declaration, *, instructions: str = "") -> CommentRound:
    """A round on the latest version, due in two weeks (real clock, so views accept submissions)."""
    return consultations.round_open(
        declaration=declaration,
        version=declaration.versions.order_by("-number").first(),  # type: ignore[arg-type]
        deadline=timezone.now() + datetime.timedelta(days=14),
        parties=list(Party.objects.filter(key__in=DEMO_PARTIES)),
        instructions=instructions,
        by=user("secretariat"),
    )


WATCHED: list[type[Model]] = [
    Declaration,
    Section,
    Clause,
    ClauseText,
    DeclarationVersion,
    CommentRound,
    RoundInvitation,
    Comment,
    CommentReply,
    SigningParty,
    Signature,
    SigningEvent,
]


def db_state() -> dict[str, list[dict[str, Any]]]:
    """Every row (and every history row) a text field can reach; equal before and after = nothing changed."""
    state: dict[str, list[dict[str, Any]]] = {}
    for model in WATCHED:
        state[model.__name__] = list(model._default_manager.order_by("pk").values())
        history = getattr(model, "history", None)
        if history is not None:
            state[f"Historical{model.__name__}"] = list(history.model.objects.order_by("pk").values())
    return state


@pytest.fixture(scope="session")
def seal_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return generate_dev_certificate(tmp_path_factory.mktemp("seal"))


@pytest.fixture
def seal(settings: Any, seal_files: tuple[Path, Path]) -> tuple[Path, Path]:
    """A development seal, so PDFs can be issued and /verify/ has a trust root."""
    settings.ACCORD_SEAL_KEY_FILE, settings.ACCORD_SEAL_CERT_FILE = (str(p) for p in seal_files)
    settings.ACCORD_SEAL_PKCS12_FILE = None
    settings.ACCORD_SEAL_KEY_PASSWORD = None
    return seal_files
