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
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import compress, product, repeat

from exposure.tagging._gazetteer import Mention, concept_of
from exposure.tagging._normalize import TOKEN, normalize_token, positions_of, token_spans

# Finds what r"(?<=[.!?])\s+|\n\s*\n" finds (the first group, when set, is its span), written to
# begin with one of four characters so that the regex engine skips straight to them.
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=[.!?])(\s+)|(?<=\n)\s*\n)")
# The lookahead is a quick test of the first character (every break starts with one of these).
_BREAK_WORDS = ("while", "as", "but", "whereas", "although", "though", "amid", "despite", "after", "because", "on")
_CLAUSE_BREAK = re.compile(rf"(?=[,;:abdotw])(?:[,;:]|\b(?:{'|'.join(_BREAK_WORDS)})\b)", re.IGNORECASE)
# Every way of writing a break word in ASCII letters ("While", "AFTER"), and the break marks: in an
# ASCII sentence without "_", a run of letters and digits is what "\b...\b" reads as a word, so
# the breaks are found from the text's tokens by set look-ups (see ``_Sentences._sentence_clause_bounds``).
_BREAK_FORMS = frozenset(
    "".join(letters) for word in _BREAK_WORDS for letters in product(*({c, c.upper()} for c in word))
)
_BREAK_MARKS = ",;:"

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
_DIRECTION = {word: (word in _POSITIVE) - (word in _NEGATIVE) for word in _POSITIVE | _NEGATIVE}


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the sentences of a text (paragraph breaks end a sentence too).

    Examples
    --------
    >>> sentence_spans("Oil rose. Gas fell.\\n\\nNew para")
    ((0, 9), (10, 19), (21, 29))
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end, next_start = match.span(1) if match.lastindex else match.span()
        spans.append((start, end))
        start = next_start
    spans.append((start, len(text)))
    return tuple((a, b) for a, b in spans if text[a:b].strip())


class _Folds(dict):
    """Word -> its folded form (``normalize_token``), kept for words of ordinary length.

    Bounded: at ``_FOLDS_LIMIT`` words it starts again, and longer words than ``_FOLDED_CHARS``
    are folded each time, so that no text, however odd, can fill memory.
    """

    def __missing__(self, word: str) -> str:
        folded = normalize_token(word)
        if len(word) <= _FOLDED_CHARS:
            if len(self) >= _FOLDS_LIMIT:
                self.clear()
            self[word] = folded
        return folded


_FOLDS_LIMIT = 1 << 16
_FOLDED_CHARS = 64
_FOLDS = _Folds()


def _folded(word: str) -> str:
    """``normalize_token(word)``, from a cache shared by the context rules."""
    return _FOLDS[word]


def sentence_direction(sentence: str) -> int:
    """+1, -1 or 0: the balance of direction words in a sentence.

    >>> sentence_direction("European airlines cancelled routes")
    -1
    >>> sentence_direction("Airlines said bookings to the Baltics")
    0
    """
    return _direction_of(list(map(_FOLDS.__getitem__, TOKEN.findall(sentence))))


def _direction_of(folded_words: Sequence[str]) -> int:
    score = sum(map(_DIRECTION.get, folded_words, repeat(0)))
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


class _Tokens:
    """Every token of a text, read once: as written, folded, and where each starts and ends.

    >>> tokens = _Tokens("Oil rose; airlines' shares fell")
    >>> tokens.folded, tokens.within(10, 31), tokens.within(12, 31)
    (['oil', 'rose', 'airline', 'share', 'fell'], range(2, 5), None)
    """

    def __init__(self, text: str) -> None:
        self.words, self.starts, self.ends = token_spans(text)
        self.folded = list(map(_FOLDS.__getitem__, self.words))

    def within(self, start: int, end: int) -> range | None:
        """Numbers of the tokens of ``text[start:end]``, or None when the span cuts a token (a
        clause may end inside "while's"): the span's own tokens are then not all tokens of the text."""
        first = bisect_left(self.starts, start)
        stop = bisect_right(self.ends, end)
        if (first > 0 and self.ends[first - 1] > start) or (stop < len(self.starts) and self.starts[stop] < end):
            return None
        return range(first, stop)


