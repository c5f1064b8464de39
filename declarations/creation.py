"""New declarations from nothing or from a file (interchange JSON, Word .docx, Markdown).

`read_upload` turns a file into a draft (a snapshot in the interchange format plus, for the
preview, the numbers the text carried itself); `declaration_create` saves it for a secretariat.
Numbers like "1.", "(a)" or "Article 3" at the start of a clause are moved out of the text:
Accord numbers clauses itself, and a kept number showed twice ("1. 1. We, world leaders…").
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from config.auth_types import User
from signatories.models import Secretariat
from signatories.people import is_secretariat_member

from .interchange import KEY_RE, LANG_RE, SLUG_LENGTH, InterchangeError, SnapshotData, parse, short_slug, validate
from .models import Declaration
from .services.common import DeclarationError
from .services.lifecycle import SECRETARIAT_PERMS, declaration_import

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
EXTENSIONS = (".json", ".docx", ".md", ".markdown", ".txt")
# A number the text carries at its start: "1.", "1.2.", "3)", "(4)", "(a)", "b)", "(iv)", "IV.",
# "Article 3", "Art. 3:", "Paragraph 2 —". Followed by white space, so "e.g." or "1.5%" stay.
NUMBER_RE = re.compile(
    r"^\s*(?P<number>(?:article|art\.|paragraph|para\.|clause|section)\s+\d+[a-z]?\s*[.:)\-–—]?"
    r"|\d+(?:\.\d+)*[.)]|\(\d+\)|\([a-z]{1,2}\)|[a-z][.)]|\([ivxlcdm]+\)|[ivxlcdm]+[.)])\s+",
    re.IGNORECASE,
)


class CreationError(DeclarationError):
    """The upload cannot become a declaration; the message is for the user."""


def split_number(text: str) -> tuple[str, str]:
    """("1.", "We, world leaders…") for "1. We, world leaders…"; ("", text) without a number."""
    match = NUMBER_RE.match(text)
    if not match or not text[match.end() :].strip():
        return "", text
    return match.group("number").strip(), text[match.end() :].strip()


@dataclass
class Draft:
    """What the preview shows and what creation saves."""

    data: SnapshotData
    numbers: dict[str, str] = field(default_factory=dict)  # clause key → number found in its text

    def clause_count(self) -> int:
        return sum(len(s["clauses"]) for s in self.data["sections"])

    def moved_count(self) -> int:
        """Numbers found in the text and moved out of it (Word's own list numbers are not counted)."""
        return sum(1 for n in self.numbers.values() if n != "#")

    def as_session(self) -> dict[str, Any]:
        return {"data": self.data, "numbers": self.numbers}

    @classmethod
    def from_session(cls, value: dict[str, Any]) -> Draft:
        return cls(data=validate(value["data"]), numbers=dict(value.get("numbers", {})))


def free_slug(base: str) -> str:
    slug, n = base, 2
    while Declaration.objects.filter(slug=slug).exists():
        slug = f"{base[: SLUG_LENGTH - 3]}-{n}"
        n += 1
    return slug


def check_languages(languages: list[str], source: str) -> None:
    if not languages:
        raise CreationError(_("Give at least one language."))
    for code in languages:
        if not LANG_RE.match(code):
            raise CreationError(_("“%(code)s” is not a language code like en, fr or zh-Hant.") % {"code": code[:20]})
    if len(set(languages)) != len(languages):
        raise CreationError(_("A language is listed twice."))
    if source not in languages:
        raise CreationError(_("The source language must be one of the languages."))


# --- Reading files -----------------------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # "heading" or "clause"
    text: str
    listed: bool = False  # a Word list item (its number is Word's, not in the text)


def _blocks_from_docx(raw: bytes) -> list[_Block]:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        raise CreationError(_("This is not a Word document (.docx).")) from None
    if "macroEnabled" in types:
        raise CreationError(_("Word documents with macros (.docm) are not accepted; save it as .docx."))
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, ValueError, KeyError, zipfile.BadZipFile):
        raise CreationError(_("This is not a Word document (.docx).")) from None
    blocks = []
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith(("Heading", "Title")):
            blocks.append(_Block("heading", text))
        else:
            props = paragraph._p.pPr
            listed = (props is not None and props.numPr is not None) or style.startswith("List")
            blocks.append(_Block("clause", text, listed=listed))
    return blocks


_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_MD_BULLET = re.compile(r"^[-*+]\s+")


def _blocks_from_markdown(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_Block("clause", " ".join(" ".join(paragraph).split())))
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        heading = _MD_HEADING.match(stripped)
        if heading:
            flush()
            if heading.group(1):
                blocks.append(_Block("heading", heading.group(1)))
        elif not stripped:
            flush()
        elif _MD_BULLET.match(stripped) or NUMBER_RE.match(stripped):
            flush()  # each list item is a clause of its own
            paragraph.append(_MD_BULLET.sub("", stripped))
        else:
            paragraph.append(stripped)
    flush()
    return blocks


