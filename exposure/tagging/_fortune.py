"""A company's own fortune: the sign of what happens to a named company (or its product) in its clause.

A company named in a story is not always good news for it: "TSMC shares fell", "regulator fines
B", "B hit by outage" are bad news for the company named; "B wins a contract" or "B raises
guidance" are good news. The words that say so are listed, with the reasoning for each, in
``data/company_fortune.csv``; they are general (no tickers, dates or event words).

The rule, kept simple on purpose:

* every clause (cut as for sentence-signed themes, see ``_context``) that names a company or a
  product with a maker is scanned once (twice when it names both: moves of shares and results
  such as fell, rose, weak apply to companies only) for the listed phrases (``..`` in a phrase allows up to
  three words between its parts: "cut its full-year guidance");
* each trigger has a polarity for its **subject** (a company named before it in the clause) and
  for its **object** (named after it): "A sues B" is ``0`` for A and ``-1`` for B. A passive
  trigger (after *be, was, were, is, are, been, being, get, got*, or followed by *by*) swaps them:
  in "B was fined" or "B to be acquired" the company before the verb is the one it happens to;
* a negation among the four words before a trigger ("did not fall", "denied it would cut")
  turns it the other way at half weight, except a harm denied (kind ``harm``: "the issue was not
  a cyberattack", "no recall"), which is no gain and leaves the company neutral; a hedge there
  (may, could, threatens, considers) halves it: a threat weighs less than an act;
* the trigger nearest the mention in its clause decides (the first after it, of which it is the
  subject, or the last before it, of which it is the object, whichever is closer; a tie goes to
  the subject): "Boeing shares fell and Airbus rose" is bad for Boeing and good for Airbus. The
  mention takes that trigger's sign, its weight (1, or 0.5 when negated or hedged) as a factor on
  its confidence, and the trigger words as its ``rule``; a side of weight 0 ("A sues B" for A)
  leaves the mention neutral (sign 0) with the rule recorded;
* a company whose fortune is read somewhere in the story takes that reading: its bare mentions
  elsewhere (and the vendor's ticker chips for it) carry nothing, instead of counting in its favour;
* an incident (a trigger as bad, or as good, for its subject as for its object: crash, outage,
  recall, strike, antitrust) happens to everyone it names: a company named with no reading of its
  own in a story whose incidents all read one way takes that way at half weight ("The engines were
  made by GE Aerospace" in a crash story; the airline whose plane lost a door plug), instead of
  counting in its favour.

Time is linear in the text: each clause holding such a mention is tokenised once, and each
mention finds its nearest trigger by bisection (not a rescan of the clause).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import count

from exposure.tagging._context import _folded, _Sentences
from exposure.tagging._data import data_rows
from exposure.tagging._gazetteer import Mention, concept_of
from exposure.tagging._normalize import TOKEN, normalize_token

FORTUNE_FILE = "company_fortune.csv"
GAP = 3
WINDOW = 4
MODIFIER_WEIGHT = 0.5
_PASSIVE_BEFORE = frozenset(normalize_token(w) for w in "be was were is are been being get got".split())
_BY = normalize_token("by")


@dataclass(frozen=True)
class Trigger:
    """One phrase of the fortune list: polarity for its subject and its object, or a modifier."""

    phrase: str
    parts: tuple[tuple[str, ...], ...]
    subject: float
    object: float
    kind: str
    companies_only: bool = False


class TriggersAt:
    """The triggers that start with one word, matched together: each distinct sequence of parts
    ("cut" and "cuts" both read ``(('cut',),)``) is matched once.

    >>> at = TriggersAt([Trigger("cut", (("cut",),), 0, 0, "a"), Trigger("cuts off", (("cut", "off"),), 0, 0, "b"),
    ...                  Trigger("cuts", (("cut",),), 0, 0, "c")])
    >>> [(last, [t.kind for t in found]) for last, found in (at.longest("cut off".split(), 0), at.longest(["cut"], 0))]
    [(1, ['b']), (0, ['a', 'c'])]
    """

    def __init__(self, triggers: Sequence[Trigger]) -> None:
        self.triggers = tuple(triggers)
        self.patterns = tuple(dict.fromkeys(trigger.parts for trigger in self.triggers))
        self.pattern_of = tuple(self.patterns.index(trigger.parts) for trigger in self.triggers)
        # A pattern's second word lies among the GAP + 1 words after the first: most patterns are
        # ruled out by that test alone, and where no longer pattern can match, the one-word
        # triggers are the answer.
        self.second = tuple(_second_word(parts) for parts in self.patterns)
        self.seconds = frozenset(word for word in self.second if word is not None)
        self.one_word = tuple(t for t in self.triggers if len(t.parts) == 1 and len(t.parts[0]) == 1)
        self.by_second = all(second is not None or len(parts) == len(parts[0]) == 1
                             for parts, second in zip(self.patterns, self.second))
        self.one_word_kinds = tuple(t.kind for t in self.one_word)
        self._kinds: dict[tuple[int, ...], tuple[str, ...]] = {}

    def longest_kinds(self, words: Sequence[str], i: int) -> tuple[int | None, tuple[str, ...]]:
        """``longest`` giving the ``kind`` of each trigger matched instead of the triggers.

        >>> at = TriggersAt([Trigger("cut", (("cut",),), 0, 0, "a"), Trigger("cuts off", (("cut", "off"),), 0, 0, "b")])
        >>> at.longest_kinds("cut off".split(), 0), at.longest_kinds(["cut"], 0)
        ((1, ('b',)), (0, ('a',)))
        """
        longest, chosen = self._longest_patterns(words, i)
        if longest is None or chosen is None:
            return longest, self.one_word_kinds if chosen is None else ()
        kinds = self._kinds.get(chosen)
        if kinds is None:
            kinds = self._kinds[chosen] = tuple(t.kind for t, pattern in zip(self.triggers, self.pattern_of)
                                                if pattern in chosen)
        return longest, kinds

    def longest(self, words: Sequence[str], i: int) -> tuple[int | None, Sequence[Trigger]]:
        """The last word of the longest trigger matched at word ``i``, and every trigger that long,
        in their order (``None, ()`` when none matches)."""
        longest, chosen = self._longest_patterns(words, i)
        if longest is None or chosen is None:
            return longest, self.one_word if chosen is None else ()
        return longest, [t for t, pattern in zip(self.triggers, self.pattern_of) if pattern in chosen]

    def _longest_patterns(self, words: Sequence[str], i: int) -> tuple[int | None, tuple[int, ...] | None]:
        """The last word of the longest pattern matched at word ``i`` and the numbers of the patterns
        that long, in one pass; ``(i, None)`` when only the one-word triggers can match, ``(None, ())``
        when nothing does."""
        ahead = words[i + 1:i + 2 + GAP]
        if self.by_second and self.seconds.isdisjoint(ahead):
            return (i, None) if self.one_word else (None, ())
        longest, found = -1, []
        for n, parts, second in zip(count(), self.patterns, self.second):
            if second is None or second in ahead:
                last = _match(parts, words, i)
                if last is not None and last >= longest:
                    if last > longest:
                        longest, found = last, []
                    found.append(n)
        return (None, ()) if longest < 0 else (longest, tuple(found))


@dataclass(frozen=True)
class FortuneLexicon:
    """Triggers by their first folded word."""

    by_head: dict[str, tuple[Trigger, ...]]

    @cached_property
    def matchers(self) -> dict[str, TriggersAt]:
        """The triggers of each first word, ready to match."""
        return {head: TriggersAt(found) for head, found in self.by_head.items()}

    @classmethod
    def from_rows(cls, rows) -> FortuneLexicon:
        by_head: dict[str, list[Trigger]] = {}
        for row in rows:
            parts = phrase_parts(row["phrase"])
            kind = row["kind"].strip()
            trigger = Trigger(row["phrase"].strip(), parts, float(row["subject"] or 0), float(row["object"] or 0), kind,
                              (row.get("applies_to") or "any").strip() == "company")
            by_head.setdefault(parts[0][0], []).append(trigger)
        return cls({head: tuple(found) for head, found in by_head.items()})


def default_rows() -> tuple[dict[str, str], ...]:
    """The rows of the fortune list shipped with the package (``exposure/tagging/data/company_fortune.csv``)."""
    return data_rows(FORTUNE_FILE)


@lru_cache(maxsize=1)
def default_lexicon() -> FortuneLexicon:
    """The fortune words shipped with the package.

    The tagger adds, per graph version, the triggers of the graph's event types that have a
    polarity for their subject or object (see ``_event_types``).

    >>> "sue" in default_lexicon().by_head
    True
    """
    return FortuneLexicon.from_rows(default_rows())


def phrase_parts(phrase: str) -> tuple[tuple[str, ...], ...]:
    """The folded words of a trigger phrase, in parts cut at ``..`` (a gap of up to ``GAP`` words).

    >>> phrase_parts("cut .. guidance")
    (('cut',), ('guidance',))
    """
    return tuple(tuple(normalize_token(w) for w in TOKEN.findall(part)) for part in phrase.split(".."))


def _second_word(parts: tuple[tuple[str, ...], ...]) -> str | None:
    words = [word for part in parts for word in part]
    return words[1] if len(words) > 1 else None


def _match(parts: tuple[tuple[str, ...], ...], words: Sequence[str], i: int) -> int | None:
    """Index of the last word of a trigger's ``parts`` matched at word ``i``, or None."""
    if len(parts) == 1:  # one run of words (most triggers): compared at once
        part = parts[0]
        return i + len(part) - 1 if tuple(words[i:i + len(part)]) == part else None
    position = i
    for number, part in enumerate(parts):
        candidates = [i] if number == 0 else range(position + 1, min(position + 2 + GAP, len(words)))
        for start in candidates:
            if tuple(words[start:start + len(part)]) == part:
                position = start + len(part) - 1
                break
        else:
            return None
    return position


