"""Sentence context: the direction of a mention, and systems implied by a country and a theme.

Two rules keep the graph linear while reading a little more than single words:

* a theme whose ``direction`` is ``sentence`` (an industry such as airlines, or a level that
  moves both ways such as interest rates, as opposed to a driver such as defense spending whose
  mention counts in its favour), and any GICS industry, takes its sign from the direction words
  of its clause ("airlines cancelled routes" is bad news for airlines; "bank shares rose while
  homebuilders slid" is good for banks and bad for homebuilders; a bare mention says nothing),
  unless a driver named in the same sentence already implies it ("export controls ... chip
  equipment makers" is read through the signed edge export-controls -> equipment, not words);
* a country or organisation named in the same sentence as a theme brings in the systems it
  operates that serve the theme unless it is the actor of an attack there (see ``_roles``);
* a theme with a regional variant (a sub-theme with a ``region``), named in a sentence that
  names a place of that region, is read as the variant: air defence asked for by Lithuania is
  European air defence, which Indian or Korean makers do not sell.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from dataclasses import replace

from exposure.tagging._gazetteer import Mention
from exposure.tagging._normalize import TOKEN, normalize_token

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_CLAUSE_BREAK = re.compile(
    r"[,;:]|\b(?:while|as|but|whereas|although|though|amid|despite|after|because|on)\b", re.IGNORECASE
)

_NEGATIVE = frozenset(normalize_token(w) for w in (
    "cancel cancelled cancels cut cuts closed close closes closure shut shuts halt halted halts "
    "suspend suspended ground grounded disrupt disrupted disrupts disruption divert diverted hit "
    "hurt slump slumped plunge plunged fall fell drop dropped decline declined loss losses warn "
    "warned warning downgrade downgraded ban banned weaker lower reduce reduced delay delayed "
    "tumble tumbled sink sank slash slashed collapse collapsed stranded ease eased easing loosen "
    "loosened dovish slide slid dip dipped retreat retreated weaken weakened slowdown slowed "
    "contraction shortage restriction curb crackdown blacklist"
).split())
_POSITIVE = frozenset(normalize_token(w) for w in (
    "rise rose rises jump jumped surge surged rally rallied boost boosted gain gained record beat "
    "upgrade upgraded increase increased higher strong stronger raise "
    "raised soar soared recover recovered recovery resume resumed reopen reopened hike hikes hiked "
    "tighten tightened tightening climb climbed spike spiked lift lifted hawkish accelerate "
    "accelerated"
).split())


@lru_cache(maxsize=8)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the sentences of a text (paragraph breaks end a sentence too).

    Cached for the last few texts: the three context rules read the same text in turn.

    Examples
    --------
    >>> sentence_spans("Oil rose. Gas fell.\\n\\nNew para")
    ((0, 9), (10, 19), (21, 29))
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return tuple((a, b) for a, b in spans if text[a:b].strip())


@lru_cache(maxsize=1 << 16)
def _folded(word: str) -> str:
    return normalize_token(word)


def sentence_direction(sentence: str) -> int:
    """+1, -1 or 0: the balance of direction words in a sentence.

    >>> sentence_direction("European airlines cancelled routes")
    -1
    >>> sentence_direction("Airlines said bookings to the Baltics")
    0
    """
    score = 0
    for match in TOKEN.finditer(sentence):
        word = _folded(match.group(0))
        score += (word in _POSITIVE) - (word in _NEGATIVE)
    return (score > 0) - (score < 0)


def _clause_bounds(text: str, start: int, end: int) -> list[int]:
    return [start, *(start + m.end() for m in _CLAUSE_BREAK.finditer(text[start:end])), end]


def _clause_at(bounds: Sequence[int], position: int) -> int | None:
    """Number of the clause ``[bounds[i], bounds[i + 1])`` that holds ``position``, if any."""
    number = bisect_right(bounds, position) - 1
    return number if 0 <= number < len(bounds) - 1 else None


def clause_direction(text: str, start: int, end: int, position: int) -> int:
    """Direction of the clause of ``text[start:end]`` that holds character ``position``.

    Examples
    --------
    >>> text = "Bank shares rose while homebuilders slid."
    >>> clause_direction(text, 0, len(text), 0), clause_direction(text, 0, len(text), 23)
    (1, -1)
    """
    bounds = _clause_bounds(text, start, end)
    number = _clause_at(bounds, position)
    return 0 if number is None else sentence_direction(text[bounds[number]:bounds[number + 1]])


class _Sentences:
    """The sentences of one text, each sentence's clauses cut and each clause's direction read at
    most once, so that signing every mention of a text costs time linear in its length."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentence_spans(text)
        self._starts = [start for start, _ in self.spans]
        self._bounds: dict[int, list[int]] = {}
        self._directions: dict[tuple[int, int], int] = {}

    def number(self, position: int) -> int:
        """The sentence holding ``position`` (the last sentence when none holds it)."""
        number = bisect_right(self._starts, position) - 1
        if number >= 0 and position < self.spans[number][1]:
            return number
        return len(self.spans) - 1

    def clause_key(self, number: int, position: int) -> tuple[int, int] | None:
        """``(sentence, clause)`` numbers of the clause of sentence ``number`` holding ``position``."""
        bounds = self._bounds.get(number)
        if bounds is None:
            bounds = self._bounds[number] = _clause_bounds(self.text, *self.spans[number])
        clause = _clause_at(bounds, position)
        return None if clause is None else (number, clause)

    def clause_span(self, number: int, clause: int) -> tuple[int, int]:
        """Character span of a clause found by ``clause_key``."""
        bounds = self._bounds[number]
        return bounds[clause], bounds[clause + 1]

    def clause_direction(self, number: int, position: int) -> int:
        key = self.clause_key(number, position)
        if key is None:
            return 0
        if key not in self._directions:
            self._directions[key] = sentence_direction(self.text[slice(*self.clause_span(*key))])
        return self._directions[key]


