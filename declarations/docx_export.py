"""Word (.docx) export of a published version or of the redline between two versions (docs/formats.md).

python-docx builds the document; tracked changes are written into the XML it exposes as ``w:ins`` /
``w:del`` around runs, authored by the declaration's secretariat with the newer version's publication
date, so Word and LibreOffice show them as their own. Each clause paragraph carries a bookmark that
names the declaration, the version, the language and the clause (``marker_name``): it is what
``consultations.docx_import`` reads back from a file a reviewer annotated.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from .models import Declaration, DeclarationVersion
from .redline import Op, diff_documents_all

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Word keeps bookmark names of at most 40 characters made of letters, digits and underscores.
MAX_BOOKMARK = 40
SEQUENTIAL, TABLE = "sequential", "table"


# --- markers -----------------------------------------------------------------------------------


def _encode(value: str) -> str:
    # Keys and language codes use hyphens, which bookmark names may not; they never use underscores.
    return value.replace("-", "_")


def marker_prefix(declaration_id: int, version_number: int) -> str:
    return f"accord_{declaration_id}_v{version_number}_"


def marker_name(declaration_id: int, version_number: int, language: str, clause_key: str) -> str:
    """The bookmark of one clause paragraph; a short hash of the key when the name would be too long."""
    name = f"{marker_prefix(declaration_id, version_number)}{_encode(language)}_{_encode(clause_key)}"
    if len(name) <= MAX_BOOKMARK:
        return name
    digest = hashlib.sha256(clause_key.encode()).hexdigest()[:10]
    return f"{marker_prefix(declaration_id, version_number)}{_encode(language)}_h{digest}"[:MAX_BOOKMARK]


def identifier(declaration: Declaration, old: DeclarationVersion | None, new: DeclarationVersion) -> str:
    """The document's core-properties identifier: which declaration and version(s) it was exported from."""
    versions = f"v{old.number}-v{new.number}" if old is not None else f"v{new.number}"
    return f"accord:{declaration.pk}:{declaration.slug}:{versions}"


def parse_identifier(value: str) -> tuple[int, str, int | None, int] | None:
    """``(declaration id, slug, old version or None, version)`` from ``identifier()``'s text, or None."""
    parts = (value or "").split(":")
    if len(parts) != 4 or parts[0] != "accord" or not parts[1].isdigit():
        return None
    numbers = parts[3].split("-")
    try:
        values = [int(n.removeprefix("v")) for n in numbers if n.startswith("v")]
    except ValueError:
        return None
    if len(values) != len(numbers) or len(values) not in (1, 2):
        return None
    return int(parts[1]), parts[2], values[0] if len(values) == 2 else None, values[-1]


def secretariat_author(declaration: Declaration) -> str:
    return f"Secretariat — {declaration.display_title()}"[:255]