@dataclass(slots=True)  # made per clause of every story: plain slots are set fastest
class _Clause:
    """The triggers of one clause in text order: ``(start, end, on subject, on object, words, incident)``."""

    triggers: list[tuple[int, int, float, float, str, bool]]
    starts: list[int]

    def reading(self, start: int, end: int) -> tuple[float, str]:
        """The signed weight a mention at ``[start, end)`` takes, and the trigger words that set it.

        The nearest trigger decides: the first one after the mention (the mention is its subject)
        or the last one before it (its object), whichever is closer; a tie goes to the subject.
        """
        after = bisect_left(self.starts, start)
        choices = []
        if after < len(self.triggers):
            trigger = self.triggers[after]
            choices.append((max(0, trigger[0] - end), 0, trigger[2], trigger[4]))
        if after > 0:
            trigger = self.triggers[after - 1]
            choices.append((max(0, start - trigger[1]), 1, trigger[3], trigger[4]))
        if not choices:
            return 0.0, ""
        _, _, weight, words = min(choices)
        return weight, words

    def incidents(self) -> list[tuple[float, str]]:
        """The signed weight and words of each incident read in the clause (see the module notes)."""
        read = [(trigger[2] or trigger[3], trigger[4]) for trigger in self.triggers if trigger[5]]
        return [(weight, words) for weight, words in read if weight]


