"""Redline (tracked-changes) engine for Accord declarations.

Pure Python on purpose: the diff core (``tokenize``, ``diff_text``,
``diff_documents``) has no Django dependency so it can run in management
commands, background tasks, benchmarks and property tests alike.  Only the
HTML helpers use ``django.utils.html`` so that their output is a ``SafeString``
that templates render without double escaping.

Granularity: scripts written with spaces between words are diffed word by
word; scripts that are not (Hangul, CJK, Kana, Thai, ...) character by
character, because a whole Korean eojeol or a whole unspaced Thai run would
make every one-syllable edit look like a rewrite.  A "character" here is a
cluster: a base code point together with its combining marks, variation
selectors, emoji modifiers and ZWJ-joined pictographs, so an edit never splits
"é" or "👩‍👩‍👧" into pieces.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from django.utils.html import escape, format_html

from config.text import show_controls

__all__ = [
    "ClauseDiff",
    "ClauseSnapshot",
    "ClauseStatus",
    "DiffSummary",
    "DocumentDiff",
    "DocumentSnapshot",
    "Op",
    "OpKind",
    "SectionDiff",
    "SectionSnapshot",
    "SectionStatus",
    "diff_documents",
    "diff_documents_all",
    "diff_html",
    "diff_text",
    "new_text",
    "old_text",
    "side_by_side",
    "tokenize",
]

# ---------------------------------------------------------------------------
# Character classes
# ---------------------------------------------------------------------------


def _cls(ranges: Iterable[tuple[int, int]]) -> str:
    """Render code point ranges as regex character-class content.

    Every code point is written as a ``\\U`` escape so that no range can
    smuggle a class metacharacter (``]``, ``^``, ``-``, ``\\``) into the pattern.
    """
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


def _scan_marks() -> list[tuple[int, int]]:
    """Ranges of combining marks (Mn, Me, Mc) known to this Python's unicodedata.

    Built at import time rather than hard-coded so it always agrees with the
    Unicode version of the running interpreter.  Marks only exist in planes
    0-1 and in the variation-selector supplement, so only those are scanned
    (~135k code points, a few milliseconds).
    """
    ranges: list[tuple[int, int]] = []
    for block in (range(0x20000), range(0xE0000, 0xE1000)):
        for cp in block:
            if unicodedata.category(chr(cp)) in ("Mn", "Me", "Mc"):
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1] = (ranges[-1][0], cp)
                else:
                    ranges.append((cp, cp))
    return ranges


_ZWJ = "\u200d"

# Code points that attach to the preceding character (grapheme "Extend").
# ZWJ itself is handled separately because it may also glue the *next*
# pictograph on.
_EXTEND_RANGES: list[tuple[int, int]] = [
    *_scan_marks(),  # includes variation selectors FE00-FE0F and E0100-E01EF (Mn)
    (0x200C, 0x200C),  # ZWNJ: Persian/Indic words contain it mid-word
    (0x1160, 0x11FF),  # conjoining Hangul vowel/trailing jamo (decomposed syllables)
    (0xD7B0, 0xD7FF),  # Hangul jamo extended-B (vowels/trailing consonants)
    (0x1F3FB, 0x1F3FF),  # emoji skin-tone modifiers
    (0xE0020, 0xE007F),  # emoji tag characters (subdivision flags)
]

# Scripts written without spaces between words: diffed per cluster.
_CHAR_LEVEL_RANGES: list[tuple[int, int]] = [
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x115F),  # Hangul leading jamo
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),  # iteration mark, closing mark, ideographic zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x3038, 0x303C),
    (0x3041, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3131, 0x318E),  # Hangul compatibility jamo
    (0x31A0, 0x31BF),  # Bopomofo extended
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA000, 0xA4CF),  # Yi
    (0xA960, 0xA97F),  # Hangul jamo extended-A (leading consonants)
    (0xA9E0, 0xA9FF),  # Myanmar extended-B
    (0xAA60, 0xAA7F),  # Myanmar extended-A
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth Katakana
    (0xFFA0, 0xFFDC),  # halfwidth Hangul
    (0x1AFF0, 0x1B16F),  # Kana extended/supplement
    (0x20000, 0x3FFFF),  # CJK extensions B-H and compatibility supplement
]

# Approximation of Extended_Pictographic: what may follow a ZWJ inside one
# emoji sequence.  unicodedata does not expose the property, and a slightly
# too wide set only ever glues two symbols together, which is harmless.
_PICTOGRAPHIC = (
    "\\u00a9\\u00ae\\u203c\\u2049\\u2122\\u2139\\u2194-\\u21aa\\u231a-\\u23ff"
    "\\u24c2\\u25aa-\\u27bf\\u2934\\u2935\\u2b05-\\u2b55\\u3030\\u303d\\u3297"
    "\\u3299\\U0001f000-\\U0001faff"
)
_RI = "\\U0001f1e6-\\U0001f1ff"  # regional indicators: flags are pairs

_CL = _cls(_CHAR_LEVEL_RANGES)
# The tail that keeps a cluster together: marks, plus ZWJ optionally
# followed by the pictograph it joins.  Written as a fast single-class repeat
# over the BMP marks, with the astral-plane marks behind a cheap guard: re
# can only bitmap BMP sets and scans astral ranges one by one, which doubled
# the tokenizer's cost on plain Latin/Hangul text.
_EXT_BMP = _cls((lo, hi) for lo, hi in _EXTEND_RANGES if hi < 0x10000)
_EXT_ASTRAL = _cls((lo, hi) for lo, hi in _EXTEND_RANGES if lo >= 0x10000)
assert all(hi < 0x10000 or lo >= 0x10000 for lo, hi in _EXTEND_RANGES)
_TAIL = f"[{_EXT_BMP}]*(?:(?:\\u200d[{_PICTOGRAPHIC}]?|(?=[\\U00010000-\\U0010ffff])[{_EXT_ASTRAL}])[{_EXT_BMP}]*)*"


def _token_pattern(tail: str, cl: str) -> str:
    # Alternatives are tried in order and every one consumes at least one code
    # point; the last alternative matches *any* code point, so findall() tiles
    # the whole input and "".join(tokens) == text by construction.
    return (
        f"\\s+{tail}"  # whitespace run
        f"|[{_RI}]{{2}}{tail}"  # flag emoji
        f"|[{cl}]{tail}"  # one cluster of an unspaced script
        f"|(?:[^\\W_{cl}]+{tail})+"  # word: letters/digits of spaced scripts
        f"|.{tail}"  # anything else: punctuation, symbol, emoji, control, NUL
    )


def _chunk_pattern(tail: str, cl: str) -> str:
    # Coarse chunks for the first matching pass: a word (or up to 8 clusters
    # of an unspaced script), the punctuation after it and the whitespace after
    # that.  Every chunk boundary is also a token boundary, so a changed chunk
    # can be re-tokenized on its own.  Matching chunks first keeps the matcher
    # away from hugely repeated tokens like " " (it is quadratic in their
    # count), and the bound of 8 keeps an unspaced sentence from becoming a
    # single chunk.
    return f"(?=.)(?:(?:[^\\W_{cl}]+{tail})+|(?:[{cl}]{tail}){{1,8}})?(?:(?=[\\W_])\\S{tail})*(?:\\s+{tail})?"


_TOKEN_RE = re.compile(_token_pattern(_TAIL, _CL), re.DOTALL)
_CHUNK_RE = re.compile(_chunk_pattern(_TAIL, _CL), re.DOTALL)

# Most text has no code point that can extend a cluster, no ZWJ and nothing outside the BMP (so no flag, no
# astral mark or ideograph).  There every _TAIL can only match the empty string, and the same patterns without
# it, over the BMP part of _CL, give the same matches about twice as fast: tails and astral ranges are what make
# the full patterns slow.  _NOT_PLAIN finds the code points that rule this out.
_NOT_PLAIN = re.compile(f"[{_EXT_BMP}\\u200d\\U00010000-\\U0010ffff]").search
_CL_BMP = _cls((lo, min(hi, 0xFFFF)) for lo, hi in _CHAR_LEVEL_RANGES if lo < 0x10000)
_PLAIN_TOKEN_RE = re.compile(_token_pattern("", _CL_BMP), re.DOTALL)
_PLAIN_CHUNK_RE = re.compile(_chunk_pattern("", _CL_BMP), re.DOTALL)

# Plainer still, and the most common case (Latin, Cyrillic, Arabic, Greek ... text): no "_" and no code point of an
# unspaced script either.  There a word is \w+ and punctuation [^\w\s] (re's \w is isalnum() or "_"): classes of
# one category, which re matches 1.3-1.8 times faster than the classes above that mix a category with "_" and the
# unspaced scripts' ranges.  Same matches again (declarations/tests/test_redline_all.py checks it).
_HAS_CL = re.compile(f"[{_CL_BMP}_]").search
_SIMPLE_TOKEN_RE = re.compile(r"\s+|\w+|.", re.DOTALL)
_SIMPLE_CHUNK_RE = re.compile(r"(?=.)\w*[^\w\s]*\s*", re.DOTALL)

_EXT_SET: frozenset[str] = frozenset(chr(cp) for lo, hi in _EXTEND_RANGES for cp in range(lo, hi + 1))
_IS_CL = re.compile(f"[{_CL}]").match
_IS_RI = re.compile(f"[{_RI}]").match


def tokenize(text: str) -> list[str]:
    """Split ``text`` into diff tokens; ``"".join(tokenize(t)) == t`` always.

    Words, whitespace runs and single punctuation/symbol clusters for spaced
    scripts; single clusters for Hangul, CJK, Kana, Thai, Lao, Khmer, Myanmar,
    Bopomofo and Yi.
    """
    if _NOT_PLAIN(text):
        return _TOKEN_RE.findall(text)
    return (_PLAIN_TOKEN_RE if _HAS_CL(text) else _SIMPLE_TOKEN_RE).findall(text)


def _is_word_char(ch: str) -> bool:
    # Mirrors ``[^\W_{_CL}]`` in _TOKEN_RE: re's \w is isalnum() or "_".
    return ch.isalnum() and _IS_CL(ch) is None


def _is_hard_boundary(text: str, i: int) -> bool:
    """True if ``tokenize`` always starts a token at ``i``, whatever follows.

    Used to snap the character-level common prefix/suffix back to a token
    boundary, so the middle part can be tokenized on its own and still
    produce the same tokens as tokenizing the whole string.  Being
    conservative (answering False) only costs a little speed.
    """
    if i <= 0 or i >= len(text):
        return True
    before, after = text[i - 1], text[i]
    if after in _EXT_SET or after == _ZWJ or before in _EXT_SET or before == _ZWJ:
        return False
    # A character joined by ZWJ to a word character ("0\u200d🀀0") continues that token.
    if i >= 2 and text[i - 2] == _ZWJ:
        return False
    if before.isspace() and after.isspace():
        return False
    if _is_word_char(before) and _is_word_char(after):
        return False
    # Flag pairing depends on parity from the start of the run.
    return not (_IS_RI(before) and _IS_RI(after))


# ---------------------------------------------------------------------------
# Text diff
# ---------------------------------------------------------------------------

OpKind = Literal["equal", "insert", "delete"]


@dataclass(frozen=True, slots=True)
class Op:
    """One redline segment: ``text`` is kept, inserted or deleted."""

    kind: OpKind
    text: str


def old_text(ops: Iterable[Op]) -> str:
    """Reconstruct the old string (equal + delete segments)."""
    return "".join(op.text for op in ops if op.kind != "insert")


def new_text(ops: Iterable[Op]) -> str:
    """Reconstruct the new string (equal + insert segments)."""
    return "".join(op.text for op in ops if op.kind != "delete")


def _common_prefix_len(a: str, b: str) -> int:
    # Galloping + bisection over slice comparisons runs in C; a per-character
    # Python loop would dominate the runtime on long, mostly identical texts.
    n = min(len(a), len(b))
    lo, step = 0, 64
    while lo < n:
        hi = min(n, lo + step)
        if a[lo:hi] == b[lo:hi]:
            lo, step = hi, step * 2
            continue
        while hi - lo > 1:  # invariant: the first mismatch lies in [lo, hi)
            mid = (lo + hi) // 2
            if a[lo:mid] == b[lo:mid]:
                lo = mid
            else:
                hi = mid
        return lo
    return lo


def _common_suffix_len(a: str, b: str, limit: int) -> int:
    """Common suffix length, at most ``limit`` (so it cannot overlap the prefix)."""
    la, lb = len(a), len(b)
    n = min(limit, la, lb)
    lo, step = 0, 64
    while lo < n:
        hi = min(n, lo + step)
        if a[la - hi : la - lo] == b[lb - hi : lb - lo]:
            lo, step = hi, step * 2
            continue
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
                lo = mid
            else:
                hi = mid
        return lo
    return lo


Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """``difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()``, computed faster.

    Same matching blocks, hence the same opcodes.  Without junk, the longest
    match SequenceMatcher picks in a window is fully defined: the longest
    common run, then the smallest start in ``a``, then in ``b``; the windows
    left and right of it are then searched the same way.  SequenceMatcher
    finds that match with a dynamic programme over every pair of equal tokens,
    in Python, which was most of the redline's time on rewritten clauses (a
    small vocabulary makes many equal pairs).  Here every distinct token
    becomes one code point and the search runs on the two strings with
    ``str.find``, in C: for each start in ``a`` (in order), only ask whether a
    run one longer than the best so far occurs in the ``b`` window.

    Two bounds prune the search without changing its result: the window right
    of a match of length k has no longer run than k, so its search stops at the
    first run of length k; the window left of it has no run of length k (it
    would start before the match, which is the first such run), so it is
    searched for runs up to k - 1, and not at all when k is 1.
    """
    la, lb = len(a), len(b)
    blocks: list[tuple[int, int, int]] = []
    if la + lb > 0x10FFFF:  # more tokens than code points: never in practice
        return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    if not set(a).isdisjoint(b):
        codes = {token: chr(n) for n, token in enumerate(dict.fromkeys([*a, *b]))}
        sa = "".join(map(codes.__getitem__, a))
        sb = "".join(map(codes.__getitem__, b))
        find = sb.find
        # Windows still to search: a[alo:ahi] x b[blo:bhi], and no common run there is longer than cap.
        queue = [(0, la, 0, lb, min(la, lb))]
        while queue:
            alo, ahi, blo, bhi, cap = queue.pop()
            best, besti, bestj = 0, alo, blo
            i = alo
            while i + best < ahi:
                j = find(sa[i : i + best + 1], blo, bhi)
                if j >= 0:
                    # j: first occurrence in the window of a run longer than the best; lengthen it.
                    best += 1
                    while i + best < ahi and best < cap:
                        if j + best < bhi and sb[j + best] == sa[i + best]:
                            best += 1
                            continue
                        k = find(sa[i : i + best + 1], j + 1, bhi)
                        if k < 0:
                            break
                        j = k
                        best += 1
                    besti, bestj = i, j
                    if best == cap:
                        break
                i += 1
            if best:
                blocks.append((besti, bestj, best))
                if best > 1 and alo < besti and blo < bestj:
                    queue.append((alo, besti, blo, bestj, best - 1))
                if besti + best < ahi and bestj + best < bhi:
                    queue.append((besti + best, ahi, bestj + best, bhi, best))
        blocks.sort()
    # Adjacent blocks merged and the (la, lb, 0) sentinel added, as get_matching_blocks() does; then its opcodes.
    merged: list[tuple[int, int, int]] = []
    i1 = j1 = k1 = 0
    for i2, j2, k2 in blocks:
        if i1 + k1 == i2 and j1 + k1 == j2:
            k1 += k2
        else:
            if k1:
                merged.append((i1, j1, k1))
            i1, j1, k1 = i2, j2, k2
    if k1:
        merged.append((i1, j1, k1))
    merged.append((la, lb, 0))
    opcodes: list[Opcode] = []
    i = j = 0
    for ai, bj, size in merged:
        if i < ai and j < bj:
            opcodes.append(("replace", i, ai, j, bj))
        elif i < ai:
            opcodes.append(("delete", i, ai, j, bj))
        elif j < bj:
            opcodes.append(("insert", i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            opcodes.append(("equal", ai, i, bj, j))
    return opcodes


def _match_tokens(
    a: list[str], b: list[str], out: list[tuple[OpKind, str]], *, refine: Callable[[str], list[str]] | None = None
) -> None:
    """Append raw ops for token (or chunk) lists ``a`` -> ``b`` to ``out``.

    With ``refine`` (the tokenizer), ``a`` and ``b`` are chunks and each changed run of chunks is matched again
    token by token.
    """
    # Common token prefix/suffix: SequenceMatcher is quadratic-ish, so never
    # feed it tokens we already know are equal.
    la, lb = len(a), len(b)
    n = min(la, lb)
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    s = 0
    while s < n - p and a[la - 1 - s] == b[lb - 1 - s]:
        s += 1
    if p:
        out.append(("equal", "".join(a[:p])))
    a_mid, b_mid = a[p : la - s], b[p : lb - s]
    if not a_mid:
        if b_mid:
            out.append(("insert", "".join(b_mid)))
    elif not b_mid:
        out.append(("delete", "".join(a_mid)))
    else:
        for tag, i1, i2, j1, j2 in _opcodes(a_mid, b_mid):
            if tag == "equal":
                out.append(("equal", "".join(a_mid[i1:i2])))
                continue
            if refine is not None and tag == "replace":
                # Changed chunks: now match their individual tokens.
                _match_tokens(refine("".join(a_mid[i1:i2])), refine("".join(b_mid[j1:j2])), out)
                continue
            if i2 > i1:
                out.append(("delete", "".join(a_mid[i1:i2])))
            if j2 > j1:
                out.append(("insert", "".join(b_mid[j1:j2])))
    if s:
        out.append(("equal", "".join(a[la - s :])))


def _normalize(raw: Iterable[tuple[OpKind, str]]) -> list[tuple[str, str, str]]:
    """Group raw ops into (equal, deleted, inserted) runs.

    Each run is an equal segment followed by everything that changed before
    the next equal segment; all deletes of a change come before its inserts,
    which is how redlines are read.
    """
    runs: list[tuple[str, str, str]] = []
    eq = ""
    dels: list[str] = []
    ins: list[str] = []
    for kind, text in raw:
        if not text:
            continue
        if kind == "equal":
            if dels or ins:
                runs.append((eq, "".join(dels), "".join(ins)))
                eq, dels, ins = "", [], []
            eq += text
        elif kind == "delete":
            dels.append(text)
        else:
            ins.append(text)
    runs.append((eq, "".join(dels), "".join(ins)))
    return runs


def _cleanup(runs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Fold tiny equalities sandwiched between two changes into the changes.

    "the quick brown" -> "a slow red" would otherwise alternate
    del/ins/space/del/ins...; readers want one deletion and one insertion.
    Same rule as diff-match-patch's semantic cleanup: an equality no longer
    than the edits on *both* sides carries no meaning of its own.  Repeated
    until stable because a fold enlarges the edits around the next equality.
    """
    while True:
        out: list[tuple[str, str, str]] = [runs[0]]
        append = out.append
        prev_eq, prev_dels, prev_ins = runs[0]
        for run in runs[1:]:
            eq, dels, ins = run
            if (
                (dels or ins)
                and (prev_dels or prev_ins)
                and len(eq) <= max(len(prev_dels), len(prev_ins))
                and len(eq) <= max(len(dels), len(ins))
            ):
                prev_dels, prev_ins = prev_dels + eq + dels, prev_ins + eq + ins
                out[-1] = (prev_eq, prev_dels, prev_ins)
            else:
                append(run)
                prev_eq, prev_dels, prev_ins = run
        if len(out) == len(runs):
            return out
        runs = out


