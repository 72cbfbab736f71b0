"""Event types: what happens in a clause, read from its trigger words and the concept they act on.

A market reader does not count words: "Trump pauses tariffs" is the opposite of "Trump imposes
tariffs", "Fed cuts rates" the opposite of "Fed raises rates", "vaccine 90% effective" the end of
an outbreak rather than more of it. The graph's event types (nodes ``event:*``, see
``graph/data/default/nodes/event_types.csv``) each list

* ``triggers``: phrases (``|`` between them, ``..`` allowing up to three words inside one:
  "cut .. output"), matched on the same folded tokens as aliases;
* ``requires``: the concepts the trigger must act on (``|`` between them, listed one by one: a
  budget type acts on the budget, not on every weapon it buys). Empty means the trigger alone
  names the event ("ceasefire");
* ``reverses``: the types it undoes (a pause reverses imposing), see rule 2;
* ``keeps``: ``yes`` when the concepts it acts on keep their own reading and the type only adds
  its effects (drones shot down are still news of drones: counter-drone demand), see rule 3;
* ``subject`` / ``object``: the polarity for a company named as the trigger's subject or object
  (read by the company-fortune rule, see ``_fortune``);
* ``harm``: ``yes`` for an incident that befalls its victim (cyberattack, outage, crash, recall,
  strike, bank failure): denied ("the issue was not a cyberattack") it moves nothing, where a
  denied act turns the other way;
* its effects, as signed ``implies`` edges from the event type to themes, with their reasoning.

The reading, per sentence, is linear in its length:

1. every trigger is found (the longest match at each word, never across a comma, semicolon or
   colon: "a baseline in place, while raising tariffs on" is not "place .. on"; a match may
   start inside another and run past it, one wholly inside another is part of it: "end sanctions waivers" is one
   act, not an end and a waiver); a negation among the four words before it
   (not, refuses to, fails to) turns it the other way at half weight (but an incident denied,
   "the issue was not a cyberattack", moves nothing: a harm that did not happen is no gain), a hedge (may, threatens,
   considers) halves it: a threat weighs less than an act; a shortfall after it ("rose 7.7%,
   below forecasts", ``SHORTFALL``) also turns it the other way at half weight: the surprise is
   what moves prices;
2. every mention of a required concept is governed by one trigger within ``REACH`` words: the
   nearest of those whose type requires it (so a trigger shared by several types, "cut" for
   rates, tariffs or oil output, takes the type of the concept it acts on), except that a type
   that ``reverses`` another (pause reverses imposing, ceasefire reverses attack) wins over it
   in the same clause or two words apart ("hold off on new tariffs"): in "pauses higher
   tariffs" the pause acts on the whole phrase. A trigger of types with no requirement reads
   all of them when it governs no mention, unless a type read in the same clause reverses one;
3. the mentions a fired type governs carry nothing themselves (sign 0, their ``rule`` naming
   the type; not so for a type that ``keeps`` them): the type's effects say what the story means for
   them, applied as mentions of the effect themes, each with its rule (``event: tariff paused
   (pauses)``) for ``explain()``. A type read several times in one sentence counts once, at
   its strongest reading; and a reading after a contrast (``but``, ``yet``, ``however``) that
   moves a theme the other way from an earlier reading replaces it: in "Fed cuts rates but signals
   fewer reductions" the guidance is the news, not the cut;
4. a story is read once: the bare mentions elsewhere in it of a concept a fired type acted on
   carry nothing (their rule says so), unless the concept takes its clause's direction or the
   type's effects move it up as a bare mention does (attacks on shipping are more shipping
   disruption wherever the story names the route).

No rule names a ticker, a date or an event: the types are general readings of the news.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import compress, count, repeat
from operator import itemgetter
from typing import NamedTuple

from exposure.tagging._context import _Sentences
from exposure.tagging._fortune import (
    GAP, MODIFIER_WEIGHT, WINDOW, FortuneLexicon, Trigger, TriggersAt, default_lexicon, phrase_parts,
)
from exposure.tagging._gazetteer import Mention, _new_mention, concept_of
from exposure.tagging._normalize import normalize_token

REACH = 10
SHORTFALL = ("less than expected", "less than forecast", "smaller than expected", "fewer than expected",
             "below expectations", "below forecasts", "below forecast", "short of expectations",
             "short of forecasts", "undershot")
SHORTFALL_REACH = 10
_CLAUSE_MARK = re.compile(r"[,;:]")  # a trigger's words do not run across a clause
_CONTRAST = frozenset(normalize_token(w) for w in ("but", "yet", "however"))
_LONGEST_MENTION = 12
_ADJACENT = 2
_READ_ORIGINS = ("text", "context")


@dataclass(frozen=True)
class EventType:
    """One event type of the graph: what it acts on and what it means for themes."""

    id: str
    label: str
    family: str
    requires: frozenset[str]
    effects: tuple[tuple[str, float], ...]
    subject: float = 0.0
    object: float = 0.0
    reverses: frozenset[str] = frozenset()
    keeps: bool = False
    harm: bool = False


_FIRES, _MODIFIES = 2, 1
_MODIFIER_KINDS = ("negation", "hedge", "shortfall")


@dataclass(frozen=True)
class EventTypes:
    """The event types of one graph version, with their triggers indexed by first folded word."""

    types: dict[str, EventType]
    by_head: dict[str, tuple[Trigger, ...]]
    triggers: dict[str, tuple[str, ...]]
    required: frozenset[str] = frozenset()
    needs: dict[str, frozenset[str] | None] | None = None
    head_kind: dict[str, int] | None = None

    @classmethod
    def from_graph(cls, graph, modifiers: FortuneLexicon | None = None) -> EventTypes:
        """Read ``event:*`` nodes and their ``implies`` edges; negations and hedges come from the
        company-fortune list, so that both rules weigh them alike."""
        nodes, edges = graph.nodes, graph.edges
        if "triggers" not in nodes:
            return cls({}, {}, {})
        rows = nodes[nodes["kind"] == "event"]
        implies = edges[(edges["relation"] == "implies") & edges["from_id"].str.startswith("event:")]
        effects: dict[str, list[tuple[str, float]]] = {}
        for event, theme, weight in zip(implies["from_id"], implies["to_id"], implies["weight"]):
            effects.setdefault(event, []).append((theme, float(weight)))
        types, by_head, triggers = {}, {}, {}
        for event_id, row in rows.iterrows():
            types[event_id] = EventType(
                event_id, str(row["label"]), _text(row.get("family")), frozenset(_listed(row.get("requires"))),
                tuple(sorted(effects.get(event_id, []))), _number(row.get("subject")), _number(row.get("object")),
                frozenset(_listed(row.get("reverses"))), _text(row.get("keeps")).strip().lower() in ("yes", "true"),
                _text(row.get("harm")).strip().lower() in ("yes", "true"),
            )
            phrases = _listed(row.get("triggers"))
            triggers[event_id] = phrases
            for phrase in phrases:
                trigger = _trigger(phrase, event_id)
                if trigger is not None:
                    by_head.setdefault(trigger.parts[0][0], []).append(trigger)
        for head, found in (modifiers or default_lexicon()).by_head.items():
            for trigger in found:
                if trigger.kind in _MODIFIER_KINDS:
                    by_head.setdefault(head, []).append(trigger)
        for phrase in SHORTFALL:
            trigger = _trigger(phrase, "shortfall")
            by_head.setdefault(trigger.parts[0][0], []).append(trigger)
        required = frozenset().union(*(kind.requires for kind in types.values()))
        needs: dict[str, frozenset[str] | None] = {}
        for head, found in by_head.items():
            kinds = [types[t.kind] for t in found if t.kind in types]
            if kinds:
                free = any(not k.requires for k in kinds)
                needs[head] = None if free else frozenset().union(*(k.requires for k in kinds))
        head_kind = {head: _FIRES if any(t.kind not in _MODIFIER_KINDS for t in found) else _MODIFIES
                     for head, found in by_head.items()}
        return cls(types, {head: tuple(found) for head, found in by_head.items()}, triggers, required, needs,
                   head_kind)

    @cached_property
    def matchers(self) -> dict[str, TriggersAt]:
        """The triggers of each first word, ready to match."""
        return {head: TriggersAt(found) for head, found in self.by_head.items()}

    @cached_property
    def single_word(self) -> dict[str, tuple[str, ...]]:
        """First word -> kinds of its triggers, for the words whose every trigger is that word alone
        (what ``TriggersAt.longest_kinds`` gives at any such word, without a call)."""
        return {head: at.one_word_kinds for head, at in self.matchers.items()
                if at.by_second and not at.seconds and at.one_word}

    @cached_property
    def second_words(self) -> dict[str, frozenset[str]]:
        """First word -> the second words of its triggers, for the first words with no one-word
        trigger: such a word starts a trigger only where one of them lies among the ``GAP + 1``
        words after it (``TriggersAt.longest_kinds`` finds nothing elsewhere)."""
        return {head: at.seconds for head, at in self.matchers.items() if at.by_second and not at.one_word}

    @cached_property
    def free_of(self) -> dict[tuple[str, ...], tuple[EventType, ...]]:
        """Kinds of a trigger -> those of its types that require nothing, filled as triggers are read."""
        return {}

    @cached_property
    def acts_on(self) -> dict[tuple[str, ...], dict[str, tuple[int, EventType]]]:
        """Kinds of a trigger -> ``acting(kinds)``, filled as triggers are read."""
        return {}

    def acting_of(self, kinds: tuple[str, ...]) -> dict[str, tuple[int, EventType]]:
        """``acting(kinds)``, kept in ``acts_on``."""
        found = self.acts_on.get(kinds)
        if found is None:
            found = self.acts_on[kinds] = self.acting(kinds)
        return found

    def acting(self, kinds: Sequence[str]) -> dict[str, tuple[int, EventType]]:
        """Concept -> ``(order, type)`` of the first of ``kinds`` (event type ids) that requires it."""
        found: dict[str, tuple[int, EventType]] = {}
        for order, kind_id in enumerate(kinds):
            for concept in self.types[kind_id].requires:
                found.setdefault(concept, (order, self.types[kind_id]))
        return found

    def fortune_rows(self) -> list[dict[str, str]]:
        """Company-fortune rows of the types with a subject or object polarity ("fined": -1 for
        the company fined), in the format of ``company_fortune.csv``."""
        return [
            {"phrase": phrase, "subject": str(kind.subject), "object": str(kind.object),
             "kind": "harm" if kind.harm else "act",
             "applies_to": "any"}
            for event_id, kind in sorted(self.types.items()) if kind.subject or kind.object
            for phrase in self.triggers[event_id]
        ]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _listed(value) -> tuple[str, ...]:
    """The items of a ``|``-separated cell (none for an empty or missing one)."""
    return tuple(item.strip() for item in _text(value).split("|") if item.strip())


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if number != number else number


def _trigger(phrase: str, kind: str) -> Trigger | None:
    parts = phrase_parts(phrase)
    if not all(parts):
        return None
    return Trigger(phrase, parts, 0.0, 0.0, kind)


class _Occurrence(NamedTuple):
    first: int
    last: int
    start: int
    end: int
    kinds: tuple[str, ...]
    weight: float
    words: str


# kinds of the triggers matched -> (the modifier they are, first of _MODIFIER_ORDER, or "";
# each kind once)
_READING: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}
_MODIFIER_ORDER = ("shortfall", "negation", "hedge")


def _occurrences(text: str, starts, ends, words, heads: Sequence[int], lexicon: EventTypes) -> list[_Occurrence]:
    """Triggers of one sentence in text order, each with the weight its modifiers give it.

    ``starts``, ``ends`` and ``words`` are the sentence's tokens; ``heads`` the positions whose word
    starts some trigger (the rest of the sentence is never looked at).
    """
    negation = hedge = (-WINDOW - 1, -WINDOW - 1)
    found: list[_Occurrence] = []
    shortfalls: list[tuple[int, int]] = []
    matchers, single = lexicon.matchers, lexicon.single_word
    for i in heads:
        kinds = single.get(words[i])
        if kinds is not None:
            longest = i
        else:
            longest, kinds = matchers[words[i]].longest_kinds(words, i)
            if longest is None or _CLAUSE_MARK.search(text, starts[i], ends[longest]):
                continue
        reading = _READING.get(kinds)
        if reading is None:
            reading = _READING[kinds] = (next((k for k in _MODIFIER_ORDER if k in kinds), ""),
                                         tuple(dict.fromkeys(kinds)))
        modifier, distinct = reading
        if modifier == "shortfall":
            shortfalls.append((i, longest))
        elif modifier == "negation":
            negation = (i, longest)
        elif modifier == "hedge":
            hedge = (i, longest)
        elif not (found and found[-1].last >= longest):
            weight, said = 1.0, text[starts[i]:ends[longest]]
            if i - negation[1] <= WINDOW:
                weight = -MODIFIER_WEIGHT
                said = f"{text[starts[negation[0]]:ends[negation[1]]]} .. {said}"
            if i - hedge[1] <= WINDOW:
                weight *= MODIFIER_WEIGHT
                said = f"{text[starts[hedge[0]]:ends[hedge[1]]]} .. {said}"
            found.append(_Occurrence(i, longest, starts[i], ends[longest], distinct, weight, said))
    for first, last in shortfalls:
        before = [n for n, o in enumerate(found) if o.last < first and first - o.last <= SHORTFALL_REACH]
        if before:
            o = found[before[-1]]
            found[before[-1]] = o._replace(weight=-MODIFIER_WEIGHT * o.weight,
                                        words=f"{o.words} .. {text[starts[first]:ends[last]]}")
    return found


def read_event_types(
    text: str,
    mentions: Sequence[Mention],
    lexicon: EventTypes,
    signed_by_clause: frozenset[str] = frozenset(),
) -> tuple[list[Mention], list[Mention]]:
    """Read the event types of a text.

    Parameters
    ----------
    signed_by_clause : frozenset of str
        Concepts whose mentions take the direction of their clause (see ``_context``); their
        other mentions keep that reading. Other concepts a fired type acted on are read once for
        the whole story: their bare mentions elsewhere carry nothing (the story about a cheap AI
        model is not also AI demand wherever it says "AI chips").

    Returns
    -------
    (mentions, effects)
        The mentions, those a fired type acted on set to sign 0 with the type as their ``rule``;
        and the mentions of the types' effect themes (origin ``event``).

    Examples
    --------
    >>> from exposure.graph import KnowledgeGraph
    >>> from exposure.tagging._gazetteer import Gazetteer
    >>> graph = KnowledgeGraph.load()
    >>> text = "Trump pauses higher tariffs for 90 days."
    >>> found = Gazetteer.from_graph(graph).find(text)
    >>> read, effects = read_event_types(text, found, EventTypes.from_graph(graph))
    >>> sorted({(m.concept, m.sign) for m in effects})[:1]
    [('theme:tariffs-trade-war', -1)]
    """
    if not lexicon.types:
        return list(mentions), []
    sentences = _Sentences(text)
    head_kind = lexicon.head_kind or {}
    tokens = sentences.tokens
    folded = tokens.folded
    heads = list(compress(count(), map(head_kind.__contains__, folded)))  # the words that may start a trigger
    second_words = lexicon.second_words
    # A text-wide window holds the sentence's: a head ruled out here matches nothing in its sentence either.
    heads = [i for i in heads if (seconds := second_words.get(folded[i])) is None
             or not seconds.isdisjoint(folded[i + 1:i + 2 + GAP])]
    if not heads:
        return list(mentions), []
    by_sentence: dict[int, list[int]] = {}
    required = lexicon.required
    for number in compress(count(), map(required.__contains__, map(concept_of, mentions))):
        mention = mentions[number]
        if mention.start >= 0 and mention.origin in _READ_ORIGINS:
            by_sentence.setdefault(sentences.number(mention.start), []).append(number)
    consumed: dict[int, tuple[str, EventType]] = {}
    effects: list[Mention] = []
    positions: list[tuple[int, int]] | None = None  # (start, index) of the text's mentions, when first needed
    needs = lexicon.needs or {}
    bounds = sentences.token_bounds
    last_sentence = len(bounds) - 1
    heads_of: dict[int, list[int]] = {}
    for number, i in zip(map(bisect_right, repeat(bounds), heads), heads):
        heads_of.setdefault(number - 1, []).append(i)
    for number, heads in heads_of.items():
        named = {mentions[i].concept for i in by_sentence.get(number, ())}
        if not any(head_kind[word] == _FIRES and (needs[word] is None or not needs[word].isdisjoint(named))
                   for word in [folded[i] for i in heads]):
            continue
        # Sentences end at white space, so each holds whole tokens: its words are a slice of the text's.
        first_word = bounds[number]
        stop = bounds[number + 1] if number < last_sentence else len(tokens.starts)
        words = folded[first_word:stop]
        starts, ends = tokens.starts[first_word:stop], tokens.ends[first_word:stop]
        occurrences = _occurrences(text, starts, ends, words, [i - first_word for i in heads], lexicon)
        if not occurrences:
            continue
        contrasts = [j for j, word in enumerate(words) if word in _CONTRAST] if _CONTRAST.intersection(words) else []
        firsts = [o.first for o in occurrences]
        clause_of = _ClauseOf(sentences, number, occurrences)
        # keyed by trigger and type: one trigger may act on concepts of two types ("tariff on steel and aluminium")
        fired: dict[tuple[int, str], tuple[EventType, list[int]]] = {}
        actings = [lexicon.acting_of(occurrence.kinds) for occurrence in occurrences]
        acted = set().union(*actings)  # a mention of any other concept has no trigger to govern it
        for index in by_sentence.get(number, ()):
            mention = mentions[index]
            if mention.concept not in acted:
                continue
            first = min(bisect_left(starts, mention.start), len(starts) - 1)
            last = min(max(first, bisect_left(starts, mention.end) - 1), first + _LONGEST_MENTION)
            chosen = _governing(occurrences, actings, firsts, clause_of, first, last, mention)
            if chosen is not None:
                at, kind = chosen
                fired.setdefault((at, kind.id), (kind, []))[1].append(index)
                if not kind.keeps:
                    consumed.setdefault(index, (f"event: {kind.label} ({occurrences[at].words})", kind))
        readings = [(at, kind, acted_on) for (at, _), (kind, acted_on) in fired.items()]
        fired_at = {at for at, _ in fired}
        free_of = lexicon.free_of
        for at, occurrence in enumerate(occurrences):
            if at not in fired_at:
                free = free_of.get(occurrence.kinds)
                if free is None:
                    free = free_of[occurrence.kinds] = tuple(
                        lexicon.types[k] for k in occurrence.kinds if not lexicon.types[k].requires)
                for kind in free:
                    readings.append((at, kind, []))
                if contrasts:
                    readings.extend(_after_contrast(at, occurrence, fired, occurrences, contrasts, mentions, lexicon))
        if not readings:
            continue
        if len(readings) > 1 or readings[0][1].reverses:
            read_ids = {kind.id for _, kind, _ in readings}
            if any(kind.reverses & read_ids for _, kind, _ in readings):
                undone = {(clause_of[at], r) for at, kind, _ in readings for r in kind.reverses}
                readings = [(at, kind, on) for at, kind, on in readings if (clause_of[at], kind.id) not in undone]
            readings.sort(key=itemgetter(0))
        strongest: dict[str, tuple[_Occurrence, EventType, list[int]]] = {}
        for at, kind, acted_on in readings:
            occurrence = occurrences[at]
            held = strongest.get(kind.id)
            if (held is None or abs(occurrence.weight) > abs(held[0].weight)
                    or (contrasts and _contrasted(held, (occurrence, kind), contrasts))):
                strongest[kind.id] = (occurrence, kind, acted_on)
        if contrasts and len(strongest) > 1:
            read = list(strongest.values())
            for earlier in read:
                later = next((later for later in read if _contrasted(earlier, later, contrasts)), None)
                if later is not None:
                    del strongest[earlier[1].id]
                    for index in earlier[2]:
                        if index in consumed and consumed[index][1] is earlier[1]:
                            consumed[index] = (f"event: {later[1].label} ({later[0].words})", later[1])
        for occurrence, kind, acted_on in strongest.values():
            rule = f"event: {kind.label} ({occurrence.words})"
            if acted_on:
                confidence = max([mentions[i].confidence for i in acted_on])
                said = f"{occurrence.words} .. {mentions[acted_on[0]].text}"
            else:
                confidence, said = 1.0, occurrence.words
                # The trigger's own words may also name a theme the type moves ("cyberattack"):
                # the type's reading replaces that mention, which would count the words twice.
                if positions is None:
                    positions = sorted((m.start, i) for i, m in enumerate(mentions) if m.origin in _READ_ORIGINS)
                moved = {theme for theme, _ in kind.effects}
                at_start = bisect_left(positions, (occurrence.start, -1))
                for _, index in positions[at_start:bisect_left(positions, (occurrence.end, -1))]:
                    if mentions[index].concept in moved and mentions[index].end <= occurrence.end:
                        consumed.setdefault(index, (rule, kind))
            denied_harm = occurrence.weight < 0 and kind.harm
            for theme, weight in kind.effects:
                signed = 0.0 if denied_harm else weight * occurrence.weight
                if signed:
                    effects.append(_new_mention(theme, said, occurrence.start, occurrence.end,
                                                min(1.0, abs(signed)) * confidence, "event",
                                                1 if signed > 0 else -1, rule))
    story: dict[str, str] = {}
    for index, (rule, kind) in consumed.items():
        concept = mentions[index].concept
        if not any(theme == concept and weight > 0 for theme, weight in kind.effects):
            story.setdefault(concept, rule)
    if not consumed:
        return list(mentions), effects
    read = list(mentions)
    for index, (rule, _) in consumed.items():
        read[index] = mentions[index].replaced(sign=0, rule=rule)
    for index in compress(count(), map(story.__contains__, map(concept_of, mentions))):
        mention = mentions[index]
        if (index not in consumed and mention.origin in _READ_ORIGINS and not mention.rule
                and mention.concept not in signed_by_clause):
            read[index] = mention.replaced(sign=0, rule=f"{story[mention.concept]}, read for the story")
    return read, effects


def _after_contrast(at: int, occurrence: _Occurrence, fired: dict, occurrences, contrasts: Sequence[int],
                    mentions: Sequence[Mention], lexicon: EventTypes) -> list:
    """Readings of a trigger that governs nothing, after a contrast word, of the concepts the nearest
    trigger before that contrast acted on: "Fed cuts rates but signals fewer reductions" (the Fed
    signals). ``contrasts``: the sentence's contrast words, by position."""
    contrast = bisect_left(contrasts, occurrence.first) - 1
    if contrast < 0:
        return []
    before = [at for at, _ in fired if occurrences[at].last < contrasts[contrast]]
    if not before:
        return []
    nearest = max(before, key=lambda at: occurrences[at].last)
    acted_on = [index for (at, _), (_, indices) in fired.items() if at == nearest for index in indices]
    concepts = {mentions[i].concept for i in acted_on}
    found = []
    for kind_id in occurrence.kinds:
        kind = lexicon.types[kind_id]
        if kind.requires and not kind.requires.isdisjoint(concepts):
            found.append((at, kind, [i for i in acted_on if mentions[i].concept in kind.requires]))
    return found


