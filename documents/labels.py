"""Fixed wording printed in PDFs, in the document's languages (not the reader's UI language).

A PDF sent to a foreign ministry is bilingual in its own right: its headings follow the
languages of the text it carries, whoever clicked "export". Web pages use gettext; these
strings are part of the document, so they live here with their Korean and are reviewed with it.
Languages without an entry fall back to English.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "kind_draft": "Draft for consultation",
        "kind_final": "Final text",
        "kind_submission": "Signed declaration",
        "draft_watermark": "Draft — version {n}",
        "version": "Version {n}",
        "date": "Date",
        "parties": "Parties",
        "participants": "Participants",
        "party_count": "{n} parties, named on the signature pages",
        "content_hash": "SHA-256 of the text",
        "signatures": "Signatures",
        "declined": "Parties that declined to sign",
        "declined_no_reason": "The party did not make its reason public.",
        "not_signed": "Parties that did not sign",
        "absent": "Parties that did not take part",
        "signed_at": "Signed",
        "signature_image": "Signature for {party}",
        "certificate": "Certificate of completion",
        "cert_declaration": "Declaration",
        "cert_version": "Version",
        "cert_published": "Published",
        "cert_languages": "Languages",
        "cert_signatures": "Signatures",
        "cert_signatures_value": "{signed} signed, {declined} declined, {pending} did not answer, of {total} parties",
        "cert_signatures_value_absent": (
            "{signed} signed, {declined} declined, {absent} did not take part, {pending} did not answer, "
            "of {total} parties"
        ),
        "cert_opened": "Signing opened",
        "cert_closed": "Signing closed",
        "cert_rounds": "Comment rounds held",
        "cert_no_rounds": "None",
        "cert_round": "Round {n} on version {v}: {start} to {end}",
        "cert_audit_head": "Last audit entry (SHA-256)",
        "cert_events": "Signing events (UTC, from the audit trail)",
        "cert_stale": "Translations out of date",
        "cert_stale_value": (
            "Signing went ahead although these translations were flagged out of date when the version was "
            "published: {texts}. Confirmed by {by} on {at}."
        ),
        "cert_stale_reason": "Reason given",
        "times_utc": "All times are in UTC.",
        "verify": "Check this document",
        "qr_code": "QR code of the address {url}",
        "verify_note": (
            "This PDF carries the electronic seal of the Accord secretariat. Upload it at {url} "
            "to confirm that it is authentic and has not been altered since it was issued."
        ),
        "about": "About this document",
        "about_draft": ("A version published for consultation. It is not a signed text and carries no signatures."),
        "method_drawn": "Signature drawn on screen",
        "method_uploaded": "Signature image uploaded",
        "method_typed": "Typed name as signature",
        "method_paper": "Signed on paper (scan on file)",
        "method_in_person": "Signed in person",
        "method_declined": "Declined",
        "no_image_paper": "Signed on paper",
        "no_image_in_person": "Signed in person",
        "event_opened": "Signing opened",
        "event_designated": "Signatory designated",
        "event_signed": "Signed",
        "event_declined": "Declined",
        "event_revoked": "Signature revoked",
        "event_superseded": "Signature superseded",
        "event_recorded_offline": "Signature on paper or in person recorded",
        "event_reopened": "Signing reopened on a new version",
        "event_closed": "Signing closed",
        "event_refusal_recorded": "Refusal or non-participation recorded by the secretariat",
        "event_adherence_invited": "Party invited to adhere",
        "event_adhered": "Adhered",
        "event_adherence_recorded": "Adherence on paper or in person recorded",
        "event_edition": "New edition of the record issued",
        "adherents": "Parties that adhered after signing closed",
        "adhered_on": "Adhered on {date}",
        "edition": "Edition",
        "edition_value": "Edition {n}, issued {date}: adds the parties that adhered after signing closed",
        "cert_adherences": "Adherences after signing closed",
        "cert_adherences_value": "{n} (listed apart from the signatories)",
        "language_en": "English",
        "language_ko": "Korean",
    },
    "ko": {
        "kind_draft": "의견 수렴용 초안",
        "kind_final": "최종본",
        "kind_submission": "서명된 선언문",
        "draft_watermark": "초안 — 제{n}판",
        "version": "제{n}판",
        "date": "일자",
        "parties": "당사자",
        "participants": "참여 당사자",
        "party_count": "당사자 {n}곳 (서명 면에 기재)",
        "content_hash": "본문 SHA-256",
        "signatures": "서명",
        "declined": "서명을 거부한 당사자",
        "declined_no_reason": "해당 당사자는 사유를 공개하지 않았습니다.",
        "not_signed": "서명하지 않은 당사자",
        "absent": "참여하지 않은 당사자",
        "signed_at": "서명",
        "signature_image": "{party} 서명",
        "certificate": "완료 증명서",
        "cert_declaration": "선언문",
        "cert_version": "판",
        "cert_published": "공표",
        "cert_languages": "언어",
        "cert_signatures": "서명",
        "cert_signatures_value": "당사자 {total}곳 중 서명 {signed}, 거부 {declined}, 무응답 {pending}",
        "cert_signatures_value_absent": (
            "당사자 {total}곳 중 서명 {signed}, 거부 {declined}, 불참 {absent}, 무응답 {pending}"
        ),
        "cert_opened": "서명 개시",
        "cert_closed": "서명 종료",
        "cert_rounds": "의견 수렴 회차",
        "cert_no_rounds": "없음",
        "cert_round": "제{n}차 (제{v}판): {start} ~ {end}",
        "cert_audit_head": "마지막 감사 기록 (SHA-256)",
        "cert_events": "서명 기록 (UTC, 감사 기록 기준)",
        "cert_stale": "번역 수정 필요",
        "cert_stale_value": (
            "이 판이 공표될 때 다음 번역이 수정 필요로 표시되어 있었으나 서명을 진행했습니다: {texts}. "
            "확인: {by}, {at}."
        ),
        "cert_stale_reason": "사유",
        "times_utc": "모든 시각은 UTC 기준입니다.",
        "verify": "문서 확인",
        "qr_code": "주소 {url} 의 QR 코드",
        "verify_note": (
            "이 PDF에는 Accord 사무국의 전자 봉인이 있습니다. {url} 에 파일을 올리면 "
            "발급 이후 변경되지 않은 진본인지 확인할 수 있습니다."
        ),
        "about": "이 문서에 관하여",
        "about_draft": "의견 수렴을 위해 공표된 판입니다. 서명된 문서가 아니며 서명을 포함하지 않습니다.",
        "method_drawn": "화면에 직접 서명",
        "method_uploaded": "서명 이미지 업로드",
        "method_typed": "입력한 이름으로 서명",
        "method_paper": "종이 서명 (스캔 보관)",
        "method_in_person": "대면 서명",
        "method_declined": "거부",
        "no_image_paper": "종이 서명",
        "no_image_in_person": "대면 서명",
        "event_opened": "서명 개시",
        "event_designated": "서명인 지정",
        "event_signed": "서명",
        "event_declined": "거부",
        "event_revoked": "서명 철회",
        "event_superseded": "서명 대체",
        "event_recorded_offline": "종이 또는 대면 서명 기록",
        "event_reopened": "새 판으로 서명 재개",
        "event_closed": "서명 종료",
        "event_refusal_recorded": "사무국이 서명 거부 또는 불참을 기록",
        "event_adherence_invited": "가입 초청",
        "event_adhered": "가입",
        "event_adherence_recorded": "종이 또는 대면 가입 기록",
        "event_edition": "기록의 새 발행본 발행",
        "adherents": "서명 종료 후 가입한 당사자",
        "adhered_on": "{date} 가입",
        "edition": "발행본",
        "edition_value": "제{n}차 발행본 ({date} 발행): 서명 종료 후 가입한 당사자 추가",
        "cert_adherences": "서명 종료 후 가입",
        "cert_adherences_value": "{n}곳 (서명 당사자와 별도 기재)",
        "language_en": "영어",
        "language_ko": "한국어",
    },
}

_MONTHS_EN: Final = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def label(key: str, language: str, **values: object) -> str:
    """One label in one language (English when the language has none)."""
    template = LABELS.get(language, {}).get(key) or LABELS["en"][key]
    return template.format(**values)


def labels(key: str, languages: list[str], **values: object) -> list[str]:
    """The label in each language, without repeats (e.g. two languages sharing the English)."""
    return [text for _, text in labelled(key, languages, **values)]


def labelled(key: str, languages: list[str], **values: object) -> list[tuple[str, str]]:
    """(language the text is in, text) for each language, without repeats: a language with no
    wording of its own gets the English, marked as English (a screen reader then reads it so)."""
    pairs: dict[str, str] = {}
    for language in languages:
        actual = language if LABELS.get(language, {}).get(key) else "en"
        pairs.setdefault(label(key, actual, **values), actual)
    return [(code, text) for text, code in pairs.items()]


def language_name(code: str, in_language: str) -> str:
    return LABELS.get(in_language, {}).get(f"language_{code}") or LABELS["en"].get(f"language_{code}") or code


def long_date(moment: datetime, language: str) -> str:
    """A date as a ministry prints it: "30 September 2024" / "2024년 9월 30일" (UTC)."""
    if language == "ko":
        return f"{moment.year}년 {moment.month}월 {moment.day}일"
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}"