def diff_text(old: str, new: str) -> list[Op]:
    """Redline ``old`` -> ``new``.

    Returns ops with no empty texts and no two adjacent ops of the same kind;
    within a change the delete precedes the insert.  Invariants:
    ``old_text(ops) == old`` and ``new_text(ops) == new``.
    """
    if old == new:
        return [Op("equal", old)] if old else []

    # Trim the common prefix/suffix at character level first (C-speed slice
    # comparisons), snapped back to boundaries every tokenization agrees on,
    # so only the edited middle is tokenized and matched.
    p = _common_prefix_len(old, new)
    q = _common_suffix_len(old, new, min(len(old), len(new)) - p)
    while p and not (_is_hard_boundary(old, p) and _is_hard_boundary(new, p)):
        p -= 1
    while q and not (_is_hard_boundary(old, len(old) - q) and _is_hard_boundary(new, len(new) - q)):
        q -= 1

    old_mid, new_mid = old[p : len(old) - q], new[p : len(new) - q]
    if _NOT_PLAIN(old_mid) or _NOT_PLAIN(new_mid):
        chunks, tokens = _CHUNK_RE.findall, _TOKEN_RE.findall
    elif _HAS_CL(old_mid) or _HAS_CL(new_mid):  # the same chunks and tokens, found faster (see _NOT_PLAIN)
        chunks, tokens = _PLAIN_CHUNK_RE.findall, _PLAIN_TOKEN_RE.findall
    else:  # and faster still (see _HAS_CL)
        chunks, tokens = _SIMPLE_CHUNK_RE.findall, _SIMPLE_TOKEN_RE.findall
    raw: list[tuple[OpKind, str]] = [("equal", old[:p])]
    _match_tokens(chunks(old_mid), chunks(new_mid), raw, refine=tokens)
    raw.append(("equal", old[len(old) - q :]))

    ops: list[Op] = []
    for eq, dels, ins in _cleanup(_normalize(raw)):
        if eq:
            ops.append(Op("equal", eq))
        if dels:
            ops.append(Op("delete", dels))
        if ins:
            ops.append(Op("insert", ins))
    return ops


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