def word_date(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the document --------------------------------------------------------------------------------


@dataclass
class _Clause:
    key: str
    number: int | None  # paragraph number in the newer version; None for a clause it removed
    ops: dict[str, list[Op]]  # per language
    removed: bool = False
    added: bool = False


@dataclass
class _Section:
    key: str
    heading: dict[str, list[Op]]
    clauses: list[_Clause]
    removed: bool = False
    added: bool = False


class _Writer:
    """Writes runs, tracked changes and bookmarks into python-docx paragraphs."""

    def __init__(self, *, author: str, date: str) -> None:
        self.author, self.date = author, date
        self._ids = itertools.count(1)

    def _run(self, text: str, language: str, *, deleted: bool = False, bold: bool = False) -> Any:
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        if bold:
            props.append(OxmlElement("w:b"))
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)
        props.append(lang)
        run.append(props)
        for index, line in enumerate(text.split("\n")):
            if index:
                run.append(OxmlElement("w:br"))
            if not line:
                continue
            node = OxmlElement("w:delText" if deleted else "w:t")
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            node.text = line
            run.append(node)
        return run

    def _change(self, tag: str) -> Any:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(next(self._ids)))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        return element

    def ops(self, paragraph: Paragraph, ops: Iterable[Op], language: str, *, bold: bool = False) -> None:
        p = paragraph._p
        for op in ops:
            if not op.text:
                continue
            if op.kind == "equal":
                p.append(self._run(op.text, language, bold=bold))
            else:
                wrapper = self._change("w:ins" if op.kind == "insert" else "w:del")
                wrapper.append(self._run(op.text, language, deleted=op.kind == "delete", bold=bold))
                p.append(wrapper)

    def mark_paragraph(self, paragraph: Paragraph, kind: str) -> None:
        """Track the paragraph mark itself, so accepting a removal also removes the empty paragraph."""
        p_pr = paragraph._p.get_or_add_pPr()
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = OxmlElement("w:rPr")
            p_pr.append(r_pr)
        r_pr.append(self._change("w:ins" if kind == "insert" else "w:del"))

    def bookmark(self, paragraph: Paragraph, name: str) -> Any:
        """Open a bookmark at the current end of the paragraph; returns the id to close it with."""
        start = OxmlElement("w:bookmarkStart")
        bookmark_id = str(next(self._ids))
        start.set(qn("w:id"), bookmark_id)
        start.set(qn("w:name"), name)
        paragraph._p.append(start)
        return bookmark_id

    def close_bookmark(self, paragraph: Paragraph, bookmark_id: str) -> None:
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), bookmark_id)
        paragraph._p.append(end)


def _equal(text: str) -> list[Op]:
    return [Op("equal", text)] if text else []


def _from_version(version: DeclarationVersion) -> tuple[dict[str, list[Op]], list[_Section]]:
    snapshot = version.snapshot
    languages = list(snapshot.get("languages", []))
    number = itertools.count(1)
    sections = [
        _Section(
            key=s["key"],
            heading={lang: _equal(s.get("heading", {}).get(lang, "")) for lang in languages},
            clauses=[
                _Clause(
                    key=c["key"],
                    number=next(number),
                    ops={lang: _equal(c.get("text", {}).get(lang, "")) for lang in languages},
                )
                for c in s.get("clauses", [])
            ],
        )
        for s in snapshot.get("sections", [])
    ]
    title = {lang: _equal(snapshot.get("title", {}).get(lang, "")) for lang in languages}
    return title, sections


def _from_redline(
    old: DeclarationVersion, new: DeclarationVersion, languages: Sequence[str]
) -> tuple[dict[str, list[Op]], list[_Section]]:
    diffs = diff_documents_all(old.snapshot, new.snapshot, languages)  # type: ignore[arg-type]
    first = diffs[languages[0]]
    number = itertools.count(1)
    sections: list[_Section] = []
    for s_index, section in enumerate(first.sections):
        clauses = []
        for c_index, clause in enumerate(section.clauses):
            clauses.append(
                _Clause(
                    key=clause.key,
                    number=None if clause.removed else next(number),
                    ops={lang: diffs[lang].sections[s_index].clauses[c_index].ops for lang in languages},
                    removed=clause.removed,
                    added=clause.added,
                )
            )
        sections.append(
            _Section(
                key=section.key,
                heading={lang: diffs[lang].sections[s_index].heading_ops for lang in languages},
                clauses=clauses,
                removed=section.removed,
                added=section.added,
            )
        )
    return {lang: diffs[lang].title_ops for lang in languages}, sections


def _languages(version: DeclarationVersion, requested: Sequence[str] | None) -> list[str]:
    available = list(version.snapshot.get("languages", []))
    if not requested:
        return available
    unknown = [lang for lang in requested if lang not in available]
    if unknown:
        raise ValueError(f"Not a language of version {version.number}: {', '.join(unknown)}")
    return list(dict.fromkeys(requested))


def _clause_paragraph(writer: _Writer, paragraph: Paragraph, clause: _Clause, language: str, marker: str) -> None:
    paragraph.paragraph_format.left_indent = Pt(28)
    paragraph.paragraph_format.first_line_indent = Pt(-28)
    # The number is not part of the clause text: it sits before the bookmark, which the import reads from.
    if clause.number is not None:
        paragraph._p.append(writer._run(f"{clause.number}.\t", language))
    bookmark = writer.bookmark(paragraph, marker)
    writer.ops(paragraph, clause.ops[language], language)
    writer.close_bookmark(paragraph, bookmark)
    if clause.removed:
        writer.mark_paragraph(paragraph, "delete")
    elif clause.added:
        writer.mark_paragraph(paragraph, "insert")


