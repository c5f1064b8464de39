"""Specs for the PDF engine: tagged PDF/A-3a rendering, Korean line breaking, sealing.

No database. Signers are built from a throw-away dev certificate and passed
explicitly; only the settings-loading tests use pytest-django's `settings`.
"""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils.html import escape
from django.utils.safestring import mark_safe
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.pdfa_check import pdfa3a_problems, xmp_properties
from documents.rendering import WORD_JOINER, Attachment, keep_korean_words, qr_code_svg, render_pdf
from documents.sealing import (
    PreloadedKeySigner,
    SealConfigurationError,
    generate_dev_certificate,
    load_seal_signer,
    seal_pdf,
    signer_from_pem_files,
)
from documents.tests.samples import KO_CLAUSE, bilingual_document, sample_attachments
from documents.verification import extract_embedded_files, verify_pdf_bytes

# Page-margin boxes off, so extracted text is only the paragraph under test.
NO_MARGIN_BOXES = "<style>@page { @top-center { content: none } @bottom-center { content: none } }</style>"


def _render(body: str, attachments: list[Attachment] | None = None) -> bytes:
    html = f'<!doctype html><html lang="ko"><head>{NO_MARGIN_BOXES}</head><body>{body}</body></html>'
    return render_pdf(html, base_url=None, attachments=attachments or [], title="Test", lang="ko")


