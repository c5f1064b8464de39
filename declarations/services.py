"""Every write to declarations: import, roles, publishing versions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.utils import bulk_create_with_history

from signatories.models import Party

from .interchange import Snapshot, content_hash, default_slug, validate
from .models import Clause, ClauseText, Declaration, DeclarationParty, DeclarationVersion, Section
from .selectors import declaration_snapshot

SECRETARIAT_PERMS = ["view_declaration", "edit_declaration", "comment_declaration"]
PARTICIPANT_PERMS = ["view_declaration", "comment_declaration"]


class DeclarationError(Exception):
    """A request that the declaration's state does not allow; the message is for the user."""


def declaration_import(*, data: Snapshot | Any, by: AbstractBaseUser | None, slug: str | None = None) -> Declaration:
    """Create a declaration from an interchange file; nothing is written if anything is wrong."""
    data = validate(data)
    slug = slug or data.get("slug") or default_slug(data)
    languages: list[str] = list(data["languages"])
    with transaction.atomic():
        if Declaration.objects.filter(slug=slug).exists():
            raise DeclarationError(f"A declaration with the slug '{slug}' already exists.")
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
    by: AbstractBaseUser | None,
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


def declaration_grant_secretariat(
    *, declaration: Declaration, user: AbstractBaseUser, by: AbstractBaseUser | None
) -> None:
    """Make a user part of the secretariat of one declaration."""
    with transaction.atomic():
        for perm in SECRETARIAT_PERMS:
            assign_perm(perm, user, declaration)


def declaration_grant_observer(
    *, declaration: Declaration, user: AbstractBaseUser, by: AbstractBaseUser | None
) -> None:
    """Let a user read a declaration without taking part."""
    assign_perm("view_declaration", user, declaration)


def declaration_set_status(
    *, declaration: Declaration, status: str, by: AbstractBaseUser | None, reason: str = ""
) -> None:
    """Move a declaration to another status along the allowed transitions."""
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status == status:
            return
        if not locked.can_move_to(status):
            target = Declaration.Status(status).label
            raise DeclarationError(
                f"A declaration in status '{locked.get_status_display()}' cannot move to '{target}'."
            )
        locked.status = status
        locked._change_reason = reason or f"Status: {status}"  # type: ignore[attr-defined]
        locked.save(update_fields=["status", "updated_at"])
        declaration.status = status


def version_publish(
    *, declaration: Declaration, label: str, note: str = "", by: AbstractBaseUser | None
) -> DeclarationVersion:
    """Freeze the whole current text, every language, as the next numbered version."""
    label = label.strip()
    if not label:
        raise DeclarationError("A version needs a label, e.g. “Draft 28/08/2024”.")
    with transaction.atomic():
        # Lock the declaration so two publishers cannot take the same number.
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status in (Declaration.Status.SIGNED, Declaration.Status.WITHDRAWN):
            raise DeclarationError("A signed or withdrawn declaration cannot get a new version.")
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
