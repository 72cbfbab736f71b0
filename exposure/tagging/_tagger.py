"""Turn an event into mentions: text matches, vendor tags, vendor ticker chips, pre-tagged ids."""

from __future__ import annotations

from dataclasses import dataclass, field

from exposure.events import Event
from exposure.tagging._gazetteer import Gazetteer, Mention, resolve_tag, tag_lookup

_CACHE: dict[str, tuple[Gazetteer, dict[str, str]]] = {}


@dataclass(frozen=True)
class TaggedEvent:
    """An event's mentions and what could not be resolved against the graph."""

    event: Event
    mentions: tuple[Mention, ...]
    unknown_tags: tuple[str, ...] = ()
    unknown_tickers: tuple[str, ...] = ()
    unknown_entities: tuple[str, ...] = field(default=())


def gazetteer_for(graph) -> tuple[Gazetteer, dict[str, str]]:
    """The gazetteer and tag lookup of a graph version, built once per process."""
    if graph.version not in _CACHE:
        _CACHE[graph.version] = (Gazetteer.from_graph(graph), tag_lookup(graph))
    return _CACHE[graph.version]


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
        Confidence given to a vendor category tag that the taxonomy knows.
    vendor_ticker_prior : float, default 0.05
        Confidence given to a vendor ticker chip: the terminal's chips are often its own
        symbol or loosely related, so they must not dominate what the text says.

    Returns
    -------
    TaggedEvent
    """
    gazetteer, tags = gazetteer_for(graph)
    mentions = list(gazetteer.find(event.text))
    unknown_tags = []
    for tag in event.tags:
        node = resolve_tag(tags, tag)
        if node is None:
            unknown_tags.append(tag)
        else:
            mentions.append(Mention(node, tag, -1, -1, tag_confidence, "tag"))
    owners = _security_owners(graph)
    unknown_tickers = []
    for ticker in event.vendor_tickers:
        security = graph.resolve_ticker(ticker)
        if security is None:
            unknown_tickers.append(ticker)
        else:
            mentions.append(Mention(owners[security], ticker, -1, -1, vendor_ticker_prior, "vendor_ticker"))
    unknown_entities = []
    for concept in (*event.entities, *event.themes):
        node = owners.get(concept, concept)
        if node in graph:
            mentions.append(Mention(node, concept, -1, -1, 1.0, "pretagged"))
        else:
            unknown_entities.append(concept)
    return TaggedEvent(event, tuple(mentions), tuple(unknown_tags), tuple(unknown_tickers),
                       tuple(unknown_entities))


def _security_owners(graph) -> dict[str, str]:
    securities = graph.securities
    return dict(zip(securities["security_id"], securities["company_id"]))
