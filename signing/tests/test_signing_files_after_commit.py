"""Signature images and scans reach storage only once the signing is committed."""

from __future__ import annotations

import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from declarations.models import Declaration
from signing import services
from signing.images import clean_signature_image
from signing.models import Signature

from .signing_helpers import committed, designate, open_signing, png_bytes, record_paper, sign, signing_party, user

pytestmark = pytest.mark.django_db


def _stored(folder: str) -> set[str]:
    root = Path(settings.MEDIA_ROOT) / folder
    return {p.name for p in root.iterdir()} if root.is_dir() else set()


def _name(file: object) -> str:
    name = getattr(file, "name", None)
    assert name, "the row names no file"
    return str(name)


def test_a_committed_signature_stores_its_image(demo: Declaration) -> None:
    """Once the signing commits, the row's image is in storage and is the PNG that was signed."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    before = _stored("signatures")
    signature = sign(signing, "gyeonggi")  # runs what was queued for after the commit
    assert _stored("signatures") - before == {Path(_name(signature.image)).name}
    with default_storage.open(_name(signature.image)) as stored:
        assert stored.read().startswith(b"\x89PNG")


def test_a_rolled_back_signature_leaves_no_image(demo: Declaration) -> None:
    """A signing that fails inside its transaction (here: the audit append) writes no file at all."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    before = _stored("signatures")
    with (
        mock.patch("signing.services.answers.audit_append", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError, match="audit down"),
    ):
        sign(signing, "gyeonggi")
    assert not Signature.objects.exists()
    assert _stored("signatures") == before


def test_nothing_is_written_before_the_commit(demo: Declaration) -> None:
    """Inside the transaction the row already names its file, but the file does not exist yet."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    with committed():
        signature = services.signature_sign(
            signing_party=signing_party(signing, "gyeonggi"),
            content_hash=signing.version.content_hash,
            typed_name="Kim Min-ji",
            method=Signature.Method.DRAWN,
            image=clean_signature_image(png_bytes()),
            idempotency_key=uuid.uuid4(),
            ip_address=None,
            user_agent="pytest",
            by=user("gyeonggi.signatory"),
        )
        assert _name(signature.image).startswith("signatures/")
        assert not default_storage.exists(_name(signature.image))
    assert default_storage.exists(_name(signature.image))


def test_a_rolled_back_paper_record_leaves_no_scan(demo: Declaration) -> None:
    """The scan of a paper signature follows the same rule as a drawn image."""
    signing = open_signing(demo)
    before = _stored("signing-scans")
    with (
        mock.patch("signing.services.answers.audit_append", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError, match="audit down"),
    ):
        record_paper(signing, "gyeonggi")
    assert _stored("signing-scans") == before
    signature = record_paper(signing, "gyeonggi")
    assert _stored("signing-scans") - before == {Path(_name(signature.scan)).name}
