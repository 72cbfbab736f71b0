"""A gazetteer built from the graph's labels and aliases, and the mentions it finds in text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import accumulate, compress, product
from operator import attrgetter
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pandas as pd

from exposure.tagging._automaton import OUTSIDE, PhraseIndex, symbol
from exposure.tagging._data import data_rows
from exposure.tagging._normalize import TOKEN, normalize_token, pieces_of, tokenize

Origin = Literal["text", "context", "event", "tag", "vendor_ticker", "pretagged"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One concept found in an event.

    Attributes
    ----------
    concept : str
        Graph node id, e.g. ``"theme:counter-drone"``.
    text : str
        The matched text (the tag or ticker for non-text origins).
    start, end : int
        Character span in the event's text (``-1`` when not from the text).
    confidence : float
        In (0, 1]: the alias's confidence, or the prior of a tag or vendor ticker.
    origin : str
        ``text``, ``context`` (implied by a sentence, see ``_context``), ``event`` (an effect of an
        event type read in a clause, see ``_event_types``), ``tag``,
        ``vendor_ticker`` or ``pretagged``.
    sign : int
        +1, or for themes signed by their sentence its direction (-1, 0 or +1), or for companies
        the sign of what happens to them in their clause (see ``_fortune``).
    rule : str
        The rule and words that set the sign, when a rule did (``"fortune: fell"``), else empty.
    """

    concept: str
    text: str
    start: int
    end: int
    confidence: float
    origin: Origin = "text"
    sign: int = 1
    rule: str = ""

    def replaced(
        self,
        *,
        concept: str | None = None,
        confidence: float | None = None,
        sign: int | None = None,
        rule: str | None = None,
    ) -> Mention:
        """A copy with the given fields changed: ``dataclasses.replace`` for the fields the tagging
        stages change, a few times faster (a story's mentions are re-signed by several stages).

        >>> Mention("theme:airlines", "airlines", 0, 8, 0.9).replaced(sign=-1).sign
        -1
        """
        return _new_mention(
            self.concept if concept is None else concept, self.text, self.start, self.end,
            self.confidence if confidence is None else confidence, self.origin,
            self.sign if sign is None else sign, self.rule if rule is None else rule,
        )


concept_of = attrgetter("concept")
"""A mention's concept: ``map(concept_of, mentions)`` reads the concepts of many mentions in C, for the
stages that first ask whether a story names any concept they read at all."""


class _Unfrozen:
    """A blank with the very slots of ``Mention``, whose fields are set as plain attributes."""

    __slots__ = Mention.__slots__


def _new_mention(concept: str, text: str, start: int, end: int, confidence: float, origin: Origin = "text",
                 sign: int = 1, rule: str = "") -> Mention:
    """``Mention(...)`` made in less than half the time, for the stages that make a story's mentions.

    The fields go into an object of the same slots as plain attribute stores, and the object then
    becomes a Mention (same layout, so Python allows it): the result is a Mention like any other,
    equal, hashed, frozen and pickled alike.

    >>> made = _new_mention("theme:airlines", "airlines", 0, 8, 0.9, sign=-1)
    >>> type(made) is Mention, made == Mention("theme:airlines", "airlines", 0, 8, 0.9, sign=-1)
    (True, True)
    """
    mention = _Unfrozen()
    mention.concept = concept
    mention.text = text
    mention.start = start
    mention.end = end
    mention.confidence = confidence
    mention.origin = origin
    mention.sign = sign
    mention.rule = rule
    mention.__class__ = Mention
    return mention


def _folded(text: str) -> tuple[str, ...]:
    return tuple(normalize_token(t) for t, _, _ in tokenize(text))


def _tag_key(label: str) -> str:
    key = _TAG_KEYS.get(label)
    if key is None:
        key = re.sub(r"\s+", " ", label.casefold().replace("&", " and ")).strip()
        if len(label) <= _CACHED_CHARS and len(_TAG_KEYS) < _TAG_KEYS_LIMIT:
            _TAG_KEYS[label] = key
    return key


_TAG_KEYS: dict[str, str] = {}  # vendor tags repeat from event to event: their keys are worked out once
_TAG_KEYS_LIMIT = 10_000