def read_clause(text: str, start: int, end: int, lexicon: FortuneLexicon, products: bool = False) -> _Clause:
    """Scan one clause for fortune triggers.

    With ``products``, the triggers that apply to companies only (moves of shares and results:
    fell, rose, weak) are matched but left out, since for a product they mostly name a physical
    move ("bombs dropped from bombers and Tomahawk missiles").

    Examples
    --------
    >>> text = "Apple sues Samsung"
    >>> clause = read_clause(text, 0, len(text), default_lexicon())
    >>> clause.reading(0, 5), clause.reading(11, 18)
    ((0.0, 'sues'), (-1.0, 'sues'))
    """
    found = [(m.start(), m.end(), _folded(m.group(0))) for m in TOKEN.finditer(text, start, end)]
    return _read_words(text, found, lexicon, products)


def _read_words(text: str, found: Sequence[tuple[int, int, str]], lexicon: FortuneLexicon, products: bool) -> _Clause:
    """``read_clause`` on a clause's words already found: ``(start, end, folded word)``."""
    words = [w for _, _, w in found]
    heads = lexicon.matchers
    if heads.keys().isdisjoint(words):
        return _Clause([], [])
    negation = hedge = (-WINDOW - 1, -WINDOW - 1)
    triggers: list[tuple[int, int, float, float, str, bool]] = []
    i = 0
    while i < len(words):
        candidates = heads.get(words[i])
        last, matched = (None, ()) if candidates is None else candidates.longest(words, i)
        if last is None:
            i += 1
            continue
        trigger = matched[0]
        if trigger.kind == "negation":
            negation = (i, last)
        elif trigger.kind == "hedge":
            hedge = (i, last)
        elif not (products and trigger.companies_only):
            weight = 1.0
            label = text[found[i][0]:found[last][1]]
            if i - negation[1] <= WINDOW:
                # a harm denied ("the issue was not a cyberattack") is no gain: only a denied act turns
                weight = 0.0 if any(t.kind == "harm" for t in matched) else -MODIFIER_WEIGHT
                label = f"{text[found[negation[0]][0]:found[negation[1]][1]]} {label}"
            if i - hedge[1] <= WINDOW:
                weight, label = weight * MODIFIER_WEIGHT, f"{text[found[hedge[0]][0]:found[hedge[1]][1]]} {label}"
            passive = (any(w in _PASSIVE_BEFORE for w in words[max(0, i - 2):i])
                       or (last + 1 < len(words) and words[last + 1] == _BY))
            on_subject, on_object = (trigger.object, trigger.subject) if passive else (trigger.subject, trigger.object)
            incident = any(t.subject == t.object != 0 and not t.companies_only for t in matched)
            triggers.append((found[i][0], found[last][1], weight * on_subject, weight * on_object, label, incident))
        i = last + 1
    return _Clause(triggers, [t[0] for t in triggers])


