"""User exposure tables: your own ``ticker, theme, weight, source`` figures over the default graph.

Format
------
A CSV file whose header holds ``ticker`` and ``theme`` (and no ``from_id``, ``alias`` or ``id``)
is read as an exposure table::

    ticker,theme,weight,source[,as_of][,known_from][,valid_from,valid_to][,note]

- ``ticker``: the Yahoo symbol of a security the graph knows (``LMT``, ``RHM.DE``, ``BRK-B``;
  case is ignored, ``security:LMT`` is accepted too). It is resolved to its issuer through the
  ``company -listed_as-> security`` edge; the figure is the company's.
- ``theme``: a theme id, with or without the ``theme:`` prefix (``defense-spending``).
- ``weight``: share of the issuer's revenue (or relevance) tied to the theme, a number in [0, 1];
  ``0`` says "none" and overrides the industry default.
- ``source``: where the figure comes from (your vendor's name and data set, a filing, or
  ``curated: <reason>``). Required.
- ``as_of``: date of the figure, ``YYYY-MM-DD`` (optional; left empty when not given and counted
  by the graph report).
- ``known_from``: the day the figure became public, ``YYYY-MM-DD`` (optional; when absent it is
  ``as_of``, and a row with neither is an undated figure, treated as known on every date and
  counted as such by :meth:`KnowledgeGraph.as_of`).
- ``valid_from``, ``valid_to``: optional validity interval, both ends inclusive. One pair
  (ticker, theme) may have several rows only when their intervals do not overlap (history).
- ``note``: free text.

Each row becomes the edge ``company -exposed_to-> theme``. A pair the default graph (or any
earlier source) already gives is replaced, every historical row of it, and the replacement is
recorded in :attr:`KnowledgeGraph.overrides`. A row that cannot be used (unknown ticker or theme,
weight not a number or outside [0, 1], missing source, bad date, the same pair twice with
overlapping validity) comes back as a :class:`~exposure.errors.Reject` naming the file, row,
field and fix; the other rows still load.
"""

from __future__ import annotations

import difflib
import math

from exposure.errors import ArgumentError, Reject
from exposure.graph._schema import edge_dates, edge_known_from

EXPOSURE_TABLE_COLUMNS = ("ticker", "theme", "weight", "source", "as_of", "known_from", "valid_from", "valid_to",
                          "note")
REQUIRED_EXPOSURE_COLUMNS = ("ticker", "theme", "weight", "source")
_RECORD_WIDTH = 120


def overlapping(a: dict[str, object], b: dict[str, object]) -> bool:
    """Whether two rows' validity intervals share a day (empty ends are open; ends inclusive)."""
    a_from, a_to = str(a.get("valid_from") or ""), str(a.get("valid_to") or "")
    b_from, b_to = str(b.get("valid_from") or ""), str(b.get("valid_to") or "")
    a_starts_after_b = bool(b_to) and bool(a_from) and a_from > b_to
    b_starts_after_a = bool(a_to) and bool(b_from) and b_from > a_to
    return not (a_starts_after_b or b_starts_after_a)


def span(record: dict[str, object]) -> str:
    """A validity interval as text: ``2020-01-01..2021-12-31``, open ends as ``...``."""
    start, end = record.get("valid_from") or "", record.get("valid_to") or ""
    return f"{start or '...'}..{end or '...'}"


def _row_number(row: dict[str, str]) -> int:
    return int(row["origin"].rsplit(":", 1)[1])


def _reject(row: dict[str, str], field: str, problem: str, fix: str) -> Reject:
    values = [row.get(c, "") for c in EXPOSURE_TABLE_COLUMNS if c in row]
    record = ",".join(values)
    if len(record) > _RECORD_WIDTH:
        record = record[: _RECORD_WIDTH - 3] + "..."
    line = _row_number(row)
    code = "duplicate" if "duplicate" in problem else "invalid"
    return Reject(line, f"{row['path']} row {line}: {field}: {problem}. Fix: {fix}", record, code=code, field=field)


def _close(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.75)
    return f"did you mean {', '.join(close)}?" if close else ""


