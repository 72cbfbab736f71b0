"""Turn an event into mentions: text matches, sentence context, vendor tags, ticker chips, pre-tagged ids."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from exposure.events import Event
from exposure.tagging._context import _Sentences, localize, sign_by_sentence
from exposure.tagging._event_types import EventTypes, read_event_types
from exposure.tagging._fortune import FortuneLexicon, default_rows, quiet_bare_mentions, sign_by_fortune
from exposure.tagging._gazetteer import (Gazetteer, Mention, _new_mention, company_short_names, confirmed_by_fortune,
                                         one_word_short_names, resolve_tag, tag_lookup)
from exposure.tagging._local import LocalReach, read_local
from exposure.tagging._roles import operated_system_mentions
from exposure.tagging._sense import SenseList, default_senses
from exposure.tagging._trade import read_retaliation


@dataclass(frozen=True)
class TaggedEvent:
    """An event's mentions and what could not be resolved against the graph."""

    event: Event
    mentions: tuple[Mention, ...]
    unknown_tags: tuple[str, ...] = ()
    unknown_tickers: tuple[str, ...] = ()
    unknown_entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """What the tagger needs from one graph version, built once per process."""

    gazetteer: Gazetteer
    tags: dict[str, str]
    owners: dict[str, str]
    sentence_signed: frozenset[str]
    drivers_of: dict[str, frozenset[str]]
    operated: dict[str, list[tuple[str, float, frozenset[str]]]]
    variants: dict[str, list[tuple[str, str]]]
    regions_of: dict[str, frozenset[str]]
    fortune_signed: frozenset[str] = frozenset()
    senses: SenseList = SenseList(())
    event_types: EventTypes | None = None
    fortune: FortuneLexicon | None = None
    tag_effects: dict[str, dict[str, float]] | None = None
    local: LocalReach = LocalReach()
    needs_reading: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_graph(cls, graph) -> Vocabulary:
        nodes, edges = graph.nodes, graph.edges
        directions = nodes["direction"].to_dict() if "direction" in nodes else {}
        industries = nodes.index[nodes["kind"] == "gics"]
        sentence_signed = frozenset(node for node, d in directions.items() if d == "sentence") | set(industries)
        implies = edges[edges["relation"] == "implies"]
        drivers: dict[str, set[str]] = {}
        for source, target in zip(implies["from_id"], implies["to_id"]):
            if target in sentence_signed:
                drivers.setdefault(target, set()).add(source)
        serves: dict[str, set[str]] = {}
        for system, theme in zip(implies["from_id"], implies["to_id"]):
            serves.setdefault(system, set()).add(theme)
        operated: dict[str, list[tuple[str, float, frozenset[str]]]] = {}
        rows = edges[edges["relation"] == "operates"]
        for operator, system, weight in zip(rows["from_id"], rows["to_id"], rows["weight"]):
            operated.setdefault(operator, []).append((system, float(weight), frozenset(serves.get(system, ()))))
        variants, regions_of = _regional_variants(nodes, edges)
        securities = graph.securities
        makers = edges[edges["relation"] == "makes"]
        fortune_signed = frozenset(nodes.index[nodes["kind"] == "company"]) | frozenset(makers["to_id"])
        event_types = EventTypes.from_graph(graph)
        tag_effects: dict[str, dict[str, float]] = {}
        for tag, theme, weight in zip(implies["from_id"], implies["to_id"], implies["weight"]):
            if tag.startswith("tag:"):
                tag_effects.setdefault(tag, {})[theme] = float(weight)
        short_names = company_short_names(graph)
        return cls(
            gazetteer=Gazetteer.from_graph(graph, short_names),
            tags=tag_lookup(graph),
            owners=dict(zip(securities["security_id"], securities["company_id"])),
            sentence_signed=sentence_signed,
            drivers_of={target: frozenset(sources) for target, sources in drivers.items()},
            operated=operated,
            variants=variants,
            regions_of=regions_of,
            fortune_signed=fortune_signed,
            senses=default_senses().for_concepts(frozenset(nodes.index)),
            event_types=event_types,
            fortune=FortuneLexicon.from_rows([*default_rows(), *event_types.fortune_rows()]),
            tag_effects=tag_effects,
            local=LocalReach.from_graph(graph),
            needs_reading=one_word_short_names(short_names),
        )


