"""UN-scale data: 193 parties, 6 languages, 400 clauses, 20 versions, 10,000 comments, 193 signatures.

Deterministic (seeded) so figures from two runs compare. Writes through bulk inserts for speed,
but every row is a row the services would write (history rows included where the model keeps
history), so pages and exports see ordinary data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from declarations.models import Clause, ClauseText, Declaration, DeclarationParty, Section
from declarations.services import (
    declaration_grant_secretariat,
    version_publish,
)
from signatories.models import Membership, Party

SLUG = "un-scale-declaration"
LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]
PASSWORD = "accord-scale"  # noqa: S105 - benchmark data only

WORDS = {
    "en": "states shall cooperate to ensure that artificial intelligence systems are safe secure trustworthy and "
    "respect human rights including privacy and equality before the law while promoting innovation".split(),
    "fr": "les états coopèrent afin que les systèmes d'intelligence artificielle soient sûrs fiables et respectueux "
    "des droits humains notamment la vie privée et l'égalité devant la loi tout en favorisant l'innovation".split(),
    "es": "los estados cooperarán para garantizar que los sistemas de inteligencia artificial sean seguros fiables y "
    "respetuosos de los derechos humanos incluida la privacidad y la igualdad ante la ley".split(),
    "ar": "تتعاون الدول لضمان أن تكون أنظمة الذكاء الاصطناعي آمنة وموثوقة وتحترم حقوق الإنسان بما في ذلك الخصوصية "
    "والمساواة أمام القانون مع تعزيز الابتكار".split(),
    "zh": list("各国应开展合作确保人工智能系统安全可靠值得信赖并尊重人权包括隐私和法律面前人人平等同时促进创新"),
    "ru": "государства сотрудничают чтобы системы искусственного интеллекта были безопасными надежными и уважали "
    "права человека включая неприкосновенность частной жизни и равенство перед законом".split(),
}


@dataclass
class ScaleSize:
    parties: int = 193
    sections: int = 20
    clauses: int = 400
    versions: int = 20
    comments: int = 10_000
    signatures: int = 193


SMALL = ScaleSize(parties=12, sections=4, clauses=24, versions=3, comments=60, signatures=12)


def _sentence(rng: random.Random, language: str, length: int) -> str:
    words = WORDS[language]
    joiner = "" if language == "zh" else " "
    text = joiner.join(rng.choice(words) for _ in range(length))
    return text[0].upper() + text[1:] + ("。" if language == "zh" else ".")


def clause_text(rng: random.Random, language: str) -> str:
    return " ".join(_sentence(rng, language, rng.randint(14, 22)) for _ in range(4))


@transaction.atomic
def build_declaration(size: ScaleSize, *, slug: str = SLUG, seed: int = 193) -> Declaration:
    """The declaration with its parties, users, text and published versions."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    User = get_user_model()
    password = make_password(PASSWORD)
    secretariat, _ = User.objects.get_or_create(
        username=f"{slug}.secretariat", defaults={"password": password, "first_name": "Scale", "last_name": "Secretariat"}
    )
    declaration = Declaration.objects.create(
        slug=slug,
        title={lang: _sentence(rng, lang, 6) for lang in LANGUAGES},
        languages=LANGUAGES,
        source_language="en",
    )
    declaration_grant_secretariat(declaration=declaration, user=secretariat, by=None)

    parties = []
    for i in range(1, size.parties + 1):
        key = f"{slug[:40]}-state-{i:03d}"
        group = Group.objects.create(name=f"party:{key}")
        parties.append(
            Party(
                key=key,
                name={"en": f"Member State {i:03d}", "fr": f"État membre {i:03d}", "ar": f"الدولة العضو {i:03d}"},
                short_name=f"State {i:03d}",
                country="",
                kind=Party.Kind.NATIONAL,
                group=group,
            )
        )
    parties = bulk_create_with_history(parties, Party)
    parties = list(Party.objects.filter(key__startswith=f"{slug[:40]}-state-").order_by("key"))
    users = []
    for party in parties:
        for role in ("reviewer", "focal", "signatory"):
            users.append(User(username=f"{party.key}.{role}", password=password, first_name=party.short_name))
    User.objects.bulk_create(users)
    user_by_name = {u.username: u for u in User.objects.filter(username__startswith=f"{slug[:40]}-state-")}
    memberships = []
    role_map = {"reviewer": Membership.Role.REVIEWER, "focal": Membership.Role.FOCAL_POINT, "signatory": Membership.Role.SIGNATORY}
    group_links = []
    for party in parties:
        for suffix, role in role_map.items():
            user = user_by_name[f"{party.key}.{suffix}"]
            memberships.append(Membership(user=user, party=party, role=role))
            group_links.append(User.groups.through(user_id=user.pk, group_id=party.group_id))
    bulk_create_with_history(memberships, Membership)
    User.groups.through.objects.bulk_create(group_links)
    from declarations.models import DeclarationGroupObjectPermission
    from guardian.shortcuts import get_perms_for_model

    perms = {p.codename: p for p in get_perms_for_model(Declaration)}
    DeclarationParty.objects.bulk_create(DeclarationParty(declaration=declaration, party=p) for p in parties)
    DeclarationGroupObjectPermission.objects.bulk_create(
        DeclarationGroupObjectPermission(group_id=p.group_id, permission=perms[codename], content_object=declaration)
        for p in parties
        for codename in ("view_declaration", "comment_declaration")
    )

    sections = bulk_create_with_history(
        [
            Section(declaration=declaration, key=f"section-{s + 1:02d}", position=s, heading={lang: _sentence(rng, lang, 4) for lang in LANGUAGES})
            for s in range(size.sections)
        ],
        Section,
    )
    sections = list(Section.objects.filter(declaration=declaration).order_by("position"))
    per_section = size.clauses // size.sections
    clauses = [
        Clause(declaration=declaration, section=sections[c // per_section], key=f"clause-{c + 1:03d}", position=c % per_section)
        for c in range(size.clauses)
    ]
    bulk_create_with_history(clauses, Clause)
    clauses = list(Clause.objects.filter(declaration=declaration).order_by("section__position", "position"))
    texts = [ClauseText(clause=c, language=lang, text=clause_text(rng, lang)) for c in clauses for lang in LANGUAGES]
    bulk_create_with_history(texts, ClauseText, batch_size=500)

    for number in range(1, size.versions + 1):
        if number > 1:
            # Each version revises a few clauses in every language, as a real negotiation does.
            changed = rng.sample(clauses, k=max(1, len(clauses) // 40))
            rows = list(ClauseText.objects.filter(clause__in=changed))
            for row in rows:
                row.text = clause_text(rng, row.language)
                row.revision += 1
            bulk_update_with_history(rows, ClauseText, ["text", "revision"], batch_size=500)
        version_publish(declaration=declaration, label=f"Draft {number}", note="", by=secretariat)
    return declaration
