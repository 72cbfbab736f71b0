"""Token phrases found in one pass: an Aho-Corasick automaton over one character per token.

Each token of the phrase vocabulary becomes one character (a "symbol") and a text becomes the
string of its tokens' symbols, so a phrase is a substring and a match can neither start nor end
inside a word. ahocorasick_rs (Rust) runs a leftmost-longest, non-overlapping search over that
string, which is exactly the gazetteer's rule. Tokens outside the vocabulary become ``OUTSIDE``, a
character no phrase contains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ahocorasick_rs

OUTSIDE = "\x01"
_FIRST = 0x100
_SURROGATES = range(0xD800, 0xE000)


def symbol(i: int) -> str:
    """The character standing for vocabulary token number ``i`` (surrogates skipped).

    Examples
    --------
    >>> symbol(0) == chr(0x100)
    True
    """
    code = _FIRST + i
    if code >= _SURROGATES.start:
        code += len(_SURROGATES)
    return chr(code)


class PhraseIndex:
    """Symbol strings -> values, searched leftmost-longest without overlaps.

    Unlike the automaton it wraps, a PhraseIndex pickles: it keeps its phrases and rebuilds.

    Parameters
    ----------
    phrases : mapping of str to object
        Non-empty strings of symbols and the value to report for each.

    Examples
    --------
    >>> a, b, c = symbol(0), symbol(1), symbol(2)
    >>> index = PhraseIndex({a + b: "AB", b: "B", c: "C"})
    >>> index.find(c + a + b + OUTSIDE + b)
    [(0, 1, 'C'), (1, 3, 'AB'), (4, 5, 'B')]
    """

    def __init__(self, phrases: Mapping[str, object]) -> None:
        self._phrases = list(phrases)
        self._values = list(phrases.values())
        self._build()

    def _build(self) -> None:
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self._phrases, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)
            if self._phrases else None
        )

    def __len__(self) -> int:
        return len(self._phrases)

    def __getstate__(self) -> dict:
        return {"phrases": self._phrases, "values": self._values}

    def __setstate__(self, state: dict) -> None:
        self._phrases, self._values = state["phrases"], state["values"]
        self._build()

    def find_spans(self, symbols: str, starts: Sequence[int], ends: Sequence[int]) -> list[tuple[int, int, object]]:
        """``(starts[first token], ends[last token], value)`` of each match: ``find`` with the tokens'
        positions looked up in the same pass.

        >>> a, b = symbol(0), symbol(1)
        >>> PhraseIndex({a + b: "AB"}).find_spans(OUTSIDE + a + b, [0, 4, 8], [3, 7, 11])
        [(4, 11, 'AB')]
        """
        if self._automaton is None:
            return []
        values = self._values
        return [(starts[first], ends[end - 1], values[i])
                for i, first, end in self._automaton.find_matches_as_indexes(symbols)]

    def find(self, symbols: str) -> list[tuple[int, int, object]]:
        """``(first token, end token, value)`` of each match, leftmost-longest, in order."""
        if self._automaton is None:
            return []
        values = self._values
        return [(start, end, values[i]) for i, start, end in self._automaton.find_matches_as_indexes(symbols)]