def sign_by_fortune(
    text: str,
    mentions: Sequence[Mention],
    concepts: frozenset[str],
    lexicon: FortuneLexicon | None = None,
) -> list[Mention]:
    """Give mentions of companies (and products with a maker) the sign of what happens to them.

    Parameters
    ----------
    concepts : frozenset of str
        Concepts read this way (companies, and systems some company makes).
    lexicon : FortuneLexicon, optional
        Default: the list shipped with the package.

    Examples
    --------
    >>> text = "TSMC shares fell. TSMC makes chips."
    >>> found = [Mention("company:tsmc", "TSMC", 0, 4, 1.0), Mention("company:tsmc", "TSMC", 18, 22, 1.0)]
    >>> [(m.sign, m.rule) for m in sign_by_fortune(text, found, frozenset({"company:tsmc"}))]
    [(-1, 'fortune: fell'), (1, '')]
    >>> text = "A Boeing 787 crashed after take-off. The engines were made by GE Aerospace."
    >>> found = [Mention("system:boeing-787", "Boeing 787", 2, 12, 1.0),
    ...          Mention("company:ge", "GE Aerospace", 62, 74, 1.0)]
    >>> read = sign_by_fortune(text, found, frozenset({"system:boeing-787", "company:ge"}))
    >>> [(m.sign, m.confidence, m.rule) for m in read]
    [(-1, 1.0, 'fortune: crashed'), (-1, 0.5, 'fortune: named in a story of crashed')]
    """
    if concepts.isdisjoint(map(concept_of, mentions)):
        return list(mentions)
    lexicon = lexicon or default_lexicon()
    sentences = _Sentences(text)
    clauses: dict[tuple[int, int, bool], _Clause] = {}
    signed = []
    incidents: dict[tuple[int, int, bool], list[tuple[float, str]]] = {}
    for mention in mentions:
        if mention.concept in concepts and mention.start >= 0 and mention.origin == "text":
            key = sentences.clause_key(sentences.number_at[mention.start], mention.start)
            if key is not None:
                products = not mention.concept.startswith("company:")
                cached = (key[0], key[1], products)
                if cached not in clauses:
                    span = sentences.clause_span(*key)
                    if lexicon.by_head.keys().isdisjoint(sentences.folded(*span)):
                        clauses[cached] = _Clause([], [])
                    else:
                        clauses[cached] = _read_words(text, sentences.words(*span), lexicon, products)
                if cached not in incidents:
                    incidents[cached] = clauses[cached].incidents()
                total, words = clauses[cached].reading(mention.start, mention.end)
                if total:
                    mention = mention.replaced(sign=1 if total > 0 else -1,
                                               confidence=mention.confidence * min(1.0, abs(total)),
                                               rule=f"fortune: {words}")
                elif words:
                    mention = mention.replaced(sign=0, rule=f"fortune: {words} (neutral)")
        signed.append(mention)
    read = [found for clause in incidents.values() for found in clause]
    return _named_in_incidents(_quiet_descriptions(text, _quiet_sources(text, _share_with_listed(text, signed))), read)


