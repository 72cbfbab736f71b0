"""A gazetteer built from the graph's labels and aliases, and the mentions it finds in text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from exposure.tagging._normalize import normalize_token, tokenize

Origin = Literal["text", "context", "tag", "vendor_ticker", "pretagged"]


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
        ``text``, ``context`` (implied by a sentence, see ``_context``), ``tag``,
        ``vendor_ticker`` or ``pretagged``.
    sign : int
        +1, or for themes signed by their sentence its direction (-1, 0 or +1).
    """

    concept: str
    text: str
    start: int
    end: int
    confidence: float
    origin: Origin = "text"
    sign: int = 1


def _folded(text: str) -> tuple[str, ...]:
    return tuple(normalize_token(t) for t, _, _ in tokenize(text))


def _tag_key(label: str) -> str:
    return re.sub(r"\s+", " ", label.casefold().replace("&", " and ")).strip()


class Gazetteer:
    """Phrase matcher over normalised tokens: word boundaries, case-insensitive, spelling-blind.

    Short all-caps aliases flagged ``case_sensitive`` (``"US"``, ``"SAM"``) match only as written.
    Matching is leftmost-longest without overlaps; a phrase shared by several concepts yields a
    mention of each.

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
        for concept, alias, confidence, case_sensitive in entries:
            key = tuple(t for t, _, _ in tokenize(alias)) if case_sensitive else _folded(alias)
            if not key:
                continue
            table = self._exact if case_sensitive else self._folded
            best = table.setdefault(key, {})
            best[concept] = max(best.get(concept, 0.0), float(confidence))
        self._longest = max((len(k) for k in (*self._folded, *self._exact)), default=0)

    @classmethod
    def from_graph(cls, graph) -> Gazetteer:
        """Labels (confidence 1) and aliases of every node except securities and GICS levels
        above sub-industry (sector words such as "Energy" are structure, not news concepts).

        An alias row that spells a node's own label sets that label's confidence: a generic
        label such as "Military drones" often names the threat in a story, not the industry.
        Tickers are not matched in prose (too many collide with words); vendor ticker chips are
        resolved separately.
        """
        kind = graph.nodes["kind"]
        upper_gics = (kind == "gics") & (graph.nodes.index.str.len() < len("gics:00000000"))
        nodes = graph.nodes[(kind != "security") & ~upper_gics]
        aliases = graph.aliases
        alias_rows = list(zip(aliases["concept"], aliases["alias"], aliases["confidence"], aliases["case_sensitive"]))
        spelled = {(concept, _folded(alias)) for concept, alias, _, _ in alias_rows}
        labels = [(i, str(label), 1.0, False) for i, label in zip(nodes.index, nodes["label"])
                  if (i, _folded(str(label))) not in spelled]
        return cls([*labels, *alias_rows])

    def __len__(self) -> int:
        return len(self._folded) + len(self._exact)

    def find(self, text: str) -> list[Mention]:
        """All mentions in a text, in order of position."""
        tokens = tokenize(text)
        raw = [t for t, _, _ in tokens]
        folded = [normalize_token(t) for t in raw]
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            for length in range(min(self._longest, len(tokens) - i), 0, -1):
                hits = {**self._folded.get(tuple(folded[i:i + length]), {})}
                for concept, conf in self._exact.get(tuple(raw[i:i + length]), {}).items():
                    hits[concept] = max(hits.get(concept, 0.0), conf)
                if hits:
                    start, end = tokens[i][1], tokens[i + length - 1][2]
                    mentions.extend(
                        Mention(c, text[start:end], start, end, hits[c]) for c in sorted(hits)
                    )
                    i += length
                    break
            else:
                i += 1
        return mentions


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
    columns = ["event_id", "concept", "text", "start", "end", "confidence", "origin", "sign"]
    rows = [(e, m.concept, m.text, m.start, m.end, m.confidence, m.origin, m.sign) for e, m in mentions]
    return pd.DataFrame(rows, columns=columns)
