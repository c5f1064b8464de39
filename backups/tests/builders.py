"""A declaration with a full record (drafting, a comment round, signing, an issued PDF) and what to compare."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from backups.archive import PARTS, _file_fields
from consultations import services as rounds
from consultations.models import Comment
from declarations.demo import DEMO_PARTIES, seed_demo
from declarations.interchange import content_hash, dumps
from declarations.models import (
    Clause,
    ClauseText,
    Declaration,
    DeclarationGroupObjectPermission,
    DeclarationUserObjectPermission,
)
from declarations.selectors import declaration_snapshot
from declarations.services import clause_text_update, version_publish
from documents.models import ExportJob, IssuedDocument
from signatories.models import Membership, Party
from signing.models import Signature
from signing.tests.signing_helpers import (
    decline,
    designate,
    open_signing,
    publish_and_reopen,
    record_paper,
    sign,
    user,
)


def build_full_record() -> Declaration:
    """The demo, then: a clause edit, a round with comments and dispositions, signing, a correction, a PDF."""
    declaration = seed_demo(create_users=True)
    secretariat = user("secretariat")
    first, second = Clause.objects.filter(declaration=declaration).order_by("section__position", "position")[:2]
    text = ClauseText.objects.get(clause=first, language="en")
    clause_text_update(
        clause=first,
        language="en",
        text=text.text + " Amended.",
        base_revision=text.revision,
        by=secretariat,
        reason="Tighter wording",
    )
    version = version_publish(declaration=declaration, label="Draft 2", by=secretariat)

    party = {key: Party.objects.get(key=key) for key in DEMO_PARTIES}
    rnd = rounds.round_open(
        declaration=declaration,
        version=version,
        deadline=timezone.now() + timedelta(days=7),
        parties=list(party.values()),
        instructions="Comment by Friday.",
        by=secretariat,
    )
    general = rounds.comment_create(
        round=rnd,
        party=party["gyeonggi"],
        kind=Comment.Kind.GENERAL,
        language="en",
        text="Please mention small firms.",
        by=user("gyeonggi.reviewer"),
    )
    base = ClauseText.objects.get(clause=second, language="en").text
    proposal = rounds.comment_create(
        round=rnd,
        party=party["catalonia"],
        kind=Comment.Kind.PROPOSED_TEXT,
        language="en",
        clause=second,
        proposed_text=base + " Proposed by Catalonia.",
        text="Clearer.",
        by=user("catalonia.reviewer"),
    )
    discarded = rounds.comment_create(
        round=rnd,
        party=party["kyoto"],
        kind=Comment.Kind.GENERAL,
        language="ko",
        text="초안",
        by=user("kyoto.reviewer"),
    )
    rounds.comment_discard(comment=discarded, by=user("kyoto.reviewer"))
    rounds.party_submit(round=rnd, party=party["gyeonggi"], by=user("gyeonggi.focal"))
    rounds.party_submit(round=rnd, party=party["catalonia"], by=user("catalonia.focal"))
    rounds.party_submit_no_comments(round=rnd, party=party["occitanie"], by=user("occitanie.focal"))
    general.refresh_from_db()
    proposal.refresh_from_db()
    rounds.comment_dispose(comment=general, disposition="noted", reason="Covered by clause 3.", by=secretariat)
    rounds.comment_dispose(comment=proposal, disposition="accepted", reason="Agreed.", apply=True, by=secretariat)
    rounds.comment_reply(comment=general, text="Thank you.", by=secretariat)
    rounds.comment_reply(comment=general, text="Noted, thanks.", by=user("gyeonggi.focal"))
    rounds.round_close(round=rnd, by=secretariat, reason="Every party answered.")
    version_publish(declaration=declaration, label="Final 30/09/2024", by=secretariat)

    # The English edits left the Korean of two clauses flagged: the secretariat goes ahead, with a reason.
    signing = open_signing(declaration, stale_reason="The Korean follows the English in substance.")
    for key in DEMO_PARTIES:
        designate(signing, key)
    sign(signing, "gyeonggi")
    sign(signing, "catalonia")
    record_paper(signing, "kyoto")
    decline(signing, "occitanie", "Not before our assembly votes.", public=True)
    item = ClauseText.objects.get(clause=first, language="en")
    clause_text_update(
        clause=first, language="en", text=item.text + " Corrected.", base_revision=item.revision, by=secretariat
    )
    final, _superseded = publish_and_reopen(signing, stale_reason="Korean corrected at the signing ceremony.")
    sign(signing, "gyeonggi")
    issue_pdf(declaration, final)
    return declaration


def issue_pdf(declaration: Declaration, version: Any) -> IssuedDocument:
    """An issued PDF row with a file in storage (stands in for a rendered, sealed one)."""
    pdf = b"%PDF-1.7\n% Accord test document\n%%EOF\n"
    sha = hashlib.sha256(pdf).hexdigest()
    document = IssuedDocument(
        sha256=sha,
        declaration=declaration,
        version=version,
        kind="draft",
        languages=["en", "ko"],
        layout="side-by-side",
        content_hash=version.content_hash,
        signature_digest="0" * 64,
        render_key="1" * 64,
        summary={"title": declaration.display_title(), "version": version.number},
        size=len(pdf),
        pages=1,
        created_by=user("secretariat"),
    )
    document.file.save(f"{sha}.pdf", ContentFile(pdf), save=False)
    document.save()
    ExportJob.objects.create(
        declaration=declaration,
        version=version,
        kind="draft",
        languages=["en", "ko"],
        layout="side-by-side",
        status=ExportJob.Status.READY,
        document=document,
        requested_by=user("secretariat"),
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    return document


def fingerprint(slug: str) -> dict[str, Any]:
    """Everything a reader, an auditor or a signer would check, by value."""
    declaration = Declaration.objects.get(slug=slug)
    User = get_user_model()
    rows = {part.label: list(part.queryset(declaration).values()) for part in PARTS}
    files = {}
    for part in PARTS:
        for file_field in _file_fields(part.model):
            for name in (
                part.queryset(declaration)
                .exclude(**{file_field.attname: ""})
                .values_list(file_field.attname, flat=True)
            ):
                with default_storage.open(name, "rb") as handle:
                    files[name] = handle.read()
    parties = Party.objects.filter(participations__declaration=declaration)
    # The demo's outsider takes no part in this declaration, so its archive does not hold them.
    people = User.objects.exclude(username="outsider")
    return {
        "draft": dumps(declaration_snapshot(declaration)),
        "versions": [
            (v.number, v.label, dumps(v.snapshot), v.content_hash, content_hash(v.snapshot), v.published_at)
            for v in declaration.versions.order_by("number")
        ],
        "history": {
            part.label: Counter(r["history_change_reason"] for r in rows[part.label])
            for part in PARTS
            if part.label.split(".")[1].startswith("historical")
        },
        "comments": [
            (c.number, c.party.key, c.status, c.disposition, c.disposition_reason, c.text, c.applied_history_id)
            for c in Comment.objects.filter(round__declaration=declaration).order_by("pk")
        ],
        "signatures": [
            (s.party.key, s.status, s.method, s.content_hash, s.signed_at, s.image.name, s.scan.name)
            for s in Signature.objects.filter(signing__declaration=declaration).order_by("pk")
        ],
        "rows": rows,
        "files": files,
        "parties": sorted((p.key, p.short_name, p.group.name) for p in parties),
        "memberships": sorted(
            (m.user.username, m.party.key, m.role, m.created_at) for m in Membership.objects.filter(party__in=parties)
        ),
        "party_groups": sorted((u.username, g.name) for u in people for g in u.groups.filter(party__isnull=False)),
        "users": sorted(people.values_list("username", "first_name", "last_name", "email", "date_joined")),
        "user_perms": sorted(
            DeclarationUserObjectPermission.objects.filter(content_object=declaration).values_list(
                "user__username", "permission__codename"
            )
        ),
        "group_perms": sorted(
            DeclarationGroupObjectPermission.objects.filter(content_object=declaration).values_list(
                "group__name", "permission__codename"
            )
        ),
    }


def rewrite(archive: Path, changes: dict[str, bytes], *, manifest: bool = False) -> None:
    """Replace members of an archive; with manifest=True also re-hash them (a careful forger)."""
    import json

    with zipfile.ZipFile(archive) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members.update(changes)
    if manifest:
        data = json.loads(members["manifest.json"])
        for name in changes:
            data["members"][name] = {"sha256": hashlib.sha256(changes[name]).hexdigest(), "size": len(changes[name])}
        members["manifest.json"] = json.dumps(data).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    archive.write_bytes(buffer.getvalue())


def media_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def signed_demo() -> Declaration:
    """The demo with signing open: one drawn signature and one paper scan (files and audit entries)."""
    declaration = seed_demo(create_users=True)
    signing = open_signing(declaration)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    record_paper(signing, "kyoto")
    return declaration