_LIST_GLUE = frozenset({",", "and", ", and", "or", ", or", "&", "as well as"})


def _share_with_listed(text: str, mentions: list[Mention]) -> list[Mention]:
    """Companies listed together ("GM, Ford and Stellantis") share the reading one of them takes.

    A clause is cut at commas, so the trigger reaches only the nearest name of a list; the others
    are the same grammatical subject or object.
    """
    named = sorted((m.start, i) for i, m in enumerate(mentions)
                   if m.concept.startswith("company:") and m.origin == "text" and m.start >= 0)
    if len(named) < 2:
        return mentions
    shared = list(mentions)
    runs: list[list[int]] = [[named[0][1]]]
    for (_, before), (_, after) in zip(named, named[1:]):
        glue = " ".join(text[mentions[before].end:mentions[after].start].split())
        if glue in _LIST_GLUE:
            runs[-1].append(after)
        else:
            runs.append([after])
    for run in runs:
        read = [mentions[i] for i in run if mentions[i].rule.startswith("fortune:")]
        if len(run) < 2 or len({m.sign for m in read}) != 1:
            continue
        first = read[0]
        for i in run:
            if not mentions[i].rule:
                shared[i] = mentions[i].replaced(sign=first.sign, rule=f"{first.rule} (listed with {first.text})")
    return shared


_SOURCE_CUES = ("according to", "reports in", "report in", "reported by", "reports by", "told", "interview with",
                "wrote in", "published by")
"""Words before a name that make it the source of the news ("Reports in The New York Times said"), not
a party to it."""


def _is_source(text: str, mention: Mention) -> bool:
    before = " ".join(text[max(0, mention.start - 24):mention.start].lower().split())
    before = before.removesuffix(" the").removesuffix(" a")
    return before.endswith(_SOURCE_CUES)


