"""Smoke benchmark for the PDF engine: warm render + seal times.

    .venv/bin/python benchmarks/pdf_engine_smoke.py [--repeat N]

Budgets (2-core machine, warm): ≤ 1 s for a ~10-page bilingual document with
14 signature blocks, ≤ 4 s with 193. No database or Django settings needed.
Wall time is judged against the budget; process CPU time is printed as well
because wall time is unreliable when other jobs share the two cores.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyhanko.pdf_utils.reader import PdfFileReader

from documents.pdfa_check import pdfa3a_problems
from documents.rendering import render_pdf
from documents.sealing import generate_dev_certificate, seal_pdf, signer_from_pem_files
from documents.tests.samples import bilingual_document, sample_attachments
from documents.verification import verify_pdf_bytes

BUDGETS = {14: 1.0, 193: 4.0}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        signer = signer_from_pem_files(*generate_dev_certificate(Path(tmp)))
        failed = False
        for signatures, budget in BUDGETS.items():
            html = bilingual_document(signatures=signatures)
            render_times: list[float] = []
            cpu_times: list[float] = []
            seal_times: list[float] = []
            sealed = b""
            for run in range(args.warmup + args.repeat):
                start = time.perf_counter()
                cpu_start = time.process_time()
                pdf = render_pdf(
                    html, base_url=None, attachments=sample_attachments(), title="Joint Declaration", lang="en"
                )
                rendered_at = time.perf_counter()
                sealed = seal_pdf(pdf, signer=signer, reason="Accord seal", location="Seoul")
                sealed_at = time.perf_counter()
                if run >= args.warmup:
                    cpu_times.append(time.process_time() - cpu_start)
                    render_times.append(rendered_at - start)
                    seal_times.append(sealed_at - rendered_at)
            totals = [r + s for r, s in zip(render_times, seal_times, strict=True)]
            pages = int(PdfFileReader(io.BytesIO(sealed), strict=False).root["/Pages"]["/Count"])
            verification = verify_pdf_bytes(sealed, trust_roots=[signer.signing_cert])
            ok = statistics.median(totals) <= budget
            failed |= not ok
            print(
                f"{signatures:>3} signatures: {pages} pages, {len(sealed) / 1024:.0f} KiB | "
                f"render median {statistics.median(render_times):.3f}s (min {min(render_times):.3f}) | "
                f"seal median {statistics.median(seal_times):.3f}s | "
                f"total median {statistics.median(totals):.3f}s (min {min(totals):.3f}, "
                f"CPU median {statistics.median(cpu_times):.3f}s), budget {budget:.1f}s "
                f"{'OK' if ok else 'OVER'} | valid={verification.valid} pdfa_problems={pdfa3a_problems(sealed)}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