# C0 controls (other than tab, LF, FF, CR) and DEL are not allowed in HTML/XML
# text; NUL in particular is dropped or mangled by parsers and breaks the PDF
# pipeline.  Show them as U+FFFD so a hidden change still shows up.
_HTML_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F], "\ufffd")


def _esc(text: str) -> str:
    # escape() (unlike conditional_escape/format_html) escapes even strings
    # already marked safe: redline input is never trusted.
    # Direction controls are shown as markers (issue 18): they would reorder the redline around them.
    return escape(show_controls(text.translate(_HTML_CONTROL)))


def _join_safe(parts: list[str]) -> str:
    if not parts:
        return escape("")
    # Every part is already a SafeString; format_html leaves them as-is and
    # returns a SafeString, which "".join() would not.
    return format_html("{}" * len(parts), *parts)


def _render(ops: Iterable[Op], *, show_delete: bool, show_insert: bool) -> str:
    parts: list[str] = []
    for op in ops:
        if op.kind == "equal":
            parts.append(_esc(op.text))
        elif op.kind == "delete":
            if show_delete:
                parts.append(format_html('<del class="rl-del">{}</del>', _esc(op.text)))
        elif op.kind == "insert":
            if show_insert:
                parts.append(format_html('<ins class="rl-ins">{}</ins>', _esc(op.text)))
        else:
            raise ValueError(f"unknown op kind: {op.kind!r}")
    return _join_safe(parts)


