"""Reading graph files (CSV) into validated tables, and writing graphs out (node-link JSON, GraphML).

A graph source is a folder or a CSV file. A file's header says what it holds: ``from_id`` ->
edges, ``ticker`` and ``theme`` -> a user exposure table (see :mod:`exposure.graph._user_tables`),
``alias`` -> aliases, ``id`` -> nodes. Folders are read recursively in sorted order.

One edge key ``(from_id, relation, to_id)`` may have several rows within one source when their
``valid_from``/``valid_to`` intervals (both ends inclusive, empty = open) do not overlap: that is
the edge's history. Overlapping rows are an error in graph files and a reject in exposure tables.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import networkx as nx
import pandas as pd

from exposure.errors import ArgumentError, GraphError, Reject
from exposure.io import read_text, repeated_names
from exposure.graph._schema import NODE_KINDS, RELATIONS, edge_dates, edge_known_from, node_kind
from exposure.graph._user_tables import REQUIRED_EXPOSURE_COLUMNS, apply_exposure_rows, overlapping, span

NODE_COLUMNS = ("id", "label", "description")
EDGE_COLUMNS = (
    "from_id", "relation", "to_id", "weight", "source", "as_of", "known_from", "valid_from", "valid_to", "note",
)
ALIAS_COLUMNS = ("concept", "alias", "confidence", "case_sensitive")
_REQUIRED = {
    "nodes": ("id", "label"),
    "edges": ("from_id", "relation", "to_id", "weight", "source", "as_of"),
    "aliases": ("concept", "alias"),
    "exposures": REQUIRED_EXPOSURE_COLUMNS,
}


def default_graph_dir() -> Path:
    """Folder of the default graph's data files shipped in the package."""
    return Path(str(resources.files("exposure.graph") / "data" / "default"))


def _csv_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.csv") if p.is_file())
    if path.is_file():
        return [path]
    raise GraphError(f"no such file or folder: {path}", fix="check the path")


def _table_kind(header: list[str], where: str) -> str:
    if "from_id" in header:
        return "edges"
    if "ticker" in header and "theme" in header:
        return "exposures"
    if "alias" in header:
        return "aliases"
    if "id" in header:
        return "nodes"
    raise GraphError(
        f"cannot tell what the file holds from its header {header}",
        where=where,
        fix="nodes need an 'id' column, edges 'from_id', aliases 'alias', exposure tables 'ticker' and 'theme'",
    )


def read_graph_tables(paths: Iterable[str | Path]) -> dict[str, list[dict[str, str]]]:
    """Read graph CSV files into raw rows, each tagged with its ``origin`` (``file:row``).

    Parameters
    ----------
    paths : iterable of str or Path
        Folders (read recursively) or CSV files.

    Returns
    -------
    dict
        ``{"nodes": [...], "edges": [...], "aliases": [...], "exposures": [...], "sources": [...]}``,
        rows as dicts of strings; ``sources`` lists ``{"root": ...}`` in load order.
    """
    tables: dict[str, list[dict[str, str]]] = {
        "nodes": [], "edges": [], "aliases": [], "exposures": [], "sources": [],
    }
    for root in paths:
        tables["sources"].append({"root": str(root)})
        for file in _csv_files(Path(root)):
            rows = csv.reader(io.StringIO(read_text(file), newline=""))
            try:
                header = [h.strip() for h in next(rows, [])]
            except csv.Error as exc:
                raise GraphError(f"cannot read the header as CSV ({exc})", where=str(file),
                                 fix="give a comma-separated header line") from None
            if not any(header):
                continue
            repeated = repeated_names(header)
            if repeated:
                raise GraphError(f"column {repeated[0]!r} appears more than once", where=str(file),
                                 field=repeated[0], fix="keep one column of each name")
            kind = _table_kind(header, str(file))
            missing = [c for c in _REQUIRED[kind] if c not in header]
            if missing:
                raise GraphError(
                    f"missing column(s) {missing}", where=str(file),
                    fix=f"a {kind} file needs the columns {list(_REQUIRED[kind])}",
                )
            for row_number, cells in enumerate(_rows(rows, file), start=2):
                if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header):]):
                    raise GraphError(
                        f"row has {len(cells)} cells but the header has {len(header)} columns",
                        where=f"{file} row {row_number}",
                        fix="quote cells that contain commas, or add the missing column to the header",
                    )
                padded = cells + [""] * (len(header) - len(cells))
                clean = {k: v.strip() for k, v in zip(header, padded, strict=False)}
                if not any(clean.values()):
                    continue
                clean["origin"] = f"{file.name}:{row_number}"
                clean["path"] = str(file)
                clean["root"] = str(root)
                tables[kind].append(clean)
    return tables


