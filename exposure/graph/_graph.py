"""KnowledgeGraph: validated tables of nodes, edges and aliases, viewed through networkx."""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Literal

import networkx as nx
import pandas as pd

from exposure.errors import ArgumentError, ExposureWarning, GraphError, Reject, UnknownConceptError
from exposure.graph import _io
from exposure.graph._cache import compile_cached, default_compiled_cache_dir
from exposure.graph._compile import CompiledGraph, compile_operators
from exposure.graph._exposures import effective_exposures, gics_ancestors
from exposure.graph._schema import NODE_KINDS, RELATIONS
from exposure.io import parse_date


class GraphOverrideWarning(ExposureWarning):
    """A user file replaced a node, edge or alias of an earlier source (usually the default graph)."""


class UserTableWarning(ExposureWarning):
    """Rows of a user exposure table were refused; they are in :attr:`KnowledgeGraph.rejects`."""


POINT_IN_TIME_POLICIES = ("strict", "look-ahead")


def strict_policy(point_in_time: str) -> bool:
    """Whether a ``point_in_time`` policy (``"strict"`` or ``"look-ahead"``) drops later figures.

    >>> strict_policy("strict"), strict_policy("look-ahead")
    (True, False)
    """
    if point_in_time not in POINT_IN_TIME_POLICIES:
        raise ArgumentError(
            f"point_in_time={point_in_time!r} is not a policy", field="point_in_time",
            fix="use 'strict' (drop figures known after the date) or 'look-ahead' (keep them and count them)",
        )
    return point_in_time == "strict"


LOOK_AHEAD_COLUMNS = ["from_id", "relation", "to_id", "weight", "source", "as_of", "known_from", "days_ahead"]


@dataclass(frozen=True)
class PointInTime:
    """What an as-of graph knew on its date, and what it took from later (see :meth:`KnowledgeGraph.as_of`).

    Attributes
    ----------
    date : str
        The graph's date (ISO).
    strict : bool
        Whether figures known only after the date were dropped (True) or kept as look-ahead.
    figures_kept : int
        Edge rows with a ``known_from`` on or before the date.
    looked_ahead : int
        Edge rows kept although their ``known_from`` is after the date (0 when strict).
    dropped : int
        Edge rows left out because their ``known_from`` is after the date (0 unless strict).
    undated_priors : int
        ``exposed_to`` rows without a ``known_from`` (industry defaults, undated user figures),
        treated as known on every date.
    """

    date: str
    strict: bool
    figures_kept: int
    looked_ahead: int
    dropped: int
    undated_priors: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        return asdict(self)

    def __str__(self) -> str:
        policy = "strict" if self.strict else "look-ahead allowed"
        return (f"as of {self.date} ({policy}): {self.figures_kept} dated figures known by then, "
                f"{self.looked_ahead} looked ahead, {self.dropped} dropped, {self.undated_priors} undated priors")


def current_edges(history: pd.DataFrame) -> pd.DataFrame:
    """The current graph: per edge key its newest row, unless that row has ended.

    Rows of one key never overlap in validity, so the latest ``valid_from`` (an empty one counts
    as the earliest) is the newest row. A newest row with a ``valid_to`` means the edge no longer
    holds (a delisted security, a country that left an organisation), so the key is dropped; the
    rule depends on the data only, never on the day it runs. :meth:`KnowledgeGraph.as_of` sees
    every row.
    """
    keys = ["from_id", "relation", "to_id"]
    if history.empty:
        return history
    ordered = history.sort_values([*keys, "valid_from"], kind="stable")
    newest = ordered.drop_duplicates(keys, keep="last")
    newest = newest[newest["valid_to"] == ""]
    return history.loc[history.index.isin(newest.index)].reset_index(drop=True)