def _draft_from_blocks(blocks: list[_Block], *, title: dict[str, str], languages: list[str], source: str) -> Draft:
    sections: list[dict[str, Any]] = []
    numbers: dict[str, str] = {}
    clause_no = 0
    for block in blocks:
        if block.kind == "heading":
            _number, heading = split_number(block.text)
            sections.append({"key": f"s{len(sections) + 1}", "heading": {source: heading}, "clauses": []})
            continue
        if not sections:
            sections.append({"key": "s1", "heading": {}, "clauses": []})
        clause_no += 1
        key = f"c{clause_no}"
        number, text = split_number(block.text)
        if number:
            numbers[key] = number
        elif block.listed:
            numbers[key] = "#"  # numbered by Word's list, not in the text
        sections[-1]["clauses"].append({"key": key, "text": {source: text}})
    if not sections:
        sections = [{"key": "s1", "heading": {}, "clauses": []}]
    data = {"title": title, "languages": languages, "source_language": source, "sections": sections}
    return Draft(data=_validated(data), numbers=numbers)


def _draft_from_json(raw: bytes) -> Draft:
    try:
        data = parse(raw)
    except InterchangeError as exc:
        raise CreationError(
            _("Not a valid Accord file: %(path)s: %(message)s") % {"path": exc.path, "message": exc.message}
        ) from None
    numbers: dict[str, str] = {}
    for section in data["sections"]:
        for clause in section["clauses"]:
            for lang, text in list(clause["text"].items()):
                number, rest = split_number(text)
                if number:
                    clause["text"][lang] = rest
                    if lang == data.get("source_language", data["languages"][0]):
                        numbers[clause["key"]] = number
    return Draft(data=_validated(data), numbers=numbers)


def _validated(data: SnapshotData) -> SnapshotData:
    try:
        return validate(data)
    except InterchangeError as exc:
        raise CreationError(f"{exc.path}: {exc.message}") from None


def empty_draft(*, title: dict[str, str], languages: list[str], source: str) -> Draft:
    check_languages(languages, source)
    return _draft_from_blocks([], title=title, languages=languages, source=source)


def read_upload(*, name: str, size: int, read: Any, title: dict[str, str], languages: list[str], source: str) -> Draft:
    """A draft from an uploaded file; `read()` is called only once the name and size are acceptable."""
    lowered = name.lower()
    if lowered.endswith(".docm"):
        raise CreationError(_("Word documents with macros (.docm) are not accepted; save it as .docx."))
    if not lowered.endswith(EXTENSIONS):
        raise CreationError(_("Upload a .docx, .md or .json file."))
    if size > MAX_UPLOAD_BYTES:
        raise CreationError(
            _("The file is %(size)s MB; at most %(max)s MB are accepted.")
            % {"size": f"{size / 1024 / 1024:.1f}", "max": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    raw: bytes = read()
    if lowered.endswith(".json"):
        return _draft_from_json(raw)
    check_languages(languages, source)
    if not title.get(source, "").strip():
        raise CreationError(_("Give the title in the source language."))
    if lowered.endswith(".docx"):
        blocks = _blocks_from_docx(raw)
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CreationError(_("A Markdown file must be UTF-8 text.")) from None
        if "\x00" in text:
            raise CreationError(_("This is not a text file."))
        blocks = _blocks_from_markdown(text)
    return _draft_from_blocks(blocks, title=title, languages=languages, source=source)


# --- Saving ------------------------------------------------------------------------------------


def declaration_create(*, draft: Draft, secretariat: Secretariat, by: User | None, slug: str = "") -> Declaration:
    """Save a draft as a declaration of `secretariat`; its members get secretariat rights on it."""
    if by is not None and not is_secretariat_member(by, secretariat):
        raise CreationError(_("You are not a member of this secretariat."))
    data = draft.data
    source = data.get("source_language", data["languages"][0])
    if slug and (not KEY_RE.match(slug) or len(slug) > 100):
        raise CreationError(_("A short name uses lowercase letters, digits and hyphens."))
    with transaction.atomic():
        if not slug:
            slug = free_slug(data.get("slug") or short_slug(data["title"].get(source, "")))
        data = {k: v for k, v in data.items() if k != "slug"}
        declaration = declaration_import(data=data, by=by, slug=slug)
        declaration_assign_secretariat(declaration=declaration, secretariat=secretariat, by=by)
    return declaration


def declaration_assign_secretariat(*, declaration: Declaration, secretariat: Secretariat, by: User | None) -> None:
    """Give a declaration to a secretariat: rights go to its group, per declaration."""
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        locked.secretariat = secretariat
        locked._change_reason = f"Secretariat: {secretariat.name}"  # type: ignore[attr-defined]
        locked.save(update_fields=["secretariat", "updated_at"])
        for perm in SECRETARIAT_PERMS:
            assign_perm(perm, secretariat.group, locked)
    declaration.secretariat = secretariat


def pick_secretariat(name: str | None) -> Secretariat:
    """The secretariat named, or the only one; a clear error otherwise (for commands)."""
    if name:
        found = Secretariat.objects.filter(name__iexact=name).first() or Secretariat.objects.filter(slug=name).first()
        if found is None:
            raise CreationError(_("No secretariat named “%(name)s”.") % {"name": name})
        return found
    all_ = list(Secretariat.objects.all()[:2])
    if not all_:
        raise CreationError(_("There is no secretariat yet; create one with `manage.py create_secretariat NAME`."))
    if len(all_) > 1:
        raise CreationError(_("There are several secretariats; name one with --secretariat."))
    return all_[0]