def diff_html(ops: Iterable[Op]) -> str:
    """Inline redline HTML (a ``SafeString``): equal text, ``<del>``, ``<ins>``."""
    return _render(ops, show_delete=True, show_insert=True)


def side_by_side(ops: Iterable[Op]) -> tuple[str, str]:
    """HTML for the old column (equal + ``<del>``) and the new column (equal + ``<ins>``)."""
    ops = list(ops)
    return (
        _render(ops, show_delete=True, show_insert=False),
        _render(ops, show_delete=False, show_insert=True),
    )


# ---------------------------------------------------------------------------
# Document diff
# ---------------------------------------------------------------------------


class ClauseSnapshot(TypedDict):
    key: str
    text: dict[str, str]


class SectionSnapshot(TypedDict):
    key: str
    heading: dict[str, str]
    clauses: list[ClauseSnapshot]


class DocumentSnapshot(TypedDict, total=False):
    """Plain-dict form of Accord's interchange JSON (extra keys are ignored)."""

    title: dict[str, str]
    languages: list[str]
    sections: list[SectionSnapshot]


ClauseStatus = Literal["unchanged", "changed", "added", "removed", "moved"]


@dataclass(slots=True)
class ClauseDiff:
    """One clause of the redline, matched by key across the whole document."""

    key: str
    # Single label for templates; precedence added > removed > moved > changed.
    # A moved clause may also be changed: check the flags.
    status: ClauseStatus
    added: bool
    removed: bool
    moved: bool  # matched, but its section or its order within the section changed
    changed: bool  # matched and its text differs in at least one language
    old_section: str | None  # section key in the old document (None if added)
    new_section: str | None  # section key in the new document (None if removed)
    old_index: int | None  # 0-based position among all clauses of the old document
    new_index: int | None  # 0-based position among all clauses of the new document
    ops: list[Op]  # redline of the text in the requested language
    # Matched clause: languages whose text differs (a missing text counts as "").
    # Added/removed clause: languages in which it has (had) any text.
    changed_languages: list[str]

    @property
    def changed_in_language(self) -> bool:
        """Whether the requested language's text differs."""
        return any(op.kind != "equal" for op in self.ops)

    @property
    def old_text(self) -> str:
        return old_text(self.ops)

    @property
    def new_text(self) -> str:
        return new_text(self.ops)

    @property
    def html(self) -> str:
        return diff_html(self.ops)

    @property
    def old_html(self) -> str:
        return _render(self.ops, show_delete=True, show_insert=False)

    @property
    def new_html(self) -> str:
        return _render(self.ops, show_delete=False, show_insert=True)


