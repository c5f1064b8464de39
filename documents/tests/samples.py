"""Sample bilingual documents for the engine tests and benchmarks/pdf_engine_smoke.py.

Shaped like the real declaration templates (title block, bilingual clause
rows, signature blocks, certificate of completion) and built only from the
CSS classes in documents/pdf.css.
"""

from __future__ import annotations

import json

from documents.rendering import Attachment, keep_korean_words, qr_code_svg

EN_CLAUSE = (
    "The Parties, desiring to strengthen cooperation in the fields of culture, education and "
    "science, and recognising the importance of mutual understanding between their peoples, "
    "shall consult each other regularly, exchange information on programmes of common "
    "interest, and encourage direct contacts between their institutions and citizens."
)
KO_CLAUSE = (
    "양 당사자는 문화, 교육 및 과학 분야에서의 협력을 강화하기를 희망하며, 양국 국민 간 상호 "
    "이해의 중요성을 인식하여, 정기적으로 서로 협의하고 공동 관심 사업에 관한 정보를 교환하며 "
    "양국 기관과 국민 간의 직접적인 교류를 장려한다. 이 선언은 서명한 날부터 효력을 발생하며 "
    "어느 한쪽 당사자가 서면으로 종료 의사를 통보하지 아니하는 한 계속 유효하다."
)


def signature_block(index: int) -> str:
    k = keep_korean_words
    return (
        '<div class="signature-block">'
        f'<div class="sig-party">{k(f"Signatory State {index + 1} · 서명국 {index + 1}")}</div>'
        '<div class="sig-image"></div><div class="sig-line"></div>'
        f'<div class="sig-name">{k("홍길동 Hong Gil-dong")}</div>'
        f'<div class="sig-title">{k("Minister of Foreign Affairs · 외교부 장관")}</div>'
        f'<div class="sig-date">Signed 2026-01-12 10:{index % 60:02d} UTC</div>'
        "</div>"
    )


def bilingual_document(*, clauses: int = 34, signatures: int = 14, draft: bool = False) -> str:
    """Full HTML for a bilingual declaration (~10 pages at the defaults)."""
    k = keep_korean_words
    rows = "".join(
        '<div class="bi-row">'
        f'<div class="bi-en" lang="en"><span class="clause-number">Article {i}.</span>{k(EN_CLAUSE)}</div>'
        f'<div class="bi-ko" lang="ko"><span class="clause-number">{k(f"제{i}조")}</span> {k(KO_CLAUSE)}</div>'
        "</div>"
        for i in range(1, clauses + 1)
    )
    blocks = "\n".join(signature_block(i) for i in range(signatures))
    watermark = '<div class="watermark">Draft — version 3</div>' if draft else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Joint Declaration</title></head>
<body>
{watermark}
<div class="doc-header">
  <div class="doc-subtitle">Joint Declaration · {k("공동 선언")}</div>
  <h1 class="doc-title">Joint Declaration on Cultural Cooperation</h1>
  <p class="doc-title-secondary">{k("문화 협력에 관한 공동 선언")}</p>
  <p class="version-label">Version 3 · 2026-01-12 · {k("제3판")}</p>
  <span class="document-reference">ACC-2026-0042</span>
</div>
<hr class="rule-double">
<div class="bilingual">
  <div class="bi-head"><div>English</div><div>{k("한국어")}</div></div>
  {rows}
</div>
<h2>Signatures · {k("서명")}</h2>
<div class="signatures">
{blocks}
</div>
<section class="certificate">
  <p class="cert-title">Certificate of Completion</p>
  <p class="cert-title-secondary">{k("완료 증명서")}</p>
  <div class="cert-fields">
    <div class="cert-label">Document</div><div class="cert-value">{k("Joint Declaration / 공동 선언")}</div>
    <div class="cert-label">Reference</div><div class="cert-value">ACC-2026-0042, version 3</div>
    <div class="cert-label">SHA-256 of signed text</div>
    <div class="cert-value cert-hash">9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</div>
    <div class="cert-label">Signatures</div><div class="cert-value">{signatures}</div>
  </div>
  <ol class="cert-events">
    <li>2026-01-12 09:58 UTC — version 3 frozen for signature</li>
    <li>2026-01-12 10:00 UTC — {k("서명 요청 발송")}</li>
    <li>2026-01-12 10:59 UTC — {k("모든 서명 완료")} / all signatures collected</li>
  </ol>
  <div class="cert-verify">
    <div class="qr">{qr_code_svg("https://accord.example/verify/ACC-2026-0042")}</div>
    <div class="seal-note">Scan or visit accord.example/verify to check this document's seal.
      {k("이 문서의 전자 봉인을 확인하려면 스캔하십시오.")}</div>
  </div>
</section>
</body></html>"""


def sample_attachments() -> list[Attachment]:
    declaration = {"reference": "ACC-2026-0042", "title": {"en": "Joint Declaration", "ko": "공동 선언"}}
    events = [{"at": "2026-01-12T10:00:00Z", "event": "signed", "by": "홍길동"}]
    return [
        Attachment(
            filename="declaration.json",
            content=json.dumps(declaration, ensure_ascii=False).encode(),
            mime_type="application/json",
            description="Declaration text and metadata",
            relationship="Source",
        ),
        Attachment(
            filename="signature-events.json",
            content=json.dumps(events, ensure_ascii=False).encode(),
            mime_type="application/json",
            description="Signature event log",
            relationship="Data",
        ),
    ]