class KnowledgeGraph:
    """Typed nodes, signed weighted sourced edges and aliases, stamped with a content hash.

    Build one with :meth:`load` (the default graph plus your own files) rather than directly.

    An edge may have several rows with disjoint validity intervals (its history). The full graph
    computes with the current edges (:attr:`edges`: each edge's newest row, dropped when it has
    ended), so results do not depend on the day they are run; :meth:`as_of` gives the graph of a
    date, and :attr:`edge_history` every row.

    Parameters
    ----------
    nodes, edges, aliases : DataFrame
        Validated tables as produced by the loader (``edges`` may hold history rows).
    overrides : sequence of str
        What later sources replaced in earlier ones, for the record.
    dated : str, optional
        Set by :meth:`as_of`: the edges are the rows valid on that day and are used as given.
    point_in_time : PointInTime, optional
        Set by :meth:`as_of`: what the graph knew on its date.
    look_ahead : DataFrame, optional
        Set by :meth:`as_of`: the rows it used although they were known only later.
    rejects : sequence of Reject
        Rows of user exposure tables that were refused, for the record.

    Examples
    --------
    >>> import exposure as ex
    >>> graph = ex.KnowledgeGraph.load()
    >>> graph.label("system:nasams")
    'NASAMS'
    >>> graph.version.startswith("kg-")
    True
    """

    def __init__(
        self,
        nodes: pd.DataFrame,
        edges: pd.DataFrame,
        aliases: pd.DataFrame,
        *,
        overrides: Iterable[str] = (),
        rejects: Iterable[Reject] = (),
        dated: str | None = None,
        point_in_time: PointInTime | None = None,
        look_ahead: pd.DataFrame | None = None,
    ) -> None:
        self._nodes = nodes
        self._history = edges
        self.dated = dated
        self.point_in_time = point_in_time
        self._look_ahead = look_ahead if look_ahead is not None else pd.DataFrame(columns=LOOK_AHEAD_COLUMNS)
        self._edges = edges if dated else current_edges(edges)
        self._aliases = aliases
        self.overrides: tuple[str, ...] = tuple(overrides)
        self.rejects: tuple[Reject, ...] = tuple(rejects)
        self._compiled: dict[tuple[float, int, str], CompiledGraph] = {}

    @classmethod
    def load(cls, *paths: str | Path, include_default: bool = True) -> KnowledgeGraph:
        """Load and validate graph files; later sources override earlier ones.

        Parameters
        ----------
        *paths : str or Path
            Your own folders or CSV files (nodes, edges, aliases or exposure tables
            ``ticker,theme,weight,source,...``, told apart by header).
        include_default : bool, default True
            Start from the default graph shipped with the package.

        Raises
        ------
        GraphError
            Listing every offending file and row (dangling ids, bad weights, unknown
            relations, duplicates, overlapping validity, missing sources or dates) of graph
            files. Rows of exposure tables are not fatal: the bad ones are kept in
            :attr:`rejects`, with a :class:`UserTableWarning`, and the rest loads.
        """
        default_dir = _io.default_graph_dir()
        sources = [default_dir] if include_default else []
        sources.extend(Path(p) for p in paths)
        overrides: list[str] = []
        rejects: list[Reject] = []
        nodes, edges, aliases = _io.validate_tables(_io.read_graph_tables(sources), overrides, rejects)
        curated = [r for r in rejects if include_default and r.reason.startswith(str(default_dir))]
        if curated:
            raise GraphError(f"{len(curated)} problem(s) in the default graph files:\n  "
                             + "\n  ".join(r.reason for r in curated[:50]))
        if overrides:
            warnings.warn(
                f"{len(overrides)} default entries overridden by your files, e.g. {overrides[0]}",
                GraphOverrideWarning, stacklevel=2,
            )
        if rejects:
            shown = "\n  ".join(r.reason for r in rejects[:20])
            more = f"\n  ... and {len(rejects) - 20} more (graph.rejects)" if len(rejects) > 20 else ""
            warnings.warn(
                f"{len(rejects)} row(s) of your exposure tables were refused; the rest loaded:\n  {shown}{more}",
                UserTableWarning, stacklevel=2,
            )
        return cls(nodes, edges, aliases, overrides=overrides, rejects=rejects)

    # --- tables -------------------------------------------------------------------------------
    # Shallow copies: with copy-on-write, edits to them never reach the graph, whose version
    # hash and compiled operators must stay true to its content.
    @property
    def nodes(self) -> pd.DataFrame:
        """Nodes indexed by id: ``id, kind, label, description`` and any extra attributes."""
        return self._nodes.copy(deep=False)

    @property
    def edges(self) -> pd.DataFrame:
        """Edges: ``from_id, relation, to_id, weight, source, as_of, valid_from, valid_to, note, origin``.

        One row per current edge: its newest row, left out when that row has ended (see
        :attr:`edge_history`).
        """
        return self._edges.copy(deep=False)

    @property
    def edge_history(self) -> pd.DataFrame:
        """Every edge row, including earlier rows of edges with history (same columns as :attr:`edges`)."""
        return self._history.copy(deep=False)

    @property
    def aliases(self) -> pd.DataFrame:
        """Aliases: ``concept, alias, confidence, case_sensitive, origin`` (labels are implicit)."""
        return self._aliases.copy(deep=False)

    @cached_property
    def version(self) -> str:
        """Content hash of nodes, edges and aliases (file names and row numbers excluded).

        Hashed column by column with pandas' fixed-key hash, so a graph of a million edges is
        stamped in a fraction of a second.
        """
        digest = hashlib.sha256()
        for frame in (self._nodes, self._history, self._aliases):
            content = frame.drop(columns=["origin"], errors="ignore")
            digest.update(json.dumps([str(c) for c in content.columns]).encode())
            for column in content.columns:
                values = content[column].astype(object).where(content[column].notna(), None).astype(str)
                digest.update(pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes())
            digest.update(pd.util.hash_pandas_object(content.index.to_series(), index=False).to_numpy().tobytes())
        return "kg-" + digest.hexdigest()[:12]

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        """The graph as a networkx MultiDiGraph (edge key = relation)."""
        return _io.to_networkx(self._nodes, self._edges)

    # --- lookups ------------------------------------------------------------------------------
    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes.index

    def __len__(self) -> int:
        return len(self._nodes)

    def __repr__(self) -> str:
        dated = ""
        if self.point_in_time is not None:
            policy = ", strict" if self.point_in_time.strict else ""
            dated = f", as_of={self.dated!r}{policy}, look_ahead={self.look_ahead_count}"
        return f"KnowledgeGraph(version={self.version!r}, nodes={len(self._nodes)}, edges={len(self._edges)}{dated})"

    # --- point in time ------------------------------------------------------------------------
    @cached_property
    def change_dates(self) -> list[str]:
        """Sorted ISO days on which :meth:`as_of` may change: every ``valid_from``, the day after
        every ``valid_to``, and every ``known_from``. Between two of them the as-of graph (and its
        look-ahead count) stays the same, so one graph serves every day of a span."""
        history = self._history
        starts = {d for d in history["valid_from"] if d}
        ends = {(date.fromisoformat(d) + timedelta(days=1)).isoformat() for d in history["valid_to"] if d}
        known = {d for d in history["known_from"] if d} if "known_from" in history.columns else set()
        return sorted(starts | ends | known)

    @property
    def look_ahead(self) -> pd.DataFrame:
        """Rows an as-of graph used although they became known after its date.

        Columns ``from_id, relation, to_id, weight, source, as_of, known_from, days_ahead``
        (``known_from`` minus the graph's date, in days); empty for a strict or a non-dated graph.
        """
        return self._look_ahead.copy(deep=False)

    @property
    def look_ahead_count(self) -> int | None:
        """How many of the graph's figures were looked ahead: an int for an as-of graph (0 when
        strict), None for the graph itself, which is not a point-in-time view."""
        return None if self.point_in_time is None else self.point_in_time.looked_ahead

    def node(self, node_id: str) -> dict[str, object]:
        """Attributes of one node; raises :class:`UnknownConceptError` with close matches."""
        if node_id not in self._nodes.index:
            raise self._unknown(node_id)
        row = self._nodes.loc[node_id]
        return {k: v for k, v in row.items() if isinstance(v, str) or pd.notna(v)}

    def label(self, node_id: str) -> str:
        """Human-readable label of a node."""
        return str(self.node(node_id)["label"])

    def ids(self, kind: str) -> list[str]:
        """Sorted ids of all nodes of one kind (``"theme"``, ``"security"``, ...)."""
        if kind not in NODE_KINDS:
            raise ArgumentError(f"unknown node kind {kind!r}; use one of {NODE_KINDS}")
        return sorted(self._nodes.index[self._nodes["kind"] == kind])

    def _unknown(self, node_id: str) -> UnknownConceptError:
        import difflib

        close = difflib.get_close_matches(str(node_id), self._nodes.index.tolist(), n=3)
        return UnknownConceptError(
            f"the graph has no node {node_id!r}",
            fix=f"did you mean {', '.join(close)}?" if close else "list ids with graph.ids(kind)",
        )

    def resolve_ticker(self, ticker: str) -> str | None:
        """Security id for a Yahoo symbol (``"LMT" -> "security:LMT"``), or None if unknown."""
        node_id = ticker if ticker.startswith("security:") else f"security:{ticker.strip().upper()}"
        return node_id if node_id in self._nodes.index else None

    # --- derived tables -----------------------------------------------------------------------
    @cached_property
    def securities(self) -> pd.DataFrame:
        """One row per security, indexed by ticker: company, sector, industry, country, ...

        ``sector`` and ``industry`` are GICS sector and sub-industry labels; ``country`` is the
        company's ISO code.
        """
        edges = self._edges
        listed = edges.loc[edges["relation"] == "listed_as", ["to_id", "from_id"]]
        security, company = listed["to_id"].tolist(), listed["from_id"].tolist()
        gics = edges.loc[edges["relation"] == "classified_as", ["from_id", "to_id"]]
        gics = dict(gics.itertuples(index=False, name=None))
        located = edges.loc[
            (edges["relation"] == "located_in") & edges["from_id"].str.startswith("company:")
            & edges["to_id"].str.startswith("country:"),
            ["from_id", "to_id"],
        ]
        country = dict(located.itertuples(index=False, name=None))
        labels = self._nodes["label"].to_dict()
        sector_of: dict[str, str | None] = {}
        for code in set(gics.values()):
            chain = [c for c in gics_ancestors(code) if c in labels]
            sector_of[code] = labels[chain[-1]] if chain and len(chain[-1]) == len("gics:00") else None
        codes = [gics.get(c) for c in company]
        nodes = self._nodes.reindex(security)
        frame = pd.DataFrame({
            "ticker": [s.removeprefix("security:") for s in security], "security_id": security,
            "company_id": company, "company": [labels[c] for c in company],
            "sector": [sector_of[code] if code else None for code in codes],
            "industry": [labels.get(code) if code else None for code in codes], "gics": codes,
            "country": [country.get(c, "").removeprefix("country:") or None for c in company],
            "exchange": nodes["exchange"].tolist() if "exchange" in nodes else [None] * len(security),
            "currency": nodes["currency"].tolist() if "currency" in nodes else [None] * len(security),
        })
        return frame.sort_values("ticker").set_index("ticker")

    @cached_property
    def exposures(self) -> pd.DataFrame:
        """Effective company theme exposures (long): explicit > max(industry default, roll-up)."""
        return effective_exposures(self._edges)

    @cached_property
    def blended_exposures(self) -> pd.DataFrame:
        """As :attr:`exposures`, with each ``exposed_to_blend`` edge in place of the company's figure.

        Raises :class:`~exposure.errors.ArgumentError` when the graph has no blend edges (add them
        with :meth:`exposure.estimate.BlendedExposures.to_graph`).
        """
        self._require_blend()
        return effective_exposures(self._edges, exposures="blend")

    @property
    def has_blend(self) -> bool:
        """Whether the graph carries returns-blended exposures (``exposed_to_blend`` edges)."""
        return bool((self._edges["relation"] == "exposed_to_blend").any())

    def _require_blend(self) -> None:
        if not self.has_blend:
            raise ArgumentError("the graph has no blended exposures", field="exposures",
                                fix="add them first: graph = exposure.estimate.blend_exposures(graph, returns, "
                                    "as_of=...).to_graph(), or use exposures='prior'")

    def _exposure_table(self, exposures: str) -> pd.DataFrame:
        if exposures == "prior":
            return self.exposures
        if exposures == "blend":
            return self.blended_exposures
        raise ArgumentError(f"exposures={exposures!r}", field="exposures", fix="use 'prior' or 'blend'")

    def security_exposures(self, themes: Iterable[str] | None = None, *, exposures: str = "prior") -> pd.DataFrame:
        """Theme exposure of every security, ticker x theme, values in [0, 1].

        Parameters
        ----------
        themes : iterable of str, optional
            Theme ids to keep, in this order; default all themes of the graph.
        exposures : {"prior", "blend"}, default "prior"
            ``"blend"`` uses the returns-blended exposures the graph carries.
        """
        all_themes = self.ids("theme")
        columns = list(themes) if themes is not None else all_themes
        for theme in columns:
            if theme not in self._nodes.index or self._nodes.at[theme, "kind"] != "theme":
                raise self._unknown(theme)
        table = self._exposure_table(exposures).merge(
            self.securities.reset_index()[["ticker", "company_id"]],
            left_on="company", right_on="company_id",
        )
        wide = table.pivot_table(index="ticker", columns="theme", values="weight", aggfunc="first")
        wide = wide.reindex(index=self.securities.index, columns=columns).fillna(0.0)
        wide.columns.name = "theme"
        return wide.astype(float)

    def themes(self) -> pd.DataFrame:
        """Themes with label, description and parent theme (``None`` for roots)."""
        sub = self._edges[self._edges["relation"] == "subtheme_of"]
        parent = dict(zip(sub["from_id"], sub["to_id"]))
        frame = self._nodes.loc[self.ids("theme"), ["label", "description"]].copy()
        frame["parent"] = [parent.get(t) for t in frame.index]
        frame.index.name = "theme"
        return frame

    # --- transformations ----------------------------------------------------------------------
    def with_blended_exposures(self, rows: pd.DataFrame) -> KnowledgeGraph:
        """This graph with ``rows`` as its ``exposed_to_blend`` edges (any earlier ones are replaced).

        ``rows`` has the edge columns (``from_id`` a company, ``to_id`` a theme, ``weight`` in
        [0, 1], a ``source``); missing text columns are left empty. The result has its own
        version. Built by :meth:`exposure.estimate.BlendedExposures.to_graph`.
        """
        relation = RELATIONS["exposed_to_blend"]
        frame = rows.assign(relation="exposed_to_blend")
        for column in self._history.columns:
            if column not in frame.columns:
                frame[column] = ""
        bad = ~(frame["from_id"].str.startswith("company:") & frame["to_id"].str.startswith("theme:")
                & frame["from_id"].isin(self._nodes.index) & frame["to_id"].isin(self._nodes.index)
                & frame["weight"].between(relation.min_weight, relation.max_weight) & (frame["source"] != ""))
        if bad.any():
            row = frame[bad].iloc[0]
            raise ArgumentError(f"{int(bad.sum())} blended exposure row(s) are not company -> theme with a weight "
                                f"in [0, 1] and a source, e.g. {row['from_id']} -> {row['to_id']} {row['weight']}",
                                where="with_blended_exposures", field="rows",
                                fix="give known company and theme ids, weights in [0, 1] and a source")
        kept = self._history[self._history["relation"] != "exposed_to_blend"]
        edges = pd.concat([kept, frame[list(self._history.columns)]], ignore_index=True)
        return KnowledgeGraph(self._nodes, edges, self._aliases, overrides=self.overrides, rejects=self.rejects,
                              dated=self.dated, point_in_time=self.point_in_time, look_ahead=self._look_ahead)

    def as_of(self, when: date | str, *, strict: bool = False) -> KnowledgeGraph:
        """The graph as it stood on a date, using what was known on that date.

        Edge rows outside their validity interval are dropped; of an edge with history, the row
        valid on that day is kept (intervals are disjoint, so there is at most one). A row whose
        ``known_from`` (the day its figure became public) is after the date is *look-ahead*:

        - ``strict=False`` (default): it is kept, since it is the only figure of that edge for
          the day, and listed in :attr:`look_ahead` and counted in :attr:`look_ahead_count`;
        - ``strict=True``: it is dropped, so a company falls back to its industry default or
          roll-up as if it had no figure, and :attr:`look_ahead_count` is 0.

        Rows without ``known_from`` (industry defaults, structure) count as known on every
        date; :attr:`point_in_time` counts the undated ``exposed_to`` rows as ``undated_priors``.

        Parameters
        ----------
        when : date or str
            ISO date.
        strict : bool, default False
            Drop figures known only after the date instead of reporting them as look-ahead.

        Examples
        --------
        >>> import exposure as ex
        >>> graph = ex.KnowledgeGraph.load()
        >>> len(graph.as_of("2022-02-24").edges) <= len(graph.edge_history)
        True
        >>> graph.as_of("2021-06-30").look_ahead_count > 0, graph.as_of("2021-06-30", strict=True).look_ahead_count
        (True, 0)
        """
        parsed = parse_date(when, field="as_of")
        if parsed is None:
            raise ArgumentError("no date given", field="as_of", fix="give a date such as 2022-02-24")
        if not isinstance(strict, bool):
            raise ArgumentError(f"strict={strict!r} is not True or False", field="strict",
                                fix="pass strict=True to drop figures known after the date")
        day = parsed.isoformat()
        edges = self._history
        valid = edges[((edges["valid_from"] == "") | (edges["valid_from"] <= day)) & (
            (edges["valid_to"] == "") | (edges["valid_to"] >= day)
        )]
        known_from = valid["known_from"] if "known_from" in valid.columns else pd.Series("", index=valid.index)
        dated = (known_from != "").to_numpy(dtype=bool)
        later = dated & (known_from > day).to_numpy(dtype=bool)
        kept = valid[~later] if strict else valid
        ahead = valid[later]
        summary = PointInTime(
            date=day, strict=strict, figures_kept=int((dated & ~later).sum()),
            looked_ahead=0 if strict else len(ahead), dropped=len(ahead) if strict else 0,
            undated_priors=int((~dated & (valid["relation"] == "exposed_to").to_numpy(dtype=bool)).sum()),
        )
        look_ahead = None
        if not strict:
            look_ahead = ahead.reindex(columns=LOOK_AHEAD_COLUMNS[:-1]).reset_index(drop=True)
            days_ahead = pd.to_datetime(look_ahead["known_from"]) - pd.Timestamp(day)
            look_ahead["days_ahead"] = days_ahead.dt.days.astype("int64")
        return KnowledgeGraph(self._nodes, kept.reset_index(drop=True), self._aliases, overrides=self.overrides,
                              rejects=self.rejects, dated=day, point_in_time=summary, look_ahead=look_ahead)

    def compile(
        self, *, decay: float = 0.5, max_hops: int = 4, cache_dir: str | Path | None = None,
        exposures: str = "prior",
    ) -> CompiledGraph:
        """Sparse impact and exposure operators for this graph version.

        ``exposures="blend"`` builds them with the returns-blended exposures the graph carries;
        the operators are then stamped ``<version>+blend``.

        Cached in memory per ``decay, max_hops, exposures``, and on disk when ``cache_dir`` is given or
        ``$EXPOSURE_CACHE_DIR`` is set (entries named by graph version, so a changed graph is
        compiled afresh, never served stale; no pickle, every file checked against its sha256,
        a damaged entry rebuilt and an unwritable folder skipped, each with a ``CacheWarning``).
        """
        key = (float(decay), int(max_hops), exposures)
        if key in self._compiled:
            return self._compiled[key]
        table = self._exposure_table(exposures)
        version = self.version if exposures == "prior" else f"{self.version}+{exposures}"
        folder = Path(cache_dir).expanduser() if cache_dir is not None else default_compiled_cache_dir()
        compiled = compile_cached(folder, version, decay, max_hops, lambda: compile_operators(
            version, self._nodes, self._edges, table, decay=decay, max_hops=max_hops
        ))
        self._compiled[key] = compiled
        return compiled

    def export(self, path: str | Path | None = None, format: Literal["json", "graphml"] = "json") -> str | None:
        """Write the graph as node-link JSON (returned as text when ``path`` is None) or GraphML."""
        if format == "json":
            return _io.write_node_link(self.nx, path, self.version)
        if format == "graphml":
            if path is None:
                raise ArgumentError("GraphML export needs a path")
            _io.write_graphml(self.nx, path, self.version)
            return None
        raise ArgumentError(f"unknown export format {format!r}; use 'json' or 'graphml'")

    def stats(self) -> dict[str, object]:
        """Counts of nodes by kind and edges by relation, provenance coverage, and for an as-of graph
        its :class:`PointInTime` summary (``point_in_time``, None for the graph itself)."""
        has_source = (self._edges["source"] != "").mean() if len(self._edges) else 1.0
        companies = set(self.ids("company"))
        exposed = set(self.exposures["company"])
        return {
            "version": self.version,
            "nodes": {k: int(v) for k, v in self._nodes["kind"].value_counts().sort_index().items()},
            "edges": {k: int(v) for k, v in self._edges["relation"].value_counts().sort_index().items()},
            "aliases": int(len(self._aliases)),
            "edges_with_source": float(has_source),
            "companies_without_theme": sorted(companies - exposed),
            "point_in_time": self.point_in_time.to_dict() if self.point_in_time is not None else None,
        }


def load_graph(*paths: str | Path, include_default: bool = True) -> KnowledgeGraph:
    """Shortcut for :meth:`KnowledgeGraph.load`."""
    return KnowledgeGraph.load(*paths, include_default=include_default)


_DEFAULT: KnowledgeGraph | None = None


def default_graph() -> KnowledgeGraph:
    """The default graph shipped with the package (loaded once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = KnowledgeGraph.load()
    return _DEFAULT
