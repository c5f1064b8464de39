"""Per-declaration archives: one zip file with a declaration's full record, and its restore.

Layout (docs/operations.md, "Backups"): `records/<app>.<model>.jsonl` (one JSON object per row,
fields by column name), `files/<storage name>` (every attachment, read through the field's
storage) and `manifest.json` (format, provenance and the SHA-256 of every other member).

Rows that belong to the declaration keep their primary keys: the signing audit chain hashes the
declaration's id and the actors' user ids, audit entries name signatures by id, and comments point
at history rows by id, so renumbering would break the evidence. Users, party groups and parties are
shared between declarations; they are matched by natural key (username, group name, party key),
created when missing, and foreign keys to them are remapped.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q, QuerySet
from django.utils import timezone

from consultations.models import Comment, CommentReply, CommentRound, RoundInvitation
from declarations.models import (
    Clause,
    ClauseText,
    Declaration,
    DeclarationGroupObjectPermission,
    DeclarationParty,
    DeclarationUserObjectPermission,
    DeclarationVersion,
    Section,
)
from documents.models import ExportJob, IssuedDocument
from signatories.models import Membership, Party, Secretariat
from signing.models import Signature, Signing, SigningEvent, SigningParty, StaleTranslationConfirmation

FORMAT = "accord-archive/1"
MANIFEST = "manifest.json"
RECORDS = "records/"
FILES = "files/"
CHUNK = 500
APPS = ["auth", "signatories", "declarations", "consultations", "signing", "documents"]
# Archives written before signing became its own app (issue 19) hold its tables as
# `signatories.<model>`: the rows are the same, read under the label the model has now.
RENAMED_LABELS = {
    f"signatories.{m._meta.model_name}": m._meta.label_lower for m in apps.get_app_config("signing").get_models()
}


class ArchiveError(Exception):
    """The archive cannot be written or restored; the message says why, for the operator."""


# --- What a declaration's record is: the one list ----------------------------------------------


def _history(model: type[models.Model]) -> type[models.Model]:
    return model.history.model  # type: ignore[attr-defined]


def _clause_ids(d: Declaration) -> Q:
    # History too: a clause may be gone from the live table but still named by its texts' history.
    return Q(clause_id__in=Clause.objects.filter(declaration_id=d.pk).values("pk")) | Q(
        clause_id__in=_history(Clause).objects.filter(declaration_id=d.pk).values("id")  # type: ignore[attr-defined]
    )


def _round_ids(d: Declaration) -> Q:
    return Q(round_id__in=CommentRound.objects.filter(declaration_id=d.pk).values("pk"))


@dataclass(frozen=True)
class Part:
    """One table of the record and how to find the declaration's rows in it."""

    model: type[models.Model]
    rows: Callable[[Declaration], Q]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def queryset(self, declaration: Declaration) -> QuerySet[Any]:
        return self.model._base_manager.filter(self.rows(declaration)).order_by("pk")


def _by_declaration(d: Declaration) -> Q:
    return Q(declaration_id=d.pk)


# Rows that belong to one declaration, in insert order (a row's foreign keys point up the list).
PARTS: list[Part] = [
    Part(Declaration, lambda d: Q(pk=d.pk)),
    Part(_history(Declaration), lambda d: Q(id=d.pk)),
    Part(DeclarationParty, _by_declaration),
    Part(_history(DeclarationParty), _by_declaration),
    Part(Section, _by_declaration),
    Part(_history(Section), _by_declaration),
    Part(Clause, _by_declaration),
    Part(_history(Clause), _by_declaration),
    Part(ClauseText, _clause_ids),
    Part(_history(ClauseText), _clause_ids),
    Part(DeclarationVersion, _by_declaration),
    Part(CommentRound, _by_declaration),
    Part(_history(CommentRound), _by_declaration),
    Part(RoundInvitation, _round_ids),
    Part(_history(RoundInvitation), _round_ids),
    Part(Comment, _round_ids),
    Part(_history(Comment), _round_ids),
    Part(CommentReply, lambda d: Q(comment__round__declaration_id=d.pk)),
    Part(Signing, _by_declaration),
    Part(SigningParty, lambda d: Q(signing__declaration_id=d.pk)),
    Part(Signature, lambda d: Q(signing__declaration_id=d.pk)),
    Part(SigningEvent, _by_declaration),
    Part(StaleTranslationConfirmation, lambda d: Q(signing__declaration_id=d.pk)),
    Part(IssuedDocument, _by_declaration),
    Part(ExportJob, _by_declaration),
]

# Shared rows, matched by natural key on restore (see the module docstring).
USER_FIELDS = ["id", "username", "first_name", "last_name", "email", "is_active", "date_joined"]
SHARED = {
    "groups": "auth.group",
    "users": "auth.user",
    "parties": "signatories.party",
    "party_history": "signatories.historicalparty",
    "memberships": "signatories.membership",
    "membership_history": "signatories.historicalmembership",
    "user_perms": "declarations.declarationuserobjectpermission",
    "group_perms": "declarations.declarationgroupobjectpermission",
    "secretariats": "signatories.secretariat",
}