def _pdftotext(pdf: bytes, tmp_path: Path, *options: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    # Fixed poppler tool on a file we just wrote: no untrusted input.
    return subprocess.run(  # noqa: S603
        ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _page_count(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


# ------------------------------------------------------------------ fixtures ---


@pytest.fixture(scope="module")
def seal_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return generate_dev_certificate(tmp_path_factory.mktemp("seal"))


@pytest.fixture(scope="module")
def signer(seal_files: tuple[Path, Path]) -> PreloadedKeySigner:
    return signer_from_pem_files(*seal_files)


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_pdf(
        bilingual_document(clauses=3, signatures=4, draft=True),
        base_url=None,
        attachments=sample_attachments(),
        title="Joint Declaration",
        lang="en",
    )


@pytest.fixture(scope="module")
def sealed(rendered: bytes, signer: PreloadedKeySigner) -> bytes:
    return seal_pdf(rendered, signer=signer, reason="Accord seal", location="Seoul")


@pytest.fixture(scope="module")
def trust(signer: PreloadedKeySigner) -> list[Any]:
    return [signer.signing_cert]


# ----------------------------------------------------------------- rendering ---


def test_render_produces_pdfa3a_header_and_xmp(rendered: bytes) -> None:
    """Rendered output is PDF 1.7 with XMP pdfaid part 3 / conformance A and no PDF/A structure problems."""
    assert rendered.startswith(b"%PDF-1.7\n")
    reader = PdfFileReader(io.BytesIO(rendered), strict=False)
    xmp = xmp_properties(reader.root["/Metadata"].data)
    assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("3", "A")
    assert xmp["dc:title"] == "Joint Declaration"
    assert str(reader.root["/Lang"]) == "en"
    assert pdfa3a_problems(rendered) == []


def test_pdfa_check_detects_a_plain_pdf() -> None:
    """The PDF/A self-check is not vacuous: a non-PDF/A WeasyPrint PDF fails it."""
    import weasyprint

    plain = weasyprint.HTML(string="<p>plain</p>").write_pdf()
    problems = pdfa3a_problems(plain)
    assert any("pdfaid" in p or "XMP" in p for p in problems)
    assert any("output intent" in p for p in problems)
    assert any("untagged" in p for p in problems) and any("structure tree" in p for p in problems)


def test_embedded_json_round_trips(rendered: bytes) -> None:
    """Attachments come back byte-for-byte, with MIME type, AFRelationship and a catalog /AF entry."""
    expected = {a.filename: a for a in sample_attachments()}
    assert extract_embedded_files(rendered) == {name: a.content for name, a in expected.items()}

    reader = PdfFileReader(io.BytesIO(rendered), strict=False)
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert len(reader.root["/AF"]) == len(expected)
    for index in range(1, len(names), 2):
        spec = names[index]
        attachment = expected[str(spec["/UF"])]
        assert str(spec["/AFRelationship"]) == f"/{attachment.relationship}"
        assert str(spec["/Desc"]) == attachment.description
        assert spec["/EF"]["/F"]["/Subtype"] == generic.NameObject("/application/json")


def test_attachment_rejects_bad_values() -> None:
    """Attachment validates filename, MIME type and AFRelationship up front."""
    with pytest.raises(ValueError):
        Attachment("../x.json", b"{}", "application/json")
    with pytest.raises(ValueError):
        Attachment("x.json", b"{}", "not a mime type")
    with pytest.raises(ValueError):
        Attachment("x.json", b"{}", "application/json", relationship="Other")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("align", "pdftotext_options"),
    # Justified lines at 34 mm have gaps wide enough for pdftotext's default
    # reading-order heuristics to treat words as columns; -layout keeps the
    # physical line order, which is what we want to compare there.
    [("left", ()), ("justify", ("-layout",))],
)
def test_korean_words_never_split_and_text_extracts_exactly(
    tmp_path: Path, align: str, pdftotext_options: tuple[str, ...]
) -> None:
    """At narrow width every line break falls on a space and pdftotext returns the original words."""
    paragraph = " ".join([KO_CLAUSE] * 3)
    body = f'<p style="width: 34mm; font-size: 11pt; text-align: {align}">{keep_korean_words(paragraph)}</p>'
    text = _pdftotext(_render(body), tmp_path, *pdftotext_options)

    assert WORD_JOINER not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) > 30  # the paragraph really wrapped, many times
    # Normalise only line-break-vs-space: a word split across lines would show
    # up as two tokens here.
    assert text.split() == paragraph.split()


def test_without_keep_korean_words_weasyprint_splits_words(tmp_path: Path) -> None:
    """Control: plain escaped Korean is broken mid-word, so the test above is meaningful."""
    paragraph = " ".join([KO_CLAUSE] * 3)
    body = f'<p style="width: 34mm; font-size: 11pt">{escape(paragraph)}</p>'
    text = _pdftotext(_render(body), tmp_path)
    assert text.split() != paragraph.split()


def test_keep_korean_words_escapes_html() -> None:
    """User text is escaped (even if marked safe); only word joiners are added."""
    hostile = "<script>alert('협정')</script> & <b>굵게</b> plain <i>"
    for value in (hostile, mark_safe(hostile)):  # noqa: S308 - the point of the test
        out = keep_korean_words(value)
        assert "<" not in out and ">" not in out
        assert out.replace(WORD_JOINER, "") == escape(hostile)
    assert keep_korean_words("English only & more") == "English only &amp; more"
    assert keep_korean_words("대한민국 정부") == WORD_JOINER.join("대한민국") + " " + WORD_JOINER.join("정부")


def test_html_injection_in_text_renders_literally(tmp_path: Path) -> None:
    """Markup in user text shows up as text in the PDF, not as elements."""
    hostile = '<img src="file:///etc/passwd"> <b>협정</b>'
    text = _pdftotext(_render(f"<p>{keep_korean_words(hostile)}</p>"), tmp_path)
    assert text.split() == hostile.split()


def test_remote_and_foreign_file_resources_are_not_fetched() -> None:
    """Only data: URLs and files under static/ or the engine package are fetched."""
    pdf = _render('<img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png"><p>ok</p>')
    assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf


def test_ten_page_bilingual_document_is_small_with_subset_fonts(tmp_path: Path) -> None:
    """A ~10-page English/Korean document with embedded, subset fonts stays well under 1 MB."""
    pdf = render_pdf(
        bilingual_document(clauses=34, signatures=14, draft=True),
        base_url=None,
        attachments=sample_attachments(),
        title="Joint Declaration",
        lang="en",
    )
    assert _page_count(pdf) >= 10
    assert len(pdf) < 300_000, len(pdf)
    path = tmp_path / "ten.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert {row[0].split("+", 1)[1] for row in rows} == {
        "NanumMyeongjo",
        "NanumMyeongjo-Bold",
        "NanumGothic",
        "NanumGothic-Bold",
    }
    for row in rows:
        assert re.fullmatch(r"[A-Z]{6}\+.+", row[0])  # subset tag
        assert row[-5:-2] == ["yes", "yes", "yes"]  # emb, sub, uni


