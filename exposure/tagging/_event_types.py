"""Event types: what happens in a clause, read from its trigger words and the concept they act on.

A market reader does not count words: "Trump pauses tariffs" is the opposite of "Trump imposes
tariffs", "Fed cuts rates" the opposite of "Fed raises rates", "vaccine 90% effective" the end of
an outbreak rather than more of it. The graph's event types (nodes ``event:*``, see
``graph/data/default/nodes/event_types.csv``) each list

* ``triggers``: phrases (``|`` between them, ``..`` allowing up to three words inside one:
  "cut .. output"), matched on the same folded tokens as aliases;
* ``requires``: the concepts the trigger must act on (``|`` between them; a theme covers its
  sub-themes). Empty means the trigger alone names the event ("ceasefire");
* ``subject`` / ``object``: the polarity for a company named as the trigger's subject or object
  (read by the company-fortune rule, see ``_fortune``);
* its effects, as signed ``implies`` edges from the event type to themes, with their reasoning.

The reading, per sentence, is linear in its length:

1. every trigger is found (longest match first); a negation among the four words before it
   (not, refuses to, fails to) turns it the other way at half weight, a hedge (may, threatens,
   considers) halves it: a threat weighs less than an act;
2. a trigger shared by several types ("cut": rates, tariffs, oil output) takes the type whose
   required concept is named nearest to it, within ``REACH`` words; a type with no requirement
   applies only when no other type's concept is in reach;
3. the mentions of the fired type's required concepts within reach carry nothing themselves
   (sign 0, their ``rule`` naming the type): the type's effects say what the story means for
   them, applied as mentions of the effect themes, each with its rule (``event: tariff paused
   (pauses)``) for ``explain()``. A type read several times in one sentence counts once, at
   its strongest reading.

No rule names a ticker, a date or an event: the types are general readings of the news.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

from exposure.tagging._context import _folded, _Sentences
from exposure.tagging._fortune import MODIFIER_WEIGHT, WINDOW, FortuneLexicon, Trigger, _match, default_lexicon
from exposure.tagging._gazetteer import Mention
from exposure.tagging._normalize import TOKEN, normalize_token

REACH = 10
_LONGEST_MENTION = 12
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


@dataclass(frozen=True)
class EventTypes:
    """The event types of one graph version, with their triggers indexed by first folded word."""

    types: dict[str, EventType]
    by_head: dict[str, tuple[Trigger, ...]]
    triggers: dict[str, tuple[str, ...]]

    @classmethod
    def from_graph(cls, graph, modifiers: FortuneLexicon | None = None) -> EventTypes:
        """Read ``event:*`` nodes and their ``implies`` edges; negations and hedges come from the
        company-fortune list, so that both rules weigh them alike."""
        nodes, edges = graph.nodes, graph.edges
        if "triggers" not in nodes:
            return cls({}, {}, {})
        rows = nodes[nodes["kind"] == "event"]
        children: dict[str, set[str]] = {}
        for child, parent in edges.loc[edges["relation"] == "subtheme_of", ["from_id", "to_id"]].itertuples(index=False):
            children.setdefault(parent, set()).add(child)
        implies = edges[(edges["relation"] == "implies") & edges["from_id"].str.startswith("event:")]
        effects: dict[str, list[tuple[str, float]]] = {}
        for event, theme, weight in zip(implies["from_id"], implies["to_id"], implies["weight"]):
            effects.setdefault(event, []).append((theme, float(weight)))
        types, by_head, triggers = {}, {}, {}
        for event_id, row in rows.iterrows():
            required = {c.strip() for c in str(_text(row.get("requires"))).split("|") if c.strip()}
            types[event_id] = EventType(
                event_id, str(row["label"]), _text(row.get("family")), frozenset(_with_descendants(required, children)),
                tuple(sorted(effects.get(event_id, []))), _number(row.get("subject")), _number(row.get("object")),
            )
            phrases = tuple(p.strip() for p in _text(row.get("triggers")).split("|") if p.strip())
            triggers[event_id] = phrases
            for phrase in phrases:
                trigger = _trigger(phrase, event_id)
                if trigger is not None:
                    by_head.setdefault(trigger.parts[0][0], []).append(trigger)
        for head, found in (modifiers or default_lexicon()).by_head.items():
            for trigger in found:
                if trigger.kind in ("negation", "hedge"):
                    by_head.setdefault(head, []).append(trigger)
        return cls(types, {head: tuple(found) for head, found in by_head.items()}, triggers)

    def fortune_rows(self) -> list[dict[str, str]]:
        """Company-fortune rows of the types with a subject or object polarity ("fined": -1 for
        the company fined), in the format of ``company_fortune.csv``."""
        return [
            {"phrase": phrase, "subject": str(kind.subject), "object": str(kind.object), "kind": "act",
             "applies_to": "any"}
            for event_id, kind in sorted(self.types.items()) if kind.subject or kind.object
            for phrase in self.triggers[event_id]
        ]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if number != number else number


def _with_descendants(concepts: set[str], children: dict[str, set[str]]) -> set[str]:
    found, todo = set(), list(concepts)
    while todo:
        concept = todo.pop()
        if concept not in found:
            found.add(concept)
            todo.extend(children.get(concept, ()))
    return found


def _trigger(phrase: str, kind: str) -> Trigger | None:
    parts = tuple(tuple(normalize_token(w) for w in TOKEN.findall(part)) for part in phrase.split(".."))
    if not parts or not all(parts):
        return None
    return Trigger(phrase, parts, 0.0, 0.0, kind)


@dataclass(frozen=True)
class _Occurrence:
    first: int
    last: int
    start: int
    end: int
    kinds: tuple[str, ...]
    weight: float
    words: str


def _occurrences(text: str, tokens: list[tuple[int, int, str]], lexicon: EventTypes) -> list[_Occurrence]:
    """Triggers of one sentence in text order, each with the weight its modifiers give it."""
    words = [w for _, _, w in tokens]
    negation = hedge = (-WINDOW - 1, -WINDOW - 1)
    found: list[_Occurrence] = []
    i = 0
    while i < len(words):
        longest, kinds = None, []
        for trigger in lexicon.by_head.get(words[i], ()):
            last = _match(trigger, words, i)
            if last is None or (longest is not None and last < longest):
                continue
            if longest is None or last > longest:
                longest, kinds = last, []
            kinds.append(trigger.kind)
        if longest is None:
            i += 1
            continue
        if "negation" in kinds:
            negation = (i, longest)
        elif "hedge" in kinds:
            hedge = (i, longest)
        else:
            weight, said = 1.0, text[tokens[i][0]:tokens[longest][1]]
            if i - negation[1] <= WINDOW:
                weight = -MODIFIER_WEIGHT
                said = f"{text[tokens[negation[0]][0]:tokens[negation[1]][1]]} .. {said}"
            if i - hedge[1] <= WINDOW:
                weight *= MODIFIER_WEIGHT
                said = f"{text[tokens[hedge[0]][0]:tokens[hedge[1]][1]]} .. {said}"
            found.append(_Occurrence(i, longest, tokens[i][0], tokens[longest][1],
                                     tuple(dict.fromkeys(kinds)), weight, said))
        i = longest + 1
    return found


def read_event_types(text: str, mentions: Sequence[Mention], lexicon: EventTypes) -> tuple[list[Mention], list[Mention]]:
    """Read the event types of a text.

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
    by_sentence: dict[int, list[int]] = {}
    for number, mention in enumerate(mentions):
        if mention.start >= 0 and mention.origin in _READ_ORIGINS:
            by_sentence.setdefault(sentences.number(mention.start), []).append(number)
    consumed: dict[int, str] = {}
    effects: list[Mention] = []
    for number, (start, end) in enumerate(sentences.spans):
        tokens = [(m.start(), m.end(), _folded(m.group(0))) for m in TOKEN.finditer(text, start, end)]
        occurrences = _occurrences(text, tokens, lexicon)
        if not occurrences:
            continue
        starts = [s for s, _, _ in tokens]
        placed = []
        for index in by_sentence.get(number, ()):
            mention = mentions[index]
            first = min(bisect_left(starts, mention.start), len(tokens) - 1)
            last = max(first, bisect_left(starts, mention.end) - 1)
            placed.append((first, min(last, first + _LONGEST_MENTION), index))
        placed.sort()
        strongest: dict[str, tuple[_Occurrence, EventType, list[int]]] = {}
        for occurrence in occurrences:
            fired = _fire(occurrence, placed, mentions, lexicon)
            if fired is None:
                continue
            kind, acted_on = fired
            for index in acted_on:
                consumed.setdefault(index, f"event: {kind.label} ({occurrence.words})")
            if kind.id not in strongest or abs(occurrence.weight) > abs(strongest[kind.id][0].weight):
                strongest[kind.id] = (occurrence, kind, acted_on)
        for occurrence, kind, acted_on in strongest.values():
            rule = f"event: {kind.label} ({occurrence.words})"
            confidence = max((mentions[i].confidence for i in acted_on), default=1.0)
            said = " .. ".join([occurrence.words, *(mentions[i].text for i in acted_on[:1])])
            for theme, weight in kind.effects:
                signed = weight * occurrence.weight
                if signed:
                    effects.append(Mention(theme, said, occurrence.start, occurrence.end,
                                           min(1.0, abs(signed)) * confidence, "event",
                                           1 if signed > 0 else -1, rule))
    read = [replace(m, sign=0, rule=consumed[i]) if i in consumed else m for i, m in enumerate(mentions)]
    return read, effects


def _fire(occurrence: _Occurrence, placed, mentions: Sequence[Mention], lexicon: EventTypes):
    """The type an occurrence names and the mentions it acts on, or None.

    The type whose required concept is named nearest wins; a type without requirements is the
    fallback when no required concept is in reach.
    """
    best = None
    lo = bisect_left(placed, (occurrence.first - REACH - _LONGEST_MENTION,))
    hi = bisect_left(placed, (occurrence.last + REACH + 2,))
    around = placed[lo:hi]
    for order, kind_id in enumerate(occurrence.kinds):
        kind = lexicon.types[kind_id]
        if not kind.requires:
            candidate = (REACH + 1, order, kind, [])
        else:
            near = [(max(0, first - occurrence.last - 1, occurrence.first - last - 1), index)
                    for first, last, index in around if mentions[index].concept in kind.requires]
            near = sorted(d_i for d_i in near if d_i[0] <= REACH)
            if not near:
                continue
            candidate = (near[0][0], order, kind, [index for _, index in near])
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return None if best is None else (best[2], best[3])