def _member(label: str) -> str:
    return f"{RECORDS}{label}.jsonl"


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _fields_to(model: type[models.Model], target: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.is_relation and f.related_model is target]


def _values(model: type[models.Model], queryset: QuerySet[Any]) -> list[dict[str, Any]]:
    return list(queryset.values(*[f.attname for f in model._meta.concrete_fields]))


# --- Encoding -----------------------------------------------------------------------------------


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        # Microseconds always: the audit chain hashes them.
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, UUID | Decimal):
        return str(value)
    raise TypeError(f"Cannot archive a value of type {type(value).__name__}.")


def _jsonl(rows: Iterable[dict[str, Any]]) -> bytes:
    lines = [json.dumps(row, default=_json_default, ensure_ascii=False, sort_keys=True) for row in rows]
    return ("\n".join(lines) + "\n" if lines else "").encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def accord_version() -> str:
    try:
        return importlib.metadata.version("accord")
    except importlib.metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def _schema() -> dict[str, str]:
    """The last migration applied per app: tells a restorer which code wrote the archive."""
    applied = MigrationRecorder(connection).applied_migrations()
    return {app: max((name for (a, name) in applied if a == app), default="") for app in APPS}


# --- Export -------------------------------------------------------------------------------------


@contextmanager
def _consistent_read() -> Iterator[None]:
    """One snapshot for every query, so a signature written mid-export is in all tables or none."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


@dataclass
class ExportResult:
    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]


def collect(declaration: Declaration, *, with_password_hashes: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Every row of the declaration's record, by table label (call inside one transaction)."""
    User = get_user_model()
    records: dict[str, list[dict[str, Any]]] = {}
    for part in PARTS:
        records[part.label] = _values(part.model, part.queryset(declaration))

    party_ids: set[int] = set()
    for part in PARTS:
        for attname in _fields_to(part.model, Party):
            party_ids.update(row[attname] for row in records[part.label] if row[attname] is not None)
    HistoricalParty, HistoricalMembership = _history(Party), _history(Membership)
    records[SHARED["parties"]] = _values(Party, Party.objects.filter(pk__in=party_ids).order_by("pk"))
    records[SHARED["party_history"]] = _values(
        HistoricalParty,
        HistoricalParty.objects.filter(id__in=party_ids).order_by("pk"),  # type: ignore[attr-defined]
    )
    records[SHARED["memberships"]] = _values(
        Membership, Membership.objects.filter(party_id__in=party_ids).order_by("pk")
    )
    records[SHARED["membership_history"]] = _values(
        HistoricalMembership,
        HistoricalMembership.objects.filter(party_id__in=party_ids).order_by("pk"),  # type: ignore[attr-defined]
    )
    user_perms = DeclarationUserObjectPermission.objects.filter(content_object=declaration)
    group_perms = DeclarationGroupObjectPermission.objects.filter(content_object=declaration)
    records[SHARED["user_perms"]] = [
        {"user": p.user.get_username(), "permission": f"{p.permission.content_type.app_label}.{p.permission.codename}"}
        for p in user_perms.select_related("user", "permission__content_type").order_by("pk")
    ]
    records[SHARED["group_perms"]] = [
        {"group": p.group.name, "permission": f"{p.permission.content_type.app_label}.{p.permission.codename}"}
        for p in group_perms.select_related("group", "permission__content_type").order_by("pk")
    ]

    user_ids: set[int] = set(user_perms.values_list("user_id", flat=True))
    group_ids: set[int] = set(group_perms.values_list("group_id", flat=True))
    shared_models: list[tuple[type[models.Model], str]] = [
        (Party, "parties"),
        (HistoricalParty, "party_history"),
        (Membership, "memberships"),
        (HistoricalMembership, "membership_history"),
    ]
    tables = [(p.model, p.label) for p in PARTS] + [(m, SHARED[key]) for m, key in shared_models]
    for model, label in tables:
        for attname in _fields_to(model, User):
            user_ids.update(row[attname] for row in records[label] if row[attname] is not None)
        for attname in _fields_to(model, Group):
            group_ids.update(row[attname] for row in records[label] if row[attname] is not None)
    # The secretariat that runs the declaration travels by name, with its group (its rights do too).
    owner = Secretariat.objects.filter(pk=declaration.secretariat_id or 0)
    records[SHARED["secretariats"]] = [dict(row) for row in owner.values("id", "name", "slug", "group_id")]
    group_ids.update(row["group_id"] for row in records[SHARED["secretariats"]])
    groups = Group.objects.filter(pk__in=group_ids).order_by("pk").values_list("id", "name")
    records[SHARED["groups"]] = [{"id": pk, "name": name} for pk, name in groups]
    # Password hashes stay home unless asked for: an archive travels further than the database.
    fields = [*USER_FIELDS, "password"] if with_password_hashes else USER_FIELDS
    records[SHARED["users"]] = list(User._base_manager.filter(pk__in=user_ids).order_by("pk").values(*fields))
    return records