class Gazetteer:
    """Phrase matcher over normalised tokens: word boundaries, case-insensitive, spelling-blind.

    Short all-caps aliases flagged ``case_sensitive`` (``"US"``, ``"SAM"``) match only as written.
    Matching is leftmost-longest without overlaps; a phrase shared by several concepts yields a
    mention of each. One Aho-Corasick pass finds every phrase (see ``_automaton``), so the time per
    text does not grow with the number of aliases. Folded forms of the text's words are cached;
    a Gazetteer pickles without its cache.

    Parameters
    ----------
    entries : iterable of (concept, alias, confidence, case_sensitive)
        Phrases to find.

    Examples
    --------
    >>> gaz = Gazetteer([("theme:air-missile-defense", "air defence", 0.9, False)])
    >>> [m.concept for m in gaz.find("Lithuania asks for more air defenses")]
    ['theme:air-missile-defense']
    """

    def __init__(self, entries: Iterable[tuple[str, str, float, bool]]) -> None:
        self._folded: dict[tuple[str, ...], dict[str, float]] = {}
        self._exact: dict[tuple[str, ...], dict[str, float]] = {}
        fold: dict[str, str] = {}
        for concept, alias, confidence, case_sensitive in entries:
            raw = TOKEN.findall(alias)
            if not raw:
                continue
            if case_sensitive:
                key, table = tuple(raw), self._exact
            else:
                for t in raw:
                    if t not in fold:
                        fold[t] = normalize_token(t)
                key, table = tuple([fold[t] for t in raw]), self._folded
            best = table.setdefault(key, {})
            best[concept] = max(best.get(concept, 0.0), float(confidence))
        self._build()

    def _build(self) -> None:
        # One symbol per folded word and one per case-sensitive spelling. A folded phrase is also
        # entered with each case-sensitive spelling of its words, since a text word that has such a
        # spelling is written with that symbol; one leftmost-longest pass then serves both tables.
        folded: dict[str, str] = {}
        for key in self._folded:
            for t in key:
                if t not in folded:
                    folded[t] = symbol(len(folded))
        exact: dict[str, str] = {}
        for key in self._exact:
            for t in key:
                if t not in exact:
                    exact[t] = symbol(len(folded) + len(exact))
        spellings: dict[str, list[str]] = {}
        for t, code in exact.items():
            spellings.setdefault(normalize_token(t), []).append(code)
        phrases: dict[str, list] = {}
        for key, hits in self._folded.items():
            for codes in product(*([folded[t], *spellings.get(t, ())] for t in key)):
                phrases.setdefault("".join(codes), [None, None])[0] = hits
        for key, hits in self._exact.items():
            phrases.setdefault("".join([exact[t] for t in key]), [None, None])[1] = hits
        self._index = PhraseIndex({k: _merge(f, e) for k, (f, e) in phrases.items()})
        self._symbols = folded, exact
        self._reset_cache()

    def _reset_cache(self) -> None:
        self._uneven_pieces: set[str] = set()
        self._codes = _Codes(self._encode)

    def __getstate__(self) -> dict:
        return {"folded": self._folded, "exact": self._exact, "index": self._index, "symbols": self._symbols}

    def __setstate__(self, state: dict) -> None:
        self._folded, self._exact = state["folded"], state["exact"]
        self._index, self._symbols = state["index"], state["symbols"]
        self._reset_cache()

    @classmethod
    def from_graph(cls, graph, short_names: Sequence[tuple[str, str, float, bool]] | None = None) -> Gazetteer:
        """Labels (confidence 1) and aliases of every node except securities, event types (read
        by their triggers, see ``_event_types``) and GICS levels above sub-industry (sector words
        such as "Energy" are structure, not news concepts).

        Companies are also found by their short names (``short_names``, by default
        ``company_short_names(graph)``).

        An alias row that spells a node's own label sets that label's confidence: a generic
        label such as "Military drones" often names the threat in a story, not the industry.
        Tickers are not matched in prose (too many collide with words); vendor ticker chips are
        resolved separately.
        """
        kind = graph.nodes["kind"]
        upper_gics = (kind == "gics") & (graph.nodes.index.str.len() < len("gics:00000000"))
        nodes = graph.nodes[(kind != "security") & (kind != "event") & ~upper_gics]
        aliases = graph.aliases
        alias_rows = list(zip(aliases["concept"], aliases["alias"], aliases["confidence"], aliases["case_sensitive"]))
        spelled = {(concept, _folded(alias)) for concept, alias, _, _ in alias_rows}
        labels = [(i, str(label), 1.0, False) for i, label in zip(nodes.index, nodes["label"])
                  if (i, _folded(str(label))) not in spelled]
        return cls([*labels, *alias_rows, *(company_short_names(graph) if short_names is None else short_names)])

    def __len__(self) -> int:
        return len(self._folded) + len(self._exact)

    def _encode(self, piece: str) -> str:
        words = TOKEN.findall(piece)
        if words != [piece]:
            self._uneven_pieces.add(piece)
        folded, exact = self._symbols
        return "".join([exact[w] if w in exact else folded.get(normalize_token(w), OUTSIDE) for w in words])

    def find(self, text: str) -> list[Mention]:
        """All mentions in a text, in order of position."""
        if len(self._codes) > _CACHE_LIMIT or self._codes.chars > _CACHE_CHARS:
            self._reset_cache()
        # Cutting at ASCII separators keeps every token whole and every character in place;
        # pieces with apostrophes or other characters are tokenised exactly when first seen.
        pieces = pieces_of(text)
        words = list(filter(None, pieces))
        found = self._index.find("".join(map(self._codes.__getitem__, words)))
        if not found:
            return []
        if self._uneven_pieces.isdisjoint(words):
            # Every word is one token, and piece j ends after the pieces up to it and j separators.
            ends = list(accumulate(map(len, pieces)))
            piece_of = list(compress(range(len(pieces)), pieces))
            spans = [(ends[i] + i - len(pieces[i]), ends[j] + j)
                     for i, j in [(piece_of[first], piece_of[end - 1]) for first, end, _ in found]]
        else:
            every = [m.span() for m in TOKEN.finditer(text)]
            spans = [(every[first][0], every[end - 1][1]) for first, end, _ in found]
        return [
            _new_mention(concept, text[start:end], start, end, confidence)
            for (_, _, hits), (start, end) in zip(found, spans)
            for concept, confidence in hits
        ]


    def find_tokens(self, text: str, words: Sequence[str], starts: Sequence[int], ends: Sequence[int]) -> list[Mention]:
        """``find(text)`` on the text's tokens already found (``TOKEN.finditer``'s words and spans, as
        ``_context._Tokens`` holds them), so that the tagging stages cut a text into words once.

        >>> gaz = Gazetteer([("theme:air-missile-defense", "air defence", 0.9, False)])
        >>> text = "NATO's air-defences"
        >>> gaz.find_tokens(text, ["NATO's", "air", "defences"], [0, 7, 11], [6, 10, 19]) == gaz.find(text)
        True
        """
        if len(self._codes) > _CACHE_LIMIT or self._codes.chars > _CACHE_CHARS:
            self._reset_cache()
        # A token is a piece of one token, so the pieces' codes serve the tokens too.
        found = self._index.find_spans("".join(map(self._codes.__getitem__, words)), starts, ends)
        return [
            _new_mention(concept, text[start:end], start, end, confidence)
            for start, end, hits in found
            for concept, confidence in hits
        ]


