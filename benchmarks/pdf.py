"""Benchmark: the PDF pipeline, cold, side by side with Chromium printing the same HTML.

    .venv/bin/python benchmarks/pdf.py [--repeat N] [--warmup N] [--no-chromium] [--report-only]

Runs from the repository root with the venv's Python. No database: Django is set up with
config.settings (an in-memory SQLite URL, never opened) so templates and settings work, and the
documents are `documents.content.DocumentData` built in memory, each signatory with its own drawn
signature image:

- the signed manifesto (18 clauses, en + ko side by side) with 14 and with 193 signatures;
- the UN-scale submission: 400 clauses in 20 sections, en + fr side by side, 193 signatures and
  388 audit events (the text `benchmarks/scale_data.py` generates; about 155 pages).

Timed per run: exactly what the worker runs, `documents.compose.produce_pdf` (images scaled for
print, template, WeasyPrint layout and PDF/A-3a writing, seal, PDF/A self-check). Every run is
cold: nothing of a document is cached anywhere, each run lays out and draws every page. The
warm-up runs (of the first document) only load what a running worker holds anyway: fonts,
stylesheets, compiled templates.

In the same run, Chromium prints the same HTML (stylesheet and fonts inlined): `chromium
--headless --print-to-pdf` as a fresh process (start-up included) and, when Playwright is
installed, `page.pdf()` in a browser launched once (no start-up). Neither writes PDF/A nor seals.

Budgets (2-core machine): manifesto ≤ 1 s (14 signatures) and ≤ 4 s (193); the UN-scale
submission ≤ 2× Chromium's fresh-process print of the same HTML. PASS/FAIL is judged on the best
run (other jobs on a shared machine only ever add time); medians and CPU seconds are printed too,
and Chromium's CPU seconds (all its processes). Figures only, never a timed test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("SITE_URL", "https://accord.example")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageDraw  # noqa: E402

from benchmarks.chromium import PlaywrightPrinter, chromium_html, chromium_print  # noqa: E402
from benchmarks.scale_data import WORDS, clause_text  # noqa: E402
from declarations.interchange import SnapshotData, content_hash, parse  # noqa: E402
from documents.compose import print_image, produce_pdf  # noqa: E402
from documents.content import DocumentData, EventEntry, PartyEntry, SignatureEntry  # noqa: E402
from documents.sealing import generate_dev_certificate, signer_from_pem_files  # noqa: E402
from documents.verification import verify_pdf_bytes  # noqa: E402

MANIFESTO = ROOT / "declarations" / "data" / "deta-trustworthy-ai-manifesto.json"
CHROMIUM_RATIO_BUDGET = 2.0
NOW = datetime(2024, 9, 30, 9, 0, tzinfo=UTC)


def _png(seed: int) -> bytes:
    image = Image.new("RGBA", (1200, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(60 + x * 55, 200 + ((x * (7 + seed)) % 11 - 5) * 22) for x in range(20)]
    draw.line(points, fill=(10, 20, 60, 255), width=9, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # as signing.images stores them
    return out.getvalue()


def _submission(
    snapshot: SnapshotData,
    *,
    signatories: int,
    languages: list[str],
    names: Callable[[int], dict[str, str]],
    undertaking: dict[str, str],
    designated: bool = False,
) -> tuple[DocumentData, dict[str, bytes]]:
    signatures: list[SignatureEntry] = []
    events: list[EventEntry] = []
    pngs: dict[str, bytes] = {}
    for index in range(signatories):
        party = PartyEntry(f"party-{index}", names(index), "")
        name = f"signatures/{index:04d}.png"
        pngs[name] = _png(index)
        at = NOW + timedelta(minutes=index)
        signatures.append(
            SignatureEntry(
                party,
                f"Signatory {index + 1} 서명인",
                "Minister for Digital Affairs · 디지털 장관",
                "",
                "drawn",
                at,
                image_name=name,
            )
        )
        if designated:
            events.append(
                EventEntry(len(events) + 1, "designated", at, "focal point", party, 1, "", "", "0" * 64, "e" * 64)
            )
        actor = f"party-{index}.signatory"
        events.append(EventEntry(len(events) + 1, "signed", at, actor, party, 1, "", "drawn", "0" * 64, "f" * 64))
    data = DocumentData(
        kind="submission",
        slug="deta-trustworthy-ai-manifesto",
        snapshot=snapshot,
        version_number=1,
        version_label="Draft 28/08/2024",
        published_at=NOW - timedelta(days=30),
        content_hash=content_hash(snapshot),
        is_final=True,
        languages=languages,
        layout="side-by-side",
        verify_url="https://accord.example/verify/",
        parties=[s.party for s in signatures],
        signatures=signatures,
        undertaking=undertaking,
        events=events,
        signing_opened_at=NOW - timedelta(days=1),
        signing_closed_at=NOW + timedelta(days=1),
    )
    return data, pngs


def document(signatories: int) -> tuple[DocumentData, dict[str, bytes]]:
    """The manifesto, en + ko side by side; its undertaking is a clause of the text."""
    return _submission(
        parse(MANIFESTO.read_bytes()),
        signatories=signatories,
        languages=["en", "ko"],
        names=lambda i: {"en": f"Government of Party {i + 1}", "ko": f"당사자 정부 {i + 1}"},
        undertaking={},
    )


def _heading(rng: random.Random, language: str) -> str:
    text = " ".join(rng.choice(WORDS[language]) for _ in range(6))
    return text[0].upper() + text[1:]


def un_scale_document(signatories: int = 193) -> tuple[DocumentData, dict[str, bytes]]:
    """400 clauses in 20 sections, en + fr side by side, with the undertaking printed above the signatures."""
    rng = random.Random(193)
    languages = ["en", "fr"]
    sections = []
    for s in range(20):
        clauses = [
            {"key": f"c{s * 20 + c}", "text": {code: clause_text(rng, code) for code in languages}} for c in range(20)
        ]
        heading = {code: _heading(rng, code) for code in languages}
        sections.append({"key": f"s{s}", "heading": heading, "clauses": clauses})
    snapshot: SnapshotData = {
        "title": {code: _heading(rng, code) for code in languages},
        "languages": languages,
        "versions": [],
        "sections": sections,
    }
    return _submission(
        snapshot,
        signatories=signatories,
        languages=languages,
        names=lambda i: {"en": f"Member State {i + 1:03d}", "fr": f"État membre {i + 1:03d}"},
        undertaking={"en": "In witness whereof, the undersigned have signed this declaration."},
        designated=True,
    )


def _playwright() -> PlaywrightPrinter | None:
    try:
        return PlaywrightPrinter()
    except Exception as exc:  # not installed, or no browser: the CLI figure remains
        print(f"    Playwright not available ({type(exc).__name__}): no page.pdf() figure")
        return None


@dataclass
class Case:
    name: str
    build: Callable[[], tuple[DocumentData, dict[str, bytes]]]
    budget_s: float | None  # None: judged against Chromium


CASES = [
    Case("manifesto, 14 signatures", lambda: document(14), 1.0),
    Case("manifesto, 193 signatures", lambda: document(193), 4.0),
    Case("UN scale: 400 clauses en+fr, 193 signatures", un_scale_document, None),
]


def _accord_runs(
    data: DocumentData, pngs: dict[str, bytes], signer: Any, runs: int
) -> tuple[list[float], list[float], bytes]:
    walls: list[float] = []
    cpus: list[float] = []
    pdf = b""
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        images = {name: print_image(png) for name, png in pngs.items()}
        pdf = produce_pdf(data, images=images, signer=signer)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, pdf


def _pages(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="renders of the first document before timing")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="CI smoke: print the figures, exit 0 on a missed budget (an invalid seal or a crash still fails).",
    )
    args = parser.parse_args()
    invalid = failed = False
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        signer = signer_from_pem_files(*generate_dev_certificate(workdir / "seal"))
        printer = None if args.no_chromium else _playwright()
        try:
            for number, case in enumerate(CASES):
                data, pngs = case.build()
                if number == 0 and args.warmup:
                    first, _, _ = _accord_runs(data, pngs, signer, args.warmup)
                    print(f"first render in this process (fonts, stylesheets, templates loaded): {first[0]:.3f}s")
                walls, cpus, pdf = _accord_runs(data, pngs, signer, args.repeat)
                valid = verify_pdf_bytes(pdf, trust_roots=[signer.signing_cert]).valid
                invalid |= not valid
                best = min(walls)
                print(
                    f"{case.name}: {_pages(pdf)} pages, {len(pdf) / 1024:.0f} KiB, seal valid={valid} | "
                    "Accord (render + PDF/A + seal) "
                    f"best {best:.3f}s, median {statistics.median(walls):.3f}s, CPU median "
                    f"{statistics.median(cpus):.3f}s",
                    flush=True,
                )
                fresh: list[float] = []
                if not args.no_chromium:
                    html = chromium_html(data, {name: print_image(png) for name, png in pngs.items()})
                    fresh = [t for t in (chromium_print(html, workdir) for _ in range(args.repeat)) if t is not None]
                    if fresh:
                        print(
                            f"    Chromium --print-to-pdf, fresh process (no PDF/A, no seal): best {min(fresh):.3f}s, "
                            f"median {statistics.median(fresh):.3f}s | Accord/Chromium {best / min(fresh):.2f}x"
                        )
                    if printer is not None:
                        runs = [printer.print(html, workdir) for _ in range(args.repeat)]
                        warm = min(w for w, _ in runs)
                        browser_cpu = statistics.median(c for _, c in runs)
                        print(
                            f"    Chromium page.pdf(), browser already running: best {warm:.3f}s, CPU median "
                            f"{browser_cpu:.3f}s (all its processes) | Accord/Chromium {best / warm:.2f}x, "
                            f"CPU {statistics.median(cpus) / browser_cpu:.2f}x"
                        )
                if case.budget_s is not None:
                    ok = best <= case.budget_s
                    print(f"    budget ≤ {case.budget_s:.1f}s: {'PASS' if ok else 'FAIL'}")
                elif fresh:
                    limit = CHROMIUM_RATIO_BUDGET * min(fresh)
                    ok = best <= limit
                    print(
                        f"    budget ≤ {CHROMIUM_RATIO_BUDGET:.0f}× Chromium = {limit:.2f}s: {'PASS' if ok else 'FAIL'}"
                    )
                else:
                    ok = True
                    print("    budget: relative to Chromium, not measured")
                failed |= not (ok and valid)
        finally:
            if printer is not None:
                printer.close()
    print(f"load average {os.getloadavg()[0]:.1f} at the end (wall times include waiting for other processes)")
    print(json.dumps({"result": "FAIL" if failed else "PASS"}))
    if args.report_only:
        return 1 if invalid else 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