SectionStatus = Literal["unchanged", "changed", "added", "removed", "moved"]


@dataclass(slots=True)
class SectionDiff:
    """A section in new-document order; removed sections sit where they were."""

    key: str
    # Status of the section itself (heading/position), not of its clauses;
    # precedence added > removed > moved > changed.  See ``has_changes``.
    status: SectionStatus
    added: bool
    removed: bool
    moved: bool  # order changed relative to the other common sections
    heading_changed: bool  # heading differs in at least one language
    old_index: int | None
    new_index: int | None
    heading_ops: list[Op]  # redline of the heading in the requested language
    heading_changed_languages: list[str]
    clauses: list[ClauseDiff] = field(default_factory=list)

    @property
    def heading_html(self) -> str:
        return diff_html(self.heading_ops)

    @property
    def has_changes(self) -> bool:
        """Whether anything in or about this section changed."""
        return self.status != "unchanged" or any(c.status != "unchanged" for c in self.clauses)


@dataclass(frozen=True, slots=True)
class DiffSummary:
    """Clause counts.  ``moved`` and ``changed`` overlap for moved+edited clauses;
    ``unchanged`` is matched clauses that are neither moved nor changed."""

    added: int = 0
    removed: int = 0
    moved: int = 0
    changed: int = 0
    unchanged: int = 0
    sections_added: int = 0
    sections_removed: int = 0
    sections_moved: int = 0
    headings_changed: int = 0