def _rows(rows: Iterable[list[str]], file: Path) -> Iterable[list[str]]:
    iterator = iter(rows)
    row_number = 1
    while True:
        row_number += 1
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except csv.Error as exc:
            raise GraphError(f"cannot read the row as CSV ({exc})", where=f"{file} row {row_number}",
                             fix="check the quoting of the row") from None
        yield cells


class _Problems:
    """Collects every problem of a load so the user sees them all at once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, row: dict[str, str], field: str, problem: str, fix: str) -> None:
        self.items.append(f"{row['path']} row {row['origin'].rsplit(':', 1)[1]}: {field}: {problem}. Fix: {fix}")

    def raise_if_any(self) -> None:
        if self.items:
            shown = "\n  ".join(self.items[:50])
            more = f"\n  ... and {len(self.items) - 50} more" if len(self.items) > 50 else ""
            raise GraphError(f"{len(self.items)} problem(s) in the graph files:\n  {shown}{more}")


def validate_tables(
    tables: dict[str, list[dict[str, str]]], overrides: list[str], rejects: list[Reject] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Check raw rows against the schema and merge later files over earlier ones.

    A row whose key (node id; edge ``from_id, relation, to_id``; alias ``concept, alias``) was
    already given by an *earlier source* (a folder or file passed to the loader) overrides it
    and is noted in ``overrides``; the same key twice within one source is an error, except
    edge rows whose validity intervals do not overlap (history). Rows of user exposure tables
    are checked one by one: a bad one is appended to ``rejects`` and the rest still load.

    Returns
    -------
    nodes, edges, aliases : DataFrame
        Validated tables, sorted by key (edge history rows by ``valid_from``).
    """
    problems = _Problems()
    nodes: dict[str, dict[str, object]] = {}
    node_path: dict[str, str] = {}
    for row in tables["nodes"]:
        node_id = row["id"]
        try:
            kind = node_kind(node_id)
        except ValueError as exc:
            problems.add(row, "id", str(exc), "use an id such as theme:counter-drone")
            continue
        if not row.get("label"):
            problems.add(row, "label", "empty", "give the node a human-readable label")
            continue
        if node_id in nodes:
            if node_path[node_id] == row["root"]:
                problems.add(row, "id", f"duplicate node {node_id}", "keep one row per node id")
                continue
            overrides.append(f"node {node_id} from {row['origin']} overrides {nodes[node_id]['origin']}")
        attrs = {k: v for k, v in row.items() if k not in ("path", "root") and v != ""}
        attrs.setdefault("description", "")
        nodes[node_id] = {**attrs, "kind": kind}
        node_path[node_id] = row["root"]

    edges: dict[tuple[str, str, str], list[dict[str, object]]] = {}
    edge_path: dict[tuple[str, str, str], str] = {}
    for row in tables["edges"]:
        key = (row["from_id"], row["relation"], row["to_id"])
        relation = RELATIONS.get(row["relation"])
        if relation is None:
            problems.add(row, "relation", f"unknown relation {row['relation']!r}",
                         f"use one of {sorted(RELATIONS)}")
            continue
        ok = True
        for field in ("from_id", "to_id"):
            if row[field] not in nodes:
                problems.add(row, field, f"dangling id {row[field]!r} (no such node)",
                             "add the node to a nodes file or correct the id")
                ok = False
        if not ok:
            continue
        from_kind, to_kind = nodes[row["from_id"]]["kind"], nodes[row["to_id"]]["kind"]
        if from_kind not in relation.from_kinds or to_kind not in relation.to_kinds:
            problems.add(row, "relation",
                         f"{relation.name} cannot join a {from_kind} to a {to_kind}",
                         f"{relation.name} goes from {sorted(relation.from_kinds)} "
                         f"to {sorted(relation.to_kinds)}")
            continue
        try:
            weight = float(row["weight"])
        except ValueError:
            problems.add(row, "weight", f"{row['weight']!r} is not a number",
                         f"give a number in [{relation.min_weight}, {relation.max_weight}]")
            continue
        if not (math.isfinite(weight) and relation.min_weight <= weight <= relation.max_weight):
            problems.add(row, "weight", f"{weight} is outside [{relation.min_weight}, {relation.max_weight}]",
                         f"{relation.name} weights lie in [{relation.min_weight}, {relation.max_weight}]")
            continue
        if weight == 0 and relation.flow != "exposure" and relation.name != "exposed_to_blend":
            problems.add(row, "weight", "0 carries nothing", "remove the row or give it a weight")
            continue
        if not row.get("source"):
            problems.add(row, "source", "empty", "say where the edge comes from (document, or 'curated: why')")
            continue
        try:
            as_of, valid_from, valid_to = edge_dates(row)
            known_from = edge_known_from(row)
        except ArgumentError as exc:
            problems.add(row, exc.field or "as_of", exc.problem, exc.fix or "write dates as YYYY-MM-DD")
            continue
        if as_of is None:
            problems.add(row, "as_of", "empty", "give the date of the figure as YYYY-MM-DD")
            continue
        if valid_from and valid_to and valid_from > valid_to:
            problems.add(row, "valid_to", f"{valid_to} is before valid_from {valid_from}",
                         "swap or correct the dates")
            continue
        record: dict[str, object] = {
            "from_id": key[0], "relation": key[1], "to_id": key[2], "weight": weight,
            "source": row["source"], "as_of": as_of.isoformat(),
            "known_from": known_from.isoformat() if known_from else "",
            "valid_from": valid_from.isoformat() if valid_from else "",
            "valid_to": valid_to.isoformat() if valid_to else "",
            "note": row.get("note", ""), "origin": row["origin"],
        }
        if key in edges and edge_path[key] == row["root"]:
            clash = next((r for r in edges[key] if overlapping(r, record)), None)
            if clash is not None:
                problems.add(row, "from_id/relation/to_id",
                             f"duplicate edge {' '.join(key)} (validity {span(record)} overlaps "
                             f"{span(clash)} of {clash['origin']})",
                             "keep one row per edge, or give the rows valid_from/valid_to intervals "
                             "that do not overlap (both ends count)")
                continue
            edges[key].append(record)
            continue
        if key in edges:
            overrides.append(f"edge {' '.join(key)} from {row['origin']} overrides {edges[key][0]['origin']}")
        edges[key] = [record]
        edge_path[key] = row["root"]

    if tables.get("exposures"):
        roots = [s["root"] for s in tables.get("sources", [])]
        for kind in ("nodes", "edges", "aliases", "exposures"):
            roots.extend(r["root"] for r in tables[kind])
        root_rank = {root: rank for rank, root in enumerate(dict.fromkeys(roots))}
        refused = apply_exposure_rows(tables["exposures"], nodes, edges, edge_path, root_rank, overrides)
        if rejects is not None:
            rejects.extend(refused)
        else:
            problems.items.extend(r.reason for r in refused)

    aliases: dict[tuple[str, str], dict[str, object]] = {}
    alias_path: dict[tuple[str, str], str] = {}
    for row in tables["aliases"]:
        key = (row["concept"], row["alias"])
        if row["concept"] not in nodes:
            problems.add(row, "concept", f"dangling id {row['concept']!r}", "add the node or correct the id")
            continue
        if not row["alias"]:
            problems.add(row, "alias", "empty", "give the alias text")
            continue
        try:
            confidence = float(row.get("confidence") or 0.9)
        except ValueError:
            problems.add(row, "confidence", f"{row['confidence']!r} is not a number", "give a number in (0, 1]")
            continue
        if not 0 < confidence <= 1:
            problems.add(row, "confidence", f"{confidence} is outside (0, 1]", "give a number in (0, 1]")
            continue
        flag = (row.get("case_sensitive") or "false").lower()
        if flag not in ("true", "false", "1", "0", "yes", "no"):
            problems.add(row, "case_sensitive", f"{flag!r} is not true/false", "write true or false")
            continue
        if key in aliases and alias_path[key] == row["root"]:
            problems.add(row, "alias", f"duplicate alias {row['alias']!r} of {row['concept']}", "keep one row")
            continue
        aliases[key] = {
            "concept": key[0], "alias": key[1], "confidence": confidence,
            "case_sensitive": flag in ("true", "1", "yes"), "origin": row["origin"],
        }
        alias_path[key] = row["root"]

    _check_structure(nodes, edges, problems, tables)
    problems.raise_if_any()
    if not nodes:
        raise GraphError("the graph files hold no nodes", fix="point at folders or files with a nodes table")

    node_frame = pd.DataFrame(sorted(nodes.values(), key=lambda n: str(n["id"])))
    node_frame = node_frame.set_index("id", drop=False).rename_axis(None)
    edge_rows = [r for k in sorted(edges) for r in sorted(edges[k], key=lambda r: str(r["valid_from"]))]
    edge_frame = pd.DataFrame(edge_rows, columns=[*EDGE_COLUMNS, "origin"])
    alias_frame = pd.DataFrame(
        [aliases[k] for k in sorted(aliases)],
        columns=["concept", "alias", "confidence", "case_sensitive", "origin"],
    )
    return node_frame, edge_frame, alias_frame


