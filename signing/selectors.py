"""Reads for signing: the frozen text, the status board, the record the PDF prints, redlines since signing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from consultations import selectors as consultation_selectors
from declarations.models import Declaration, DeclarationVersion
from declarations.redline import ClauseDiff, diff_documents
from declarations.snapshot import Section, Snapshot
from signatories.models import Membership, Party, pick_language

from .models import Signature, Signing, SigningEvent, SigningParty

ORDERS = ("signing", "alpha", "name")


def frozen_head(version: DeclarationVersion) -> Snapshot:
    """The version's title and languages, read from its snapshot in the database (no sections).

    The snapshot is the whole text (~1 MB of JSON at UN scale): a page that shows the text from a
    cached fragment needs only these two members of it on every request.
    """
    title, languages, source = (
        DeclarationVersion.objects.filter(pk=version.pk)
        .values_list("snapshot__title", "snapshot__languages", "snapshot__source_language")
        .get()
    )
    return Snapshot.from_json({"title": title, "languages": languages, "source_language": source})


def frozen_text(version: DeclarationVersion) -> tuple[Section, ...]:
    """The version's snapshot as numbered sections and clauses, exactly as published."""
    return Snapshot.from_version(version).sections


@dataclass
class PartyRow:
    """One party on the board and in the printed record."""

    signing_party: SigningParty
    current: Signature | None  # the live answer (signed or declined), if any
    history: list[Signature]  # revoked and superseded answers, oldest first
    adherence: Signature | None = None  # given after signing closed (adherence.py)

    @property
    def party(self) -> Party:
        return self.signing_party.party

    @property
    def state(self) -> str:
        if self.current is not None:
            return self.current.status
        if self.superseded:
            return "superseded"
        return "pending"

    @property
    def printed(self) -> SigningParty | Signature | None:
        """Where the printed name comes from: the designation, else the latest answer (e.g. on paper)."""
        if self.signing_party.printed_name:
            return self.signing_party
        answers = [*self.history, *([self.current] if self.current else [])]
        return max(answers, key=lambda s: s.signed_at) if answers else None

    @property
    def superseded(self) -> list[Signature]:
        """Signatures (not declines) on text that is no longer the one being signed."""
        return [
            s for s in self.history if s.status == Signature.Status.SUPERSEDED and s.method != Signature.Method.DECLINED
        ]


def _rows(signing: Signing) -> list[PartyRow]:
    parties = list(SigningParty.objects.filter(signing=signing).select_related("party", "signatory"))
    by_party: dict[int, list[Signature]] = {}
    # The board shows version numbers and hashes; each snapshot is the whole text (~1 MB at UN scale), and
    # joined into 193 signatures it took seconds.
    # With the party: the board's "signatures on this text" list names each signing party (was N+1).
    signatures = Signature.objects.filter(signing=signing).select_related("version", "party").defer("version__snapshot")
    for signature in signatures.order_by("signed_at", "id"):
        by_party.setdefault(signature.party_id, []).append(signature)
    rows = []
    for sp in parties:
        answers = by_party.get(sp.party_id, [])
        current = next((s for s in answers if s.status in Signature.LIVE), None)
        adherence = next((s for s in answers if s.status == Signature.Status.ADHERED), None)
        history = [s for s in answers if s is not current and s is not adherence]
        rows.append(PartyRow(sp, current, history, adherence))
    return rows


def sort_rows(rows: list[PartyRow], *, order: str, language: str) -> list[PartyRow]:
    if order == "alpha":
        return sorted(rows, key=lambda r: r.party.short_name.casefold())
    if order == "name":
        # Code point order puts Hangul syllables in dictionary order, which is all Korean collation needs here.
        return sorted(rows, key=lambda r: r.party.display_name(language).casefold())
    return sorted(rows, key=lambda r: (r.signing_party.position, r.signing_party.pk))


@dataclass(slots=True)
class VersionTag:
    """A version as the board names it; `html` is `_version.html` rendered once for it."""

    pk: int
    number: int
    label: str
    content_hash: str
    html: SafeString = field(default_factory=lambda: SafeString(""))


