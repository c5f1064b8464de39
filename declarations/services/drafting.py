"""Drafting the live text: clause texts, translations, and adding, deleting, restoring, moving clauses and sections."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from config.auth_types import User
from config.text import single_line_problem

from ..models import Clause, ClauseText, Declaration, Section
from .common import MAX_HEADING_LENGTH, MAX_TEXT_LENGTH, DeclarationError, frozen_reason


class EditConflict(DeclarationError):
    """Someone saved the text after the editor opened it; `current` is what they saved."""

    def __init__(self, *, current: ClauseText, base_revision: int) -> None:
        self.current = current
        self.base_revision = base_revision
        super().__init__(
            f"Someone else saved this text (revision {current.revision}) after you started from revision "
            f"{base_revision}. Merge their change with yours and save again."
        )


def _check_editable(declaration: Declaration) -> None:
    if reason := frozen_reason(declaration):
        raise DeclarationError(reason)


def _clean_text(text: str) -> str:
    if "\x00" in text:
        raise DeclarationError(_("The text contains a NUL character."))
    # Browsers send CRLF from textareas; storing LF keeps hashes and redlines stable.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise DeclarationError(_("A clause text may have at most %(n)s characters.") % {"n": f"{MAX_TEXT_LENGTH:,}"})
    return text


def _clean_heading(text: str) -> str:
    # Security review: headings used to be cut at 500 characters without a word; refuse instead.
    if "\x00" in text:
        raise DeclarationError(_("The heading contains a NUL character."))
    # Issue 18: a heading is one line (a line break in a title once made every round e-mail fail).
    text = text.strip()
    if problem := single_line_problem(text):
        raise DeclarationError(problem[1])
    if len(text) > MAX_HEADING_LENGTH:
        raise DeclarationError(_("A heading may have at most %(n)d characters.") % {"n": MAX_HEADING_LENGTH})
    return text


def _stamp(obj: Any, *, by: User | None, reason: str) -> None:
    """Tell simple-history who made this change and why (the middleware is absent in commands)."""
    obj._change_reason = reason.strip()[:100] or None
    if by is not None and by.pk:
        obj._history_user = by


def clause_text_update(
    *, clause: Clause, language: str, text: str, base_revision: int, by: User, reason: str = ""
) -> ClauseText:
    """Save a clause's text in one language if nobody saved it since `base_revision`; flag drift."""
    text = _clean_text(text)
    with transaction.atomic():
        # Lock the clause first, then its texts: every text edit of one clause queues here, so the
        # revision check below and the drift flags on the other languages cannot interleave.
        locked_clause = Clause.objects.select_for_update().select_related("declaration").get(pk=clause.pk)
        declaration = locked_clause.declaration
        _check_editable(declaration)
        if language not in declaration.languages:
            raise DeclarationError(_("“%(language)s” is not a language of this declaration.") % {"language": language})
        if locked_clause.deleted_at is not None:
            raise DeclarationError(_("This clause has been deleted; restore it before editing."))
        if not text and language == declaration.source_language:
            raise DeclarationError(_("The text in the source language cannot be empty."))
        texts = {t.language: t for t in ClauseText.objects.select_for_update().filter(clause=locked_clause)}
        current = texts.get(language)
        current_revision = current.revision if current else 0
        if base_revision != current_revision:
            if current is None:  # pragma: no cover - a missing row has revision 0 by definition
                raise DeclarationError(_("This text does not exist yet."))
            raise EditConflict(current=current, base_revision=base_revision)
        if current is not None and current.text == text:
            return current
        # Editing a flagged (or missing) translation is catching up with the other languages, not a
        # new change they must follow; otherwise fixing the Korean after the English would flag the
        # English in turn and the flags would never settle.
        catching_up = current is None or current.needs_review
        if current is None:
            current = ClauseText(clause=locked_clause, language=language, text=text, revision=1)
        else:
            current.text = text
            current.revision += 1
        current.needs_review = False
        current.updated_by = by if by and by.pk else None
        _stamp(current, by=by, reason=reason)
        current.save()
        if not catching_up:
            for other in texts.values():
                if other.language != language and not other.needs_review and other.text:
                    other.needs_review = True
                    _stamp(other, by=by, reason=f"Translation needs update: {language} changed")
                    other.save(update_fields=["needs_review", "updated_at"])
    return current


def clause_translation_confirm(*, clause: Clause, language: str, by: User, reason: str = "") -> ClauseText:
    """Record that a flagged translation still matches the other languages (clears the flag)."""
    with transaction.atomic():
        locked_clause = Clause.objects.select_for_update().select_related("declaration").get(pk=clause.pk)
        _check_editable(locked_clause.declaration)
        try:
            item = ClauseText.objects.select_for_update().get(clause=locked_clause, language=language)
        except ClauseText.DoesNotExist:
            raise DeclarationError(_("There is no text in this language to confirm.")) from None
        if not item.needs_review:
            return item
        item.needs_review = False
        item.updated_by = by if by and by.pk else None
        _stamp(item, by=by, reason=reason or "Translation confirmed")
        item.save(update_fields=["needs_review", "updated_by", "updated_at"])
    return item


