"""The redline of one text: tokens matched with difflib's algorithm, then grouped as a reader expects."""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

# cydifflib is CPython's difflib compiled with Cython: the same algorithm and the same results
# (declarations/tests/test_redline_pinned.py checks it against difflib), about twice as fast.
from cydifflib import SequenceMatcher

from .tokens import chunks, tokenize

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


def opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """``difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()``."""
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _common_prefix_len(a: str, b: str) -> int:
    # Bisection over slice comparisons: they run in C, a loop per character would not.
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix_len(a: str, b: str, limit: int) -> int:
    lo, hi = 0, min(limit, len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _largest_common(a: list[int], b: list[int], limit: int) -> int:
    """The largest number in both ascending lists that is at most ``limit`` (both start with 0)."""
    i = bisect_right(a, limit) - 1
    while b[bisect_left(b, a[i])] != a[i]:  # b ends at least where a does: limit is within both texts
        i -= 1
    return a[i]


def _match(
    a: list[str],
    b: list[str],
    out: list[tuple[OpKind, str]],
    refine: Callable[[int, int, int, int], None] | None = None,
) -> None:
    """Append the ops that turn items ``a`` into items ``b``; a common prefix and suffix skip the matcher.

    With ``refine``, a replaced run ``a[i1:i2]`` -> ``b[j1:j2]`` is handed to it instead.
    """
    la, lb = len(a), len(b)
    n = min(la, lb)
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    s = 0
    while s < n - p and a[la - 1 - s] == b[lb - 1 - s]:
        s += 1
    out.append(("equal", "".join(a[:p])))
    a_mid, b_mid = a[p : la - s], b[p : lb - s]
    if a_mid and b_mid:
        for tag, i1, i2, j1, j2 in opcodes(a_mid, b_mid):
            if tag == "equal":
                out.append(("equal", "".join(a_mid[i1:i2])))
            elif tag == "replace" and refine is not None:
                refine(p + i1, p + i2, p + j1, p + j2)
            else:
                out.append(("delete", "".join(a_mid[i1:i2])))
                out.append(("insert", "".join(b_mid[j1:j2])))
    else:
        out.append(("delete", "".join(a_mid)))
        out.append(("insert", "".join(b_mid)))
    out.append(("equal", "".join(a[la - s :])))


def _normalize(raw: Iterable[tuple[OpKind, str]]) -> list[tuple[str, str, str]]:
    """Group raw ops into (equal, deleted, inserted) runs.

    Each run is an equal segment followed by everything that changed before the next equal
    segment; all deletes of a change come before its inserts, which is how redlines are read.
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

    "the quick brown" -> "a slow red" would otherwise alternate del/ins/space/del/ins...; readers
    want one deletion and one insertion. Same rule as diff-match-patch's semantic cleanup: an
    equality no longer than the edits on *both* sides carries no meaning of its own. Repeated until
    stable because a fold enlarges the edits around the next equality.
    """
    while True:
        out: list[tuple[str, str, str]] = [runs[0]]
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
                out.append(run)
                prev_eq, prev_dels, prev_ins = run
        if len(out) == len(runs):
            return out
        runs = out


def diff_text(old: str, new: str) -> list[Op]:
    """Redline ``old`` -> ``new``.

    Returns ops with no empty texts and no two adjacent ops of the same kind; within a change the
    delete precedes the insert. Invariants: ``old_text(ops) == old`` and ``new_text(ops) == new``.
    """
    if old == new:
        return [Op("equal", old)] if old else []
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    # The common prefix and suffix, cut back to where both texts have a token boundary, are
    # equal; only the middle is chunked and matched.
    old_ends = list(itertools.accumulate(map(len, old_tokens), initial=0))
    new_ends = list(itertools.accumulate(map(len, new_tokens), initial=0))
    prefix = _common_prefix_len(old, new)
    p = _largest_common(old_ends, new_ends, prefix)
    suffix = _common_suffix_len(old, new, min(len(old), len(new)) - prefix)
    q = _largest_common(
        list(itertools.accumulate(map(len, reversed(old_tokens)), initial=0)),
        list(itertools.accumulate(map(len, reversed(new_tokens)), initial=0)),
        suffix,
    )
    old_lo, old_hi = bisect_left(old_ends, p), bisect_left(old_ends, len(old) - q)
    new_lo, new_hi = bisect_left(new_ends, p), bisect_left(new_ends, len(new) - q)
    old_mid, new_mid = old_tokens[old_lo:old_hi], new_tokens[new_lo:new_hi]

    # Chunks first, then the tokens of each run of changed chunks (see tokens.chunks).
    old_starts = [0, *(end - old_lo for end in chunks(old_tokens, old_lo, old_hi))]
    new_starts = [0, *(end - new_lo for end in chunks(new_tokens, new_lo, new_hi))]
    old_chunks = ["".join(old_mid[i:j]) for i, j in itertools.pairwise(old_starts)]
    new_chunks = ["".join(new_mid[i:j]) for i, j in itertools.pairwise(new_starts)]

    def refine(i1: int, i2: int, j1: int, j2: int) -> None:
        _match(old_mid[old_starts[i1] : old_starts[i2]], new_mid[new_starts[j1] : new_starts[j2]], raw)

    raw: list[tuple[OpKind, str]] = [("equal", old[:p])]
    _match(old_chunks, new_chunks, raw, refine)
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