def build_docx(
    *,
    declaration: Declaration,
    version: DeclarationVersion,
    compare_to: DeclarationVersion | None = None,
    languages: Sequence[str] | None = None,
    layout: str = SEQUENTIAL,
) -> bytes:
    """The version (or the redline from ``compare_to`` to ``version``) as a .docx file."""
    if layout not in (SEQUENTIAL, TABLE):
        raise ValueError(f"Unknown layout {layout!r}")
    langs = _languages(version, languages)
    if compare_to is not None:
        title, sections = _from_redline(compare_to, version, langs)
    else:
        title, sections = _from_version(version)
    writer = _Writer(author=secretariat_author(declaration), date=word_date(version.published_at))
    document = Document()
    props = document.core_properties
    props.identifier = identifier(declaration, compare_to, version)
    props.title = declaration.display_title()[:255]
    props.subject = f"Version {version.number} — {version.label}"[:255]
    props.author = secretariat_author(declaration)
    props.created = props.modified = version.published_at.replace(tzinfo=None)
    props.revision = 1
    props.comments = ""

    def marker(language: str, key: str) -> str:
        return marker_name(declaration.pk, version.number, language, key)

    def caption(language: str) -> str:
        if compare_to is not None:
            return f"Version {compare_to.number} → {version.number} ({version.label}) · {language}"
        return f"Version {version.number} ({version.label}) · {word_date(version.published_at)[:10]} · {language}"

    if layout == TABLE:
        word_section = document.sections[0]
        word_section.orientation = WD_ORIENT.LANDSCAPE
        word_section.page_width, word_section.page_height = word_section.page_height, word_section.page_width
        table = document.add_table(rows=0, cols=len(langs))
        table.style = "Table Grid"
        cells = table.add_row().cells
        for cell, lang in zip(cells, langs, strict=True):
            writer.ops(cell.paragraphs[0], title[lang], lang, bold=True)
            cell.add_paragraph(caption(lang))
        for section in sections:
            cells = table.add_row().cells
            for cell, lang in zip(cells, langs, strict=True):
                _heading(writer, cell, section, lang)
            for clause in section.clauses:
                cells = table.add_row().cells
                for cell, lang in zip(cells, langs, strict=True):
                    _clause_paragraph(writer, cell.paragraphs[0], clause, lang, marker(lang, clause.key))
    else:
        for index, lang in enumerate(langs):
            heading = document.add_paragraph(style="Title")
            if index:
                heading.paragraph_format.page_break_before = True
            writer.ops(heading, title[lang], lang)
            document.add_paragraph(caption(lang), style="Subtitle")
            for section in sections:
                paragraph = document.add_paragraph(style="Heading 1")
                writer.ops(paragraph, section.heading[lang], lang)
                if section.removed:
                    writer.mark_paragraph(paragraph, "delete")
                elif section.added:
                    writer.mark_paragraph(paragraph, "insert")
                for clause in section.clauses:
                    _clause_paragraph(writer, document.add_paragraph(), clause, lang, marker(lang, clause.key))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _heading(writer: _Writer, cell: _Cell, section: _Section, language: str) -> None:
    paragraph = cell.paragraphs[0]
    writer.ops(paragraph, section.heading[language], language, bold=True)
    if section.removed:
        writer.mark_paragraph(paragraph, "delete")
    elif section.added:
        writer.mark_paragraph(paragraph, "insert")


def filename(declaration: Declaration, version: DeclarationVersion, compare_to: DeclarationVersion | None) -> str:
    if compare_to is not None:
        return f"{declaration.slug}-v{compare_to.number}-v{version.number}-redline.docx"
    return f"{declaration.slug}-v{version.number}.docx"


__all__ = ["DOCX_CONTENT_TYPE", "build_docx", "marker_name", "parse_identifier"]