def test_qr_code_svg_is_inline_svg() -> None:
    """qr_code_svg returns embeddable <svg> markup without an XML declaration."""
    svg = qr_code_svg("https://accord.example/verify/abc?x=1&y=<2>")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "accord.example" not in svg


# ------------------------------------------------------------------- sealing ---


def test_seal_validates(sealed: bytes, trust: list[Any]) -> None:
    """A freshly sealed document is intact, trusted and covers the whole file."""
    result = verify_pdf_bytes(sealed, trust_roots=trust)
    assert result.problems == []
    assert result.intact and result.valid and result.covers_whole_document
    assert result.signer_subject is not None and "Accord development seal" in result.signer_subject
    assert result.signed_at is not None
    assert set(result.embedded_files) == {"declaration.json", "signature-events.json"}
    import hashlib

    assert result.sha256 == hashlib.sha256(sealed).hexdigest()


def test_sealing_keeps_pdfa3a(rendered: bytes, sealed: bytes) -> None:
    """Sealing is incremental and keeps header, catalog version, XMP identification, output intent and files."""
    assert sealed.startswith(rendered)  # original bytes untouched
    assert sealed.startswith(b"%PDF-1.7\n")
    reader = PdfFileReader(io.BytesIO(sealed), strict=False)
    assert "/Version" not in reader.root
    assert "/ESIC" in reader.root["/Extensions"]
    assert pdfa3a_problems(sealed) == []
    assert extract_embedded_files(sealed) == extract_embedded_files(rendered)


def _signature_gap(pdf: bytes) -> tuple[int, int]:
    sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    start, first_length, gap_end, _ = (int(v) for v in sig.sig_object["/ByteRange"])
    return start + first_length, gap_end


@pytest.mark.parametrize("position", [0.0, 0.25, 0.5, 0.75, "cms", "padding", "padding-case", -1])
def test_flipping_one_byte_invalidates(sealed: bytes, trust: list[Any], position: float | str) -> None:
    """Changing any single byte - content, signature, its zero padding, even hex case - makes the seal invalid."""
    tampered = bytearray(sealed)
    gap_start, gap_end = _signature_gap(sealed)
    if position == "cms":
        tampered[gap_start + 200] ^= 0x01
    elif position == "padding":
        tampered[gap_end - 10] ^= 0x01  # "0" -> "1" in the reserved zero padding
    elif position == "padding-case":
        index = sealed.index(b"A", gap_start, gap_end)
        tampered[index] = ord("a")  # same value, different hex case
    elif position == -1:
        tampered[-2] ^= 0x01
    else:
        assert isinstance(position, float)
        tampered[int(len(tampered) * position) + 5] ^= 0x01
    result = verify_pdf_bytes(bytes(tampered), trust_roots=trust)
    assert not result.valid
    assert result.problems


def test_appending_bytes_invalidates(sealed: bytes, trust: list[Any]) -> None:
    """Trailing bytes after the sealed revision make it invalid (not covering the whole file)."""
    result = verify_pdf_bytes(sealed + b"\n% appended\n", trust_roots=trust)
    assert not result.valid
    assert not result.covers_whole_document


def test_incremental_update_invalidates(sealed: bytes, trust: list[Any]) -> None:
    """A well-formed incremental update after sealing leaves the signature intact but invalid."""
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    info = writer.trailer["/Info"]
    info[generic.NameObject("/Title")] = generic.TextStringObject("Altered")
    writer.update_container(info)
    writer.mark_update(writer.trailer.raw_get("/Info"))
    out = io.BytesIO()
    writer.write(out)
    result = verify_pdf_bytes(out.getvalue(), trust_roots=trust)
    assert result.intact
    assert not result.covers_whole_document
    assert not result.valid