@dataclass(slots=True)
class BoardAnswer:
    """One answer (a Signature) with every value the board prints, formatted once."""

    pk: int
    party_id: int
    party_name: str  # in the interface language, for the "signatures by text" list
    version: VersionTag
    content_hash: str
    on_other_text: bool  # not the text being signed now
    status: str
    method: str
    status_label: str
    method_label: str
    printed_name: str
    printed_title: str
    capacity: str
    signed_at: datetime
    signed_at_iso: str  # <time datetime>, as the `date:"c"` filter gave it
    signed_at_text: str  # "Y-m-d H:i"
    signed_on: str  # "Y-m-d" in UTC: the day an adherence is dated (stored as midnight UTC when offline)
    image_url: str  # "" without an image
    scan_url: str  # "" without a scan; shown only to the secretariat and the party's members
    decline_reason: str
    reason_public: bool


@dataclass(slots=True)
class BoardRow:
    """One party on the status board; per-user parts (actions, private reasons) are decided in the template."""

    party_id: int
    key: str
    short_name: str
    names: dict[str, str]  # the party's name per language
    party_name: str  # in the language of the order ("by name in …") or the interface language
    position: int
    signatory_id: int | None
    state: str  # signed, declined, absent, superseded, pending; adhered (after close, with no answer before)
    printed: bool  # a name to print is known (else "Not designated yet")
    printed_name: str  # from the designation, else from the latest answer (e.g. on paper)
    printed_title: str
    capacity: str
    current: BoardAnswer | None
    history: list[BoardAnswer]  # revoked and superseded answers, oldest first
    superseded: int  # signatures (not declines) on text no longer being signed
    sign_url: str
    designate_url: str
    record_url: str
    refusal_url: str
    # Adherence after close (adherence.py): the invitation, the party added for it, the adherence itself.
    invited_on: str = ""  # "Y-m-d" (UTC) when invited to adhere
    added_for_adherence: bool = False
    adherence: BoardAnswer | None = None
    adhere_url: str = ""
    record_adherence_url: str = ""


@dataclass
class Board:
    signing: Signing
    rows: list[BoardRow]
    counts: dict[str, int]
    # Answers are only grouped with others on the same text: (version, signatures), newest text first.
    groups: list[tuple[VersionTag, list[BoardAnswer]]]
    newer_version: bool  # a version newer than the one being signed exists (reopening is possible)


class _Party(NamedTuple):
    party_id: int
    position: int
    signatory_id: int | None
    printed_name: str
    printed_title: str
    capacity: str
    key: str
    short_name: str
    names: dict[str, str]
    invited_at: datetime | None
    added_for_adherence: bool


class _Url:
    """reverse() once per pattern; the per-party and per-signature URLs are then string joins."""

    MARK = "0987654321"

    def __init__(self, name: str, slug: str) -> None:
        url = reverse(name, args=[slug, self.MARK])
        self.prefix, _, self.suffix = url.partition(self.MARK)

    def __call__(self, value: object) -> str:
        return f"{self.prefix}{value}{self.suffix}"


def signing_stamp(signing: Signing) -> str:
    """Changes with every change the board shows: the newest audit entry's hash (each signing service
    appends one in the same transaction; it covers every earlier entry), the newest party history
    row (names) and the declaration's newest version. One query."""
    row = (
        Declaration.objects.filter(pk=signing.declaration_id)
        .annotate(
            newest_entry=Subquery(
                SigningEvent.objects.filter(declaration=OuterRef("pk")).order_by("-seq").values("entry_hash")[:1]
            ),
            newest_party=Subquery(Party.history.order_by("-history_id").values("history_id")[:1]),  # type: ignore[attr-defined]
            newest_version=Subquery(
                DeclarationVersion.objects.filter(declaration=OuterRef("pk")).order_by("-id").values("id")[:1]
            ),
        )
        .values_list("newest_entry", "newest_party", "newest_version")
        .get()
    )
    return ".".join(str(value or "") for value in row)