def _regional_variants(nodes, edges) -> tuple[dict[str, list[tuple[str, str]]], dict[str, frozenset[str]]]:
    """Regional sub-themes by parent, and the regions every place lies in.

    A country lies in the regions it is located in or a member of; a region in itself and in every
    region all of its members lie in (the eastern flank lies in Europe).
    """
    regions = nodes["region"].to_dict() if "region" in nodes else {}
    parent = dict(edges.loc[edges["relation"] == "subtheme_of", ["from_id", "to_id"]].itertuples(index=False))
    variants: dict[str, list[tuple[str, str]]] = {}
    for theme, region in sorted(regions.items()):
        if isinstance(region, str) and region and theme in parent:
            variants.setdefault(parent[theme], []).append((theme, region))
    placed = edges[edges["relation"].isin(["located_in", "member_of"]) & edges["from_id"].str.startswith("country:")
                   & edges["to_id"].str.startswith("region:")]
    of_country: dict[str, set[str]] = {}
    members: dict[str, set[str]] = {}
    for country, region in placed[["from_id", "to_id"]].itertuples(index=False):
        of_country.setdefault(country, set()).add(region)
        members.setdefault(region, set()).add(country)
    regions_of = {country: frozenset(found) for country, found in of_country.items()}
    for region, countries in members.items():
        shared = set.intersection(*(of_country[c] for c in countries))
        regions_of[region] = frozenset(shared | {region})
    return variants, regions_of


TAG_HALF = 2
"""Distinct topical concepts named in a text at which a vendor category tag counts half."""
_NOT_TOPICS = ("country:", "region:", "tag:")
_START = attrgetter("start")


def vendor_tag_weight(tag_confidence: float, mentions) -> float:
    """Confidence of a vendor category tag, given the text's own mentions.

    Places and category words ("technology") do not count as topical concepts.

    >>> named = [Mention("theme:regulation-antitrust", "antitrust", 0, 9, 1.0),
    ...          Mention("company:alphabet", "Google", 20, 26, 1.0), Mention("country:US", "US", 30, 32, 1.0)]
    >>> vendor_tag_weight(1.0, []), vendor_tag_weight(1.0, named)
    (1.0, 0.5)
    """
    named = {m.concept for m in mentions if m.start >= 0 and not m.concept.startswith(_NOT_TOPICS)}
    return tag_confidence * TAG_HALF / (TAG_HALF + len(named))


_CACHE: dict[str, Vocabulary] = {}


def vocabulary_for(graph) -> Vocabulary:
    """The tagging vocabulary of a graph version (cached by version)."""
    if graph.version not in _CACHE:
        _CACHE[graph.version] = Vocabulary.from_graph(graph)
    return _CACHE[graph.version]


def _tag_mention(node: str, tag: str, confidence: float, effects: list[Mention],
                 tag_effects: dict[str, dict[str, float]]) -> Mention:
    """A vendor tag's mention, silenced when an event type read in the text moves one of the tag's
    themes the other way: the text's reading of a ceasefire beats the vendor's "war" category."""
    implied = tag_effects.get(node, {})
    for effect in effects:
        weight = implied.get(effect.concept, 0.0)
        if weight * effect.sign < 0:
            return _new_mention(node, tag, -1, -1, confidence, "tag", 0, f"{effect.rule}, against the tag")
    return _new_mention(node, tag, -1, -1, confidence, "tag")


_BESIDE = {"tag": "beside the tag", "text": "beside the category word"}