def export_archive(declaration: Declaration, out: Path, *, with_password_hashes: bool = False) -> ExportResult:
    """Write the declaration's full record and attachments to one zip file at `out`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    members: dict[str, dict[str, Any]] = {}
    # A temporary name in the same directory, renamed at the end: no half-written archive under `out`.
    handle, temporary = tempfile.mkstemp(prefix=".accord-archive-", suffix=".zip", dir=out.parent)
    os.close(handle)
    try:
        with _consistent_read(), zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as zf:
            records = collect(declaration, with_password_hashes=with_password_hashes)
            for label, rows in records.items():
                data = _jsonl(rows)
                zf.writestr(_member(label), data)
                members[_member(label)] = {"sha256": _sha256(data), "size": len(data)}
            for part in PARTS:
                for file_field in _file_fields(part.model):
                    for row in records[part.label]:
                        name = row[file_field.attname]
                        if name and f"{FILES}{name}" not in members:
                            members[f"{FILES}{name}"] = _copy_file(zf, file_field, name, part.label, row)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
                "accord_version": accord_version(),
                "schema": _schema(),
                "declaration": declaration.slug,
                "with_password_hashes": with_password_hashes,
                "records": {label: len(rows) for label, rows in records.items()},
                "members": dict(sorted(members.items())),
            }
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    digest = hashlib.sha256()
    with out.open("rb") as written:
        while chunk := written.read(1024 * 1024):
            digest.update(chunk)
    return ExportResult(path=out, sha256=digest.hexdigest(), size=out.stat().st_size, manifest=manifest)


def _copy_file(
    zf: zipfile.ZipFile, file_field: models.FileField, name: str, label: str, row: dict[str, Any]
) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    try:
        source = file_field.storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        # A backup that silently lacks a signature image would be found out only on restore.
        raise ArchiveError(f"{label} id {row['id']}: the file '{name}' is missing from storage ({exc}).") from exc
    with source, zf.open(f"{FILES}{name}", "w") as target:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


# --- Reading and verifying -----------------------------------------------------------------------


@dataclass
class Archive:
    """A verified archive: its manifest and its records; files are read on demand."""

    zf: zipfile.ZipFile
    manifest: dict[str, Any]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def read(self, name: str) -> bytes:
        data = self.zf.read(name)
        if _sha256(data) != self.manifest["members"][name]["sha256"]:
            raise ArchiveError(_tampered(name))
        return data

    def rows(self, label: str) -> list[dict[str, Any]]:
        return self.records.get(label, [])


def _tampered(name: str) -> str:
    return (
        f"Archive member '{name}' does not match its SHA-256 in the manifest: the archive is damaged "
        "or was altered. Nothing was imported."
    )


def open_archive(zf: zipfile.ZipFile) -> Archive:
    """Check the manifest and every member's hash before anything is read for use."""
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError:
        raise ArchiveError("Not an Accord archive: it has no manifest.json.") from None
    except ValueError as exc:
        raise ArchiveError(f"manifest.json is not valid JSON: {exc}.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise ArchiveError(f"Unsupported archive format {found!r}; this Accord reads {FORMAT!r}.")
    members = manifest.get("members")
    if not isinstance(members, dict) or not isinstance(manifest.get("declaration"), str):
        raise ArchiveError("manifest.json lacks its member list or the declaration's slug.")
    names = [info.filename for info in zf.infolist()]
    if len(names) != len(set(names)):
        raise ArchiveError("The archive holds two members with the same name; refusing it.")
    extra = sorted(set(names) - set(members) - {MANIFEST})
    if extra:
        raise ArchiveError(f"Archive member '{extra[0]}' is not listed in the manifest. Nothing was imported.")
    missing = sorted(set(members) - set(names))
    if missing:
        raise ArchiveError(f"Archive member '{missing[0]}' is listed in the manifest but missing.")
    for name in sorted(members):
        if not (name.startswith((RECORDS, FILES))) or ".." in name.split("/") or name.startswith("/"):
            raise ArchiveError(f"Archive member '{name}' has a name Accord never writes; refusing it.")
        digest = hashlib.sha256()
        with zf.open(name) as member:
            while chunk := member.read(1024 * 1024):
                digest.update(chunk)
        if digest.hexdigest() != members[name].get("sha256"):
            raise ArchiveError(_tampered(name))
    archive = Archive(zf=zf, manifest=manifest)
    for name in members:
        if name.startswith(RECORDS):
            label = name.removeprefix(RECORDS).removesuffix(".jsonl")
            label = RENAMED_LABELS.get(label, label)
            try:
                archive.records[label] = [json.loads(line) for line in archive.read(name).decode().splitlines()]
            except ValueError as exc:
                raise ArchiveError(f"Archive member '{name}' is not JSON lines: {exc}.") from exc
    return archive