def signing_board(signing: Signing, *, order: str = "signing", language: str = "en") -> Board:
    """Everything the status board shows, in `order`, with labels in the active language.

    Three queries: the declaration's versions (without their snapshots), the signing parties with
    their parties, and the answers (no joins). Each value the board prints is computed here
    once, so the template does no lookups, filters, includes or `{% url %}` per row.
    """
    slug = signing.declaration.slug
    sign_url, designate_url, record_url, refusal_url, adhere_url, record_adherence_url = (
        _Url(f"signing:{name}", slug)
        for name in ("sign", "designate", "record_offline", "record_refusal", "adhere", "record_adherence")
    )
    image_url, scan_url = (_Url(f"signing:{name}", slug) for name in ("signature_image", "signature_scan"))
    ui_language = get_language()
    status_labels = {value: str(label) for value, label in Signature.Status.choices}
    method_labels = {value: str(label) for value, label in Signature.Method.choices}

    versions = {
        pk: VersionTag(pk, number, label, content_hash)
        for pk, number, label, content_hash in DeclarationVersion.objects.filter(
            declaration_id=signing.declaration_id
        ).values_list("pk", "number", "label", "content_hash")
    }
    current_hash = signing.version.content_hash
    newer_version = any(v.number > signing.version.number for v in versions.values())

    # Tuples, not models: ~3x cheaper for 193 parties.
    parties = [
        _Party(*values)
        for values in SigningParty.objects.filter(signing=signing)
        .order_by("position", "pk")
        .values_list(
            "party_id",
            "position",
            "signatory_id",
            "printed_name",
            "printed_title",
            "capacity",
            "party__key",
            "party__short_name",
            "party__name",
            "adherence_invited_at",
            "added_for_adherence",
        )
    ]
    names = {sp.party_id: pick_language(sp.names or {}, ui_language) or sp.short_name for sp in parties}
    by_party: dict[int, list[BoardAnswer]] = {}
    answers = (
        Signature.objects.filter(signing=signing)
        .order_by("signed_at", "id")
        .values_list(
            "pk",
            "party_id",
            "version_id",
            "content_hash",
            "status",
            "method",
            "printed_name",
            "printed_title",
            "capacity",
            "signed_at",
            "image",
            "scan",
            "decline_reason",
            "reason_public",
        )
    )
    used_versions: set[int] = set()
    for (
        pk,
        party_id,
        version_id,
        content_hash,
        status,
        method,
        name,
        title,
        capacity,
        signed_at,
        image,
        scan,
        reason,
        public,
    ) in answers:
        local = timezone.localtime(signed_at)
        used_versions.add(version_id)
        by_party.setdefault(party_id, []).append(
            BoardAnswer(
                pk=pk,
                party_id=party_id,
                party_name=names.get(party_id, ""),
                version=versions[version_id],
                content_hash=content_hash,
                on_other_text=content_hash != current_hash,
                status=status,
                method=method,
                status_label=status_labels.get(status, status),
                method_label=method_labels.get(method, method),
                printed_name=name,
                printed_title=title,
                capacity=capacity,
                signed_at=signed_at,
                signed_at_iso=local.isoformat(),
                signed_at_text=formats.date_format(local, "DATETIME_FORMAT"),  # in the reader's zone, named
                signed_on=f"{signed_at.astimezone(UTC):%Y-%m-%d}",
                image_url=image_url(pk) if image else "",
                scan_url=scan_url(pk) if scan else "",
                decline_reason=reason,
                reason_public=public,
            )
        )
    for pk in used_versions:
        tag = versions[pk]
        tag.html = SafeString(render_to_string("signing/_version.html", {"v": tag}))
    rows: list[BoardRow] = []
    for sp in parties:
        all_answers = by_party.get(sp.party_id, [])
        current = next((a for a in all_answers if a.status in Signature.LIVE), None)
        adherence = next((a for a in all_answers if a.status == Signature.Status.ADHERED), None)
        history = [a for a in all_answers if a is not current and a is not adherence]
        superseded = sum(
            1 for a in history if a.status == Signature.Status.SUPERSEDED and a.method != Signature.Method.DECLINED
        )
        state = current.status if current is not None else ("superseded" if superseded else "pending")
        if adherence is not None and current is None:
            state = Signature.Status.ADHERED
        # The printed name: the designation's, else the latest answer's (e.g. a signature on paper).
        printed: _Party | BoardAnswer | None = sp
        if not sp.printed_name:
            answered = [*history, *([current] if current else []), *([adherence] if adherence else [])]
            printed = max(answered, key=lambda a: a.signed_at) if answered else None
        by_name = order == "name"
        party_name = (pick_language(sp.names or {}, language) or sp.short_name) if by_name else names[sp.party_id]
        rows.append(
            BoardRow(
                party_id=sp.party_id,
                key=sp.key,
                short_name=sp.short_name,
                names=sp.names or {},
                party_name=party_name,
                position=sp.position,
                signatory_id=sp.signatory_id,
                state=state,
                printed=printed is not None,
                printed_name=printed.printed_name if printed else "",
                printed_title=printed.printed_title if printed else "",
                capacity=printed.capacity if printed else "",
                current=current,
                history=history,
                superseded=superseded,
                sign_url=sign_url(sp.key),
                designate_url=designate_url(sp.key),
                record_url=record_url(sp.key),
                refusal_url=refusal_url(sp.key),
                invited_on=f"{sp.invited_at.astimezone(UTC):%Y-%m-%d}" if sp.invited_at else "",
                added_for_adherence=sp.added_for_adherence,
                adherence=adherence,
                adhere_url=adhere_url(sp.key),
                record_adherence_url=record_adherence_url(sp.key),
            )
        )
    if order == "alpha":
        rows.sort(key=lambda r: r.short_name.casefold())
    elif order == "name":
        # Code point order puts Hangul syllables in dictionary order, which is all Korean collation needs here.
        rows.sort(key=lambda r: r.party_name.casefold())
    groups: dict[tuple[int, str], tuple[VersionTag, list[BoardAnswer]]] = {}
    for row in rows:
        for answer in [
            *row.history,
            *([row.current] if row.current else []),
            *([row.adherence] if row.adherence else []),
        ]:
            if answer.status == Signature.Status.DECLINED or answer.method == Signature.Method.DECLINED:
                continue
            key = (answer.version.number, answer.content_hash)
            groups.setdefault(key, (answer.version, []))[1].append(answer)
    counts = {
        "total": len(rows),
        "pending": sum(1 for r in rows if r.current is None and r.adherence is None and not r.added_for_adherence),
        "signed": sum(1 for r in rows if r.current and r.current.status == Signature.Status.SIGNED),
        "declined": sum(1 for r in rows if r.current and r.current.status == Signature.Status.DECLINED),
        "absent": sum(1 for r in rows if r.current and r.current.status == Signature.Status.ABSENT),
        "superseded": sum(r.superseded for r in rows),
        "adhered": sum(1 for r in rows if r.adherence is not None),
        "invited": sum(1 for r in rows if r.invited_on and r.adherence is None),
    }
    return Board(
        signing=signing,
        rows=rows,
        counts=counts,
        groups=[groups[k] for k in sorted(groups, reverse=True)],
        newer_version=newer_version,
    )