def sign_by_sentence(
    text: str,
    mentions: Sequence[Mention],
    concepts: frozenset[str],
    drivers_of: dict[str, frozenset[str]] | None = None,
) -> list[Mention]:
    """Give mentions of the chosen concepts the direction of their clause.

    Every sentence is cut into clauses once and every clause read once, whatever the number of
    mentions in it: time is linear in the length of the text.

    Parameters
    ----------
    concepts : frozenset of str
        Concepts signed by their clause.
    drivers_of : dict, optional
        Concept -> concepts that imply it. When one of them is named in the same sentence, the
        mention carries nothing (sign 0): the driver's signed edge says which way it goes.

    Examples
    --------
    >>> text = "Bank shares rose while homebuilders slid."
    >>> found = [Mention("theme:banks", "Bank shares", 0, 11, 1.0),
    ...          Mention("theme:housing", "homebuilders", 23, 35, 1.0)]
    >>> [m.sign for m in sign_by_sentence(text, found, frozenset({"theme:banks", "theme:housing"}))]
    [1, -1]
    """
    drivers_of = drivers_of or {}
    sentences = _Sentences(text)
    numbers = [sentences.number(mention.start) for mention in mentions]
    named: dict[int, set[str]] = {}
    for mention, number in zip(mentions, numbers):
        named.setdefault(number, set()).add(mention.concept)
    signed = []
    for mention, number in zip(mentions, numbers):
        if mention.concept in concepts and mention.start >= 0:
            if drivers_of.get(mention.concept, frozenset()) & named[number]:
                direction = 0
            else:
                direction = sentences.clause_direction(number, mention.start)
            mention = replace(mention, sign=direction)
        signed.append(mention)
    return signed


def localize(
    text: str,
    mentions: Sequence[Mention],
    variants: dict[str, list[tuple[str, str]]],
    regions_of: dict[str, frozenset[str]],
) -> list[Mention]:
    """Read theme mentions as their regional variant when their sentence names a place of it.

    Parameters
    ----------
    variants : dict
        Theme -> ``[(regional sub-theme, region id), ...]``.
    regions_of : dict
        Place (country or region) -> the regions it lies in, itself included for regions.

    Examples
    --------
    >>> text = "Lithuania asks for more air defences."
    >>> found = [Mention("country:LT", "Lithuania", 0, 9, 1.0),
    ...          Mention("theme:air-missile-defense", "air defences", 24, 36, 0.9)]
    >>> variants = {"theme:air-missile-defense": [("theme:european-air-defense", "region:europe")]}
    >>> [m.concept for m in localize(text, found, variants, {"country:LT": frozenset({"region:europe"})})]
    ['country:LT', 'theme:european-air-defense']
    """
    sentences = _Sentences(text)
    places: dict[int, set[str]] = {}
    for mention in mentions:
        if mention.start >= 0:
            places.setdefault(sentences.number(mention.start), set()).update(regions_of.get(mention.concept, ()))
    localized = []
    for mention in mentions:
        if mention.start >= 0 and mention.concept in variants:
            here = places.get(sentences.number(mention.start), set())
            for variant, region in variants[mention.concept]:
                if region in here:
                    mention = replace(mention, concept=variant)
                    break
        localized.append(mention)
    return localized
