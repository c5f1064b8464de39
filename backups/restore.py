"""Restore a declaration from an archive (backups.archive): all in one transaction, or nothing."""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

from config.text import single_line_problem
from declarations.interchange import content_hash
from declarations.models import Declaration, DeclarationGroupObjectPermission, DeclarationUserObjectPermission
from signatories.models import Membership, Party, Secretariat
from signing.audit import audit_verify

from .archive import CHUNK, FILES, PARTS, SHARED, USER_FIELDS, Archive, ArchiveError, _history, _sha256, open_archive

Maps = dict[type[models.Model], dict[Any, Any]]


@dataclass
class RestoreResult:
    slug: str
    rows: int = 0
    files_written: int = 0
    users_created: list[str] = field(default_factory=list)
    users_reused: list[str] = field(default_factory=list)
    audit_entries: int = 0


def import_archive(path: Path | str) -> RestoreResult:
    """Verify the archive, then restore its declaration; on any error nothing stays written."""
    _check_sizes(Path(path))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"Cannot read '{path}' as a zip archive: {exc}.") from exc
    with zf:
        archive = open_archive(zf)
        written: list[str] = []
        try:
            with transaction.atomic():
                return _restore(archive, written)
        except (DatabaseError, ObjectDoesNotExist, ValidationError, KeyError, TypeError, ValueError) as exc:
            _remove(written)
            raise ArchiveError(f"The archive's records cannot be restored ({exc!r}). Nothing was imported.") from exc
        except BaseException:
            _remove(written)
            raise


