"""A declaration's life: import, parties and roles, status, publishing versions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.utils import bulk_create_with_history

from config.auth_types import User
from config.text import single_line_problem
from signatories.models import Party

from ..interchange import SnapshotData, content_hash, default_slug, validate
from ..models import Clause, ClauseText, Declaration, DeclarationParty, DeclarationVersion, Section
from ..selectors import declaration_snapshot
from .common import MAX_LABEL_LENGTH, MAX_TEXT_LENGTH, DeclarationError, frozen_reason

SECRETARIAT_PERMS = ["view_declaration", "edit_declaration", "comment_declaration"]
PARTICIPANT_PERMS = ["view_declaration", "comment_declaration"]


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
