"""Comments read back from an annotated Word export: exactly the expected drafts, or a clear refusal."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations import services
from consultations.docx_import import plan_docx
from consultations.imports import FileImportError, comments_import, mark_duplicates, read_upload
from consultations.models import Comment, CommentRound
from declarations import services as drafting
from declarations.docx_export import build_docx, marker_name
from declarations.models import Clause, ClauseText, Declaration
from signatories.models import Party

from .conftest import DEADLINE, NOW
from .word_annotation import annotate, replace_part

pytestmark = pytest.mark.django_db


def marker(demo: Declaration, language: str, key: str, version: int = 1) -> str:
    return marker_name(demo.pk, version, language, key)


def text(demo: Declaration, key: str, language: str) -> str:
    return ClauseText.objects.get(clause__declaration=demo, clause__key=key, language=language).text


@pytest.fixture
def export(demo: Declaration) -> bytes:
    return build_docx(declaration=demo, version=demo.versions.get(number=1))


@pytest.fixture
def annotated(demo: Declaration, export: bytes) -> bytes:
    """Two comments and two tracked changes in clauses, and one comment and one change outside them."""
    return annotate(
        export,
        comments=[
            (marker(demo, "en", "diagnosis"), "trustworthy Artificial Intelligence", "Define “trustworthy”.", "Kim"),
            (marker(demo, "ko", "democracy"), "민주주의", "용어를 통일해 주십시오.", "Lee"),
            (None, "Core values", "A heading remark.", "Kim"),
        ],
        changes=[
            (marker(demo, "en", "vision"), "necessitates", "requires", "Kim"),
            (marker(demo, "ko", "human-dignity"), "인간의 존엄성", "인간 존엄", "Lee"),
            (None, "Our vision", "Our shared vision", "Kim"),
        ],
    )


def test_comments_and_tracked_changes_become_exactly_the_expected_drafts(
    demo: Declaration, rnd: CommentRound, annotated: bytes, user: Callable[[str], Any], party: Callable[[str], Party]
) -> None:
    """Each Word comment in a clause is a draft comment quoting its passage; each changed clause a proposal."""
    plan = plan_docx(annotated, round=rnd, filename="annotated.docx")
    comments = comments_import(round=rnd, party=party("gyeonggi"), plan=plan, by=user("gyeonggi.reviewer"), now=NOW)
    got = {(c.kind, c.clause.key if c.clause else None, c.language, c.text, c.proposed_text) for c in comments}
    vision = text(demo, "vision", "en")
    dignity = text(demo, "human-dignity", "ko")
    assert got == {
        ("general", "diagnosis", "en", "“trustworthy Artificial Intelligence”\n\nDefine “trustworthy”.", ""),
        ("general", "democracy", "ko", "“민주주의”\n\n용어를 통일해 주십시오.", ""),
        ("proposed_text", "vision", "en", "", vision.replace("necessitates", "requires", 1)),
        ("proposed_text", "human-dignity", "ko", "", dignity.replace("인간의 존엄성", "인간 존엄", 1)),
    }
    assert all(c.status == Comment.Status.DRAFT and c.author.username == "gyeonggi.reviewer" for c in comments)
    proposal = next(c for c in comments if c.clause and c.clause.key == "vision")
    assert proposal.base_text == vision
    assert proposal.history.get().history_change_reason == (
        "Imported from annotated.docx: Tracked changes by Kim in clause vision (en)"
    )
    reasons = sorted((u.source, u.excerpt) for u in plan.unmatched)
    assert reasons == sorted(
        [
            ("Word comment by Kim", "A heading remark."),
            ("Tracked change in paragraph 5 of the file", "Our shared vision"),
        ]
    ), reasons


def test_uploading_the_same_file_again_creates_nothing(
    rnd: CommentRound, annotated: bytes, user: Callable[[str], Any], party: Callable[[str], Party]
) -> None:
    """A second upload of the same annotations finds them all already drafted."""
    first = plan_docx(annotated, round=rnd)
    comments_import(round=rnd, party=party("gyeonggi"), plan=first, by=user("gyeonggi.reviewer"), now=NOW)
    again = mark_duplicates(plan_docx(annotated, round=rnd), round=rnd, party=party("gyeonggi"))
    assert again.items == [] and again.duplicates == 4
    assert Comment.objects.filter(round=rnd).count() == 4


def test_paragraphs_whose_markers_were_lost_are_matched_by_text(
    demo: Declaration, rnd: CommentRound, export: bytes
) -> None:
    """Without bookmarks (another editor dropped them), a clause is recognised by its exact text."""
    data = annotate(export, comments=[(None, "Human dignity:", "Too strong.", "Kim")], drop_markers=True)
    plan = plan_docx(data, round=rnd)
    assert [(i.clause_key, i.language, i.text) for i in plan.items] == [
        ("human-dignity", "en", "“Human dignity:”\n\nToo strong.")
    ]


def test_clause_changed_since_the_export_is_reported_not_proposed(
    demo: Declaration, rnd: CommentRound, export: bytes, user: Callable[[str], Any]
) -> None:
    """A proposal on a clause the secretariat edited after the export is listed, not imported."""
    clause = Clause.objects.get(declaration=demo, key="vision")
    current = ClauseText.objects.get(clause=clause, language="en")
    drafting.clause_text_update(
        clause=clause,
        language="en",
        text=current.text + " Edited.",
        base_revision=current.revision,
        by=user("secretariat"),
    )
    data = annotate(export, changes=[(marker(demo, "en", "vision"), "necessitates", "requires", "Kim")])
    plan = plan_docx(data, round=rnd)
    assert plan.items == []
    assert [u.reason for u in plan.unmatched] == ["The clause changed since the export."]


def test_a_file_of_an_older_version_is_recognised(
    demo: Declaration, export: bytes, user: Callable[[str], Any], party: Callable[[str], Party]
) -> None:
    """A round on version 2 accepts the version 1 export with a notice, matching unchanged clauses."""
    secretariat = user("secretariat")
    clause = Clause.objects.get(declaration=demo, key="vision")
    current = ClauseText.objects.get(clause=clause, language="en")
    drafting.clause_text_update(
        clause=clause, language="en", text="Rewritten.", base_revision=current.revision, by=secretariat
    )
    version = drafting.version_publish(declaration=demo, label="Draft 2", by=secretariat)
    round_ = services.round_open(
        declaration=demo, version=version, deadline=DEADLINE, by=secretariat, now=NOW - datetime.timedelta(hours=1)
    )
    data = annotate(
        export,
        changes=[
            (marker(demo, "en", "vision"), "necessitates", "requires", "Kim"),
            (marker(demo, "en", "democracy"), "Democracy", "Democratic life", "Kim"),
        ],
    )
    plan = plan_docx(data, round=round_)
    assert "exported from version 1; the round comments on version 2" in plan.notice
    assert [(i.clause_key, i.kind) for i in plan.items] == [("democracy", "proposed_text")]
    assert [u.reason for u in plan.unmatched] == ["The clause changed since the export."]


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        (lambda b: b.replace(b"accord:", b"accord:999"), "another declaration"),
        (lambda b: b.replace(b":v1<", b":v1-v2<"), "redline export"),
        (lambda b: b.replace(b"accord:", b"other:"), None),
    ],
)
def test_files_of_another_declaration_or_redlines_are_refused(
    demo: Declaration, rnd: CommentRound, export: bytes, transform: Any, message: str | None
) -> None:
    """The identifier says where a file came from; a file without it is recognised by its bookmarks."""
    data = replace_part(export, "docProps/core.xml", transform)
    if message is None:
        assert plan_docx(data, round=rnd).items == []  # recognised as this declaration's version 1 by its bookmarks
        return
    with pytest.raises(FileImportError, match=message):
        plan_docx(data, round=rnd)


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("Looks fine \u202eevil\u202c", "bidirectional control"),
        ("<script>alert(1)</script>", "script or HTML markup"),
        # XML cannot carry control characters at all: such a file is damaged.
        ("ok\x07bell", "damaged"),
    ],
)
def test_hostile_comment_text_is_refused_whole(
    demo: Declaration, rnd: CommentRound, export: bytes, comment: str, message: str
) -> None:
    """Scripts, bidirectional controls or control characters in one comment refuse the whole file."""
    data = annotate(
        export,
        comments=[
            (marker(demo, "en", "diagnosis"), "trustworthy", "A fine comment.", "Kim"),
            (marker(demo, "en", "vision"), "necessitates", "x", "Kim"),
        ],
    )
    data = replace_part(data, "word/comments.xml", lambda b: b.replace(b">x<", f">{escape(comment)}<".encode()))
    with pytest.raises(FileImportError, match=message):
        plan_docx(data, round=rnd)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not a zip", "not a Word document"),
        (None, "macros"),
        (b"NUL", "damaged"),
    ],
)
def test_damaged_or_macro_files_are_refused(rnd: CommentRound, export: bytes, data: bytes | None, message: str) -> None:
    """A file that is not a .docx, one with macros, and one with a NUL in its XML get a clear message."""
    if data is None:
        data = replace_part(
            export,
            "[Content_Types].xml",
            lambda b: b.replace(b"document.main+xml", b"document.macroEnabled.main+xml"),
        )
    elif data == b"NUL":
        data = replace_part(export, "word/document.xml", lambda b: b.replace(b"Our vision", b"Our\x00vision"))
    with pytest.raises(FileImportError, match=message):
        plan_docx(data, round=rnd)


def test_uploads_are_checked_before_reading() -> None:
    """A .docm name and a 50 MB upload are refused on their name and size, before a byte is read."""

    class Huge(SimpleUploadedFile):
        def read(self, *args: Any) -> bytes:  # pragma: no cover - must not be called
            raise AssertionError("read before the size check")

    huge = Huge("big.docx", b"")
    huge.size = 50 * 1024 * 1024 + 1
    with pytest.raises(FileImportError, match="larger than 50 MB"):
        read_upload(huge, extensions=(".docx",))
    with pytest.raises(FileImportError, match="macros"):
        read_upload(SimpleUploadedFile("a.docm", b"x"), extensions=(".docx",))
    with pytest.raises(FileImportError, match="Upload a Word file"):
        read_upload(SimpleUploadedFile("a.pdf", b"x"), extensions=(".docx",))


def test_what_word_itself_writes_is_read(demo: Declaration, rnd: CommentRound, export: bytes) -> None:
    """Runs split with revision ids and proofing marks, a comment range starting before the number, and an
    insertion that was deleted again (Word nests w:del in w:ins): read as the reviewer sees the text."""
    name = marker(demo, "en", "democracy").encode()
    original = text(demo, "democracy", "en")
    head, tail = original.split(" ", 1)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def rewrite(xml: bytes) -> bytes:
        start = xml.index(b'<w:bookmarkStart w:id="', xml.index(name) - 40)
        paragraph_start = xml.rindex(b"<w:p>", 0, start)
        paragraph_end = xml.index(b"</w:p>", start) + len(b"</w:p>")
        word = (
            f'<w:p {w}><w:commentRangeStart w:id="7"/><w:r w:rsidR="00AB12CD"><w:t xml:space="preserve">4.\t</w:t></w:r>'
            f'<w:bookmarkStart w:id="1" w:name="{name.decode()}"/><w:proofErr w:type="spellStart"/>'
            f'<w:r w:rsidR="00AB12CD"><w:t>{head}</w:t></w:r><w:proofErr w:type="spellEnd"/>'
            f'<w:ins w:id="90" w:author="Lee" w:date="2030-03-02T10:00:00Z"><w:del w:id="91" w:author="Kim" '
            f'w:date="2030-03-02T11:00:00Z"><w:r><w:delText>, withdrawn,</w:delText></w:r></w:del></w:ins>'
            f'<w:r w:rsidRPr="00FF0011"><w:t xml:space="preserve"> {escape(tail)}</w:t></w:r>'
            f'<w:ins w:id="92" w:author="Lee" w:date="2030-03-02T10:00:00Z"><w:r><w:t xml:space="preserve"> Indeed.</w:t>'
            f'</w:r></w:ins><w:commentRangeEnd w:id="7"/><w:r><w:commentReference w:id="7"/></w:r>'
            f'<w:bookmarkEnd w:id="1"/></w:p>'
        ).encode()
        return xml[:paragraph_start] + word + xml[paragraph_end:]

    data = annotate(export, comments=[(marker(demo, "en", "diagnosis"), "trustworthy", "placeholder", "Lee")])
    data = replace_part(data, "word/document.xml", rewrite)
    data = replace_part(data, "word/comments.xml", lambda b: b.replace(b'w:id="0"', b'w:id="7"', 1))
    plan = plan_docx(data, round=rnd)
    # The comment (renumbered 7) now hangs on the rewritten paragraph; its old range (id 0) has no comment left.
    assert [(i.kind, i.clause_key, i.proposed_text or i.text) for i in plan.items] == [
        ("general", "democracy", f"“{original[:300].strip()}”\n\nplaceholder"),
        ("proposed_text", "democracy", original + " Indeed."),
    ]
    assert plan.unmatched == []
