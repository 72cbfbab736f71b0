"""Local news reaches local companies: a storm in Florida is news for Florida's utilities.

Some themes are local by nature: a regulated utility serves a licensed territory, so a hurricane,
wildfire, freeze or blackout is the loss of the utilities that serve the place it hits, not of
every utility in the country. The themes read this way are listed, with their reasoning, in
``data/local_themes.csv`` (``theme`` is the concept mentioned, ``reaches`` the theme whose companies
are local, through the graph's ``implies`` edge between them when they differ).

When a story names one or more US states (nodes ``region:us-*``, with the companies located there
by ``located_in`` edges), each signed mention of a local theme is read as news of the companies
exposed to ``reaches`` that are located in a named state: each gets a mention with the mention's
sign (times the edge's sign) and confidence times its exposure (and the edge's weight), and the
theme mention itself carries nothing, its rule naming the states. Where no such company is located
in the named states, the mention keeps its national reading.

No rule names a ticker, a date or an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from exposure.tagging._data import data_rows
from exposure.tagging._gazetteer import Mention, concept_of

LOCAL_FILE = "local_themes.csv"
STATE_PREFIX = "region:us-"


def local_theme_rows() -> tuple[dict[str, str], ...]:
    """The local themes shipped with the package (``exposure/tagging/data/local_themes.csv``)."""
    return data_rows(LOCAL_FILE)


@dataclass(frozen=True)
class LocalReach:
    """Per graph version: what each local theme reaches, and the companies of each state.

    ``themes``: theme mentioned -> ``(reached theme, signed weight)``; ``companies``:
    ``(state, reached theme) -> ((company, exposure), ...)``; ``labels``: state -> its name.
    """

    themes: dict[str, tuple[str, float]] = field(default_factory=dict)
    companies: dict[tuple[str, str], tuple[tuple[str, float], ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph, rows: Sequence[dict[str, str]] | None = None) -> LocalReach:
        rows = local_theme_rows() if rows is None else rows
        edges = graph.edges
        implies = edges[edges["relation"] == "implies"]
        weight_of = {(a, b): float(w) for a, b, w in zip(implies["from_id"], implies["to_id"], implies["weight"])}
        themes = {}
        for row in rows:
            theme, reaches = row["theme"].strip(), row["reaches"].strip()
            weight = 1.0 if theme == reaches else weight_of.get((theme, reaches))
            if theme in graph and reaches in graph and weight:
                themes[theme] = (reaches, weight)
        located = edges[(edges["relation"] == "located_in") & edges["to_id"].str.startswith(STATE_PREFIX)]
        if not themes or located.empty:
            return cls()
        reached = sorted({reaches for reaches, _ in themes.values()})
        exposures = graph.security_exposures(reached)
        company_of = graph.securities["company_id"]
        by_company: dict[str, dict[str, float]] = {}
        for theme in reached:
            column = exposures[theme]
            for ticker, value in column[column > 0].items():
                company = company_of.get(ticker)
                if isinstance(company, str):
                    best = by_company.setdefault(company, {})
                    best[theme] = max(best.get(theme, 0.0), float(value))
        companies: dict[tuple[str, str], list[tuple[str, float]]] = {}
        for company, state in zip(located["from_id"], located["to_id"]):
            for theme, value in by_company.get(company, {}).items():
                companies.setdefault((state, theme), []).append((company, value))
        labels = graph.nodes["label"]
        return cls(themes, {key: tuple(sorted(found)) for key, found in companies.items()},
                   {state: str(labels.get(state, state)) for state, _ in companies})


def read_local(mentions: Sequence[Mention], reach: LocalReach) -> list[Mention]:
    """Read the signed mentions of local themes as news of the companies of the states the story names.

    Examples
    --------
    >>> reach = LocalReach({"theme:utilities": ("theme:utilities", 1.0)},
    ...                    {("region:us-ca", "theme:utilities"): (("company:pge", 1.0),)},
    ...                    {"region:us-ca": "California"})
    >>> found = [Mention("region:us-ca", "California", 20, 30, 1.0),
    ...          Mention("theme:utilities", "strikes .. wildfire", 7, 14, 0.3, "event", -1, "event: disaster")]
    >>> [(m.concept, m.sign, m.confidence, m.rule) for m in read_local(found, reach)][1:]
    [('theme:utilities', 0, 0.3, 'event: disaster; local: read as the utilities of California'), \
('company:pge', -1, 0.3, 'event: disaster; local: utilities of California')]
    """
    if not reach.themes or reach.labels.keys().isdisjoint(map(concept_of, mentions)):
        return list(mentions)
    states = sorted({m.concept for m in mentions if m.concept in reach.labels and m.start >= 0})
    if not states:
        return list(mentions)
    read: list[Mention] = []
    for mention in mentions:
        local = reach.themes.get(mention.concept) if mention.sign else None
        companies = [] if local is None else [
            (company, value) for state in states for company, value in reach.companies.get((state, local[0]), ())]
        if not companies:
            read.append(mention)
            continue
        reaches, weight = local
        where = " and ".join(reach.labels[state] for state in states)
        theme = reaches.removeprefix("theme:").replace("-", " ")
        before = f"{mention.rule}; " if mention.rule else ""
        read.append(mention.replaced(sign=0, rule=f"{before}local: read as the {theme} of {where}"))
        sign = mention.sign * (1 if weight > 0 else -1)
        for company, value in dict(companies).items():
            read.append(mention.replaced(concept=company, sign=sign,
                                         confidence=min(1.0, mention.confidence * abs(weight) * value),
                                         rule=f"{before}local: {theme} of {where}"))
    return read
