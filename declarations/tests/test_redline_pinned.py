"""The redline engine's exact output, pinned.

Optimisations of the engine (matching, tokenising, short-cuts) must not change a single character of what
readers see. These tests fix the HTML of representative edits in the six UN languages (Arabic right to left,
Chinese per character) and a digest of a whole seeded document pair. If one fails, the engine's output
changed: review the difference as a behaviour change before updating the expected values.
"""

from __future__ import annotations

import difflib
import hashlib
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from declarations.redline import diff_documents, diff_html, diff_text, side_by_side
from declarations.redline.text import opcodes

PINNED_HTML = [
    (
        "The States shall cooperate to ensure that artificial intelligence systems are safe.",
        "The States shall cooperate closely to ensure that AI systems are safe, reliable and trustworthy.",
        'The States shall cooperate <ins class="rl-ins">closely </ins>to ensure that <del class="rl-del">artificial'
        ' intelligence systems are safe</del><ins class="rl-ins">AI systems are safe, reliable and trustworthy</ins>.',
    ),
    (
        "Les États coopèrent pour garantir que les systèmes d'intelligence artificielle soient sûrs.",
        "Les États coopèrent étroitement afin de garantir que les systèmes d’IA soient sûrs et fiables.",
        'Les États coopèrent <del class="rl-del">pour</del><ins class="rl-ins">étroitement afin de</ins> garantir'
        ' que les systèmes d<del class="rl-del">&#x27;intelligence artificielle</del><ins class="rl-ins">’IA</ins>'
        ' soient sûrs<ins class="rl-ins"> et fiables</ins>.',
    ),
    (
        "تتعاون الدول لضمان أن تكون أنظمة الذكاء الاصطناعي آمنة وموثوقة.",
        "تتعاون الدول الأعضاء لضمان أن تكون أنظمة الذكاء الاصطناعي آمنة وجديرة بالثقة.",
        'تتعاون الدول <ins class="rl-ins">الأعضاء </ins>لضمان أن تكون أنظمة الذكاء الاصطناعي آمنة'
        ' <del class="rl-del">وموثوقة</del><ins class="rl-ins">وجديرة بالثقة</ins>.',
    ),
    (
        "各国应开展合作，确保人工智能系统安全可靠、值得信赖。",
        "各国应加强合作，确保人工智能系统安全、可靠并值得信赖。",
        '各国应<del class="rl-del">开展</del><ins class="rl-ins">加强</ins>合作，确保人工智能系统安全'
        '<ins class="rl-ins">、</ins>可靠<del class="rl-del">、</del><ins class="rl-ins">并</ins>值得信赖。',
    ),
    (
        "Государства сотрудничают, чтобы системы искусственного интеллекта были безопасными.",
        "Государства тесно сотрудничают, чтобы системы ИИ были безопасными и надёжными.",
        'Государства <ins class="rl-ins">тесно </ins>сотрудничают, чтобы системы <del class="rl-del">искусственного'
        ' интеллекта</del><ins class="rl-ins">ИИ</ins> были безопасными<ins class="rl-ins"> и надёжными</ins>.',
    ),
    (
        "Los Estados cooperarán para garantizar <b>sistemas</b> seguros & fiables.",
        "Los Estados cooperarán a fin de garantizar <i>sistemas</i> seguros, fiables & éticos.",
        'Los Estados cooperarán <del class="rl-del">para</del><ins class="rl-ins">a fin de</ins> garantizar'
        ' &lt;<del class="rl-del">b</del><ins class="rl-ins">i</ins>&gt;sistemas&lt;/<del class="rl-del">b</del>'
        '<ins class="rl-ins">i</ins>&gt; seguros<del class="rl-del"> &amp; fiables</del><ins class="rl-ins">,'
        " fiables &amp; éticos</ins>.",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), PINNED_HTML)
def test_redline_html_of_representative_edits_is_pinned(old: str, new: str, expected: str):
    assert str(diff_html(diff_text(old, new))) == expected


LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]
VOCABULARY = {
    "en": "states shall cooperate to ensure that artificial intelligence systems are safe trustworthy and respect"
    " human rights including privacy equality before the law while promoting innovation",
    "fr": "les états coopèrent pour garantir que les systèmes d'intelligence artificielle soient sûrs fiables et"
    " respectueux des droits humains y compris la vie privée",
    "es": "los estados cooperarán para garantizar que los sistemas de inteligencia artificial sean seguros fiables y"
    " respeten los derechos humanos incluida la privacidad",
    "ar": "تتعاون الدول لضمان أن تكون أنظمة الذكاء الاصطناعي آمنة وموثوقة وتحترم حقوق الإنسان بما في ذلك الخصوصية",
    "ru": "государства сотрудничают чтобы системы искусственного интеллекта были безопасными надёжными и уважали"
    " права человека включая неприкосновенность частной жизни",
}
ZH = "各国应开展合作确保人工智能系统安全可靠值得信赖并尊重人权包括隐私和法律面前人人平等同时促进创新"


