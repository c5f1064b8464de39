"""Diff tokens: Unicode's grapheme clusters, words and scripts, found by the ``regex`` package.

Scripts written with spaces between words are diffed word by word; scripts written without
them (Han, Hangul, Kana, Bopomofo, Yi, Thai, Lao, Khmer, Myanmar) cluster by cluster, because a
whole Korean eojeol or a whole unspaced Thai run would make every one-syllable edit look like a
rewrite. A cluster is ``\\X`` (UAX #29: a base with its combining marks, variation selectors, emoji
modifiers, ZWJ-joined pictographs, flag pairs), so an edit never splits "é" or "👩‍👩‍👧".
"""

from __future__ import annotations

import re
from itertools import accumulate
from operator import itemgetter

import regex

# Letters and numbers of these scripts are diffed one cluster at a time.
UNSPACED_SCRIPTS = ("Han", "Hangul", "Hiragana", "Katakana", "Bopomofo", "Yi", "Thai", "Lao", "Khmer", "Myanmar")

_UNSPACED = "".join(rf"\p{{Script={script}}}" for script in UNSPACED_SCRIPTS)
# What UAX #29 attaches to the preceding code point inside a cluster.
_EXTEND = r"[\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=ZWJ}\p{Grapheme_Cluster_Break=SpacingMark}]"
# Word characters of spaced scripts: regex's \w (letters, marks, numbers, joiners) without "_" and unspaced scripts.
# A word is a run of them with their extenders: the same clusters \X finds (a test checks it).
_WORD = rf"[^\W_{_UNSPACED}]+(?:{_EXTEND}+[^\W_{_UNSPACED}]*)*"
_SPACE = rf"\s+{_EXTEND}*"
_UNSPACED_CLUSTER = rf"(?=\w)(?=[{_UNSPACED}])\X"

# No two alternatives start with the same code point; the last one takes any cluster, so findall() tiles the whole
# input and "".join(tokens) == text by construction.
_TOKEN = regex.compile(rf"{_WORD}|{_SPACE}|{_UNSPACED_CLUSTER}|\X", regex.DOTALL)


# What a token is, by its first code point: a word, whitespace, a cluster of an unspaced script,
# or anything else (punctuation, symbol, emoji, control: one cluster).
_KIND_OF = regex.compile(rf"({_WORD})|({_SPACE})|({_UNSPACED_CLUSTER})", regex.DOTALL)


class _KindOfFirstCharacter(dict[str, str]):
    def __missing__(self, char: str) -> str:
        match = _KIND_OF.match(char)
        kind = self[char] = "wsu"[match.lastindex - 1] if match and match.lastindex else "o"
        return kind


_kind_of_first = _KindOfFirstCharacter()


def tokenize(text: str) -> list[str]:
    """Split ``text`` into diff tokens; ``"".join(tokenize(t)) == t`` always.

    Words, whitespace runs and single punctuation/symbol clusters for spaced scripts; single
    clusters for unspaced scripts (``UNSPACED_SCRIPTS``).
    """
    return _TOKEN.findall(text)


# A chunk, in token kinds: a word (or up to 8 clusters of an unspaced script), the punctuation
# after it and the whitespace after that.
_CHUNK = re.compile(r"(?=.)(?:w|u{1,8})?o*s?")


def chunks(tokens: list[str], start: int, end: int) -> list[int]:
    """Where ``tokens[start:end]`` splits into chunks: the index after each chunk.

    The redline matches chunks first and then the tokens of changed chunks: that keeps the matcher
    away from hugely repeated tokens like " ", and the bound of 8 keeps an unspaced sentence from
    becoming a single chunk.
    """
    kinds = "".join(map(_kind_of_first.__getitem__, map(itemgetter(0), tokens[start:end])))
    return list(accumulate(map(len, _CHUNK.findall(kinds)), initial=start))[1:]