def pending_party_names(signing: Signing) -> list[str]:
    """The parties, in signing order, that have neither signed nor declined (named in the close confirm)."""
    answered = Signature.objects.filter(signing=signing, status__in=Signature.LIVE).values("party")
    pending = SigningParty.objects.filter(signing=signing, added_for_adherence=False).exclude(party__in=answered)
    pending = pending.order_by("position", "id")
    return list(pending.values_list("party__short_name", flat=True))


def can_read_reason(signature: Signature, *, secretariat: bool, party_ids: set[int]) -> bool:
    return signature.reason_public or secretariat or signature.party_id in party_ids


def latest_superseded(signing: Signing, party: Party) -> Signature | None:
    """The party's most recent signature on text other than the current version, if it must sign again."""
    return (
        Signature.objects.filter(signing=signing, party=party, status=Signature.Status.SUPERSEDED)
        .exclude(content_hash=signing.version.content_hash)
        .exclude(method=Signature.Method.DECLINED)
        .select_related("version")
        .order_by("-signed_at", "-id")
        .first()
    )


def changes_since(old: DeclarationVersion, new: DeclarationVersion, language: str) -> list[ClauseDiff]:
    """Only the clauses that differ between the text someone signed and the text now being signed."""
    diff = diff_documents(old.snapshot, new.snapshot, language)  # type: ignore[arg-type]
    return [c for c in diff.clauses() if c.status != "unchanged"]


def comment_outcomes(declaration: Declaration, party: Party) -> list[consultation_selectors.CommentOutcome]:
    """The party's comments and how each was treated (signing sits above consultations)."""
    return list(consultation_selectors.party_comment_outcomes(declaration=declaration, party=party))


def comment_outcomes_stamp(declaration: Declaration) -> str:
    """What the cached outcomes table is stored under (consultations.selectors.outcomes_stamp)."""
    from consultations.selectors import outcomes_stamp

    return outcomes_stamp(declaration)


def roles_in(user: Any, party: Party) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, party=party).values_list("role", flat=True))