def _quiet_categories(mentions: list[Mention], rule: str) -> list[Mention]:
    """Once the text reads an event type, news categories carry nothing: the vendor's tags and the
    category words of the text ("technology") that name them. The reading decides what the story
    means; a broad category ("Technology & Innovation" on an antitrust suit) only adds side paths."""
    return [m.replaced(sign=0, rule=f"{rule} read in the text, {_BESIDE[m.origin]}")
            if m.sign and m.concept.startswith("tag:") and m.origin in _BESIDE else m for m in mentions]


def tag_event(
    event: Event,
    graph,
    *,
    tag_confidence: float = 1.0,
    vendor_ticker_prior: float = 0.05,
) -> TaggedEvent:
    """Find every concept an event mentions.

    Parameters
    ----------
    event : Event
    graph : KnowledgeGraph
    tag_confidence : float, default 1.0
        Confidence of a vendor category tag that the taxonomy knows, when the text names no
        concept of its own. A broad tag ("Technology & Innovation") says less than the concepts
        the text names, so each tag's confidence is ``tag_confidence * TAG_HALF / (TAG_HALF + n)``
        with ``n`` the distinct topical concepts (not places or category words) the text names:
        full weight for a bare headline, half with two concepts, a tenth with eighteen. Once the
        text reads an event type, the tags carry nothing (sign 0, their rule says why).
    vendor_ticker_prior : float, default 0.05
        Confidence given to a vendor ticker chip: the terminal's chips are often its own
        symbol or loosely related, so they must not dominate what the text says.

    Returns
    -------
    TaggedEvent
    """
    vocab = vocabulary_for(graph)
    text = event.text
    sentences = _Sentences(text)  # every stage reads the same words, cut once
    tokens = sentences.tokens
    found = vocab.gazetteer.find_tokens(text, tokens.words, tokens.starts, tokens.ends)
    sentences.number_at.fill(list(map(_START, found)))
    mentions = sign_by_sentence(text, vocab.senses.read(text, found), vocab.sentence_signed, vocab.drivers_of)
    mentions, effects = read_event_types(text, mentions, vocab.event_types, vocab.sentence_signed)
    mentions = read_retaliation(text, mentions, effects)
    mentions = sign_by_fortune(text, mentions, vocab.fortune_signed, vocab.fortune)
    mentions = confirmed_by_fortune(text, mentions, vocab.needs_reading)
    mentions += effects
    mentions += operated_system_mentions(text, mentions, vocab.operated)
    mentions = localize(text, mentions, vocab.variants, vocab.regions_of)
    mentions = read_local(mentions, vocab.local)
    unknown_tags = []
    tag_weight = vendor_tag_weight(tag_confidence, mentions) if event.tags else tag_confidence
    for tag in event.tags:
        node = resolve_tag(vocab.tags, tag)
        if node is None:
            unknown_tags.append(tag)
        else:
            mentions.append(_tag_mention(node, tag, tag_weight, effects, vocab.tag_effects))
    if effects:
        mentions = _quiet_categories(mentions, effects[0].rule)
    unknown_tickers = []
    for ticker in event.vendor_tickers:
        security = graph.resolve_ticker(ticker)
        if security is None:
            unknown_tickers.append(ticker)
        else:
            mentions.append(Mention(vocab.owners[security], ticker, -1, -1, vendor_ticker_prior, "vendor_ticker"))
    mentions = quiet_bare_mentions(mentions)
    unknown_entities = []
    for concept in (*event.entities, *event.themes):
        node = vocab.owners.get(concept, concept)
        if node in graph:
            mentions.append(Mention(node, concept, -1, -1, 1.0, "pretagged"))
        else:
            unknown_entities.append(concept)
    return TaggedEvent(event, tuple(mentions), tuple(unknown_tags), tuple(unknown_tickers),
                       tuple(unknown_entities))
