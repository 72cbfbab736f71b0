"""How good is a knowledge graph? Coverage counts, and agreement of its themes with real ETF holdings.

Agreement, for a theme, an ETF and a snapshot date:

- the graph is taken as of the snapshot date (:meth:`KnowledgeGraph.as_of`), so history applies;
- theme members are the graph's US-listed securities whose effective exposure to the theme is at
  least ``threshold`` (default 0.2);
- ETF holdings are the snapshot's US-listed holdings (the ETF's latest snapshot on or before the
  date) weighing at least ``min_weight_pct`` percent (default 0.5);
- precision = shared / members, recall = shared / holdings; the misses on each side are listed,
  and ETF holdings the graph does not know at all are told apart from those below the threshold.

US-listed means the Yahoo symbol has no exchange suffix: no ``.`` (``RHM.DE`` and ``CAE.TO`` are
not), no space (Bloomberg-style ``DSY FP``) and not all digits (``6301``). Issuer class-share
tickers ``MOG.A`` are read as Yahoo's ``MOG-A``. Money-market and cash lines (``AGPXX``, ``USD``)
count like any other symbol; they weigh less than 0.5% in the bundled snapshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from exposure.errors import ArgumentError, DataError
from exposure.graph._schema import node_kind

__all__ = ["DEFAULT_COMPARISONS", "GraphReport", "graph_report", "is_us_listed"]

DEFAULT_COMPARISONS: tuple[tuple[str, str, str], ...] = (
    ("theme:defense-spending", "XAR", "2022-02-04"),
    ("theme:defense-spending", "PPA", "2022-02-04"),
    ("theme:defense-spending", "ITA", "2021-11-30"),
    ("theme:airlines", "JETS", "2022-02-04"),
    ("theme:space-satellites", "UFO", "2022-02-04"),
    ("theme:space-satellites", "ARKX", "2022-02-04"),
    ("theme:space-defense", "UFO", "2022-02-04"),
)
"""(theme, ETF, date) pairs compared by default; each uses the ETF's latest snapshot on or before the date."""

_CLASS_SHARE = re.compile(r"^([A-Z]{1,5})\.([AB])$")
AGREEMENT_COLUMNS = [
    "theme", "etf", "date", "snapshot", "snapshot_pct", "members", "holdings", "shared", "precision",
    "recall", "graph_only", "etf_only_below_threshold", "etf_only_not_in_graph", "note", "look_ahead_count",
]


def is_us_listed(symbol: str) -> bool:
    """Whether a Yahoo symbol is a US listing: no ``.`` suffix, no space, not all digits.

    Examples
    --------
    >>> [is_us_listed(s) for s in ("LMT", "BRK-B", "RHM.DE", "DSY FP", "6301")]
    [True, True, False, False, False]
    """
    text = symbol.strip()
    return bool(text) and "." not in text and " " not in text and not text.isdigit()


def _yahoo(symbol: str) -> str:
    return _CLASS_SHARE.sub(r"\1-\2", symbol.strip().upper())


