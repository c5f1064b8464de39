"""Signing a version whose translations were flagged out of date (issue 21, part 4).

A version is frozen text, so whether one of its translations is out of date is a fact about the moment
it was published: the "translation needs update" flag (`ClauseText.needs_review`) each text carried
then, read from the clause texts' history. Catching up on the draft later does not change the
version's words; the version that goes to signature still holds the old translation.

Opening (or reopening) signing on such a version is refused unless the secretariat confirms it with a
reason. The confirmation is a row (`StaleTranslationConfirmation`) and part of the "opened" or
"reopened" audit entry; the sign page warns readers of those languages and the sealed PDF's
certificate states it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from config.auth_types import User
from declarations.models import Clause, ClauseText, DeclarationVersion
from declarations.snapshot import Snapshot

from .models import Signing, StaleTranslationConfirmation
from .services import SigningError, _clean_reason


@dataclass(frozen=True)
class StaleText:
    """One clause text of a version that was flagged "translation needs update" when it was published."""

    clause: str  # the clause key
    number: int  # its paragraph number in the version
    language: str

    def as_dict(self) -> dict[str, Any]:
        return {"clause": self.clause, "number": self.number, "language": self.language}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StaleText:
        return cls(
            clause=str(data.get("clause", "")), number=int(data.get("number") or 0), language=str(data["language"])
        )


def stale_texts(version: DeclarationVersion) -> list[StaleText]:
    """The version's texts whose translation was flagged out of date when it was published, in reading order.

    Two queries on the clause texts' history: which texts of the declaration were ever flagged by
    then, and the last state of each of those at the moment of publication.
    """
    history = ClauseText.history.model  # type: ignore[attr-defined]
    until = {"clause__declaration_id": version.declaration_id, "history_date__lte": version.published_at}
    ever_flagged = history.objects.filter(needs_review=True, **until).values("id")
    latest: dict[int, tuple[int, str, bool]] = {}
    rows = (
        history.objects.filter(id__in=ever_flagged, **until)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "clause_id", "language", "needs_review")
    )
    for text_id, clause_id, language, flagged in rows:
        latest[text_id] = (clause_id, language, flagged)  # the last row of each text wins
    flagged_pairs = {(clause_id, language) for clause_id, language, flagged in latest.values() if flagged}
    if not flagged_pairs:
        return []
    keys = dict(
        Clause.objects.filter(pk__in={clause_id for clause_id, _language in flagged_pairs}).values_list("pk", "key")
    )
    wanted = {(keys[clause_id], language) for clause_id, language in flagged_pairs if clause_id in keys}
    snapshot = Snapshot.from_version(version)
    return [
        StaleText(clause=clause.key, number=clause.number, language=language)
        for clause in snapshot.clauses()
        for language in snapshot.languages
        if (clause.key, language) in wanted and clause.text.get(language, "").strip()
    ]


def language_label(code: str) -> str:
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


def describe(texts: Iterable[StaleText]) -> str:
    """ "한국어: ¶3, ¶7; français: ¶2" — per language, in reading order."""
    by_language: dict[str, list[StaleText]] = {}
    for item in texts:
        by_language.setdefault(item.language, []).append(item)
    return "; ".join(
        f"{language_label(language)}: " + ", ".join(f"¶{t.number}" for t in items)
        for language, items in sorted(by_language.items())
    )


class StaleTranslationsError(SigningError):
    """The version has translations flagged out of date and nobody confirmed signing it anyway."""

    def __init__(self, texts: list[StaleText]) -> None:
        self.texts = texts
        super().__init__(
            _(
                "Translations in this version were flagged out of date when it was published: %(texts)s. "
                "Confirm that signing goes ahead on this text, and say why."
            )
            % {"texts": describe(texts)}
        )


@dataclass(frozen=True)
class StaleCheck:
    """What `stale_guard` found for one version: the stale texts and the secretariat's reason for going ahead."""

    texts: list[StaleText] = field(default_factory=list)
    reason: str = ""

    def audit_data(self) -> dict[str, Any]:
        """The audit entry's record of the confirmation; nothing when no text was stale (entries keep their shape)."""
        if not self.texts:
            return {}
        return {"stale_translations": {"texts": [t.as_dict() for t in self.texts], "reason": self.reason}}

    def record(self, *, signing: Signing, version: DeclarationVersion, by: User) -> None:
        """Store the confirmation (inside the opening's transaction); nothing when no text was stale."""
        if self.texts:
            StaleTranslationConfirmation.objects.create(
                signing=signing,
                version=version,
                texts=[t.as_dict() for t in self.texts],
                reason=self.reason,
                confirmed_by=by,
                confirmed_at=timezone.now(),
            )


def stale_guard(version: DeclarationVersion, *, reason: str) -> StaleCheck:
    """Refuse a version with out-of-date translations unless `reason` says why signing goes ahead anyway."""
    texts = stale_texts(version)
    if not texts:
        return StaleCheck()
    reason = _clean_reason(reason)
    if not reason:
        raise StaleTranslationsError(texts)
    return StaleCheck(texts=texts, reason=reason)


def stale_confirmation(signing: Signing) -> StaleTranslationConfirmation | None:
    """The confirmation for the version now under signature, if its translations were out of date."""
    return (
        StaleTranslationConfirmation.objects.filter(signing=signing, version_id=signing.version_id)
        .select_related("confirmed_by")
        .first()
    )


@dataclass(frozen=True)
class StaleWarning:
    """What the sign page tells a reader: the stale texts in the reader's languages and the secretariat's reason."""

    texts: list[StaleText]
    reason: str

    @property
    def languages(self) -> str:
        return ", ".join(language_label(code) for code in sorted({t.language for t in self.texts}))

    @property
    def description(self) -> str:
        return describe(self.texts)


def stale_warning(signing: Signing, *, languages: Iterable[str] | None = None) -> StaleWarning | None:
    """The warning for a reader of `languages` (interface and reading language; None: every language),
    or None when none of them is stale."""
    confirmation = stale_confirmation(signing)
    if confirmation is None:
        return None
    texts = [StaleText.from_dict(item) for item in confirmation.texts]
    if languages is not None:
        codes = {code.split("-")[0] for code in languages if code}
        texts = [t for t in texts if t.language.split("-")[0] in codes]
    return StaleWarning(texts=texts, reason=confirmation.reason) if texts else None
