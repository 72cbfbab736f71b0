"""One call that joins a portfolio, the graph and events into a report (API, CLI and demo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from exposure.analytics._exposure import (
    country_exposure,
    event_contributions,
    event_sensitivity,
    sector_exposure,
    theme_exposure,
)
from exposure.analytics._results import ThemeExposure
from exposure.events import Event
from exposure.graph import KnowledgeGraph, default_graph
from exposure.impact import EventImpacts, ImpactSettings, map_events
from exposure.errors import ArgumentError


@dataclass(frozen=True, eq=False)
class PortfolioReport:
    """Theme, sector and country exposure of a portfolio and its sensitivity to events.

    Attributes
    ----------
    name : str
    graph_version : str
    themes : ThemeExposure
        Totals, per-holding contributions, active exposure and coverage.
    sectors, countries : DataFrame
        ``weight, benchmark, active`` per GICS sector / country code.
    events : EventImpacts or None
        The mapped events, when given.
    sensitivity : Series
        Per event: sum over holdings of weight x impact score.
    look_ahead_count : int or None
        Figures of an as-of graph used although known only after its date (None: the graph is not
        dated; see :meth:`exposure.KnowledgeGraph.as_of`).
    """

    name: str
    graph_version: str
    weights: pd.Series = field(repr=False)
    themes: ThemeExposure = field(repr=False)
    sectors: pd.DataFrame = field(repr=False)
    countries: pd.DataFrame = field(repr=False)
    events: EventImpacts | None = field(repr=False, default=None)
    sensitivity: pd.Series = field(repr=False, default_factory=lambda: pd.Series(dtype=float))
    look_ahead_count: int | None = None

    def themes_frame(self) -> pd.DataFrame:
        """Per theme: exposure, benchmark, active."""
        return self.themes.to_frame()

    def event_contributions(self, event_id: str) -> pd.Series:
        """Per holding: weight x impact for one event; sums to its sensitivity exactly."""
        if self.events is None:
            raise ArgumentError("the report was built without events")
        return event_contributions(self.weights, self.events.matrix, event_id)

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready report (``graph_version, look_ahead_count, coverage, themes, sectors, countries, events``)."""
        events = []
        if self.events is not None:
            for event in self.events.events:
                contributions = self.event_contributions(event.id)
                ranked = contributions[contributions != 0]
                ranked = ranked.reindex(sorted(ranked.index, key=lambda t: (-abs(ranked[t]), t)))
                events.append({
                    "id": event.id, "headline": event.headline,
                    "sensitivity": float(self.sensitivity[event.id]),
                    "contributions": [{"ticker": t, "contribution": float(c)}
                                      for t, c in (ranked if top is None else ranked.head(top)).items()],
                })
        return {
            "graph_version": self.graph_version,
            "look_ahead_count": self.look_ahead_count,
            "portfolio": self.name,
            "coverage": self.themes.coverage.to_dict(),
            "benchmark_coverage": (self.themes.benchmark_coverage.to_dict()
                                   if self.themes.benchmark_coverage is not None else None),
            "themes": self.themes.to_dict(top),
            "sectors": _group_records(self.sectors, "sector"),
            "countries": _group_records(self.countries, "country"),
            "events": events,
        }

    def render(self, top: int = 3) -> str:
        """Plain-text report."""
        frame = self.themes.to_frame()
        dated = "" if self.look_ahead_count is None else f", {self.look_ahead_count} figures looked ahead"
        lines = [f"Portfolio '{self.name}'  (graph {self.graph_version}{dated})",
                 f"coverage: {self.themes.coverage.summary()}"]
        if self.themes.benchmark_coverage is not None:
            lines.append(f"benchmark coverage: {self.themes.benchmark_coverage.summary()}")
        lines.append("")
        lines.append("theme exposure (sum of weight x exposure), largest contributors:")
        for theme, row in frame.iterrows():
            tops = self.themes.top_contributors(theme, top)
            who = ", ".join(f"{t} {c:+.4f}" for t, c in tops.items())
            bench = "" if pd.isna(row["benchmark"]) else f"  bench {row['benchmark']:.4f}  active {row['active']:+.4f}"
            lines.append(f"  {theme:<34} {row['exposure']:.4f}{bench}   {who}")
        lines.append("")
        lines.append("sectors (GICS):")
        lines.append(self.sectors.to_string(float_format=lambda x: f"{x:+.4f}"))
        lines.append("")
        lines.append("countries:")
        lines.append(self.countries.to_string(float_format=lambda x: f"{x:+.4f}"))
        if self.events is not None:
            lines.append("")
            lines.append("event sensitivity (sum of weight x impact score), largest contributors:")
            for event in self.events.events:
                contributions = self.event_contributions(event.id)
                contributions = contributions[contributions != 0]
                order = sorted(contributions.index, key=lambda t: (-abs(contributions[t]), t))[:top]
                who = ", ".join(f"{t} {contributions[t]:+.5f}" for t in order)
                lines.append(f"  {self.sensitivity[event.id]:+.5f}  {event.headline[:70]:<70}  {who}")
        return "\n".join(lines)


def _group_records(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    records = []
    for label, row in frame.iterrows():
        entry: dict[str, Any] = {key: str(label)}
        entry.update({c: (None if pd.isna(v) else float(v)) for c, v in row.items()})
        records.append(entry)
    return records


def portfolio_report(
    portfolio,
    graph: KnowledgeGraph | None = None,
    *,
    benchmark=None,
    events: Sequence[Event] | Iterable[Event] = (),
    themes: Iterable[str] | None = None,
    settings: ImpactSettings | None = None,
) -> PortfolioReport:
    """Score a portfolio against the graph's themes, sectors, countries and a set of events.

    Parameters
    ----------
    portfolio : Portfolio
    graph : KnowledgeGraph, optional
        Default: the graph shipped with the package.
    benchmark : Portfolio, optional
        For active exposure (weight - benchmark weight).
    events : iterable of Event, optional
        For event sensitivity: sum over holdings of weight x impact score.
    themes : iterable of str, optional
        Theme ids to report; default every theme the portfolio or benchmark is exposed to.
    settings : ImpactSettings, optional
        How events are scored; its ``exposures`` ("prior" or "blend") also chooses the theme
        exposures the portfolio is measured with.

    Returns
    -------
    PortfolioReport
    """
    graph = default_graph() if graph is None else graph
    weights = portfolio.weights
    bench = benchmark.weights if benchmark is not None else None
    exposures = graph.security_exposures(exposures=settings.exposures if settings is not None else "prior")
    if themes is None:
        held = weights.index.union(bench.index if bench is not None else pd.Index([]))
        touched = exposures.reindex(exposures.index.intersection(held)).abs().sum()
        themes = [t for t in exposures.columns if touched.get(t, 0) > 0]
    result = theme_exposure(weights, exposures, benchmark=bench, themes=list(themes))
    info = graph.securities
    events = list(events)
    impacts = map_events(events, graph, settings) if events else None
    return PortfolioReport(
        name=portfolio.name,
        graph_version=graph.version,
        look_ahead_count=graph.look_ahead_count,
        weights=weights,
        themes=result,
        sectors=sector_exposure(weights, info, benchmark=bench),
        countries=country_exposure(weights, info, benchmark=bench),
        events=impacts,
        sensitivity=(event_sensitivity(weights, impacts.matrix) if impacts is not None
                     else pd.Series(dtype=float)),
    )