def _sentence(rng: random.Random, language: str) -> str:
    if language == "zh":
        return "".join(rng.choice(ZH) for _ in range(rng.randint(8, 20))) + "。"
    words = VOCABULARY[language].split()
    text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 18)))
    return text[0].upper() + text[1:] + rng.choice([".", ";", ", and"])


def _text(rng: random.Random, language: str) -> str:
    return (" " if language != "zh" else "").join(_sentence(rng, language) for _ in range(rng.randint(1, 4)))


def _edit(rng: random.Random, text: str, language: str) -> str:
    """A local edit: replace, insert or delete a few words (characters in Chinese)."""
    if language == "zh":
        i = rng.randrange(len(text))
        return text[:i] + "".join(rng.choice(ZH) for _ in range(rng.randint(0, 4))) + text[i + rng.randint(0, 3) :]
    words = text.split(" ")
    i = rng.randrange(len(words))
    replacement = [rng.choice(VOCABULARY[language].split()) for _ in range(rng.randint(0, 3))]
    return " ".join(words[:i] + replacement + words[i + rng.randint(0, 2) :])


def seeded_versions() -> tuple[dict[str, Any], dict[str, Any]]:
    """Two versions of a 6-section, 60-clause declaration: rewrites, local edits, moves, additions, removals."""
    rng = random.Random(20261122)
    old: dict[str, Any] = {
        "title": {lang: f"Declaration ({lang})" for lang in LANGUAGES},
        "languages": LANGUAGES,
        "sections": [
            {
                "key": f"s{s}",
                "heading": {lang: _sentence(rng, lang) for lang in LANGUAGES},
                "clauses": [
                    {"key": f"c{s}-{c}", "text": {lang: _text(rng, lang) for lang in LANGUAGES}} for c in range(10)
                ],
            }
            for s in range(6)
        ],
    }
    new: dict[str, Any] = {
        "title": {**old["title"], "en": "Declaration (en), revised"},
        "languages": LANGUAGES,
        "sections": [
            {
                "key": s["key"],
                "heading": dict(s["heading"]),
                "clauses": [dict(c, text=dict(c["text"])) for c in s["clauses"]],
            }
            for s in old["sections"]
        ],
    }
    for section in new["sections"]:
        for clause in section["clauses"]:
            roll = rng.random()
            for lang in LANGUAGES:
                if roll < 0.3:  # rewritten, as the benchmark's versions are
                    clause["text"][lang] = _text(rng, lang)
                elif roll < 0.6:
                    clause["text"][lang] = _edit(rng, clause["text"][lang], lang)
    new["sections"][1]["heading"]["ar"] = _sentence(rng, "ar")
    new["sections"][2]["clauses"].insert(3, {"key": "added", "text": {lang: _text(rng, lang) for lang in LANGUAGES}})
    new["sections"][4]["clauses"].pop(5)
    new["sections"][0]["clauses"].append(new["sections"][3]["clauses"].pop(2))
    new["sections"][5]["clauses"].reverse()
    new["sections"].insert(0, new["sections"].pop(4))
    return old, new


def rendered(old: Any, new: Any) -> str:
    """Everything a reader can see of the redline in every language, as one string."""
    parts: list[str] = []
    for language in LANGUAGES:
        diff = diff_documents(old, new, language)
        parts += [language, repr(diff.summary), diff.title_html, repr(diff.title_changed_languages)]
        for section in diff.sections:
            parts += [section.key, section.status, section.heading_html, repr(section.heading_changed_languages)]
            for clause in section.clauses:
                parts += [clause.key, clause.status, repr(clause.changed_languages), clause.html]
                parts += side_by_side(clause.ops)
    return "\n".join(str(part) for part in parts)


def test_redline_of_a_seeded_six_language_document_is_pinned():
    old, new = seeded_versions()
    out = rendered(old, new)
    assert 'class="rl-del"' in out and 'class="rl-ins"' in out
    assert (
        hashlib.sha256(out.encode()).hexdigest() == "88df0c033b5b59dea7a60c68034480dcbc852a54b2ad03e9aeb7c1e0e136903b"
    )


# The matcher is cydifflib's SequenceMatcher: CPython's difflib compiled, with the same results.
tokens = st.lists(st.sampled_from(["a", "b", "c", " ", "de", "é", "各", "\x00"]), max_size=40)


@settings(max_examples=500, deadline=None)
@given(tokens, tokens)
def test_property_opcodes_equal_difflib(a: list[str], b: list[str]):
    assert opcodes(a, b) == difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=3), max_size=60), st.lists(st.text(max_size=3), max_size=60))
def test_property_opcodes_equal_difflib_on_any_tokens(a: list[str], b: list[str]):
    assert opcodes(a, b) == difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