class _Codes(dict):
    """Piece of text -> its tokens' codes, computed on first sight; counts the characters it holds."""

    def __init__(self, encode) -> None:
        super().__init__({"": ""})
        self._encode = encode
        self.chars = 0

    def __missing__(self, piece: str) -> str:
        code = self[piece] = self._encode(piece)
        self.chars += len(piece)
        return code


def _merge(folded: dict[str, float] | None, exact: dict[str, float] | None) -> tuple[tuple[str, float], ...]:
    hits = dict(folded or {})
    for concept, conf in (exact or {}).items():
        hits[concept] = max(hits.get(concept, 0.0), conf)
    return tuple(sorted(hits.items()))


_CACHE_LIMIT = 1_000_000  # pieces of text kept with their codes; then the cache starts again
_CACHE_CHARS = 32_000_000  # and at most this many characters, so a stream of huge "words" cannot fill memory
_CACHED_CHARS = 200  # longer vendor tags are not kept in _TAG_KEYS


def tag_lookup(graph) -> dict[str, str]:
    """Vendor tag text -> tag node id, from tag labels and aliases (``&`` reads as ``and``)."""
    tags = graph.nodes[graph.nodes["kind"] == "tag"]
    lookup = {_tag_key(str(label)): node for node, label in zip(tags.index, tags["label"])}
    aliases = graph.aliases[graph.aliases["concept"].str.startswith("tag:")]
    lookup.update({_tag_key(a): c for c, a in zip(aliases["concept"], aliases["alias"])})
    return lookup


def resolve_tag(lookup: dict[str, str], tag: str) -> str | None:
    """Tag node id for a vendor tag, or None when the taxonomy does not know it."""
    return lookup.get(_tag_key(tag))


def mentions_frame(mentions: Iterable[tuple[str, Mention]]) -> pd.DataFrame:
    """``(event_id, Mention)`` pairs as a DataFrame."""
    columns = ["event_id", "concept", "text", "start", "end", "confidence", "origin", "sign", "rule"]
    rows = [(e, m.concept, m.text, m.start, m.end, m.confidence, m.origin, m.sign, m.rule) for e, m in mentions]
    return pd.DataFrame(rows, columns=columns)


_LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:Inc\.?|Incorporated|Corp\.?|Corporation|Company|Co\.?|plc|PLC|Ltd\.?|Limited|N\.V\.|S\.A\.|AG|SE"
    r"|Holdings?|Group|& Co\.?))+$")
SHORT_NAME_CONFIDENCE = 0.8
MIN_SHORT_NAME = 3


def company_short_names(graph) -> list[tuple[str, str, float, bool]]:
    """Alias rows for the names companies go by in the news: the label without its legal suffix.

    "Clorox Company" is "Clorox", "Advance Auto Parts Inc." is "Advance Auto Parts". A short name is
    matched case-sensitively (a proper noun), at ``SHORT_NAME_CONFIDENCE``, and only where no node
    already spells it and no other company shares it. A one-word short name is often an everyday
    word as well ("Target", "Block", "Pool"); the tagger keeps such a mention only where its clause
    reads the company's fortune ("Target profit halves"), see ``confirmed_by_fortune``.

    Examples
    --------
    >>> import exposure as ex
    >>> rows = company_short_names(ex.default_graph())
    >>> [row for row in rows if row[1] in ("Clorox", "Advance Auto Parts")]
    [('company:advance-auto-parts', 'Advance Auto Parts', 0.8, True), ('company:clorox', 'Clorox', 0.8, True)]
    """
    nodes, aliases = graph.nodes, graph.aliases
    spelled = {_folded(alias) for alias in aliases["alias"]} | {_folded(str(label)) for label in nodes["label"]}
    companies = nodes[nodes["kind"] == "company"]
    owners: dict[str, list[str]] = {}
    for company, label in zip(companies.index, companies["label"]):
        label = str(label)
        short = _LEGAL_SUFFIX.sub("", label).strip(" ,")
        if short != label and len(short) >= MIN_SHORT_NAME and _folded(short) not in spelled:
            owners.setdefault(short, []).append(company)
    return sorted((found[0], short, SHORT_NAME_CONFIDENCE, True) for short, found in owners.items() if len(found) == 1)


def one_word_short_names(short_names: Iterable[tuple[str, str, float, bool]]) -> frozenset[tuple[str, str]]:
    """``(company, short name)`` of the one-word ``company_short_names``, which need their clause to confirm them."""
    return frozenset((company, short) for company, short, _, _ in short_names if " " not in short)


@lru_cache(maxsize=1)
def company_cues() -> frozenset[str]:
    """Folded words that, right after a one-word short name, show it is the company (``data/company_cues.csv``)."""
    return frozenset(normalize_token(row["word"].strip()) for row in data_rows("company_cues.csv"))


_ARTICLES = frozenset({"the", "a", "an"})


def _reads_as_company(text: str, mention: Mention, cues: frozenset[str]) -> bool:
    """Whether a one-word short name stands as the company in its clause.

    Its clause must read the company's fortune, and the name must stand alone (not after "the",
    not inside a longer proper name such as "Washington Post") and be followed by a word of a
    company ("shares", "profit", "said") or touch the words of the fortune read ("buy Hess",
    "Target profit halves").
    """
    if not mention.rule.startswith("fortune:"):
        return False
    before = list(TOKEN.finditer(text, max(0, mention.start - 40), mention.start))
    previous = before[-1].group() if before else ""
    if previous and not text[before[-1].end():mention.start].strip() and (
            previous.lower() in _ARTICLES or previous[0].isupper()):
        return False
    after = TOKEN.search(text, mention.end)
    following = normalize_token(after.group()) if after else ""
    read = set(map(normalize_token, TOKEN.findall(mention.rule, len("fortune:"))))
    return following in cues or following in read or (bool(previous) and normalize_token(previous) in read)


def confirmed_by_fortune(text: str, mentions: Sequence[Mention],
                         needs_reading: frozenset[tuple[str, str]]) -> list[Mention]:
    """Drop the mentions of one-word short names that do not read as the company (``_reads_as_company``).

    >>> text = "Target profit halves. Sea levels rose. The Pool was closed."
    >>> found = [Mention("company:target", "Target", 0, 6, 0.8, rule="fortune: profit halves"),
    ...          Mention("company:sea", "Sea", 22, 25, 0.8, rule="fortune: rose"),
    ...          Mention("company:pool", "Pool", 43, 47, 0.8, rule="fortune: closed")]
    >>> needs = frozenset((m.concept, m.text) for m in found)
    >>> [m.text for m in confirmed_by_fortune(text, found, needs)]
    ['Target']
    """
    if not needs_reading:
        return list(mentions)
    cues = company_cues()
    return [m for m in mentions if (m.concept, m.text) not in needs_reading or _reads_as_company(text, m, cues)]
