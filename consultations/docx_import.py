"""Draft comments and proposals read back from a Word export a reviewer annotated (docs/formats.md).

Each Word comment (``word/comments.xml``, anchored by ``w:commentRangeStart``) in a clause paragraph
becomes a draft comment quoting the passage; the tracked changes in a clause paragraph become one
draft proposal: the clause text with the changes applied. Clause paragraphs are found by the
bookmarks ``declarations.docx_export`` wrote, then by their text; what cannot be matched is listed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree

from declarations.docx_export import marker_name, parse_identifier
from declarations.models import DeclarationVersion

from .imports import FileImportError, ImportPlan, PlannedComment, Unmatched, check_text, live_texts
from .models import Comment, CommentRound

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a zip bomb expands past this; a real declaration is a few MB
MACRO_TYPES = (b"macroEnabled", b"vbaProject")
QUOTE_LENGTH = 300
_NUMBER = re.compile(r"^\d+\.\t")


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


_INSERTED = {_q("ins"), _q("moveTo")}
_DELETED = {_q("del"), _q("moveFrom")}
_TEXT = {_q("t"), _q("delText"), _q("br"), _q("cr"), _q("tab")}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _xml(package: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        data = package.read(name)
    except KeyError:
        return None
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        raise FileImportError(_("The file is damaged: it is not a readable Word document.")) from None
    if root.getroottree().docinfo.doctype:
        raise FileImportError(_("The file is damaged: it is not a readable Word document."))
    return root


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise FileImportError(_("This is not a Word document (.docx).")) from None
    infos = package.infolist()
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
        raise FileImportError(_("The file expands to more than 200 MB; it is not a Word document Accord exported."))
    try:
        content_types = package.read("[Content_Types].xml")
    except KeyError:
        raise FileImportError(_("This is not a Word document (.docx).")) from None
    if any(marker in content_types for marker in MACRO_TYPES) or any("vbaProject" in i.filename for i in infos):
        raise FileImportError(_("Files with macros (.docm, .xlsm) are not accepted: save the file as .docx or .xlsx."))
    if b"wordprocessingml.document.main+xml" not in content_types:
        raise FileImportError(_("This is not a Word document (.docx)."))
    return package


def _identifier(package: zipfile.ZipFile) -> str:
    core = _xml(package, "docProps/core.xml")
    if core is None:
        return ""
    node = core.find("{http://purl.org/dc/elements/1.1/}identifier")
    return (node.text or "") if node is not None else ""


@dataclass
class _Paragraph:
    """A paragraph of the body: its text before and after the tracked changes, and its comments."""

    element: etree._Element
    marker: str | None = None
    before: list[str] = field(default_factory=list)  # text as the file had it (deletions kept, insertions not)
    after: list[str] = field(default_factory=list)  # text with the tracked changes applied
    authors: set[str] = field(default_factory=set)
    comment_ids: list[str] = field(default_factory=list)

    @property
    def original(self) -> str:
        return "".join(self.before)

    @property
    def changed(self) -> str:
        return "".join(self.after)


def _text_of(node: etree._Element) -> str:
    if node.tag in (_q("br"), _q("cr")):
        return "\n"
    if node.tag == _q("tab"):
        return "\t"
    return node.text or ""


def _read_body(root: etree._Element, markers: set[str]) -> tuple[list[_Paragraph], dict[str, str]]:
    """Every paragraph (tables included) and the passage each Word comment's range covers."""
    paragraphs: list[_Paragraph] = []
    open_ranges: set[str] = set()
    quotes: dict[str, list[str]] = {}
    for p in root.iter(_q("p")):
        paragraph = _Paragraph(element=p)
        paragraphs.append(paragraph)
        # Text before a clause marker is the paragraph number; a paragraph without one starts counting at once.
        counting = not any(b.get(_q("name")) in markers for b in p.iter(_q("bookmarkStart")))
        for node in p.iter():
            if node.getparent() is not None and _inside_nested_paragraph(node, p):
                continue
            if node.tag == _q("bookmarkStart") and node.get(_q("name")) in markers and paragraph.marker is None:
                paragraph.marker = node.get(_q("name"))
                counting = True
            elif node.tag == _q("commentRangeStart"):
                open_ranges.add(node.get(_q("id"), ""))
                paragraph.comment_ids.append(node.get(_q("id"), ""))
                quotes.setdefault(node.get(_q("id"), ""), [])
            elif node.tag == _q("commentRangeEnd"):
                open_ranges.discard(node.get(_q("id"), ""))
            elif node.tag in _TEXT and counting:
                piece = _text_of(node)
                ancestors = {a.tag for a in node.iterancestors() if a is not p}
                if ancestors & _DELETED and ancestors & _INSERTED:
                    continue  # proposed and withdrawn again within the file: in neither text
                if ancestors & _DELETED:
                    paragraph.before.append(piece)
                    paragraph.authors.update(_authors(node, _DELETED))
                elif ancestors & _INSERTED:
                    paragraph.after.append(piece)
                    paragraph.authors.update(_authors(node, _INSERTED))
                else:
                    paragraph.before.append(piece)
                    paragraph.after.append(piece)
                    for comment_id in open_ranges:
                        quotes.setdefault(comment_id, []).append(piece)
        for comment_id in open_ranges:
            quotes.setdefault(comment_id, []).append("\n")
    return paragraphs, {key: "".join(value).strip() for key, value in quotes.items()}


