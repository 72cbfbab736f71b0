"""Map a batch of events to tidy tables: the one function the stream runner and Dask both call.

A batch becomes five long tables (:class:`MappedEvents`): one row per event, its strongest
security impacts, its theme activations, each portfolio's exposure to it, and the records that
could not be read. Long tables with fixed columns and dtypes concatenate across batches,
partitions and machines, and write straight to Parquet.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC

import numpy as np
import pandas as pd

from exposure.analytics import PortfolioSet, event_exposures
from exposure.errors import Reject
from exposure.events import Event, events_from_frame
from exposure.graph import KnowledgeGraph, default_graph, strict_policy
from exposure.impact import (
    ImpactSettings,
    activation_matrix,
    concept_activations,
    score_events,
    theme_scores,
    top_per_event,
)
from exposure.tagging import tag_event

TIME = "datetime64[us, UTC]"
SCHEMAS: dict[str, dict[str, str]] = {
    "events": {"event_id": "str", "published_at": TIME, "headline": "str", "market_impact": "float64",
               "graph_version": "str", "look_ahead_count": "Int64", "n_mentions": "int64", "unresolved": "str"},
    "impacts": {"event_id": "str", "published_at": TIME, "ticker": "str", "score": "float64", "rank": "int64"},
    "themes": {"event_id": "str", "published_at": TIME, "theme": "str", "score": "float64"},
    "exposures": {"event_id": "str", "published_at": TIME, "portfolio": "str", "exposure": "float64"},
    "rejects": {"line": "int64", "reason": "str", "record": "str"},
}


def empty_table(name: str) -> pd.DataFrame:
    """A table of ``name`` with no rows and the right dtypes (the schema of an empty partition)."""
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in SCHEMAS[name].items()})


def _typed(name: str, columns: dict[str, object]) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    return frame.astype(SCHEMAS[name]) if len(frame) else empty_table(name)


@dataclass(frozen=True)
class MappedEvents:
    """The tables a batch of events maps to.

    Attributes
    ----------
    events : DataFrame
        ``event_id, published_at, headline, market_impact, graph_version, look_ahead_count,
        n_mentions, unresolved``: one row per event read, stamped with the version of the graph
        that scored it and how many of that graph's figures were looked ahead (missing when the
        graph is not dated; 0 with the strict as-of graph).
    impacts : DataFrame
        ``event_id, published_at, ticker, score, rank``: each event's ``top`` securities by
        ``|score|`` (all non-zero scores when ``top`` is None).
    themes : DataFrame
        ``event_id, published_at, theme, score``: non-zero theme activations, which already
        carry the event's market impact, so their sum over a day is that day's theme intensity.
    exposures : DataFrame
        ``event_id, published_at, portfolio, exposure``: each portfolio's weighted impact from
        each event (empty without portfolios).
    rejects : DataFrame
        ``line, reason, record`` of the records that could not be read.
    """

    events: pd.DataFrame
    impacts: pd.DataFrame
    themes: pd.DataFrame
    exposures: pd.DataFrame
    rejects: pd.DataFrame

    @classmethod
    def empty(cls) -> MappedEvents:
        return cls(**{f.name: empty_table(f.name) for f in fields(cls)})

    @classmethod
    def concat(cls, parts: Sequence[MappedEvents]) -> MappedEvents:
        """Stack batches in order (row order and dtypes kept)."""
        tables = {}
        for f in fields(cls):
            frames = [getattr(p, f.name) for p in parts if len(getattr(p, f.name))]
            tables[f.name] = pd.concat(frames, ignore_index=True) if frames else empty_table(f.name)
        return cls(**tables)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def rejects_table(rejects: Sequence[Reject], first_line: int = 1) -> pd.DataFrame:
    """Rejects as a table, lines shifted so a batch that starts at ``first_line`` reports file lines."""
    return _typed("rejects", {"line": [r.line + first_line - 1 for r in rejects],
                              "reason": [r.reason for r in rejects], "record": [str(r.record) for r in rejects]})


class DatedGraphs:
    """The graph as of each day, built once per span of days over which it cannot change.

    ``graph.as_of(day)`` only changes on a ``valid_from``, the day after a ``valid_to`` or a
    ``known_from`` (:attr:`KnowledgeGraph.change_dates`), so a year of daily events needs as many
    compilations as there are such dates, not one per day.
    """

    def __init__(self, graph: KnowledgeGraph, strict: bool = True) -> None:
        self.graph = graph
        self.strict = strict
        self.breaks = graph.change_dates
        self._graphs: dict[int, KnowledgeGraph] = {}

    def on(self, day: str) -> KnowledgeGraph:
        """The graph of ``day`` (ISO date)."""
        span = bisect.bisect_right(self.breaks, day)
        if span not in self._graphs:
            self._graphs[span] = self.graph.as_of(day, strict=self.strict)
        return self._graphs[span]


_DATED: dict[tuple[str, bool], DatedGraphs] = {}


def dated_graphs(graph: KnowledgeGraph, strict: bool = True) -> DatedGraphs:
    """The :class:`DatedGraphs` of a graph version (kept per process, so partitions share them)."""
    key = (graph.version, strict)
    if key not in _DATED:
        if len(_DATED) > 8:
            _DATED.clear()
        _DATED[key] = DatedGraphs(graph, strict)
    return _DATED[key]


def map_event_batch(
    events: Sequence[Event],
    graph: KnowledgeGraph | None = None,
    *,
    settings: ImpactSettings | None = None,
    top: int | None = 20,
    portfolios: PortfolioSet | None = None,
    as_of: bool = False,
    point_in_time: str = "strict",
) -> MappedEvents:
    """Tag and score a batch of events with one sparse product per graph; see :class:`MappedEvents`.

    Parameters
    ----------
    events : sequence of Event
    graph : KnowledgeGraph, optional
        Default: the graph shipped with the package.
    settings : ImpactSettings, optional
    top : int or None, default 20
        Securities kept per event in ``impacts`` (None: every non-zero score; 0: none).
        ``themes`` and ``exposures`` are always complete.
    portfolios : PortfolioSet, optional
        Portfolios whose exposure to each event is computed (``X @ (M @ W.T)``).
    as_of : bool, default False
        Score each event with the graph as of its publication day (events without a date use
        the current graph). Each row of ``events`` names the graph version used and its
        look-ahead count.
    point_in_time : {"strict", "look-ahead"}, default "strict"
        With ``as_of``: ``strict`` drops figures published after the event's day (the company
        falls back to its industry default), ``look-ahead`` keeps them and counts them (see
        :meth:`KnowledgeGraph.as_of`).

    Examples
    --------
    >>> import exposure as ex
    >>> mapped = map_event_batch([ex.datasets.load_seed_article()], top=3)
    >>> mapped.impacts[["ticker", "rank"]].to_dict("list")["rank"]
    [1, 2, 3]
    """
    graph = default_graph() if graph is None else graph
    settings = settings or ImpactSettings()
    events = list(events)
    if not events:
        return MappedEvents.empty()
    strict = strict_policy(point_in_time)
    # One group per graph: as-of graphs with the same edges share a version (and compiled
    # operators) but, allowing look-ahead, may differ in what was known.
    groups: dict[tuple[str, int | None], list[int]] = {}
    chosen: dict[tuple[str, int | None], KnowledgeGraph] = {}
    dated = dated_graphs(graph, strict) if as_of else None
    for position, event in enumerate(events):
        scoring = graph
        if dated is not None and event.published_at is not None:
            scoring = dated.on(event.published_at.astimezone(UTC).date().isoformat())
        key = (scoring.version, scoring.look_ahead_count)
        groups.setdefault(key, []).append(position)
        chosen[key] = scoring
    parts = [(positions, _score(events, positions, chosen[key], settings, top, portfolios))
             for key, positions in groups.items()]
    if len(parts) == 1:
        return parts[0][1]
    order = np.argsort(np.concatenate([positions for positions, _ in parts]), kind="stable")
    merged = MappedEvents.concat([part for _, part in parts])
    events_table = merged.events.iloc[order].reset_index(drop=True)
    rank_of = pd.Series(np.arange(len(events_table)), index=events_table["event_id"])

    def in_event_order(frame: pd.DataFrame) -> pd.DataFrame:
        key = rank_of.reindex(frame["event_id"]).to_numpy()
        return frame.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)

    return MappedEvents(events_table, in_event_order(merged.impacts), in_event_order(merged.themes),
                        in_event_order(merged.exposures), merged.rejects)


def _score(events: Sequence[Event], positions: list[int], graph: KnowledgeGraph, settings: ImpactSettings,
           top: int | None, portfolios: PortfolioSet | None) -> MappedEvents:
    batch = [events[i] for i in positions]
    compiled = graph.compile(decay=settings.decay, max_hops=settings.max_hops, exposures=settings.exposures)
    tagged = [tag_event(e, graph, tag_confidence=settings.tag_confidence,
                        vendor_ticker_prior=settings.vendor_ticker_prior) for e in batch]
    x = activation_matrix([concept_activations(t.mentions, t.event.market_impact) for t in tagged], compiled.concepts)
    ids = np.array([e.id for e in batch], dtype=object)
    published = pd.Series(pd.to_datetime([e.published_at for e in batch], utc=True)).astype(TIME)
    events_table = _typed("events", {
        "event_id": ids, "published_at": published, "headline": [e.headline for e in batch],
        "market_impact": [e.market_impact for e in batch], "graph_version": graph.version,
        "look_ahead_count": pd.array([graph.look_ahead_count] * len(batch), dtype="Int64"),
        "n_mentions": [len(t.mentions) for t in tagged],
        "unresolved": ["; ".join([*t.unknown_tags, *t.unknown_tickers, *t.unknown_entities]) for t in tagged],
    })
    tickers = np.array([s.removeprefix("security:") for s in compiled.securities], dtype=object)
    wanted = top != 0 or (portfolios is not None and len(portfolios) and settings.materiality)
    scores = score_events(x, compiled, materiality=settings.materiality) if wanted else None
    if top == 0:
        impacts = empty_table("impacts")
    else:
        rows, columns, values, ranks = top_per_event(scores, top)
        impacts = _typed("impacts", {"event_id": ids[rows], "published_at": published.array.take(rows),
                                     "ticker": tickers[columns], "score": values, "rank": ranks})
    activated = theme_scores(x, compiled).tocoo()
    order = np.lexsort((activated.col, activated.row))
    rows, columns, values = activated.row[order], activated.col[order], activated.data[order]
    themes = _typed("themes", {"event_id": ids[rows], "published_at": published.array.take(rows),
                               "theme": np.asarray(compiled.themes, dtype=object)[columns], "score": values})
    exposures = empty_table("exposures")
    if portfolios is not None and len(portfolios):
        matrix = event_exposures(portfolios, compiled, x, materiality=settings.materiality, scores=scores)
        n_events, n_portfolios = matrix.shape
        rows = np.repeat(np.arange(n_events), n_portfolios)
        exposures = _typed("exposures", {
            "event_id": ids[rows], "published_at": published.array.take(rows),
            "portfolio": np.tile(np.asarray(portfolios.names, dtype=object).astype(str), n_events),
            "exposure": matrix.ravel(),
        })
    return MappedEvents(events_table, impacts, themes, exposures, empty_table("rejects"))


def map_event_frame(
    frame: pd.DataFrame,
    graph: KnowledgeGraph | None = None,
    *,
    settings: ImpactSettings | None = None,
    top: int | None = 20,
    portfolios: PortfolioSet | None = None,
    as_of: bool = False,
    point_in_time: str = "strict",
    first_line: int = 1,
) -> MappedEvents:
    """:func:`map_event_batch` on a DataFrame of event records (one row per event).

    Rows that are not valid events come back in ``rejects`` with ``line`` = ``first_line`` +
    their position, so a caller that knows where the frame starts in its file reports file lines.
    This is the function Dask maps over partitions.
    """
    if frame.empty:
        return MappedEvents.empty()
    events, rejects = events_from_frame(frame)
    mapped = map_event_batch(events, graph, settings=settings, top=top, portfolios=portfolios, as_of=as_of,
                             point_in_time=point_in_time)
    if not rejects:
        return mapped
    return MappedEvents(mapped.events, mapped.impacts, mapped.themes, mapped.exposures,
                        rejects_table(rejects, first_line))
