"""Cached text pages of submission PDFs (documents/textcache.py): same document as one pass."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string

from declarations.interchange import content_hash, parse
from documents import compose, textcache
from documents.content import DocumentData, EventEntry, PartyEntry, SignatureEntry
from documents.pdfa_check import pdfa3b_problems
from documents.sealing import verify_pdf_bytes

from .helpers import pdftotext, signature_png

MANIFESTO = Path(__file__).resolve().parents[2] / "declarations" / "data" / "deta-trustworthy-ai-manifesto.json"
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _data(signatories: int = 6, *, undertaking: dict[str, str] | None = None) -> tuple[DocumentData, dict[str, str]]:
    snapshot = parse(MANIFESTO.read_bytes())
    now = datetime(2024, 9, 30, 9, 0, tzinfo=UTC)
    signatures, events, images = [], [], {}
    for index in range(signatories):
        party = PartyEntry(f"party-{index}", {"en": f"Party {index + 1}", "ko": f"당사자 {index + 1}"}, "")
        name = f"signatures/{index:04d}.png"
        images[name] = compose.print_image(signature_png(index))
        at = now + timedelta(minutes=index)
        signatures.append(
            SignatureEntry(party, f"Signatory {index + 1} 서명인", "Minister · 장관", "", "drawn", at, image_name=name)
        )
        events.append(EventEntry(index + 1, "signed", at, "someone", party, 1, "", "drawn", "0" * 64, "f" * 64))
    data = DocumentData(
        kind="submission",
        slug="deta-trustworthy-ai-manifesto",
        snapshot=snapshot,
        version_number=1,
        version_label="Final 30/09/2024",
        published_at=now - timedelta(days=30),
        content_hash=content_hash(snapshot),
        is_final=True,
        languages=["en", "ko"],
        layout="side-by-side",
        verify_url="https://accord.example/verify/",
        parties=[s.party for s in signatures],
        signatures=signatures,
        undertaking=undertaking if undertaking is not None else {"en": "We sign.", "ko": "서명합니다."},
        events=events,
        signing_opened_at=now - timedelta(days=1),
        signing_closed_at=now + timedelta(days=1),
    )
    return data, images


@pytest.fixture(autouse=True)
def _fresh_cache(caplog: Any) -> Any:
    textcache.clear_cache()
    yield
    textcache.clear_cache()
    # Every document here can be composed: none may have fallen back to one pass on the way.
    assert not [r.getMessage() for r in caplog.records if "not reusable" in r.getMessage()]


def _pages(pdf: bytes, tmp_path: Path, name: str) -> list[bytes]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(path), str(tmp_path / name)], check=True)  # noqa: S603, S607
    return [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def _contents_arrays(pdf: bytes) -> int:
    """How many pages draw from more than one content stream (read with pyHanko's PDF reader)."""
    from pyhanko.pdf_utils.generic import ArrayObject
    from pyhanko.pdf_utils.reader import PdfFileReader

    kids = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"]
    return sum(isinstance(kid.get_object()["/Contents"], ArrayObject) for kid in kids)


def test_composed_pdf_equals_one_pass_render(settings: Any, tmp_path: Path) -> None:
    data, images = _data()
    settings.ACCORD_PDF_TEXT_CACHE = False
    reference = compose.render_document(data, images, when=WHEN)
    assert textcache.cache_info()[:2] == (0, 0)  # the one-pass path does not touch the cache
    settings.ACCORD_PDF_TEXT_CACHE = True
    cold = compose.render_document(data, images, when=WHEN)
    warm = compose.render_document(data, images, when=WHEN)
    assert textcache.cache_info()[:2] == (1, 1)
    # Byte-deterministic whether the text pages came from the cache or not.
    assert cold == warm
    # Same text, in the same places, on the same pages: every page looks the same.
    assert pdftotext(warm, tmp_path, "-layout") == pdftotext(reference, tmp_path, "-layout")
    assert _pages(warm, tmp_path, "composed") == _pages(reference, tmp_path, "reference")
    # Every page draws from recordings: a text page its frame and its body, a signature page its frame.
    assert _contents_arrays(warm) == len(_pages(reference, tmp_path, "count"))
    # Still one subset per vendored face (the text's glyphs and the signature pages' merged).
    fonts = subprocess.run(  # noqa: S603
        ["pdffonts", str(tmp_path / "composed.pdf")],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    names = re.findall(r"^[A-Z]{6}\+(\S+)", fonts, flags=re.M)
    assert len(names) == len(set(names))


def test_page_totals_and_numbers_after_combining(tmp_path: Path) -> None:
    data, images = _data(signatories=40)
    pdf = compose.render_document(data, images, when=WHEN)
    pages = pdftotext(pdf, tmp_path).split("\f")
    pages = [p for p in pages if p.strip()]
    total = len(pages)
    text_pages = len(textcache._cache()[0][textcache.cache_info()[2][0]].pages)
    assert 1 < text_pages < total
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        # Running strings on every page, the cached ones and the signature pages alike.
        assert "deta-trustworthy-ai-manifesto · v1" in page
        if number > 1:
            assert "Final 30/09/2024" in page
    assert "Party 1" in pages[text_pages] and "Party 1 ·" not in "".join(pages[:text_pages])


def test_korean_first_composed_equals_one_pass_render(settings: Any, tmp_path: Path) -> None:
    """The Korean footer ("3 / 9 쪽", a page rule of its own) comes out of the frame the same."""
    data, images = _data(signatories=12)
    data = dataclasses.replace(data, languages=["ko"], layout="single")
    settings.ACCORD_PDF_TEXT_CACHE = False
    reference = compose.render_document(data, images, when=WHEN)
    settings.ACCORD_PDF_TEXT_CACHE = True
    compose.render_document(data, images, when=WHEN)
    composed = compose.render_document(data, images, when=WHEN)
    assert textcache.frame_cache_info()[:2] == (1, 1)
    pages = [p for p in pdftotext(composed, tmp_path).split("\f") if p.strip()]
    assert all(re.search(rf"{number}\s*/\s*{len(pages)}\s*쪽", page) for number, page in enumerate(pages, start=1))
    assert _pages(composed, tmp_path, "composed") == _pages(reference, tmp_path, "reference")


def test_a_new_page_count_gets_its_own_frame(tmp_path: Path) -> None:
    data, images = _data(signatories=40)
    many = pdftotext(compose.render_document(data, images, when=WHEN), tmp_path).split("\f")
    few_data = dataclasses.replace(data, signatures=data.signatures[:2], events=data.events[:2])
    few = pdftotext(compose.render_document(few_data, images, when=WHEN), tmp_path).split("\f")
    many, few = [p for p in many if p.strip()], [p for p in few if p.strip()]
    assert len(few) < len(many)
    for pages in (many, few):
        assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    # One text, two frames; the same count again is a hit.
    compose.render_document(dataclasses.replace(data, signatures=data.signatures[1:]), images, when=WHEN)
    hits, misses, keys = textcache.frame_cache_info()
    assert (misses, len(keys)) == (2, 2) and hits >= 1
    assert textcache.cache_info()[:2] == (2, 1)


def test_text_pages_reused_only_for_the_same_text() -> None:
    data, images = _data()
    compose.render_document(data, images, when=WHEN)
    # Another signature set on the same text: the text pages are reused.
    fewer = dataclasses.replace(data, signatures=data.signatures[1:])
    compose.render_document(fewer, images, when=WHEN)
    hits, misses, keys = textcache.cache_info()
    assert (hits, misses, len(keys)) == (1, 1, 1)
    # One clause changed (and so the content hash): never the other text's pages.
    snapshot = parse(MANIFESTO.read_bytes())
    clause = snapshot["sections"][0]["clauses"][0]
    clause["text"]["en"] = clause["text"]["en"] + " Amended."
    changed = dataclasses.replace(data, snapshot=snapshot, content_hash=content_hash(snapshot))
    compose.render_document(changed, images, when=WHEN)
    # The same text printed differently (another title-page date) is another key too.
    assert data.signing_closed_at is not None
    later = dataclasses.replace(data, signing_closed_at=data.signing_closed_at + timedelta(days=3))
    compose.render_document(later, images, when=WHEN)
    hits, misses, keys = textcache.cache_info()
    assert (hits, misses) == (1, 3)
    assert len(set(keys)) == len(keys)


def test_text_key_covers_every_value_the_text_part_reads() -> None:
    data, images = _data()
    context = compose.document_context(data, images)
    values = compose.text_context(context)
    # The text part rendered from the key's values alone is the text part of the full context.
    assert render_to_string(compose.TEMPLATE, values) == render_to_string(compose.TEMPLATE, {**context, "part": "text"})
    other = compose.text_context(compose.document_context(dataclasses.replace(data, languages=["ko", "en"]), images))
    assert compose.text_key(values) != compose.text_key(other)
    fewer = compose.document_context(dataclasses.replace(data, signatures=data.signatures[:2]), images)
    assert compose.text_key(values) == compose.text_key(compose.text_context(fewer))


def test_different_signature_sets_give_different_signature_pages(tmp_path: Path) -> None:
    data, images = _data()
    full = pdftotext(compose.render_document(data, images, when=WHEN), tmp_path)
    fewer = pdftotext(
        compose.render_document(dataclasses.replace(data, signatures=data.signatures[:-1]), images, when=WHEN),
        tmp_path,
    )
    assert "Signatory 6" in full and "Signatory 6" not in fewer
    assert textcache.cache_info()[0] == 1


def test_undertaking_in_the_text_renders_in_one_pass() -> None:
    data, images = _data(undertaking={})
    snapshot = data.snapshot
    first = snapshot["sections"][0]["clauses"][0]["text"]
    data = dataclasses.replace(data, undertaking=dict(first))
    assert compose.document_context(data, images)["undertaking"] == []
    compose.render_document(data, images, when=WHEN)
    assert textcache.cache_info()[:2] == (0, 0)


def test_sealed_composed_pdf_is_archival_and_valid(seal_paths: tuple[Path, Path], tmp_path: Path) -> None:
    from documents.sealing import signer_from_pem_files

    signer = signer_from_pem_files(*seal_paths)
    data, images = _data()
    compose.produce_pdf(data, images=images, signer=signer, when=WHEN)  # text pages now cached
    pdf = compose.produce_pdf(
        dataclasses.replace(data, signatures=data.signatures[1:]), images=images, signer=signer, when=WHEN
    )
    assert textcache.cache_info()[0] == 1
    assert pdfa3b_problems(pdf) == []
    assert verify_pdf_bytes(pdf, trust_roots=[signer.signing_cert]).valid
    path = tmp_path / "sealed.pdf"
    path.write_bytes(pdf)
    attached = subprocess.run(  # noqa: S603
        ["pdfdetach", "-list", str(path)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "declaration.json" in attached and "signature-events.json" in attached


def test_cache_is_bounded(settings: Any) -> None:
    settings.ACCORD_PDF_TEXT_CACHE_SIZE = 1
    data, images = _data(signatories=1)
    compose.render_document(data, images, when=WHEN)
    compose.render_document(dataclasses.replace(data, languages=["en"], layout="single"), images, when=WHEN)
    assert len(textcache.cache_info()[2]) == 1