@dataclass(slots=True)
class DocumentDiff:
    language: str  # language of every ``ops`` / ``heading_ops`` / ``title_ops``
    languages: list[str]  # union of both documents' languages, new document's order first
    title_ops: list[Op]
    title_changed_languages: list[str]
    sections: list[SectionDiff]
    summary: DiffSummary

    @property
    def title_changed(self) -> bool:
        return bool(self.title_changed_languages)

    @property
    def title_html(self) -> str:
        return diff_html(self.title_ops)

    @property
    def has_changes(self) -> bool:
        return self.title_changed or any(s.has_changes for s in self.sections)

    def clauses(self) -> Iterator[ClauseDiff]:
        """All clause diffs in display order."""
        for section in self.sections:
            yield from section.clauses


# --- snapshot normalisation ------------------------------------------------


_ONLY_STR = {str}


def _texts(value: Any) -> dict[str, str]:
    """Language map with non-string values coerced (None -> "")."""
    if type(value) is dict and {*map(type, value), *map(type, value.values())} == _ONLY_STR:
        return dict(value)  # a snapshot read from JSON: nothing to coerce (this runs 800 times per redline)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): ("" if v is None else str(v)) for k, v in value.items()}


@dataclass(slots=True)
class _Clause:
    ident: tuple[str, int]
    key: str
    text: dict[str, str]
    section: tuple[str, int]
    index: int  # global ordinal
    local: int  # ordinal inside its section


@dataclass(slots=True)
class _Section:
    ident: tuple[str, int]
    key: str
    heading: dict[str, str]
    index: int
    clauses: list[_Clause]


def _flatten(doc: Mapping[str, Any]) -> tuple[list[_Section], dict[tuple[str, int], _Clause]]:
    # Keys are supposed to be unique; if a snapshot repeats one we pair the
    # n-th occurrence with the n-th occurrence instead of failing or silently
    # dropping a clause.
    sections: list[_Section] = []
    clauses: dict[tuple[str, int], _Clause] = {}
    seen_sections: dict[str, int] = {}
    seen_clauses: dict[str, int] = {}
    for s_index, raw_section in enumerate(doc.get("sections") or []):
        s_key = str(raw_section.get("key", ""))
        s_ident = (s_key, seen_sections.get(s_key, 0))
        seen_sections[s_key] = s_ident[1] + 1
        section = _Section(s_ident, s_key, _texts(raw_section.get("heading")), s_index, [])
        for raw_clause in raw_section.get("clauses") or []:
            c_key = str(raw_clause.get("key", ""))
            c_ident = (c_key, seen_clauses.get(c_key, 0))
            seen_clauses[c_key] = c_ident[1] + 1
            clause = _Clause(
                c_ident,
                c_key,
                _texts(raw_clause.get("text")),
                s_ident,
                len(clauses),
                len(section.clauses),
            )
            section.clauses.append(clause)
            clauses[c_ident] = clause
        sections.append(section)
    return sections, clauses


def _languages(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_sections: list[_Section],
    new_sections: list[_Section],
) -> list[str]:
    ordered: dict[str, None] = {}
    for doc in (new, old):
        for lang in doc.get("languages") or []:
            ordered[str(lang)] = None
    # Texts in undeclared languages still count as content that can change.
    for doc in (new, old):
        ordered.update(dict.fromkeys(_texts(doc.get("title"))))
    for sections in (new_sections, old_sections):
        for section in sections:
            ordered.update(dict.fromkeys(section.heading))
            for clause in section.clauses:
                ordered.update(dict.fromkeys(clause.text))
    return list(ordered)