def apply_exposure_rows(
    rows: list[dict[str, str]],
    nodes: dict[str, dict[str, object]],
    edges: dict[tuple[str, str, str], list[dict[str, object]]],
    edge_root: dict[tuple[str, str, str], str],
    root_rank: dict[str, int],
    overrides: list[str],
) -> list[Reject]:
    """Turn exposure-table rows into ``exposed_to`` edges in place; return the rows refused.

    Parameters
    ----------
    rows : list of dict
        Raw rows (strings) with ``origin`` (``file:row``), ``path`` and ``root`` (the source).
    nodes : dict
        Validated nodes by id (each with ``kind``).
    edges, edge_root : dict
        Validated edges by key ``(from_id, relation, to_id)`` (a list of rows: history), and the
        source each key came from. Updated in place.
    root_rank : dict
        Position of every source in load order; a later source wins.
    overrides : list of str
        Replacements of earlier sources' edges are appended here.

    Returns
    -------
    list of Reject
        One per refused row, its ``reason`` naming file, row, field and fix.
    """
    company_of = {to_id: from_id for (from_id, relation, to_id) in edges if relation == "listed_as"}
    themes = sorted(node_id for node_id, attrs in nodes.items() if attrs["kind"] == "theme")
    theme_set = set(themes)
    rejects: list[Reject] = []
    for row in rows:
        ticker = row.get("ticker", "")
        if not ticker:
            rejects.append(_reject(row, "ticker", "empty", "give the Yahoo symbol, such as LMT or RHM.DE"))
            continue
        security = ticker if ticker.startswith("security:") else f"security:{ticker.upper()}"
        company = company_of.get(security)
        if company is None:
            hint = _close(security, sorted(company_of)).replace("security:", "")
            rejects.append(_reject(
                row, "ticker", f"unknown ticker {ticker!r} (no such security in the graph)",
                hint or "use the Yahoo symbol of a security the graph lists (graph.securities), "
                        "or add the company and security in graph files",
            ))
            continue
        theme_text = row.get("theme", "")
        theme = theme_text if theme_text.startswith("theme:") else f"theme:{theme_text.lower()}"
        if theme not in theme_set:
            hint = _close(theme, themes)
            rejects.append(_reject(
                row, "theme", f"unknown theme {theme_text!r}",
                hint or "use a theme id of the graph (graph.ids('theme')), such as defense-spending",
            ))
            continue
        try:
            weight = float(row.get("weight", ""))
        except ValueError:
            rejects.append(_reject(row, "weight", f"{row.get('weight', '')!r} is not a number",
                                   "give the revenue share as a number in [0, 1], such as 0.35"))
            continue
        if not (math.isfinite(weight) and 0.0 <= weight <= 1.0):
            hint = " (a percentage? divide by 100)" if 1.0 < weight <= 100.0 else ""
            rejects.append(_reject(row, "weight", f"{weight:g} is outside [0, 1]{hint}",
                                   "give the revenue share as a number in [0, 1], such as 0.35"))
            continue
        if not row.get("source"):
            rejects.append(_reject(row, "source", "empty",
                                   "say where the figure comes from (vendor and data set, a filing, "
                                   "or 'curated: <reason>')"))
            continue
        try:
            as_of, valid_from, valid_to = edge_dates(row)
            known_from = edge_known_from(row) or as_of
        except ArgumentError as exc:
            rejects.append(_reject(row, exc.field or "as_of", exc.problem, exc.fix or "write dates as YYYY-MM-DD"))
            continue
        if valid_from and valid_to and valid_from > valid_to:
            rejects.append(_reject(row, "valid_to", f"{valid_to} is before valid_from {valid_from}",
                                   "swap or correct the dates"))
            continue
        key = (company, "exposed_to", theme)
        record: dict[str, object] = {
            "from_id": company, "relation": "exposed_to", "to_id": theme, "weight": weight,
            "source": row["source"], "as_of": as_of.isoformat() if as_of else "",
            "known_from": known_from.isoformat() if known_from else "",
            "valid_from": valid_from.isoformat() if valid_from else "",
            "valid_to": valid_to.isoformat() if valid_to else "",
            "note": row.get("note", ""), "origin": row["origin"],
        }
        root = row["root"]
        if key in edges and edge_root[key] == root:
            clash = next((r for r in edges[key] if overlapping(r, record)), None)
            if clash is not None:
                rejects.append(_duplicate(row, ticker, theme_text, company, record, clash))
                continue
            edges[key].append(record)
        elif key in edges and root_rank.get(edge_root[key], -1) > root_rank.get(root, -1):
            overrides.append(f"edge {' '.join(key)} from {edges[key][0]['origin']} overrides {row['origin']}")
        else:
            if key in edges:
                overrides.append(f"edge {' '.join(key)} from {row['origin']} overrides {edges[key][0]['origin']}")
            edges[key] = [record]
            edge_root[key] = root
    return rejects


def _duplicate(row, ticker, theme, company, record, clash) -> Reject:
    where = clash["origin"]
    if not (record["valid_from"] or record["valid_to"] or clash["valid_from"] or clash["valid_to"]):
        return _reject(
            row, "ticker/theme", f"duplicate row: {ticker} ({company}) and {theme} are already given at {where}",
            "keep one row per ticker and theme, or give the rows valid_from/valid_to intervals that do not overlap",
        )
    return _reject(
        row, "valid_from/valid_to",
        f"validity {span(record)} of {ticker} and {theme} overlaps {span(clash)} given at {where}",
        "make the intervals disjoint (both ends count): end the older row the day before the newer one starts",
    )


__all__ = ["EXPOSURE_TABLE_COLUMNS", "REQUIRED_EXPOSURE_COLUMNS", "apply_exposure_rows", "overlapping", "span"]