def _quiet_sources(text: str, mentions: list[Mention]) -> list[Mention]:
    """A company named as the source of the news ("Reports in The New York Times said") is no party
    to it: its bare mention carries nothing.

    >>> text = "Reports in The New York Times said the firm obtained the data."
    >>> [(m.sign, m.rule) for m in _quiet_sources(text, [Mention("company:nyt", "New York Times", 15, 29, 0.8)])]
    [(0, 'source: named as the source of the news')]
    """
    return [m.replaced(sign=0, rule="source: named as the source of the news")
            if (m.concept.startswith("company:") and m.origin == "text" and m.start >= 0 and not m.rule
                and _is_source(text, m)) else m
            for m in mentions]


_DESCRIPTORS = frozenset({
    "company", "companies", "firm", "group", "maker", "giant", "provider", "producer", "operator", "publisher",
    "developer", "supplier", "retailer", "lender", "insurer", "carrier", "contractor", "manufacturer", "specialist",
    "start-up", "startup", "business", "conglomerate"})
"""Nouns that, between a theme's words and a company's name, make the words a description of the
company ("cybersecurity company CrowdStrike", "video game publisher Activision")."""
_DESCRIBED = re.compile(rf"[ \t]+(?:(?:{'|'.join(sorted(_DESCRIPTORS))})[ \t]+)?")


def _quiet_descriptions(text: str, mentions: list[Mention]) -> list[Mention]:
    """Theme words that describe the company named right after them carry nothing: "cybersecurity
    company CrowdStrike" is news of CrowdStrike, whose own reading carries it, not of cybersecurity.

    >>> text = "A faulty update from cybersecurity company CrowdStrike crashed computers."
    >>> found = [Mention("theme:cybersecurity", "cybersecurity", 21, 34, 1.0),
    ...          Mention("company:crowdstrike", "CrowdStrike", 43, 54, 1.0, sign=-1, rule="fortune: crashed")]
    >>> [(m.sign, m.rule) for m in _quiet_descriptions(text, found)][0]
    (0, 'description of CrowdStrike')
    """
    starts = {m.start: m for m in mentions if m.concept.startswith("company:") and m.origin == "text" and m.start >= 0}
    if not starts:
        return mentions
    described = []
    for mention in mentions:
        if mention.sign and mention.origin == "text" and mention.concept.startswith("theme:") and mention.end >= 0:
            between = _DESCRIBED.match(text, mention.end)
            company = starts.get(between.end()) if between else None
            if company is not None:
                mention = mention.replaced(sign=0, rule=f"description of {company.text}")
        described.append(mention)
    return described


def _named_in_incidents(mentions: list[Mention], incidents: list[tuple[float, str]]) -> list[Mention]:
    """Bare company mentions of a story whose incidents all read one way take that way at half weight."""
    signs = {weight > 0 for weight, _ in incidents}
    if len(signs) != 1:
        return mentions
    sign = 1 if signs.pop() else -1
    rule = f"fortune: named in a story of {incidents[0][1]}"
    read = {m.concept for m in mentions if m.rule}
    return [m.replaced(sign=sign, confidence=m.confidence * MODIFIER_WEIGHT, rule=rule)
            if (m.concept.startswith("company:") and m.origin == "text" and m.start >= 0 and m.sign > 0
                and not m.rule and m.concept not in read) else m
            for m in mentions]


def quiet_bare_mentions(mentions: Sequence[Mention]) -> list[Mention]:
    """Bare text mentions and ticker chips of a company whose fortune the story reads carry nothing.

    >>> read = Mention("company:b", "B", 0, 1, 1.0, sign=-1, rule="fortune: fell")
    >>> bare = Mention("company:b", "B", 10, 11, 1.0)
    >>> [m.sign for m in quiet_bare_mentions([read, bare])]
    [-1, 0]
    """
    read = {m.concept for m in mentions if m.rule and m.rule.startswith("fortune:")}
    if not read:
        return list(mentions)
    quiet = ("text", "vendor_ticker")
    return [m.replaced(sign=0) if (m.sign and m.concept in read and not m.rule and m.origin in quiet) else m
            for m in mentions]