def _check_sizes(path: Path) -> None:
    """Issue 18: refuse an archive by its size and by the sizes its members declare, before reading them.

    zipfile never returns more than a member's declared size, so the declared sizes bound what is read.
    """
    limit = settings.ARCHIVE_MAX_BYTES
    hint = f"archives may have at most {limit:,} bytes (ARCHIVE_MAX_MB={limit // (1024 * 1024)})"
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArchiveError(f"Cannot read '{path}': {exc.strerror}.") from exc
    if size > limit:
        raise ArchiveError(f"'{path}' is {size:,} bytes; {hint}. Nothing was imported.")
    try:
        with zipfile.ZipFile(path) as zf:
            declared = [(info.filename, info.file_size) for info in zf.infolist()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"Cannot read '{path}' as a zip archive: {exc}.") from exc
    for name, member_size in declared:
        if member_size > limit:
            raise ArchiveError(
                f"Archive member '{name}' unpacks to {member_size:,} bytes; {hint}. Nothing was imported."
            )
    if sum(s for _n, s in declared) > 4 * limit:
        raise ArchiveError(f"The archive unpacks to more than {4 * limit:,} bytes; {hint}. Nothing was imported.")


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def _decode(model: type[models.Model], row: dict[str, Any], maps: Maps, files: dict[str, str]) -> dict[str, Any]:
    """Column values from an archived row, with shared rows' keys remapped and file names resolved."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = sorted(set(row) - set(fields))
    if unknown:
        raise ArchiveError(
            f"{model._meta.label_lower} has no field {', '.join(unknown)} here: the archive comes from a newer "
            "Accord; restore it with that version."
        )
    values: dict[str, Any] = {}
    for attname, raw in row.items():
        f = fields[attname]
        if raw is None:
            values[attname] = None
        elif f.is_relation and f.related_model in maps:
            mapped = maps[f.related_model].get(raw)  # type: ignore[index]
            # History columns carry no constraint and may name a row the source had already deleted.
            if mapped is None and f.db_constraint:  # type: ignore[attr-defined]
                label = f.related_model._meta.label_lower  # type: ignore[union-attr]
                raise ArchiveError(f"{model._meta.label_lower}.{attname} refers to {label} {raw}, not in the archive.")
            values[attname] = mapped
        elif isinstance(f, models.FileField):
            if raw and raw not in files:
                raise ArchiveError(f"{model._meta.label_lower} refers to the file '{raw}', not in the archive.")
            values[attname] = files.get(raw, raw)
        elif isinstance(f, models.JSONField):
            values[attname] = raw
        else:
            values[attname] = f.to_python(raw)
    _check_single_line(model, values)
    return values


# One-line values kept as JSON maps of language → text (CharFields are one line by their type).
ONE_LINE_MAPS = {
    ("declarations", "declaration", "title"),
    ("declarations", "section", "heading"),
    ("signatories", "party", "name"),
}


def _check_single_line(model: type[models.Model], values: dict[str, Any]) -> None:
    """Issue 18: an archive is an entry point like a form; its one-line values obey the same rule.

    History rows are records of what was, and published snapshots are covered by their hashes: both
    are restored as they are.
    """
    if hasattr(model, "instance_type"):  # a django-simple-history model
        return
    meta = model._meta
    for f in meta.concrete_fields:
        value = values.get(f.attname)
        if isinstance(f, models.CharField) and isinstance(value, str):
            texts = [value]
        elif (meta.app_label, meta.model_name, f.name) in ONE_LINE_MAPS and isinstance(value, dict):
            texts = [v for v in value.values() if isinstance(v, str)]
        else:
            continue
        for text in texts:
            if problem := single_line_problem(text):
                raise ArchiveError(
                    f"{meta.label_lower}.{f.name} holds a value that is not one line of text: {problem[1]} "
                    "Nothing was imported."
                )


def _insert(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Insert rows as they are: no save(), no signals, no new history, timestamps kept."""
    auto = [
        f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    stamps = [tuple(getattr(obj, f.attname) for f in auto) for obj in objs]
    created = model._base_manager.bulk_create(objs, batch_size=CHUNK)
    if auto:
        # bulk_create stamps auto_now/auto_now_add with the current time; put the archived times back.
        by_stamp: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
        for obj, stamp in zip(created, stamps, strict=True):
            by_stamp[stamp].append(obj.pk)
        for stamp, pks in by_stamp.items():
            for chunk in _chunks(pks):
                model._base_manager.filter(pk__in=chunk).update(
                    **{f.attname: v for f, v in zip(auto, stamp, strict=True)}
                )
    return created


def _restore(archive: Archive, written: list[str]) -> RestoreResult:
    slug = archive.manifest["declaration"]
    rows = archive.rows("declarations.declaration")
    if len(rows) != 1 or rows[0].get("slug") != slug:
        raise ArchiveError(f"The archive's records do not hold the declaration '{slug}' its manifest names.")
    unknown = sorted(set(archive.records) - {part.label for part in PARTS} - set(SHARED.values()))
    if unknown:
        raise ArchiveError(
            f"The archive holds the table {unknown[0]}, unknown to this Accord: restore it with the version that "
            "wrote it (see accord_version in manifest.json)."
        )
    if Declaration.objects.filter(slug=slug).exists():
        raise ArchiveError(f"A declaration with the slug '{slug}' already exists here; nothing was imported.")
    for part in PARTS:
        pk = part.model._meta.pk.attname  # type: ignore[union-attr]
        for chunk in _chunks([row[pk] for row in archive.rows(part.label)]):
            taken = list(part.model._base_manager.filter(pk__in=chunk).values_list("pk", flat=True)[:1])
            if taken:
                raise ArchiveError(
                    f"This database already has {part.label} id {taken[0]}. import_archive restores into a database "
                    "without this declaration's rows (a new one, or one that lost just this declaration)."
                )

    result = RestoreResult(slug=slug)
    maps: Maps = {}
    files = _restore_files(archive, written, result)
    maps[Group] = {
        row["id"]: Group.objects.get_or_create(name=row["name"])[0].pk for row in archive.rows(SHARED["groups"])
    }
    maps[Secretariat] = {row["id"]: _secretariat(row, maps) for row in archive.rows(SHARED["secretariats"])}
    _restore_users(archive, maps, files, result)
    _restore_parties(archive, maps, files)
    for part in PARTS:
        objs = [part.model(**_decode(part.model, row, maps, files)) for row in archive.rows(part.label)]
        _insert(part.model, objs)
        result.rows += len(objs)
    _restore_permissions(archive)
    # Rows came with their ids; PostgreSQL's sequences must move past them (SQLite follows by itself).
    statements = connection.ops.sequence_reset_sql(
        no_style(), [part.model for part in PARTS] + [Party, Secretariat, get_user_model()]
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

    declaration = Declaration.objects.get(slug=slug)
    for version in declaration.versions.all():
        if content_hash(version.snapshot) != version.content_hash:
            raise ArchiveError(
                f"Version {version.number}'s text does not match its content hash; nothing was imported."
            )
    check = audit_verify(declaration)
    if not check.ok:
        raise ArchiveError(
            f"The restored signing audit trail does not verify ({check.problem}). The chain hashes the ids of the "
            "declaration and of the acting users, so restore into a database where these users do not exist yet "
            "(or have the same ids). Nothing was imported."
        )
    result.audit_entries = check.entries
    return result


def _restore_files(archive: Archive, written: list[str], result: RestoreResult) -> dict[str, str]:
    """Put every attachment into default storage; returns archived name → stored name."""
    names: dict[str, str] = {}
    for member in sorted(archive.manifest["members"]):
        if not member.startswith(FILES):
            continue
        name = member.removeprefix(FILES)
        data = archive.read(member)
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as existing:
                if _sha256(existing.read()) == _sha256(data):
                    names[name] = name
                    continue
        stored = default_storage.save(name, ContentFile(data))
        written.append(stored)
        names[name] = stored
        result.files_written += 1
    return names


def _restore_users(archive: Archive, maps: Maps, files: dict[str, str], result: RestoreResult) -> None:
    User = get_user_model()
    maps[User] = {}
    for row in archive.rows(SHARED["users"]):
        existing = User._base_manager.filter(username=row["username"]).first()
        if existing is not None:
            maps[User][row["id"]] = existing.pk
            result.users_reused.append(row["username"])
            continue
        values = _decode(User, {k: v for k, v in row.items() if k in USER_FIELDS}, maps, files)
        if User._base_manager.filter(pk=row["id"]).exists():
            values.pop("id")
        user = User(**values)
        if row.get("password"):
            user.password = row["password"]
        else:
            # No hash in the archive: the person sets a new password (docs/operations.md, "Backups").
            user.set_unusable_password()
        (created,) = _insert(User, [user])
        maps[User][row["id"]] = created.pk
        result.users_created.append(row["username"])


def _secretariat(row: dict[str, Any], maps: Maps) -> int:
    """The secretariat of the same name, or a new one; a new one keeps its archived id when it is free."""
    existing = Secretariat.objects.filter(name=row["name"]).first()
    if existing is not None:
        return existing.pk
    fields: dict[str, Any] = {
        "name": row["name"],
        "slug": _free_secretariat_slug(row["slug"]),
        "group_id": maps[Group][row["group_id"]],
    }
    if not Secretariat.objects.filter(pk=row["id"]).exists():
        fields["id"] = row["id"]
    return Secretariat.objects.create(**fields).pk


def _free_secretariat_slug(slug: str) -> str:
    base, n = slug, 2
    while Secretariat.objects.filter(slug=slug).exists():
        slug, n = f"{base[:36]}-{n}", n + 1
    return slug


def _restore_parties(archive: Archive, maps: Maps, files: dict[str, str]) -> None:
    """Parties and memberships missing here, with their history; existing ones are left as they are."""
    maps[Party] = {}
    new_parties: dict[int, int] = {}
    for row in archive.rows(SHARED["parties"]):
        existing = Party.objects.filter(key=row["key"]).first()
        if existing is not None:
            maps[Party][row["id"]] = existing.pk
            continue
        values = _decode(Party, row, maps, files)
        if Party.objects.filter(pk=row["id"]).exists():
            values.pop("id")
        (party,) = _insert(Party, [Party(**values)])
        maps[Party][row["id"]] = new_parties[row["id"]] = party.pk
    _restore_history(Party, archive.rows(SHARED["party_history"]), new_parties, maps, files)

    User = get_user_model()
    new_memberships: dict[int, int] = {}
    group_links = []
    for row in archive.rows(SHARED["memberships"]):
        values = _decode(Membership, row, maps, files)
        old_id = values.pop("id")
        if Membership.objects.filter(
            user_id=values["user_id"], party_id=values["party_id"], role=values["role"]
        ).exists():
            continue
        (membership,) = _insert(Membership, [Membership(**values)])
        new_memberships[old_id] = membership.pk
        group_id = Party.objects.values_list("group_id", flat=True).get(pk=values["party_id"])
        group_links.append(User.groups.through(user_id=values["user_id"], group_id=group_id))  # type: ignore[attr-defined]
    User.groups.through.objects.bulk_create(group_links, ignore_conflicts=True)  # type: ignore[attr-defined]
    _restore_history(Membership, archive.rows(SHARED["membership_history"]), new_memberships, maps, files)


def _restore_history(
    model: type[models.Model], rows: list[dict[str, Any]], new_ids: dict[int, int], maps: Maps, files: dict[str, str]
) -> None:
    """History of shared rows this import created (rows that existed keep the history they have)."""
    historical = _history(model)
    objs = []
    for row in rows:
        if row["id"] in new_ids:
            values = _decode(historical, row, maps, files)
            values["id"] = new_ids[row["id"]]
            values.pop("history_id")
            objs.append(historical(**values))
    _insert(historical, objs)


def _restore_permissions(archive: Archive) -> None:
    """Object permissions on the declaration, by user name, group name and permission natural key."""
    User = get_user_model()
    declaration_id = archive.rows("declarations.declaration")[0]["id"]
    permissions: dict[str, Permission] = {}

    def permission(natural: str) -> Permission:
        if natural not in permissions:
            app_label, codename = natural.split(".", 1)
            permissions[natural] = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        return permissions[natural]

    DeclarationUserObjectPermission.objects.bulk_create(
        DeclarationUserObjectPermission(
            user=User._base_manager.get(username=row["user"]),
            permission=permission(row["permission"]),
            content_object_id=declaration_id,
        )
        for row in archive.rows(SHARED["user_perms"])
    )
    DeclarationGroupObjectPermission.objects.bulk_create(
        DeclarationGroupObjectPermission(
            group=Group.objects.get(name=row["group"]),
            permission=permission(row["permission"]),
            content_object_id=declaration_id,
        )
        for row in archive.rows(SHARED["group_perms"])
    )