def _free_key(model: type[Clause] | type[Section], declaration: Declaration, base: str) -> str:
    """A key not used in the declaration yet, deleted rows included (keys are forever)."""
    base = slugify(base)[:90] or "item"
    taken = set(model.objects.filter(declaration=declaration, key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _renumber(items: list[Any], *, by: User | None, reason: str, moved: Any = None) -> None:
    """Give items positions 0..n in list order, saving (with history) only those that changed."""
    for pos, item in enumerate(items):
        if item.pk is None:  # a new row: saved by the caller, with its own history entry
            item.position = pos
        elif item.position != pos or item is moved:
            item.position = pos
            _stamp(item, by=by, reason=reason)
            item.save(update_fields=["position", "section"] if item is moved else ["position"])


def clause_add(
    *,
    section: Section,
    texts: dict[str, str],
    by: User,
    after: Clause | None = None,
    key: str = "",
    reason: str = "",
) -> Clause:
    """Add a clause to a section (at the end, or right after `after`), with its text per language."""
    with transaction.atomic():
        locked = Section.objects.select_for_update().select_related("declaration").get(pk=section.pk)
        declaration = locked.declaration
        _check_editable(declaration)
        if locked.deleted_at is not None:
            raise DeclarationError(_("This section has been deleted; restore it before adding clauses."))
        cleaned = {lang: _clean_text(texts.get(lang, "")) for lang in declaration.languages}
        unknown = set(texts) - set(declaration.languages)
        if unknown:
            raise DeclarationError(
                _("Not a language of this declaration: %(languages)s.") % {"languages": ", ".join(sorted(unknown))}
            )
        if not cleaned[declaration.source_language]:
            raise DeclarationError(_("The text in the source language cannot be empty."))
        if key:
            if Clause.objects.filter(declaration=declaration, key=key).exists():
                raise DeclarationError(_("The key “%(key)s” is already used in this declaration.") % {"key": key})
        else:
            key = _free_key(Clause, declaration, locked.key)
        siblings = list(Clause.objects.select_for_update().filter(section=locked).order_by("position", "id"))
        clause = Clause(declaration=declaration, section=locked, key=key)
        index = siblings.index(after) + 1 if after is not None and after in siblings else len(siblings)
        siblings.insert(index, clause)
        _renumber(siblings, by=by, reason="Clause added")
        _stamp(clause, by=by, reason=reason or "Clause added")
        clause.save()
        for lang, text in cleaned.items():
            if text:
                item = ClauseText(clause=clause, language=lang, text=text, updated_by=by if by and by.pk else None)
                _stamp(item, by=by, reason=reason or "Clause added")
                item.save()
    return clause


def _set_deleted(obj: Clause | Section, *, deleted: bool, by: User, reason: str) -> None:
    obj.deleted_at = timezone.now() if deleted else None
    _stamp(obj, by=by, reason=reason)
    obj.save(update_fields=["deleted_at"])


def clause_delete(*, clause: Clause, by: User, reason: str = "") -> Clause:
    """Take a clause out of the draft; it stays in history and in published versions, restorable."""
    with transaction.atomic():
        locked = Clause.objects.select_for_update().select_related("declaration").get(pk=clause.pk)
        _check_editable(locked.declaration)
        if locked.deleted_at is None:
            _set_deleted(locked, deleted=True, by=by, reason=reason or "Clause deleted")
    return locked


def clause_restore(*, clause: Clause, by: User, reason: str = "") -> Clause:
    """Bring a deleted clause back where it was (its section must not be deleted)."""
    with transaction.atomic():
        locked = Clause.objects.select_for_update().select_related("declaration", "section").get(pk=clause.pk)
        _check_editable(locked.declaration)
        if locked.section.deleted_at is not None:
            raise DeclarationError(_("The clause's section is deleted; restore the section first."))
        if locked.deleted_at is not None:
            _set_deleted(locked, deleted=False, by=by, reason=reason or "Clause restored")
    return locked


def clause_move(*, clause: Clause, by: User, section: Section | None = None, index: int, reason: str = "") -> Clause:
    """Put a clause at `index` among the live clauses of `section` (its own section by default)."""
    with transaction.atomic():
        locked = Clause.objects.select_for_update().select_related("declaration").get(pk=clause.pk)
        _check_editable(locked.declaration)
        if locked.deleted_at is not None:
            raise DeclarationError(_("This clause has been deleted; restore it before moving it."))
        target = Section.objects.select_for_update().get(pk=(section or locked.section).pk)
        if target.declaration_id != locked.declaration_id or target.deleted_at is not None:
            raise DeclarationError(_("A clause can only move to a live section of the same declaration."))
        old_section_id = locked.section_id
        siblings = [
            c
            for c in Clause.objects.select_for_update()
            .filter(section=target, deleted_at__isnull=True)
            .order_by("position", "id")
            if c.pk != locked.pk
        ]
        index = max(0, min(index, len(siblings)))
        siblings.insert(index, locked)
        reason = reason or "Clause moved"
        changes_section = locked.section_id != target.pk
        locked.section = target
        # One history row for a move to another section: section and position saved together.
        _renumber(siblings, by=by, reason=reason, moved=locked if changes_section else None)
        if old_section_id != target.pk:
            left = list(Clause.objects.filter(section_id=old_section_id, deleted_at__isnull=True))
            _renumber(left, by=by, reason=reason)
    return locked


def section_add(
    *,
    declaration: Declaration,
    heading: dict[str, str],
    by: User,
    after: Section | None = None,
    key: str = "",
    reason: str = "",
) -> Section:
    """Add a section (at the end, or right after `after`) with a heading per language."""
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        _check_editable(locked)
        cleaned = {lang: _clean_heading(heading.get(lang, "")) for lang in locked.languages}
        if not cleaned[locked.source_language]:
            raise DeclarationError(_("A section needs a heading in the source language."))
        if key:
            if Section.objects.filter(declaration=locked, key=key).exists():
                raise DeclarationError(_("The key “%(key)s” is already used in this declaration.") % {"key": key})
        else:
            key = _free_key(Section, locked, cleaned[locked.source_language])
        siblings = list(Section.objects.filter(declaration=locked).order_by("position", "id"))
        section = Section(
            declaration=locked,
            key=key,
            heading={lang: text for lang, text in cleaned.items() if text},
        )
        index = siblings.index(after) + 1 if after is not None and after in siblings else len(siblings)
        siblings.insert(index, section)
        _renumber(siblings, by=by, reason="Section added")
        _stamp(section, by=by, reason=reason or "Section added")
        section.save()
    return section


def section_update(
    *, section: Section, heading: dict[str, str], base_revision: int, by: User, reason: str = ""
) -> Section:
    """Change a section's headings unless someone saved them since `base_revision`."""
    with transaction.atomic():
        locked = Section.objects.select_for_update().select_related("declaration").get(pk=section.pk)
        declaration = locked.declaration
        _check_editable(declaration)
        if locked.deleted_at is not None:
            raise DeclarationError(_("This section has been deleted; restore it before editing."))
        if locked.revision != base_revision:
            raise DeclarationError(_("Someone else changed this heading after you opened it. Reload and try again."))
        cleaned = {lang: _clean_heading(heading.get(lang, "")) for lang in declaration.languages}
        if not cleaned[declaration.source_language]:
            raise DeclarationError(_("A section needs a heading in the source language."))
        new_heading = {lang: text for lang, text in cleaned.items() if text}
        if new_heading == locked.heading:
            return locked
        locked.heading = new_heading
        locked.revision += 1
        _stamp(locked, by=by, reason=reason or "Heading edited")
        locked.save(update_fields=["heading", "revision"])
    return locked


def section_delete(*, section: Section, by: User, reason: str = "") -> Section:
    """Take an empty section out of the draft (restorable); clauses must be moved or deleted first."""
    with transaction.atomic():
        locked = Section.objects.select_for_update().select_related("declaration").get(pk=section.pk)
        _check_editable(locked.declaration)
        if locked.clauses.filter(deleted_at__isnull=True).exists():
            raise DeclarationError(_("Move or delete the section's clauses before deleting the section."))
        if locked.deleted_at is None:
            _set_deleted(locked, deleted=True, by=by, reason=reason or "Section deleted")
    return locked


def section_restore(*, section: Section, by: User, reason: str = "") -> Section:
    """Bring a deleted section back where it was."""
    with transaction.atomic():
        locked = Section.objects.select_for_update().select_related("declaration").get(pk=section.pk)
        _check_editable(locked.declaration)
        if locked.deleted_at is not None:
            _set_deleted(locked, deleted=False, by=by, reason=reason or "Section restored")
    return locked


def section_move(*, section: Section, index: int, by: User, reason: str = "") -> Section:
    """Put a section at `index` among the declaration's live sections."""
    with transaction.atomic():
        Declaration.objects.select_for_update().get(pk=section.declaration_id)
        locked = Section.objects.select_related("declaration").get(pk=section.pk)
        _check_editable(locked.declaration)
        if locked.deleted_at is not None:
            raise DeclarationError(_("This section has been deleted; restore it before moving it."))
        siblings = [
            s
            for s in Section.objects.filter(declaration_id=locked.declaration_id, deleted_at__isnull=True).order_by(
                "position", "id"
            )
            if s.pk != locked.pk
        ]
        siblings.insert(max(0, min(index, len(siblings))), locked)
        _renumber(siblings, by=by, reason=reason or "Section moved")
    return locked
