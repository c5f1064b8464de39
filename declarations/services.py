"""Every write to declarations: import, roles, publishing versions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.utils import bulk_create_with_history

from config.auth_types import User
from config.text import single_line_problem
from signatories.models import Party

from .interchange import SnapshotData, content_hash, default_slug, validate
from .models import Clause, ClauseText, Declaration, DeclarationParty, DeclarationVersion, Section
from .selectors import declaration_snapshot

SECRETARIAT_PERMS = ["view_declaration", "edit_declaration", "comment_declaration"]
PARTICIPANT_PERMS = ["view_declaration", "comment_declaration"]


class DeclarationError(Exception):
    """A request that the declaration's state does not allow; the message is for the user."""


def declaration_import(*, data: SnapshotData | Any, by: User | None, slug: str | None = None) -> Declaration:
    """Create a declaration from an interchange file; nothing is written if anything is wrong."""
    data = validate(data)
    slug = slug or data.get("slug") or default_slug(data)
    languages: list[str] = list(data["languages"])
    with transaction.atomic():
        if Declaration.objects.filter(slug=slug).exists():
            raise DeclarationError(_("A declaration with the slug “%(slug)s” already exists.") % {"slug": slug})
        declaration = Declaration(
            slug=slug,
            title=data["title"],
            languages=languages,
            source_language=data.get("source_language", languages[0]),
            provenance=data.get("versions", []),
        )
        declaration._change_reason = "Imported"  # type: ignore[attr-defined]
        declaration.save()
        sections: list[Section] = []
        clauses: list[Clause] = []
        texts: list[ClauseText] = []
        for s_pos, s_data in enumerate(data["sections"]):
            section = Section(
                declaration=declaration, key=s_data["key"], position=s_pos, heading=s_data.get("heading", {})
            )
            sections.append(section)
        # bulk_create_with_history: one history row per object, in a handful of queries.
        sections = bulk_create_with_history(sections, Section, default_change_reason="Imported", default_user=by)
        by_key = {s.key: s for s in Section.objects.filter(declaration=declaration)}
        for s_data in data["sections"]:
            for c_pos, c_data in enumerate(s_data["clauses"]):
                clauses.append(
                    Clause(declaration=declaration, section=by_key[s_data["key"]], key=c_data["key"], position=c_pos)
                )
        bulk_create_with_history(clauses, Clause, default_change_reason="Imported", default_user=by)
        clause_by_key = {c.key: c for c in Clause.objects.filter(declaration=declaration)}
        for s_data in data["sections"]:
            for c_data in s_data["clauses"]:
                for lang, text in c_data["text"].items():
                    texts.append(
                        ClauseText(
                            clause=clause_by_key[c_data["key"]],
                            language=lang,
                            text=text,
                            updated_by=by if by and by.pk else None,
                        )
                    )
        bulk_create_with_history(texts, ClauseText, default_change_reason="Imported", default_user=by)
    return declaration


def declaration_add_party(
    *,
    declaration: Declaration,
    party: Party,
    role: str = DeclarationParty.Role.PARTICIPANT,
    by: User | None,
) -> DeclarationParty:
    """Link a party to a declaration and grant its members the matching object permissions."""
    with transaction.atomic():
        link, _created = DeclarationParty.objects.update_or_create(
            declaration=declaration, party=party, defaults={"role": role}
        )
        perms = PARTICIPANT_PERMS if role == DeclarationParty.Role.PARTICIPANT else ["view_declaration"]
        for perm in ["view_declaration", "comment_declaration"]:
            if perm not in perms:
                remove_perm(perm, party.group, declaration)
        for perm in perms:
            assign_perm(perm, party.group, declaration)
    return link


def declaration_grant_secretariat(*, declaration: Declaration, user: User, by: User | None) -> None:
    """Make a user part of the secretariat of one declaration."""
    with transaction.atomic():
        for perm in SECRETARIAT_PERMS:
            assign_perm(perm, user, declaration)


def declaration_grant_observer(*, declaration: Declaration, user: User, by: User | None) -> None:
    """Let a user read a declaration without taking part."""
    assign_perm("view_declaration", user, declaration)


def declaration_set_status(*, declaration: Declaration, status: str, by: User | None, reason: str = "") -> None:
    """Move a declaration to another status along the allowed transitions."""
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status == status:
            return
        if not locked.can_move_to(status):
            target = Declaration.Status(status).label
            raise DeclarationError(
                _("A declaration in status “%(status)s” cannot move to “%(target)s”.")
                % {"status": locked.get_status_display(), "target": target}
            )
        locked.status = status
        locked._change_reason = reason or f"Status: {status}"  # type: ignore[attr-defined]
        locked.save(update_fields=["status", "updated_at"])
        declaration.status = status


def version_publish(*, declaration: Declaration, label: str, note: str = "", by: User | None) -> DeclarationVersion:
    """Freeze the whole current text, every language, as the next numbered version."""
    label = label.strip()
    if not label:
        raise DeclarationError(_("A version needs a label, e.g. “Draft 28/08/2024”."))
    # Security review: the form checked these, other callers did not (NUL or an over-long label is a
    # database error on PostgreSQL, and the note had no limit at all).
    if "\x00" in label or "\x00" in note:
        raise DeclarationError(_("The label or note contains a NUL character."))
    if problem := single_line_problem(label):
        raise DeclarationError(problem[1])
    if len(label) > MAX_LABEL_LENGTH:
        raise DeclarationError(_("A version label may have at most %(n)d characters.") % {"n": MAX_LABEL_LENGTH})
    if len(note) > MAX_TEXT_LENGTH:
        raise DeclarationError(_("A version note may have at most %(n)s characters.") % {"n": f"{MAX_TEXT_LENGTH:,}"})
    with transaction.atomic():
        # Lock the declaration so two publishers cannot take the same number.
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if reason := frozen_reason(locked):
            raise DeclarationError(reason)
        last = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
        snapshot = declaration_snapshot(locked)
        version = DeclarationVersion.objects.create(
            declaration=locked,
            number=last + 1,
            label=label,
            note=note.strip(),
            snapshot=snapshot,
            content_hash=content_hash(snapshot),
            published_at=timezone.now(),
            published_by=by if by and by.pk else None,
        )
    return version


# --- Drafting: clause texts -------------------------------------------------------------------

MAX_TEXT_LENGTH = 100_000
MAX_LABEL_LENGTH = 200
MAX_HEADING_LENGTH = 500
LOCKED_STATUSES = (Declaration.Status.SIGNED, Declaration.Status.WITHDRAWN)


class EditConflict(DeclarationError):
    """Someone saved the text after the editor opened it; `current` is what they saved."""

    def __init__(self, *, current: ClauseText, base_revision: int) -> None:
        self.current = current
        self.base_revision = base_revision
        super().__init__(
            f"Someone else saved this text (revision {current.revision}) after you started from revision "
            f"{base_revision}. Merge their change with yours and save again."
        )


def frozen_reason(declaration: Declaration) -> str | None:
    """Why nothing about this declaration's text may change any more, or None while it still may.

    Closing signing freezes the record: no clause edit, no new version, no comment round change.
    Services check it (so commands and views are covered); pages use it to say why.
    """
    if declaration.status == Declaration.Status.SIGNED:
        return _(
            "Signing is closed: the declaration is signed, so its text, its versions and its comment rounds "
            "can no longer change."
        )
    if declaration.status == Declaration.Status.WITHDRAWN:
        return _("The declaration was withdrawn: its text, its versions and its comment rounds can no longer change.")
    return None


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