class _Sentences:
    """What the context rules read of one text, each part worked out at most once and shared.

    The sentences of the text; the sentence holding a position (``number(position)``, or
    ``number_at[position]`` from the dict of what was asked so far); every token of the text,
    found once (``tokens``), of which the words of any span are a slice; each sentence's clauses;
    each clause's folded words (``folded``), the same with their spans (``words``), and its
    direction. Everything is computed when first asked for, so a rule pays only for what it
    reads, and time stays linear in the length of the text.

    This is the per-text cache of the tagging stages: ``_Sentences(text)`` gives back the
    instance made for the last text when it is called with the same text again, so the stages
    of one ``tag_event`` call (sentence signs, company fortune, operated systems, regional
    variants, and any stage added later that calls ``_Sentences(text)``) cut and read the text
    once between them. Only the last text's instance is kept.

    Examples
    --------
    >>> sentences = _Sentences("Oil rose. Airlines cancelled routes, but banks rose.")
    >>> sentences is _Sentences("Oil rose. Airlines cancelled routes, but banks rose.")
    True
    >>> number = sentences.number_at[10]
    >>> number, sentences.clause_key(number, 41), sentences.clause_direction(number, 10)
    (1, (1, 2), -1)
    >>> [word for _, _, word in sentences.words(*sentences.clause_span(1, 0))]
    ['airline', 'canceled', 'route']
    """

    # The instance of the last text, in a list: storing it on the class would change the class
    # with each text, and the interpreter's attribute caches of every instance start again then.
    _kept: list[_Sentences] = []

    text: str
    spans: tuple[tuple[int, int], ...]
    number_at: dict[int, int]
    number: Callable[[int], int]

    def __new__(cls, text: str) -> _Sentences:
        kept = cls._kept
        if kept and (kept[0].text is text or kept[0].text == text):
            return kept[0]
        self = super().__new__(cls)
        self.text = text
        self.spans = sentence_spans(text)
        self.number_at = _SentenceAt(self.spans)
        self.number = self.number_at.__getitem__
        self._bounds: dict[int, list[int]] = {}
        self._folded: dict[tuple[int, int], list[str]] = {}
        self._words: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
        self._directions: dict[tuple[int, int], int] = {}
        self._tokens: _Tokens | None = None
        self._token_bounds: list[int] | None = None
        kept[:] = [self]
        return self

    @classmethod
    def forget(cls) -> None:
        """Drop the instance kept for the last text (the next call reads its text afresh)."""
        cls._kept.clear()

    def clause_key(self, number: int, position: int) -> tuple[int, int] | None:
        """``(sentence, clause)`` numbers of the clause of sentence ``number`` holding ``position``."""
        bounds = self._bounds.get(number)
        if bounds is None:
            bounds = self._bounds[number] = self._sentence_clause_bounds(number)
        clause = _clause_at(bounds, position)
        return None if clause is None else (number, clause)

    def _sentence_clause_bounds(self, number: int) -> list[int]:
        """``_clause_bounds`` of sentence ``number``, read in place: a sentence follows white space,
        which the pattern's ``\\b`` reads as the start of a text would be read."""
        start, end = self.spans[number]
        text = self.text
        sentence = text[start:end]
        if not sentence.isascii() or "_" in sentence:
            return [start, *[match.end() for match in _CLAUSE_BREAK.finditer(text, start, end)], end]
        # The same breaks, read from the sentence's tokens: ASCII letters fold only among themselves,
        # and without "_" the words "\b" bounds are the runs of letters and digits, that is the
        # tokens, or their pieces between apostrophes.
        tokens, bounds = self.tokens, self.token_bounds
        first = bounds[number]
        stop = bounds[number + 1] if number + 1 < len(bounds) else len(tokens.starts)
        words = tokens.words[first:stop]
        breaks = list(compress(tokens.ends[first:stop], map(_BREAK_FORMS.__contains__, words)))
        for mark in _BREAK_MARKS:  # str.find skips to each mark in C, faster than a regex scan
            if mark in sentence:
                breaks += [at + 1 for at in positions_of(mark, text, start, end)]
        if "'" in sentence:
            for word, at in zip(words, tokens.starts[first:stop]):
                if "'" in word:
                    for piece in word.split("'"):
                        if piece in _BREAK_FORMS:
                            breaks.append(at + len(piece))
                        at += len(piece) + 1
            breaks = sorted(set(breaks))
        else:
            breaks.sort()
        return [start, *breaks, end]

    def clause_span(self, number: int, clause: int) -> tuple[int, int]:
        """Character span of a clause found by ``clause_key``."""
        bounds = self._bounds[number]
        return bounds[clause], bounds[clause + 1]

    @property
    def tokens(self) -> _Tokens:
        """Every token of the text (read on first use)."""
        if self._tokens is None:
            self._tokens = _Tokens(self.text)
        return self._tokens

    @property
    def token_bounds(self) -> list[int]:
        """Number of the first token of each sentence (or of the first after it, for a sentence with
        none): token ``i`` lies in sentence ``bisect_right(token_bounds, i) - 1``, since every token
        lies in a sentence and only white space lies between them."""
        if self._token_bounds is None:
            starts = self.tokens.starts
            self._token_bounds = [bisect_left(starts, start) for start, _ in self.spans]
        return self._token_bounds

    def token_range(self, number: int) -> range:
        """Numbers of the tokens of sentence ``number`` (sentences end at white space, so never inside a token)."""
        start, end = self.spans[number]
        tokens = self.tokens
        return range(bisect_left(tokens.starts, start), bisect_right(tokens.ends, end))

    def columns(self, start: int, end: int) -> tuple[list[int], list[int], list[str], list[str]]:
        """Starts, ends, written and folded forms of the tokens of ``text[start:end]``."""
        tokens = self.tokens
        within = tokens.within(start, end)
        if within is None:
            found = list(TOKEN.finditer(self.text, start, end))
            written = [m.group() for m in found]
            return [m.start() for m in found], [m.end() for m in found], written, [_FOLDS[w] for w in written]
        first, stop = within.start, within.stop
        return tokens.starts[first:stop], tokens.ends[first:stop], tokens.words[first:stop], tokens.folded[first:stop]

    def folded(self, start: int, end: int) -> list[str]:
        """Folded forms of the tokens of ``text[start:end]``, read once per span."""
        found = self._folded.get((start, end))
        if found is None:
            found = self._folded[start, end] = self.folded_once(start, end)
        return found

    def first_folded(self, start: int, end: int, count: int) -> list[str]:
        """``folded(start, end)[:count]``, not kept; ``start`` is not inside a token."""
        tokens = self.tokens
        first = bisect_left(tokens.starts, start)
        if first + count <= len(tokens.ends) and tokens.ends[first + count - 1] <= end:
            return tokens.folded[first:first + count]
        return self.folded_once(start, end)[:count]

    def last_folded(self, start: int, end: int, count: int) -> list[str]:
        """``folded(start, end)[-count:]``, not kept; ``end`` is not inside a token."""
        tokens = self.tokens
        stop = bisect_right(tokens.ends, end)
        if stop >= count and tokens.starts[stop - count] >= start:
            return tokens.folded[stop - count:stop]
        return self.folded_once(start, end)[-count:]

    def folded_once(self, start: int, end: int) -> list[str]:
        """``folded`` for a span read only once (not kept)."""
        within = self.tokens.within(start, end)
        if within is None:
            return list(map(_FOLDS.__getitem__, TOKEN.findall(self.text, start, end)))
        return self.tokens.folded[within.start:within.stop]

    def words(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """``(start, end, folded word)`` of the tokens of ``text[start:end]``, read once per span."""
        found = self._words.get((start, end))
        if found is None:
            starts, ends, _, folded = self.columns(start, end)
            found = self._words[start, end] = list(zip(starts, ends, folded))
        return found

    def clause_direction(self, number: int, position: int) -> int:
        """Direction of the clause of sentence ``number`` holding ``position`` (0 outside any)."""
        key = self.clause_key(number, position)
        if key is None:
            return 0
        direction = self._directions.get(key)
        if direction is None:
            direction = self._directions[key] = _direction_of(self.folded(*self.clause_span(*key)))
        return direction


class _SentenceAt(dict):
    """Position -> number of the sentence holding it (the last sentence when none holds it)."""

    def __init__(self, spans: tuple[tuple[int, int], ...]) -> None:
        super().__init__()
        self._spans = spans
        self._starts = [start for start, _ in spans]

    def fill(self, positions: Sequence[int]) -> None:
        """Work out the numbers of many positions at once (what ``self[position]`` gives each), in
        one loop instead of a ``__missing__`` call per position: every stage then finds them here.

        >>> at = _SentenceAt(((0, 9), (10, 19)))
        >>> at.fill([12, 3, 25, -1]); sorted(at.items()) == sorted({p: _SentenceAt(((0, 9), (10, 19)))[p]
        ...                                                        for p in [12, 3, 25, -1]}.items())
        True
        """
        spans, last = self._spans, len(self._spans) - 1
        for position, number in zip(positions, map(bisect_right, repeat(self._starts), positions)):
            number -= 1
            self[position] = number if number >= 0 and position < spans[number][1] else last

    def __missing__(self, position: int) -> int:
        number = bisect_right(self._starts, position) - 1
        if not (number >= 0 and position < self._spans[number][1]):
            number = len(self._spans) - 1
        self[position] = number
        return number


_CLAUSE_RULES = {1: "clause: words of rise", -1: "clause: words of fall", 0: ""}


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
    if concepts.isdisjoint(map(concept_of, mentions)):
        return list(mentions)
    drivers_of = drivers_of or {}
    sentences = _Sentences(text)
    number_at = sentences.number_at
    named: dict[int, set[str]] | None = None
    signed = []
    for mention in mentions:
        if mention.concept in concepts and mention.start >= 0:
            number = number_at[mention.start]
            drivers = drivers_of.get(mention.concept)
            if drivers and named is None:
                named = {}
                for other in mentions:
                    named.setdefault(number_at[other.start], set()).add(other.concept)
            if drivers and not drivers.isdisjoint(named[number]):
                direction, why = 0, "clause: its driver is named in the sentence"
            else:
                direction = sentences.clause_direction(number, mention.start)
                why = _CLAUSE_RULES[direction]
            if direction != mention.sign or why:
                rule = f"{mention.rule}; {why}" if mention.rule and why else mention.rule or why
                mention = mention.replaced(sign=direction, rule=rule)
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
    if variants.keys().isdisjoint(map(concept_of, mentions)):
        return list(mentions)
    number_at = _Sentences(text).number_at
    places: dict[int, set[str]] = {}
    for mention in mentions:
        if mention.concept in regions_of and mention.start >= 0:
            places.setdefault(number_at[mention.start], set()).update(regions_of[mention.concept])

    def local(mention: Mention) -> Mention:
        here = places.get(number_at[mention.start], ())
        for variant, region in variants[mention.concept]:
            if region in here:
                rule = f"{mention.rule}; " if mention.rule else ""
                return mention.replaced(concept=variant, rule=f"{rule}region: {region.removeprefix('region:')}")
        return mention

    return [local(m) if m.concept in variants and m.start >= 0 else m for m in mentions]