def _check_structure(nodes, edges, problems: _Problems, tables) -> None:
    """Whole-graph rules: one company per security, sub-themes form a tree without cycles."""
    listings: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for from_id, relation, to_id in edges:
        if relation == "listed_as":
            listings.setdefault(to_id, []).append(from_id)
        elif relation == "subtheme_of":
            children.setdefault(to_id, []).append(from_id)
    fake_row = {"path": "graph", "origin": "graph:-"}
    for node_id, attrs in nodes.items():
        if attrs["kind"] == "security" and len(listings.get(node_id, [])) != 1:
            owners = listings.get(node_id, [])
            origin = str(attrs.get("origin", "graph:-"))
            where = {"path": origin.rpartition(":")[0], "origin": origin}
            problems.add(where, "id", f"security {node_id} is listed by {len(owners)} companies {owners}",
                         "give every security exactly one 'company listed_as security' edge")
    graph = nx.DiGraph([(child, parent) for parent, kids in children.items() for child in kids])
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    problems.add(fake_row, "subtheme_of", f"sub-themes form a cycle {cycle}", "break the cycle")


def to_networkx(nodes: pd.DataFrame, edges: pd.DataFrame) -> nx.MultiDiGraph:
    """A networkx multigraph of the tables: one edge per relation, keyed by relation name."""
    graph = nx.MultiDiGraph()
    for record in nodes.to_dict("records"):
        attrs = {k: v for k, v in record.items() if k != "id" and not (isinstance(v, float) and math.isnan(v))}
        graph.add_node(record["id"], **attrs)
    for record in edges.to_dict("records"):
        graph.add_edge(record["from_id"], record["to_id"], key=record["relation"],
                       **{k: v for k, v in record.items() if k not in ("from_id", "to_id")})
    return graph


def write_node_link(graph: nx.MultiDiGraph, path: str | Path | None, version: str) -> str:
    """Write (or return, when ``path`` is None) the graph as node-link JSON."""
    data = nx.node_link_data(graph, edges="edges")
    data["graph"] = {"version": version}
    text = json.dumps(data, indent=1, sort_keys=True, default=str)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def write_graphml(graph: nx.MultiDiGraph, path: str | Path, version: str) -> None:
    """Write the graph as GraphML (attributes as strings or floats; empty values as '')."""
    clean = nx.MultiDiGraph(version=version)
    for node, attrs in graph.nodes(data=True):
        clean.add_node(node, **{k: ("" if v is None else v) for k, v in attrs.items()})
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        clean.add_edge(u, v, key=key, **{k: ("" if a is None else a) for k, a in attrs.items()})
    nx.write_graphml(clean, str(path))


__all__ = [
    "ALIAS_COLUMNS", "EDGE_COLUMNS", "NODE_COLUMNS", "NODE_KINDS", "default_graph_dir",
    "read_graph_tables", "to_networkx", "validate_tables", "write_graphml", "write_node_link",
]
