"""UN-scale data: its sizes, languages, words and names, shared by the builders (scale_data, scale_signing)."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace

from PIL import Image

from consultations.models import Comment
from signatories.models import Party

SLUG = "un-scale-declaration"
SMALL_SLUG = "un-scale-small"
LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]

_PHRASES = {
    "en": "states shall cooperate to ensure that artificial intelligence systems are safe secure trustworthy and "
    "respect human rights including privacy and equality before the law while promoting innovation",
    "fr": "les états coopèrent afin que les systèmes d'intelligence artificielle soient sûrs fiables et respectueux "
    "des droits humains notamment la vie privée et l'égalité devant la loi tout en favorisant l'innovation",
    "es": "los estados cooperarán para garantizar que los sistemas de inteligencia artificial sean seguros fiables y "
    "respetuosos de los derechos humanos incluida la privacidad y la igualdad ante la ley",
    "ar": "تتعاون الدول لضمان أن تكون أنظمة الذكاء الاصطناعي آمنة وموثوقة وتحترم حقوق الإنسان بما في ذلك الخصوصية "
    "والمساواة أمام القانون مع تعزيز الابتكار",
    "ru": "государства сотрудничают чтобы системы искусственного интеллекта были безопасными надежными и уважали "
    "права человека включая неприкосновенность частной жизни и равенство перед законом",
}
# Words to draw from; Chinese is drawn character by character.
WORDS: dict[str, list[str]] = {language: phrase.split(" ") for language, phrase in _PHRASES.items()}
WORDS["zh"] = list("各国应开展合作确保人工智能系统安全可靠值得信赖并尊重人权包括隐私和法律面前人人平等同时促进创新")

DISPOSITION_REASONS = {
    Comment.Disposition.ACCEPTED: "Accepted: the clause will read as proposed in the next version.",
    Comment.Disposition.ACCEPTED_MODIFIED: "Accepted in substance; the wording was harmonised with paragraph 3.",
    Comment.Disposition.REJECTED: "Not retained: the point is already covered by the preamble.",
    Comment.Disposition.NOTED: "Noted; the secretariat will take it into account in the commentary.",
}


@dataclass(frozen=True)
class ScaleSize:
    parties: int = 193
    sections: int = 20
    clauses: int = 400
    versions: int = 20
    comments: int = 10_000
    signatures: int = 193
    rounds: int = 4


FULL = ScaleSize()
SMALL = ScaleSize(parties=12, sections=4, clauses=24, versions=3, comments=60, signatures=12, rounds=2)


def scaled(size: ScaleSize, factor: int) -> ScaleSize:
    """`size` with every count multiplied by `factor` (versions and rounds stay: they are few anyway)."""
    return replace(
        size,
        parties=size.parties * factor,
        sections=size.sections * factor,
        clauses=size.clauses * factor,
        comments=size.comments * factor,
        signatures=size.signatures * factor,
    )


def _sentence(rng: random.Random, language: str, length: int) -> str:
    words = WORDS[language]
    joiner = "" if language == "zh" else " "
    text = joiner.join(rng.choice(words) for _ in range(length))
    return text[0].upper() + text[1:] + ("。" if language == "zh" else ".")


def clause_text(rng: random.Random, language: str) -> str:
    return " ".join(_sentence(rng, language, rng.randint(14, 22)) for _ in range(4))


def _png() -> bytes:
    image = Image.new("RGB", (300, 100), "white")
    for x in range(10, 290):
        image.putpixel((x, 50 + (x % 7) - 3), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _prefix(slug: str) -> str:
    return f"{slug[:40]}-state-"


def secretariat_username(slug: str = SLUG) -> str:
    return f"{slug}.secretariat"


# --- building ---------------------------------------------------------------------------------


def _party_key(parties: list[Party], party_id: int) -> str:
    # parties is small (≤ 200) and this runs a few hundred times per round.
    return next(p.key for p in parties if p.pk == party_id)