@pytest.mark.parametrize(
    "data",
    [b"", os.urandom(4096), b"%PDF-1.7\n", b"%PDF-1.7\n%%EOF\n", b"not a pdf at all"],
    ids=["empty", "random", "header-only", "header-eof", "text"],
)
def test_garbage_input_gives_intact_false_without_raising(data: bytes, trust: list[Any]) -> None:
    """Garbage input returns intact=False with a problem message instead of raising."""
    result = verify_pdf_bytes(data, trust_roots=trust)
    assert not result.intact and not result.valid
    assert result.problems


def test_truncated_sealed_pdf_is_invalid(sealed: bytes, trust: list[Any]) -> None:
    """A truncated sealed file is reported, not raised."""
    for cut in (len(sealed) // 3, len(sealed) - 10):
        result = verify_pdf_bytes(sealed[:cut], trust_roots=trust)
        assert not result.valid and result.problems


def test_unsealed_pdf_is_not_valid(rendered: bytes, trust: list[Any]) -> None:
    """A PDF without the Accord seal is reported as unsigned."""
    result = verify_pdf_bytes(rendered, trust_roots=trust)
    assert not result.valid and any("signature" in p for p in result.problems)
    assert set(result.embedded_files) == {"declaration.json", "signature-events.json"}


def test_seal_from_other_certificate_is_untrusted(rendered: bytes, trust: list[Any], tmp_path: Path) -> None:
    """A cryptographically fine seal by a different key is intact but not valid."""
    other = signer_from_pem_files(*generate_dev_certificate(tmp_path, common_name="Impostor"))
    result = verify_pdf_bytes(seal_pdf(rendered, signer=other, reason="x", location=None), trust_roots=trust)
    assert result.intact and not result.valid
    assert any("trusted" in p for p in result.problems)


def test_generate_dev_certificate_is_idempotent_and_private(tmp_path: Path) -> None:
    """Dev key is 0600, and a second call returns the same files untouched."""
    key, cert = generate_dev_certificate(tmp_path / "dev")
    before = (key.read_bytes(), cert.read_bytes())
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert generate_dev_certificate(tmp_path / "dev") == (key, cert)
    assert (key.read_bytes(), cert.read_bytes()) == before
    cert.unlink()
    with pytest.raises(SealConfigurationError):
        generate_dev_certificate(tmp_path / "dev")


def test_load_seal_signer_reads_settings(settings: Any, seal_files: tuple[Path, Path]) -> None:
    """load_seal_signer builds a signer from ACCORD_SEAL_KEY_FILE/CERT_FILE."""
    settings.ACCORD_SEAL_KEY_FILE, settings.ACCORD_SEAL_CERT_FILE = (str(p) for p in seal_files)
    settings.ACCORD_SEAL_PKCS12_FILE = None
    signer = load_seal_signer()
    assert isinstance(signer, PreloadedKeySigner)
    assert load_seal_signer() is signer  # cached


def test_load_seal_signer_errors_clearly(settings: Any, tmp_path: Path) -> None:
    """Missing configuration or files raise SealConfigurationError, not a generic error."""
    settings.ACCORD_SEAL_KEY_FILE = settings.ACCORD_SEAL_CERT_FILE = None
    settings.ACCORD_SEAL_PKCS12_FILE = None
    with pytest.raises(SealConfigurationError, match="no seal configured"):
        load_seal_signer()
    settings.ACCORD_SEAL_KEY_FILE = str(tmp_path / "missing-key.pem")
    settings.ACCORD_SEAL_CERT_FILE = str(tmp_path / "missing-cert.pem")
    with pytest.raises(SealConfigurationError, match="missing file"):
        load_seal_signer()


def test_seal_and_verify_work_inside_a_running_event_loop(
    rendered: bytes, signer: PreloadedKeySigner, trust: list[Any]
) -> None:
    """Sealing and verifying also work when the calling thread already runs an asyncio loop."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside_a_loop() -> Any:
        sealed = seal_pdf(rendered, signer=signer, reason="Loop test", location=None)
        return verify_pdf_bytes(sealed, trust_roots=trust)

    # A thread of its own, so the test does not depend on whether this one already runs a loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result().valid
