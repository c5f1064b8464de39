"""The Korean catalogue is complete and compiled."""

from __future__ import annotations

from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "ko" / "LC_MESSAGES"


def test_every_message_is_translated() -> None:
    """No entry of the Korean catalogue is untranslated or fuzzy."""
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []
    assert len(po) > 500


def test_compiled_catalogue_matches_the_source() -> None:
    """django.mo carries exactly the translations of django.po (run `make messages` after editing)."""
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(str(LOCALE / "django.po"))}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(LOCALE / "django.mo"))}
    assert {k: v for k, v in po.items() if k[1]} == {k: v for k, v in mo.items() if k[1]}


def test_korean_is_served() -> None:
    """Django finds the catalogue: a known string comes back in Korean."""
    with translation.override("ko"):
        assert translation.gettext("Log out") == "로그아웃"
