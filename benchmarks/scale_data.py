"""UN-scale data: 193 parties, 6 languages, 400 clauses, 20 versions, 10,000 comments, 193 signatures.

Deterministic (seeded) so figures from two runs compare. Writes through bulk inserts for speed,
but every row is a row the services would write (history rows included where the model keeps
history), so pages and exports see ordinary data. The signing part goes through the real signing
services, so the audit trail is a valid hash chain (`manage.py verify_audit` passes).

Users get unusable passwords: the benchmark logs in with a session built on the server side, and a
known password must never reach a database that could be promoted (decision 5 in docs/decisions.md).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from consultations.models import Comment, CommentReply, CommentRound, RoundInvitation
from declarations.models import (
    Clause,
    ClauseText,
    Declaration,
    DeclarationGroupObjectPermission,
    DeclarationParty,
    DeclarationVersion,
    Section,
)
from declarations.services import declaration_grant_secretariat, declaration_set_status, version_publish
from signatories.models import Membership, Party
from signing.models import Signature, Signing, SigningEvent

from .scale_base import (
    DISPOSITION_REASONS,
    FULL,
    LANGUAGES,
    SLUG,
    SMALL,
    SMALL_SLUG,
    WORDS,
    ScaleSize,
    _party_key,
    _prefix,
    _sentence,
    clause_text,
    scaled,
    secretariat_username,
)
from .scale_signing import build_signing

__all__ = [
    "DISPOSITION_REASONS",
    "FULL",
    "LANGUAGES",
    "SLUG",
    "SMALL",
    "SMALL_SLUG",
    "WORDS",
    "ScaleSize",
    "build",
    "build_declaration",
    "build_signing",
    "clause_text",
    "delete",
    "is_complete",
    "scaled",
    "secretariat_username",
]


def build(size: ScaleSize = FULL, *, slug: str = SLUG, seed: int = 193, log: bool = False) -> Declaration:
    """The whole data set: declaration and versions, comment rounds, then signing (193 signatures)."""

    def say(message: str) -> None:
        if log:
            print(f"  {message}", flush=True)

    declaration = build_declaration(size, slug=slug, seed=seed, on_step=say)
    build_signing(declaration, size, on_step=say)
    return declaration


@transaction.atomic
def build_declaration(size: ScaleSize, *, slug: str = SLUG, seed: int = 193, on_step: object = None) -> Declaration:
    """The declaration with its parties, users, text, published versions and comment rounds."""
    say = on_step if callable(on_step) else (lambda message: None)
    rng = random.Random(seed)
    User = get_user_model()
    password = make_password(None)  # unusable: see the module docstring
    secretariat, _ = User.objects.get_or_create(
        username=secretariat_username(slug),
        defaults={"password": password, "first_name": "Scale", "last_name": "Secretariat"},
    )
    declaration = Declaration(
        slug=slug,
        title={lang: _sentence(rng, lang, 6) for lang in LANGUAGES},
        languages=LANGUAGES,
        source_language="en",
    )
    declaration._change_reason = "Generated at scale"  # type: ignore[attr-defined]
    declaration.save()
    declaration_grant_secretariat(declaration=declaration, user=secretariat, by=None)

    prefix = _prefix(slug)
    groups = Group.objects.bulk_create(Group(name=f"party:{prefix}{i:03d}") for i in range(1, size.parties + 1))
    groups = list(Group.objects.filter(name__startswith=f"party:{prefix}").order_by("name"))
    parties = [
        Party(
            key=f"{prefix}{i:03d}",
            name={"en": f"Member State {i:03d}", "fr": f"État membre {i:03d}", "ar": f"الدولة العضو {i:03d}"},
            short_name=f"State {i:03d}",
            country="",
            kind=Party.Kind.NATIONAL,
            group=group,
        )
        for i, group in enumerate(groups, start=1)
    ]
    bulk_create_with_history(parties, Party, default_change_reason="Generated at scale")
    parties = list(Party.objects.filter(key__startswith=prefix).order_by("key"))
    User.objects.bulk_create(
        User(username=f"{party.key}.{role}", password=password, first_name=party.short_name)
        for party in parties
        for role in ("reviewer", "focal", "signatory")
    )
    user_by_name = {u.username: u for u in User.objects.filter(username__startswith=prefix)}
    role_map = {
        "reviewer": Membership.Role.REVIEWER,
        "focal": Membership.Role.FOCAL_POINT,
        "signatory": Membership.Role.SIGNATORY,
    }
    memberships = []
    group_links = []
    for party in parties:
        for suffix, role in role_map.items():
            user = user_by_name[f"{party.key}.{suffix}"]
            memberships.append(Membership(user=user, party=party, role=role))
            group_links.append(User.groups.through(user_id=user.pk, group_id=party.group_id))
    bulk_create_with_history(memberships, Membership, default_change_reason="Generated at scale")
    User.groups.through.objects.bulk_create(group_links)
    # What declaration_add_party writes for a participant: the link, and view + comment for its group.
    from guardian.shortcuts import get_perms_for_model

    perms = {p.codename: p for p in get_perms_for_model(Declaration)}
    bulk_create_with_history(
        [DeclarationParty(declaration=declaration, party=p) for p in parties],
        DeclarationParty,
        default_change_reason="Generated at scale",
    )
    DeclarationGroupObjectPermission.objects.bulk_create(
        DeclarationGroupObjectPermission(group_id=p.group_id, permission=perms[codename], content_object=declaration)
        for p in parties
        for codename in ("view_declaration", "comment_declaration")
    )
    say(f"{len(parties)} parties, {len(user_by_name)} party users")

    bulk_create_with_history(
        [
            Section(
                declaration=declaration,
                key=f"section-{s + 1:02d}",
                position=s,
                heading={lang: _sentence(rng, lang, 4) for lang in LANGUAGES},
            )
            for s in range(size.sections)
        ],
        Section,
        default_change_reason="Generated at scale",
    )
    sections = list(Section.objects.filter(declaration=declaration).order_by("position"))
    per_section = size.clauses // size.sections
    bulk_create_with_history(
        [
            Clause(
                declaration=declaration,
                section=sections[c // per_section],
                key=f"clause-{c + 1:03d}",
                position=c % per_section,
            )
            for c in range(size.clauses)
        ],
        Clause,
        default_change_reason="Generated at scale",
    )
    clauses = list(Clause.objects.filter(declaration=declaration).order_by("section__position", "position"))
    texts = [ClauseText(clause=c, language=lang, text=clause_text(rng, lang)) for c in clauses for lang in LANGUAGES]
    bulk_create_with_history(texts, ClauseText, batch_size=500, default_change_reason="Generated at scale")
    say(f"{len(sections)} sections, {len(clauses)} clauses x {len(LANGUAGES)} languages")

    round_versions = _round_versions(size)
    per_round = _split(size.comments, len(round_versions))
    for number in range(1, size.versions + 1):
        if number > 1:
            # Each version revises a few clauses in every language, as a real negotiation does.
            changed = rng.sample(clauses, k=max(1, len(clauses) // 40))
            rows = list(ClauseText.objects.filter(clause__in=changed))
            for row in rows:
                row.text = clause_text(rng, row.language)
                row.revision += 1
                row.updated_by = secretariat
                row.updated_at = timezone.now()
                row._change_reason = "Redrafted after the comment round"  # type: ignore[attr-defined]
            bulk_update_with_history(
                rows,
                ClauseText,
                ["text", "revision", "updated_by", "updated_at"],
                batch_size=500,
                default_user=secretariat,
            )
        version = version_publish(declaration=declaration, label=f"Draft {number}", note="", by=secretariat)
        if number in round_versions:
            index = round_versions.index(number)
            _comment_round(
                rng,
                declaration=declaration,
                version=version,
                round_number=index + 1,
                parties=parties,
                users=user_by_name,
                clauses=clauses,
                sections=sections,
                comments=per_round[index],
                secretariat=secretariat,
            )
            say(f"round {index + 1} on version {number}: {per_round[index]} comments")
    say(f"{size.versions} versions published")
    return declaration


def _round_versions(size: ScaleSize) -> list[int]:
    """Rounds on earlier versions, spread evenly, never on the final one."""
    rounds = max(1, min(size.rounds, size.versions - 1))
    return sorted({max(1, (size.versions * (i + 1)) // (rounds + 1)) for i in range(rounds)})


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _comment_round(
    rng: random.Random,
    *,
    declaration: Declaration,
    version: DeclarationVersion,
    round_number: int,
    parties: list[Party],
    users: dict[str, User],
    clauses: list[Clause],
    sections: list[Section],
    comments: int,
    secretariat: User,
) -> None:
    """One round as the services leave it: opened, drafted, submitted, closed early, every comment decided."""
    opened = timezone.now()
    declaration_set_status(
        declaration=declaration, status=Declaration.Status.CONSULTATION, by=secretariat, reason="Comment round opened"
    )
    round_ = CommentRound(
        declaration=declaration,
        version=version,
        number=round_number,
        deadline=opened + timedelta(days=30),
        visibility=CommentRound.Visibility.IMMEDIATE,
        instructions="Comment clause by clause; proposed text replaces the whole clause.",
        opened_at=opened,
        opened_by=secretariat,
    )
    round_._change_reason = "Opened"  # type: ignore[attr-defined]
    round_.save()
    # One party in twenty answers "no comments"; the others share the round's comments.
    quiet = {p.pk for i, p in enumerate(parties) if (i + round_number) % 20 == 0 and len(parties) > 1}
    speaking = [p for p in parties if p.pk not in quiet]
    invitations = [RoundInvitation(round=round_, party=p) for p in parties]
    bulk_create_with_history(invitations, RoundInvitation, default_user=secretariat, default_change_reason="Invited")

    live = {(t.clause_id, t.language): t for t in ClauseText.objects.filter(clause__in=clauses)}
    kinds = list(Comment.Kind.values)
    drafts: list[Comment] = []
    for i in range(comments):
        party = speaking[i % len(speaking)]
        author = users[f"{party.key}.{'reviewer' if i % 3 else 'focal'}"]
        kind = kinds[i % len(kinds)]
        language = LANGUAGES[rng.randrange(len(LANGUAGES))] if i % 4 == 0 else "en"
        comment = Comment(round=round_, party=party, author=author, language=language, kind=kind)
        where = rng.random()
        if kind == Comment.Kind.PROPOSED_TEXT or where < 0.7:
            comment.clause = rng.choice(clauses)
        elif where < 0.85:
            comment.section = rng.choice(sections)
        if kind == Comment.Kind.PROPOSED_TEXT:
            assert comment.clause is not None
            current = live[(comment.clause.pk, language)]
            comment.base_text, comment.base_revision = current.text, current.revision
            comment.proposed_text = current.text + " " + _sentence(rng, language, rng.randint(8, 14))
            comment.text = _sentence(rng, "en", rng.randint(10, 20))
        else:
            comment.text = " ".join(_sentence(rng, language, rng.randint(10, 20)) for _ in range(rng.randint(1, 3)))
        comment._change_reason = "Drafted"  # type: ignore[attr-defined]
        comment._history_user = author  # type: ignore[attr-defined]
        drafts.append(comment)
    bulk_create_with_history(drafts, Comment, batch_size=1000)
    created = list(Comment.objects.filter(round=round_).order_by("id"))

    # party_submit: the focal point submits each party's drafts at once, numbered in submission order.
    submitted_at = timezone.now()
    by_party: dict[int, list[Comment]] = {}
    for comment in created:
        by_party.setdefault(comment.party_id, []).append(comment)
    number = 0
    for party in speaking:
        focal = users[f"{party.key}.focal"]
        for comment in by_party.get(party.pk, []):
            number += 1
            comment.number = number
            comment.status = Comment.Status.SUBMITTED
            comment.submitted_at = submitted_at
            comment.submitted_by = focal
            comment.updated_at = submitted_at
            comment._change_reason = f"Submitted by the focal point as #{number}"  # type: ignore[attr-defined]
            comment._history_user = focal  # type: ignore[attr-defined]
    bulk_update_with_history(
        created, Comment, ["number", "status", "submitted_at", "submitted_by", "updated_at"], batch_size=1000
    )
    answered = {}
    for invitation in RoundInvitation.objects.filter(round=round_):
        focal = users[f"{_party_key(parties, invitation.party_id)}.focal"]
        invitation.response = (
            RoundInvitation.Response.NO_COMMENTS if invitation.party_id in quiet else RoundInvitation.Response.SUBMITTED
        )
        invitation.responded_at = submitted_at
        invitation.responded_by = focal
        invitation._history_user = focal  # type: ignore[attr-defined]
        answered[invitation.pk] = invitation
    bulk_update_with_history(
        list(answered.values()), RoundInvitation, ["response", "responded_at", "responded_by"], batch_size=1000
    )

    # comment_withdraw: a few comments are withdrawn while the round is open.
    withdrawn = [c for i, c in enumerate(created) if i % 33 == 5]
    for comment in withdrawn:
        comment.status = Comment.Status.WITHDRAWN
        comment.withdrawn_at = timezone.now()
        comment.withdrawal_reason = "Superseded by our later comment on the same paragraph."
        comment.updated_at = comment.withdrawn_at
        comment._change_reason = "Withdrawn"  # type: ignore[attr-defined]
        comment._history_user = users[f"{_party_key(parties, comment.party_id)}.focal"]  # type: ignore[attr-defined]
    bulk_update_with_history(
        withdrawn, Comment, ["status", "withdrawn_at", "withdrawal_reason", "updated_at"], batch_size=1000
    )

    # round_close: the secretariat closes the round early, the declaration goes back to drafting.
    round_.closed_at = timezone.now()
    round_.closed_by = secretariat
    round_.close_reason = "Every invited party has answered."
    round_._change_reason = "Closed early"  # type: ignore[attr-defined]
    round_.save(update_fields=["closed_at", "closed_by", "close_reason"])
    declaration_set_status(
        declaration=declaration,
        status=Declaration.Status.DRAFTING,
        by=secretariat,
        reason=f"Comment round {round_number} closed by the secretariat",
    )

    # comment_dispose: every submitted comment gets a decision with its reason.
    dispositions = list(Comment.Disposition.values)
    decided = [c for c in created if c.status == Comment.Status.SUBMITTED]
    disposed_at = timezone.now()
    for i, comment in enumerate(decided):
        disposition = dispositions[(i * 7 + round_number) % len(dispositions)]
        comment.disposition = disposition
        comment.disposition_reason = DISPOSITION_REASONS[disposition]  # type: ignore[index]
        comment.disposed_at = disposed_at
        comment.disposed_by = secretariat
        comment.updated_at = disposed_at
        comment._change_reason = f"Disposition: {disposition}"  # type: ignore[attr-defined]
        comment._history_user = secretariat  # type: ignore[attr-defined]
    bulk_update_with_history(
        decided,
        Comment,
        ["disposition", "disposition_reason", "disposed_at", "disposed_by", "updated_at"],
        batch_size=1000,
    )
    # comment_reply: a short thread on one comment in twenty-five.
    CommentReply.objects.bulk_create(
        CommentReply(comment=c, author=secretariat, party=None, text="Could you point to the source of this wording?")
        for i, c in enumerate(decided)
        if i % 25 == 0
    )


# --- state ------------------------------------------------------------------------------------


def is_complete(slug: str = SLUG) -> bool:
    """True when a previous run finished: the signing exists and is closed."""
    return Signing.objects.filter(declaration__slug=slug, status=Signing.Status.CLOSED).exists()


@transaction.atomic
def delete(slug: str = SLUG) -> None:
    """Remove everything `build` made for `slug` (history rows included), so it can run again."""
    from django.apps import apps

    declaration = Declaration.objects.filter(slug=slug).first()
    prefix = _prefix(slug)
    User = get_user_model()
    if declaration is not None:
        for model_name in ("documents.ExportJob", "documents.IssuedDocument"):
            apps.get_model(model_name).objects.filter(declaration=declaration).delete()
        # Audit entries refuse Model.delete(); removing the whole generated trail goes below the model.
        SigningEvent.objects.filter(declaration=declaration)._raw_delete(SigningEvent.objects.db)  # type: ignore[attr-defined]
        Signature.objects.filter(signing__declaration=declaration).delete()
        Signing.objects.filter(declaration=declaration).delete()
        rounds = list(CommentRound.objects.filter(declaration=declaration).values_list("pk", flat=True))
        CommentReply.objects.filter(comment__round__in=rounds).delete()
        Comment.history.filter(round_id__in=rounds).delete()
        Comment.objects.filter(round__in=rounds).delete()
        RoundInvitation.history.filter(round_id__in=rounds).delete()
        CommentRound.history.filter(declaration_id=declaration.pk).delete()
        CommentRound.objects.filter(pk__in=rounds).delete()
        DeclarationVersion.objects.filter(declaration=declaration).delete()
        clause_ids = list(Clause.objects.filter(declaration=declaration).values_list("pk", flat=True))
        ClauseText.history.filter(clause_id__in=clause_ids).delete()
        Clause.history.filter(declaration_id=declaration.pk).delete()
        Clause.objects.filter(pk__in=clause_ids).delete()
        Section.history.filter(declaration_id=declaration.pk).delete()
        Section.objects.filter(declaration=declaration).delete()
        DeclarationParty.history.filter(declaration_id=declaration.pk).delete()
        Declaration.history.filter(id=declaration.pk).delete()
        declaration.delete()
    party_ids = list(Party.objects.filter(key__startswith=prefix).values_list("pk", flat=True))
    Membership.history.filter(party_id__in=party_ids).delete()
    Membership.objects.filter(party__in=party_ids).delete()
    Party.history.filter(id__in=party_ids).delete()
    Party.objects.filter(pk__in=party_ids).delete()
    Group.objects.filter(name__startswith=f"party:{prefix}").delete()
    User.objects.filter(username__startswith=prefix).delete()
    User.objects.filter(username=secretariat_username(slug)).delete()
