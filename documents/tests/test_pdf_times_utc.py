"""PDFs print every time in UTC and say so, whatever the zone of the person who asked for them (issue 21, part 5)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from declarations.tests.factories import DeclarationFactory
from documents.rendering import WORD_JOINER

from .helpers import issued_draft, pdftotext

pytestmark = pytest.mark.django_db


def test_a_version_pdf_says_its_times_are_utc(tmp_path: Path) -> None:
    """Asked for from Seoul, the version PDF prints its publication in UTC and states "All times are in UTC."."""
    version = DeclarationFactory.create(languages=("en", "ko")).versions.get(number=1)
    with timezone.override("Asia/Seoul"):
        document = issued_draft(version, languages=("en", "ko"))
    with document.file.open("rb") as handle:
        text = " ".join(pdftotext(handle.read(), tmp_path, "-raw").replace(WORD_JOINER, "").split())
    assert "All times are in UTC." in text and "모든 시각은 UTC 기준입니다." in text
    assert f"{version.published_at.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC" in text
    assert "KST" not in text