def _lis(seq: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of ``seq``.

    Items outside it are the minimal set that must have moved: inserting or
    deleting a clause shifts absolute positions but keeps every other pair in
    order, so nothing else is flagged.
    """
    tail_values: list[int] = []
    tail_positions: list[int] = []
    previous = [-1] * len(seq)
    for i, value in enumerate(seq):
        k = bisect.bisect_left(tail_values, value)
        if k == len(tail_values):
            tail_values.append(value)
            tail_positions.append(i)
        else:
            tail_values[k] = value
            tail_positions[k] = i
        previous[i] = tail_positions[k - 1] if k else -1
    result: set[int] = set()
    i = tail_positions[-1] if tail_positions else -1
    while i != -1:
        result.add(i)
        i = previous[i]
    return result


def _changed_languages(old: dict[str, str], new: dict[str, str], languages: list[str]) -> list[str]:
    if old == new:  # most clauses of two versions
        return []
    return [lang for lang in languages if old.get(lang, "") != new.get(lang, "")]


def _place_removed[T](
    kept: list[T],
    removed_with_anchor: list[tuple[T | None, T]],
) -> list[T]:
    """Interleave removed items after the surviving item that preceded them."""
    after: dict[int, list[T]] = {}
    head: list[T] = []
    for anchor, item in removed_with_anchor:
        if anchor is None:
            head.append(item)
        else:
            after.setdefault(id(anchor), []).append(item)
    result = list(head)
    for item in kept:
        result.append(item)
        result.extend(after.get(id(item), ()))
    return result


def diff_documents(old: DocumentSnapshot, new: DocumentSnapshot, language: str) -> DocumentDiff:
    """Redline two document snapshots; ops are computed for ``language``.

    Clauses (and sections) are matched by key across the whole document, so
    a clause moved to another section is reported as ``moved`` rather than
    removed + added.  A clause is moved when its section changed or when it
    falls outside the longest increasing subsequence of the clauses that
    stayed in the same section; reordering whole sections flags the sections
    (``SectionDiff.moved``), not every clause inside them.
    """
    return diff_documents_all(old, new, [language])[language]


def diff_documents_all(
    old: DocumentSnapshot, new: DocumentSnapshot, languages: Iterable[str]
) -> dict[str, DocumentDiff]:
    """``{language: diff_documents(old, new, language)}`` for every language, equal to separate calls.

    The per-document work (reading both snapshots, matching sections and clauses, moves, the
    languages each clause changed in, the placement of removed items, the counts) is done once
    and only the texts are diffed per language.  Each language gets objects of its own (no list
    is shared between two results).
    """
    langs = list(dict.fromkeys(languages))
    old_sections, old_clauses = _flatten(old)
    new_sections, new_clauses = _flatten(new)
    all_languages = _languages(old, new, old_sections, new_sections)
    old_by_ident = {s.ident: s for s in old_sections}

    # Section order: LIS over the common sections in new order.
    common_sections = [s for s in new_sections if s.ident in old_by_ident]
    in_order = _lis([old_by_ident[s.ident].index for s in common_sections])
    moved_sections = {s.ident for i, s in enumerate(common_sections) if i not in in_order}

    # Clause moves: cross-section moves, then order inside each section.
    moved_clauses: set[tuple[str, int]] = set()
    for section in new_sections:
        staying: list[_Clause] = []
        for clause in section.clauses:
            before = old_clauses.get(clause.ident)
            if before is None:
                continue
            if before.section != section.ident:
                moved_clauses.add(clause.ident)
            else:
                staying.append(clause)
        in_order = _lis([old_clauses[c.ident].local for c in staying])
        moved_clauses.update(c.ident for i, c in enumerate(staying) if i not in in_order)

    counts = {"added": 0, "removed": 0, "moved": 0, "changed": 0, "unchanged": 0}

    # A clause or section diff is built for every language at once: a list with one item per language.
    def clause_diffs(before: _Clause | None, after: _Clause | None) -> list[ClauseDiff]:
        if after is None:
            assert before is not None
            counts["removed"] += 1
            present = [lang for lang in all_languages if before.text.get(lang, "")]
            return [
                ClauseDiff(
                    key=before.key,
                    status="removed",
                    added=False,
                    removed=True,
                    moved=False,
                    changed=False,
                    old_section=before.section[0],
                    new_section=None,
                    old_index=before.index,
                    new_index=None,
                    ops=_whole("delete", before.text.get(language, "")),
                    changed_languages=list(present),
                )
                for language in langs
            ]
        if before is None:
            counts["added"] += 1
            present = [lang for lang in all_languages if after.text.get(lang, "")]
            return [
                ClauseDiff(
                    key=after.key,
                    status="added",
                    added=True,
                    removed=False,
                    moved=False,
                    changed=False,
                    old_section=None,
                    new_section=after.section[0],
                    old_index=None,
                    new_index=after.index,
                    ops=_whole("insert", after.text.get(language, "")),
                    changed_languages=list(present),
                )
                for language in langs
            ]
        changed_languages = _changed_languages(before.text, after.text, all_languages)
        moved = after.ident in moved_clauses
        changed = bool(changed_languages)
        counts["moved"] += moved
        counts["changed"] += changed
        counts["unchanged"] += not (moved or changed)
        status: ClauseStatus = "moved" if moved else "changed" if changed else "unchanged"
        return [
            ClauseDiff(
                key=after.key,
                status=status,
                added=False,
                removed=False,
                moved=moved,
                changed=changed,
                old_section=before.section[0],
                new_section=after.section[0],
                old_index=before.index,
                new_index=after.index,
                ops=diff_text(before.text.get(language, ""), after.text.get(language, "")),
                changed_languages=list(changed_languages),
            )
            for language in langs
        ]

    def removed_clauses_of(
        old_section: _Section, kept_in_place: dict[tuple[str, int], list[ClauseDiff]]
    ) -> list[tuple[list[ClauseDiff] | None, list[ClauseDiff]]]:
        # Anchor each deleted clause to the nearest preceding clause of the
        # same old section that is still in that section, so it is shown
        # where it used to be.
        placed: list[tuple[list[ClauseDiff] | None, list[ClauseDiff]]] = []
        anchor: list[ClauseDiff] | None = None
        for clause in old_section.clauses:
            if clause.ident in kept_in_place:
                anchor = kept_in_place[clause.ident]
            elif clause.ident not in new_clauses:
                placed.append((anchor, clause_diffs(clause, None)))
        return placed

    def per_language(rows: list[list[ClauseDiff]], n: int) -> list[ClauseDiff]:
        return [row[n] for row in rows]

    kept_sections: list[list[SectionDiff]] = []
    for section in new_sections:
        before_section = old_by_ident.get(section.ident)
        rows = [clause_diffs(old_clauses.get(c.ident), c) for c in section.clauses]
        if before_section is None:
            present = [lang for lang in all_languages if section.heading.get(lang, "")]
            kept_sections.append(
                [
                    SectionDiff(
                        key=section.key,
                        status="added",
                        added=True,
                        removed=False,
                        moved=False,
                        heading_changed=False,
                        old_index=None,
                        new_index=section.index,
                        heading_ops=_whole("insert", section.heading.get(language, "")),
                        heading_changed_languages=list(present),
                        clauses=per_language(rows, n),
                    )
                    for n, language in enumerate(langs)
                ]
            )
            continue
        in_place = (
            {
                c.ident: row
                for c, row in zip(section.clauses, rows, strict=True)
                if row[0].old_section is not None and old_clauses[c.ident].section == section.ident
            }
            if langs
            else {}
        )
        rows = _place_removed(rows, removed_clauses_of(before_section, in_place))
        heading_langs = _changed_languages(before_section.heading, section.heading, all_languages)
        moved = section.ident in moved_sections
        status: SectionStatus = "moved" if moved else "changed" if heading_langs else "unchanged"
        kept_sections.append(
            [
                SectionDiff(
                    key=section.key,
                    status=status,
                    added=False,
                    removed=False,
                    moved=moved,
                    heading_changed=bool(heading_langs),
                    old_index=before_section.index,
                    new_index=section.index,
                    heading_ops=diff_text(before_section.heading.get(language, ""), section.heading.get(language, "")),
                    heading_changed_languages=list(heading_langs),
                    clauses=per_language(rows, n),
                )
                for n, language in enumerate(langs)
            ]
        )

    # Removed sections go after the surviving section that preceded them.
    kept_by_ident = {s.ident: d for s, d in zip(new_sections, kept_sections, strict=True)}
    removed_sections: list[tuple[list[SectionDiff] | None, list[SectionDiff]]] = []
    anchor: list[SectionDiff] | None = None
    for section in old_sections:
        if section.ident in kept_by_ident:
            anchor = kept_by_ident[section.ident]
            continue
        present = [lang for lang in all_languages if section.heading.get(lang, "")]
        rows = [clause_diffs(c, None) for c in section.clauses if c.ident not in new_clauses]
        removed_sections.append(
            (
                anchor,
                [
                    SectionDiff(
                        key=section.key,
                        status="removed",
                        added=False,
                        removed=True,
                        moved=False,
                        heading_changed=False,
                        old_index=section.index,
                        new_index=None,
                        heading_ops=_whole("delete", section.heading.get(language, "")),
                        heading_changed_languages=list(present),
                        clauses=per_language(rows, n),
                    )
                    for n, language in enumerate(langs)
                ],
            )
        )
    section_rows = _place_removed(kept_sections, removed_sections)

    old_title, new_title = _texts(old.get("title")), _texts(new.get("title"))
    title_changed_languages = _changed_languages(old_title, new_title, all_languages)
    # The counts, like everything but the ops, do not depend on the language.
    result: dict[str, DocumentDiff] = {}
    for n, language in enumerate(langs):
        sections = [row[n] for row in section_rows]
        summary = DiffSummary(
            **counts,
            sections_added=sum(s.added for s in sections),
            sections_removed=sum(s.removed for s in sections),
            sections_moved=len(moved_sections),
            headings_changed=sum(s.heading_changed for s in sections),
        )
        result[language] = DocumentDiff(
            language=language,
            languages=list(all_languages),
            title_ops=diff_text(old_title.get(language, ""), new_title.get(language, "")),
            title_changed_languages=list(title_changed_languages),
            sections=sections,
            summary=summary,
        )
    return result


def _whole(kind: OpKind, text: str) -> list[Op]:
    return [Op(kind, text)] if text else []