def _inside_nested_paragraph(node: etree._Element, p: etree._Element) -> bool:
    # A text box inside a paragraph holds paragraphs of its own: they are read on their own.
    for ancestor in node.iterancestors():
        if ancestor is p:
            return False
        if ancestor.tag == _q("p"):
            return True
    return False


def _authors(node: etree._Element, tags: set[str]) -> list[str]:
    return [a.get(_q("author"), "") for a in node.iterancestors() if a.tag in tags]


def _comments(package: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Word comment id → (author, text)."""
    root = _xml(package, "word/comments.xml")
    if root is None:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for comment in root.iter(_q("comment")):
        lines = ["".join(_text_of(n) for n in p.iter(*_TEXT)) for p in comment.iter(_q("p"))]
        found[comment.get(_q("id"), "")] = (comment.get(_q("author"), ""), "\n".join(lines))
    return found


def _file_version(round: CommentRound, package: zipfile.ZipFile, root: etree._Element) -> DeclarationVersion:
    """The version the file was exported from, refusing files of another declaration and redlines."""
    declaration = round.declaration
    parsed = parse_identifier(_identifier(package))
    if parsed is None:
        # Word keeps core properties, but another editor might not: fall back on the clause bookmarks.
        names = [b.get(_q("name"), "") for b in root.iter(_q("bookmarkStart"))]
        found = {m.group(1, 2) for m in map(re.compile(r"^accord_(\d+)_v(\d+)_").match, names) if m}
        if len(found) != 1:
            raise FileImportError(_("This Word file was not exported from Accord; download the version's Word export."))
        pk, number = found.pop()
        parsed = (int(pk), "", None, int(number))
    pk, slug, old, number = parsed
    if pk != declaration.pk or (slug and slug != declaration.slug):
        raise FileImportError(
            _("This Word file was exported from another declaration (“%(slug)s”), not from this one.")
            % {"slug": slug or pk}
        )
    if old is not None:
        raise FileImportError(
            _("This is a redline export (tracked changes between versions); comment on the Word export of a version.")
        )
    version = DeclarationVersion.objects.filter(declaration=declaration, number=number).first()
    if version is None:
        message = _("This Word file names version %(n)s, which this declaration does not have.")
        raise FileImportError(message % {"n": number})
    return version


def plan_docx(data: bytes, *, round: CommentRound, filename: str = "") -> ImportPlan:
    """Read an annotated Word export into a plan of draft comments and proposals; writes nothing."""
    with _open(data) as package:
        root = _xml(package, "word/document.xml")
        if root is None:
            raise FileImportError(_("This is not a Word document (.docx)."))
        version = _file_version(round, package, root)
        comments = _comments(package)
    plan = ImportPlan(kind="docx", filename=filename)
    if version.number != round.version.number:
        plan.notice = _(
            "This file was exported from version %(file)s; the round comments on version %(round)s. "
            "Clauses that changed since are listed below and their proposals are not imported."
        ) % {"file": version.number, "round": round.version.number}
    snapshot = version.snapshot
    languages = list(snapshot.get("languages", []))
    by_marker: dict[str, tuple[str, str]] = {}
    by_text: dict[str, tuple[str, str]] = {}
    exported: dict[tuple[str, str], str] = {}
    for section in snapshot.get("sections", []):
        for clause in section.get("clauses", []):
            for language in languages:
                text = clause.get("text", {}).get(language, "")
                by_marker[marker_name(version.declaration_id, version.number, language, clause["key"])] = (
                    language,
                    clause["key"],
                )
                exported[clause["key"], language] = text
                if text:
                    by_text.setdefault(text, (language, clause["key"]))
    paragraphs, quotes = _read_body(root, set(by_marker))
    live = live_texts(round)
    anchored: set[str] = set()
    for index, paragraph in enumerate(paragraphs, start=1):
        if paragraph.marker is not None:
            language, key = by_marker[paragraph.marker]
            original, changed = paragraph.original, paragraph.changed
        else:
            original = _NUMBER.sub("", paragraph.original)
            changed = _NUMBER.sub("", paragraph.changed)
            match = by_text.get(original)
            if match is None:
                _outside(plan, paragraph, comments, quotes, index)
                anchored.update(paragraph.comment_ids)
                continue
            language, key = match
        anchored.update(paragraph.comment_ids)
        where = _("clause %(key)s (%(language)s)") % {"key": key, "language": language}
        current = live.get((key, language))
        problem = ""
        if original != exported.get((key, language)):
            problem = _("The clause text was edited without tracking changes; turn on Track Changes to propose text.")
        elif current is None:
            problem = _("The clause is no longer in the current draft.")
        elif current != original:
            problem = _("The clause changed since the export.")
        for comment_id in paragraph.comment_ids:
            if comment_id not in comments:
                continue  # a range whose comment was deleted (Word may leave the range marks behind)
            author, text = comments[comment_id]
            source = _("Word comment by %(author)s on %(where)s") % {"author": author or "?", "where": where}
            body = check_text(text, source)
            quote = check_text(quotes.get(comment_id, "")[:QUOTE_LENGTH], source)
            if not body:
                plan.unmatched.append(Unmatched(source=source, reason=_("The Word comment is empty.")))
                continue
            if current is None:
                plan.unmatched.append(Unmatched(source=source, reason=problem, excerpt=body))
                continue
            plan.items.append(
                PlannedComment(
                    kind=Comment.Kind.GENERAL,
                    language=language,
                    clause_key=key,
                    text=f"“{quote}”\n\n{body}" if quote else body,
                    source=source,
                    note=problem,
                )
            )
        if changed != original:
            authors = ", ".join(sorted(a for a in paragraph.authors if a)) or "?"
            source = _("Tracked changes by %(author)s in %(where)s") % {"author": authors, "where": where}
            proposed = check_text(changed, source)
            if problem:
                plan.unmatched.append(Unmatched(source=source, reason=problem, excerpt=proposed))
            elif not proposed:
                plan.unmatched.append(Unmatched(source=source, reason=_("The change deletes the whole clause.")))
            else:
                plan.items.append(
                    PlannedComment(
                        kind=Comment.Kind.PROPOSED_TEXT,
                        language=language,
                        clause_key=key,
                        proposed_text=proposed,
                        base_text=original,
                        source=source,
                    )
                )
    for comment_id, (author, text) in comments.items():
        if comment_id not in anchored:
            plan.unmatched.append(
                Unmatched(
                    source=_("Word comment by %(author)s") % {"author": author or "?"},
                    reason=_("It is not anchored in the text."),
                    excerpt=check_text(text, _("A Word comment")),
                )
            )
    return plan


def _outside(
    plan: ImportPlan,
    paragraph: _Paragraph,
    comments: dict[str, tuple[str, str]],
    quotes: dict[str, str],
    index: int,
) -> None:
    """Comments and tracked changes in a paragraph that is not a clause (title, headings, a new paragraph)."""
    reason = _("It is outside the clauses (a title, a heading or text that is not a clause of the version).")
    for comment_id in paragraph.comment_ids:
        if comment_id not in comments:
            continue
        author, text = comments[comment_id]
        source = _("Word comment by %(author)s") % {"author": author or "?"}
        plan.unmatched.append(Unmatched(source=source, reason=reason, excerpt=check_text(text, source)))
    if paragraph.changed != paragraph.original:
        source = _("Tracked change in paragraph %(n)s of the file") % {"n": index}
        excerpt = check_text(paragraph.changed or paragraph.original, source)
        plan.unmatched.append(Unmatched(source=source, reason=reason, excerpt=excerpt[:QUOTE_LENGTH]))