def _contrasted(before, after, contrasts: Sequence[int]) -> bool:
    """Whether the reading ``after`` (occurrence, type) moves a theme of ``before`` the other way
    across a contrast word between them (``contrasts``: the sentence's contrast words, by position)."""
    (first, first_kind), (second, second_kind) = before[:2], after[:2]
    between = bisect_right(contrasts, first.last)
    if not (first.last < second.first and between < len(contrasts) and contrasts[between] < second.first):
        return False
    moved = {theme: weight * first.weight for theme, weight in first_kind.effects}
    return any(moved.get(theme, 0.0) * weight * second.weight < 0 for theme, weight in second_kind.effects)


class _ClauseOf:
    """Clause of each trigger of a sentence, cut only when a rule asks (most sentences never do)."""

    def __init__(self, sentences: _Sentences, number: int, occurrences: Sequence[_Occurrence]) -> None:
        self.sentences, self.number, self.occurrences = sentences, number, occurrences
        self.found: dict[int, tuple[int, int] | None] = {}

    def __getitem__(self, at: int):
        if at not in self.found:
            self.found[at] = self.sentences.clause_key(self.number, self.occurrences[at].start)
        return self.found[at]

    def of(self, position: int):
        return self.sentences.clause_key(self.number, position)


def _governing(occurrences, actings, firsts, clause_of: _ClauseOf, first: int, last: int, mention: Mention):
    """The trigger that governs a mention of ``concept`` at words ``first..last``, and its type
    (``actings``: ``EventTypes.acting_of`` each trigger's kinds).

    Candidates are the triggers within ``REACH`` words whose type requires the concept. A type
    that reverses another candidate's type in the same clause wins over it ("pauses higher
    tariffs", "hold off on new tariffs": the pause acts on the whole phrase); then the nearest
    wins, a tie going to the trigger before the mention (the verb before its object).
    """
    lo = bisect_left(firsts, first - REACH - _LONGEST_MENTION)
    hi = bisect_left(firsts, last + REACH + 1)
    candidates = []
    concept = mention.concept
    for at in range(lo, hi):
        found = actings[at].get(concept)
        if found is None:
            continue
        occurrence = occurrences[at]
        distance = max(0, first - occurrence.last - 1, occurrence.first - last - 1)
        if distance <= REACH:
            candidates.append((distance, occurrence.first > last, found[0], at, found[1]))
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0][3], candidates[0][4]
    clause = clause_of.of(mention.start)
    close = [c for c in candidates if c[0] <= _ADJACENT or clause_of[c[3]] == clause]
    present = {c[4].id for c in close}
    reversing = [c for c in close if not c[4].reverses.isdisjoint(present)]
    # each candidate has its own trigger number (c[3]), so tuples differ before the type
    _, _, _, at, kind = min(reversing or candidates)
    return at, kind