@dataclass(frozen=True)
class GraphReport:
    """Coverage and ETF agreement of one graph version (see :func:`graph_report`).

    Attributes
    ----------
    version : str
        Content hash of the graph.
    coverage : dict
        Counts and shares (see :func:`graph_report`).
    agreement : DataFrame
        One row per (theme, ETF, date) compared; columns ``theme, etf, date, snapshot,
        snapshot_pct, members, holdings, shared, precision, recall, graph_only,
        etf_only_below_threshold, etf_only_not_in_graph, note`` (the last four as lists / text),
        ``look_ahead_count`` (figures of the snapshot's as-of graph published after the snapshot:
        the agreement is measured with today's figures; None when no graph was needed).
    threshold : float
        Minimum effective exposure for a security to count as a theme member.
    min_weight_pct : float
        Minimum ETF weight, in percent, for a holding to count.
    """

    version: str
    coverage: dict[str, object]
    agreement: pd.DataFrame = field(repr=False)
    threshold: float = 0.2
    min_weight_pct: float = 0.5

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON: version, parameters, coverage and agreement rows."""
        rows = []
        for record in self.agreement.to_dict("records"):
            rows.append({k: (None if isinstance(v, float) and v != v else v) for k, v in record.items()})
        return {
            "version": self.version, "threshold": self.threshold, "min_weight_pct": self.min_weight_pct,
            "coverage": self.coverage, "agreement": rows,
        }

    def render(self) -> str:
        """A plain-text report."""
        c = self.coverage
        out = [f"graph {self.version}", "", "coverage"]
        out.append("  nodes: " + ", ".join(f"{k} {v}" for k, v in c["nodes"].items()))
        out.append("  edges: " + ", ".join(f"{k} {v}" for k, v in c["edges"].items()))
        out.append(f"  edge rows {c['edge_rows']} ({c['edges_with_history']} edges with history); "
                   f"with a source {c['share_with_source']:.1%}, with an as_of {c['share_with_as_of']:.1%}; "
                   f"curated {c['share_curated']:.1%}")
        out.append("  aliases by concept kind: " + ", ".join(f"{k} {v}" for k, v in c["aliases"].items()))
        without = c["companies_without_theme"]
        out.append(f"  companies without any theme: {len(without)} of {c['nodes'].get('company', 0)}"
                   + (f" ({', '.join(without[:15])}{', ...' if len(without) > 15 else ''})" if without else ""))
        empty = c["themes_without_company"]
        out.append(f"  themes without any exposed company: {len(empty)} of {c['nodes'].get('theme', 0)}"
                   + (f" ({', '.join(empty)})" if empty else ""))
        out.append("")
        out.append(f"agreement with ETF holdings (members: US-listed securities with exposure >= {self.threshold:g}; "
                   f"holdings: US-listed, weight >= {self.min_weight_pct:g}%)")
        if self.agreement.empty:
            out.append("  no ETF holdings given")
        for row in self.agreement.itertuples(index=False):
            head = f"  {row.theme} vs {row.etf} {row.snapshot or row.date}:"
            if row.note:
                out.append(f"{head} {row.note}")
            if row.precision != row.precision and row.recall != row.recall:
                continue
            out.append(f"{head} precision {_fmt(row.precision)}, recall {_fmt(row.recall)} "
                       f"({row.shared} shared of {row.members} members and {row.holdings} holdings; "
                       f"{row.look_ahead_count} figures looked ahead)")
            for label, items in (("graph only", row.graph_only),
                                 ("ETF only, below threshold", row.etf_only_below_threshold),
                                 ("ETF only, not in graph", row.etf_only_not_in_graph)):
                if items:
                    out.append(f"    {label}: {', '.join(items)}")
        return "\n".join(out)


def _fmt(value: float) -> str:
    return "n/a" if value != value else f"{value:.2f}"


def graph_report(
    graph,
    etf_holdings: pd.DataFrame | None = None,
    *,
    threshold: float = 0.2,
    min_weight_pct: float = 0.5,
    comparisons: Iterable[tuple[str, str, str]] = DEFAULT_COMPARISONS,
) -> GraphReport:
    """Measure a graph: coverage, and agreement of theme members with ETF holdings.

    Parameters
    ----------
    graph : KnowledgeGraph
    etf_holdings : DataFrame, optional
        Long ETF holdings table ``etf, date, holding, weight_pct`` (for example
        ``exposure.datasets.load_etf_holdings()``); without it only coverage is reported.
    threshold : float, default 0.2
        Minimum effective exposure for a security to be a theme member.
    min_weight_pct : float, default 0.5
        Minimum ETF weight (percent) for a holding to count.
    comparisons : iterable of (theme, etf, date)
        What to compare; default :data:`DEFAULT_COMPARISONS`.

    Returns
    -------
    GraphReport
        ``coverage`` holds ``nodes`` (count by kind), ``edges`` (count by relation, history rows
        included), ``edge_rows``, ``edges_with_history``, ``share_with_source``,
        ``share_with_as_of``, ``share_curated`` (source starting ``curated``),
        ``companies_without_theme`` and ``themes_without_company`` (no effective exposure > 0),
        ``aliases`` (count by concept kind), ``overrides`` and ``rejects`` (counts).

    Examples
    --------
    >>> import exposure as ex
    >>> report = graph_report(ex.default_graph())
    >>> report.coverage["share_with_source"]
    1.0
    """
    if not 0 <= threshold <= 1:
        raise ArgumentError(f"threshold must lie in [0, 1], got {threshold}")
    coverage = _coverage(graph)
    rows = []
    if etf_holdings is not None:
        table = _clean_holdings(etf_holdings)
        graphs: dict[str, object] = {}
        for theme, etf, day in comparisons:
            rows.append(_agreement(graph, graphs, table, theme, etf, day, threshold, min_weight_pct))
    agreement = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return GraphReport(graph.version, coverage, agreement, float(threshold), float(min_weight_pct))


def _coverage(graph) -> dict[str, object]:
    nodes = graph.nodes
    history = graph.edge_history
    keys = ["from_id", "relation", "to_id"]
    exposures = graph.exposures
    positive = exposures[exposures["weight"] > 0]
    companies = set(graph.ids("company"))
    themes = set(graph.ids("theme"))
    aliases = graph.aliases
    alias_kinds = aliases["concept"].map(node_kind).value_counts().sort_index() if len(aliases) else pd.Series()
    n = len(history)
    return {
        "nodes": {k: int(v) for k, v in nodes["kind"].value_counts().sort_index().items()},
        "edges": {k: int(v) for k, v in history["relation"].value_counts().sort_index().items()},
        "edge_rows": int(n),
        "edges_with_history": int(history[history.duplicated(keys, keep=False)][keys].drop_duplicates().shape[0]),
        "share_with_source": float((history["source"] != "").mean()) if n else 1.0,
        "share_with_as_of": float((history["as_of"] != "").mean()) if n else 1.0,
        "share_curated": float(history["source"].str.startswith("curated").mean()) if n else 0.0,
        "companies_without_theme": sorted(companies - set(positive["company"])),
        "themes_without_company": sorted(themes - set(positive["theme"])),
        "aliases": {k: int(v) for k, v in alias_kinds.items()},
        "overrides": len(graph.overrides),
        "rejects": len(graph.rejects),
    }


def _clean_holdings(table: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("etf", "date", "holding", "weight_pct") if c not in table.columns]
    if missing:
        raise DataError(f"ETF holdings table lacks column(s) {missing}", field="columns",
                        fix="give a long table with columns etf,date,holding,weight_pct")
    clean = table.loc[:, ["etf", "date", "holding", "weight_pct"]].copy()
    clean["etf"] = clean["etf"].astype(str).str.strip().str.upper()
    clean["date"] = clean["date"].astype(str).str.slice(0, 10)
    clean["weight_pct"] = pd.to_numeric(clean["weight_pct"], errors="coerce")
    named = clean["holding"].notna() & (clean["holding"].astype(str).str.strip() != "")
    clean = clean[named].copy()
    clean["holding"] = clean["holding"].astype(str).map(_yahoo)
    return clean


def _agreement(graph, graphs, table, theme, etf, day, threshold, min_weight_pct) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(AGREEMENT_COLUMNS)
    row.update(theme=theme, etf=etf, date=day, snapshot=None, snapshot_pct=float("nan"), members=0, holdings=0,
               shared=0, precision=float("nan"), recall=float("nan"), graph_only=[],
               etf_only_below_threshold=[], etf_only_not_in_graph=[], note="")
    snapshots = table.loc[(table["etf"] == etf) & (table["date"] <= day), "date"]
    if snapshots.empty:
        row["note"] = f"no {etf} snapshot on or before {day}"
        return row
    snapshot = snapshots.max()
    snap = table[(table["etf"] == etf) & (table["date"] == snapshot)]
    row["snapshot"] = snapshot
    row["snapshot_pct"] = round(float(snap["weight_pct"].sum()), 4)
    weights = snap.groupby("holding")["weight_pct"].sum()
    held = sorted(t for t, w in weights.items() if w >= min_weight_pct and is_us_listed(t))
    row["holdings"] = len(held)
    if theme not in graph or graph.node(theme)["kind"] != "theme":
        row["note"] = f"the graph has no theme {theme}"
        return row
    if snapshot not in graphs:
        dated = graph.as_of(snapshot)
        graphs[snapshot] = (dated.security_exposures(), dated.look_ahead_count)
    exposures, row["look_ahead_count"] = graphs[snapshot]
    exposure = exposures[theme]
    exposure = exposure[[is_us_listed(t) for t in exposure.index]]
    members = sorted(exposure.index[exposure >= threshold])
    shared = sorted(set(members) & set(held))
    row.update(
        members=len(members), shared=len(shared),
        precision=len(shared) / len(members) if members else float("nan"),
        recall=len(shared) / len(held) if held else float("nan"),
        graph_only=sorted(set(members) - set(held)),
        etf_only_below_threshold=[f"{t} ({exposure[t]:.2f})" for t in held if t in exposure.index and t not in shared],
        etf_only_not_in_graph=[t for t in held if t not in exposure.index],
    )
    if abs(row["snapshot_pct"] - 100) > 5:
        row["note"] = f"the snapshot sums to {row['snapshot_pct']:.2f}%, not about 100%"
    return row

