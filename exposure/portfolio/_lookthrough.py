"""ETF look-through: replace an ETF holding by its constituents from a holdings table.

The holdings table is long, one row per (ETF, snapshot date, holding)::

    etf,date,holding,weight_pct
    XAR,2022-02-04,LMT,4.12

``weight_pct`` is the holding's percentage of the fund; an empty ``holding`` is cash or an
unidentified line. An ETF held with weight ``w`` becomes ``w * weight_pct / 100`` of each
constituent, summed with any direct holding of the same ticker, plus ``<ETF>:RESIDUAL`` for what
the snapshot does not name (cash, unidentified lines, rounding): ``w`` minus the constituents' sum,
so the portfolio's total weight is kept. ETFs held inside an ETF are not expanded again.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from typing import IO

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, ExposureWarning, HoldingsError, Reject
from exposure.io import csv_header, parse_date, repeated_names, source_text
from exposure.portfolio._holdings import Portfolio

__all__ = ["EtfHoldingsSource", "LookThroughReport", "LookThroughWarning", "look_through", "read_etf_holdings"]

EtfHoldingsSource = str | os.PathLike[str] | IO[str] | IO[bytes] | pd.DataFrame
"""What :func:`read_etf_holdings` accepts: a CSV path (``.csv`` or ``.csv.gz``), a file, or a DataFrame."""

HOLDINGS_COLUMNS = ("etf", "date", "holding", "weight_pct")
RESIDUAL_SUFFIX = ":RESIDUAL"
_CLASS_SHARE = re.compile(r"^([A-Z]{1,5})\.([AB])$")


class LookThroughWarning(ExposureWarning):
    """An ETF held in the portfolio could not be expanded, or was expanded from an older snapshot."""


@dataclass(frozen=True)
class LookThroughReport:
    """What :func:`look_through` did.

    Attributes
    ----------
    expanded : DataFrame
        One row per ETF expanded: ``etf, date, etf_weight, constituents, named_pct, residual``
        (``named_pct`` is the sum of the snapshot's named holdings, in percent; ``residual`` is the
        weight left as ``<ETF>:RESIDUAL``).
    not_expanded : dict
        ETF ticker -> reason, for ETFs in the table that were held but kept as they are.
    rejects : tuple of Reject
        Rows and snapshots of the holdings table that could not be used.
    as_of : str or None
        The date snapshots were taken on or before (None: the latest of each ETF).
    """

    expanded: pd.DataFrame
    not_expanded: dict[str, str] = field(default_factory=dict)
    rejects: tuple[Reject, ...] = ()
    as_of: str | None = None

    def summary(self) -> str:
        """A few lines of text: what was expanded, from which snapshot, and what was not."""
        lines = []
        for row in self.expanded.itertuples(index=False):
            lines.append(f"{row.etf} ({row.etf_weight:.4g}) -> {row.constituents} holdings of {row.date}, "
                         f"named {row.named_pct:.2f}%, residual {row.residual:+.4g}")
        lines.extend(f"{etf}: not expanded: {why}" for etf, why in sorted(self.not_expanded.items()))
        return "\n".join(lines) if lines else "no ETF expanded"


def _yahoo(holding: str) -> str:
    """Issuer tickers to Yahoo symbols: upper case; US class shares ``MOG.A`` -> ``MOG-A``."""
    text = holding.strip().upper()
    return _CLASS_SHARE.sub(r"\1-\2", text)


def read_etf_holdings(
    source: EtfHoldingsSource, *, min_total_pct: float = 95.0, max_total_pct: float = 105.0
) -> tuple[pd.DataFrame, list[Reject]]:
    """Read and check an ETF holdings table.

    Parameters
    ----------
    source : str, path-like, file-like or DataFrame
        Long table with columns ``etf, date, holding, weight_pct`` (extra columns are ignored).
    min_total_pct, max_total_pct : float, default 95 and 105
        A snapshot (one ETF on one date) whose ``weight_pct`` sum lies outside this range is
        rejected as a whole: its holdings would distort every expansion.

    Returns
    -------
    holdings : DataFrame
        The usable rows: ``etf`` (upper case), ``date`` (``YYYY-MM-DD``), ``holding`` (Yahoo
        style: upper case, ``MOG.A`` -> ``MOG-A``; missing for cash or unnamed lines),
        ``weight_pct`` (float), and ``line`` (row in the file, header = 1).
    rejects : list of Reject
        Bad rows (missing ETF, bad date, weight not a number) at their own line, and rejected
        snapshots at the line of their first row, each naming ETF, date and the sum.

    Raises
    ------
    HoldingsError
        If a required column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"etf": ["AAA", "AAA", "BBB"], "date": ["2022-02-04"] * 3,
    ...                       "holding": ["LMT", "RTX", "BA"], "weight_pct": [60, 40, 50]})
    >>> holdings, rejects = read_etf_holdings(table)
    >>> sorted(holdings["etf"].unique()), rejects[0].line
    (['AAA'], 4)
    """
    holdings, rejects, _ = _read_checked(source, min_total_pct, max_total_pct)
    return holdings, rejects


def _read_checked(
    source: EtfHoldingsSource, min_total_pct: float, max_total_pct: float
) -> tuple[pd.DataFrame, list[Reject], dict[str, list[str]]]:
    where = _label(source)
    raw = _read(source, where)
    missing = [c for c in HOLDINGS_COLUMNS if c not in raw.columns]
    if missing:
        raise HoldingsError(
            f"missing column(s) {missing}; found {list(raw.columns)}", where=where,
            fix="give a long table with columns etf,date,holding,weight_pct (one row per holding)",
        )
    table = raw.loc[:, list(HOLDINGS_COLUMNS)].copy()
    table["line"] = np.arange(2, len(table) + 2)
    rejects: list[Reject] = []
    good = []
    for etf, day, holding, weight, line in table.itertuples(index=False, name=None):
        record = f"{etf},{day},{holding},{weight}"
        etf_text = "" if _missing(etf) else str(etf).strip().upper()
        if not etf_text:
            rejects.append(Reject(line, f"{where} row {line}: etf: empty. Fix: give the ETF's ticker", record,
                                  code="invalid", field="etf"))
            continue
        try:
            snapshot = None if _missing(day) else parse_date(day, where=f"{where} row {line}", field="date")
        except ArgumentError as exc:
            rejects.append(Reject(line, str(exc), record, code="invalid", field="date"))
            continue
        if snapshot is None:
            rejects.append(Reject(line, f"{where} row {line}: date: empty. Fix: write the snapshot date as YYYY-MM-DD",
                                  record, code="invalid", field="date"))
            continue
        day_text = snapshot.isoformat()
        number = pd.to_numeric(pd.Series([weight]), errors="coerce").iloc[0]
        if not np.isfinite(number):
            rejects.append(Reject(line, f"{where} row {line}: weight_pct: {weight!r} is not a number. "
                                        "Fix: give the holding's percent of the fund, such as 4.12", record,
                                  code="invalid", field="weight_pct"))
            continue
        name = None if _missing(holding) or not str(holding).strip() else _yahoo(str(holding))
        good.append((etf_text, day_text, name, float(number), int(line)))
    holdings = pd.DataFrame(good, columns=[*HOLDINGS_COLUMNS, "line"])
    holdings["holding"] = holdings["holding"].astype(object)
    totals = holdings.groupby(["etf", "date"], sort=True).agg(total=("weight_pct", "sum"), line=("line", "min"))
    bad = totals[(totals["total"] < min_total_pct) | (totals["total"] > max_total_pct)]
    for (etf, day), row in bad.iterrows():
        rejects.append(Reject(
            int(row["line"]),
            f"{where} row {int(row['line'])}: weight_pct: the {etf} snapshot of {day} sums to "
            f"{row['total']:.2f}%, outside [{min_total_pct:g}, {max_total_pct:g}]. Fix: check for repeated "
            "or missing rows on that date (give each holding once, weights in percent)",
            f"{etf},{day}",
        ))
    if len(bad):
        drop = holdings.set_index(["etf", "date"]).index.isin(bad.index)
        holdings = holdings[~drop]
    rejects.sort(key=lambda r: r.line)
    bad_days: dict[str, list[str]] = {}
    for etf, day in bad.index:
        bad_days.setdefault(etf, []).append(day)
    return holdings.reset_index(drop=True), rejects, bad_days


def look_through(
    portfolio: Portfolio,
    holdings: EtfHoldingsSource,
    *,
    as_of: date | str | None = None,
    min_total_pct: float = 95.0,
    max_total_pct: float = 105.0,
) -> tuple[Portfolio, LookThroughReport]:
    """Expand the ETFs of a portfolio into their constituents.

    Parameters
    ----------
    portfolio : Portfolio
        Holdings; those whose ticker is an ETF of the holdings table are expanded.
    holdings : str, path-like, file-like or DataFrame
        ETF holdings table (see :func:`read_etf_holdings`); a snapshot outside
        ``[min_total_pct, max_total_pct]`` is not used.
    as_of : date or str, optional
        Use each ETF's latest usable snapshot on or before this date; default its latest.
    min_total_pct, max_total_pct : float
        See :func:`read_etf_holdings`.

    Returns
    -------
    portfolio : Portfolio
        Same name with `` (look-through)`` appended, same NAV. Each ETF weight ``w`` is replaced by
        ``w * weight_pct / 100`` per constituent (summed with direct holdings) and
        ``<ETF>:RESIDUAL`` (``w`` minus the constituents' sum, left out when exactly 0), so the
        net weight is unchanged up to rounding.
    report : LookThroughReport
        What was expanded from which snapshot, what was not, and the table's rejects. A
        :class:`LookThroughWarning` is raised for each held ETF that was not expanded or was
        expanded from an older snapshot because a later one was rejected.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"etf": "AAA", "date": "2022-02-04", "holding": ["LMT", "RTX", None],
    ...                       "weight_pct": [60.0, 39.0, 1.0]})
    >>> fund = Portfolio.from_weights({"AAA": 0.5, "LMT": 0.5})
    >>> expanded, report = look_through(fund, table)
    >>> expanded.weights.round(6).to_dict()
    {'AAA:RESIDUAL': 0.005, 'LMT': 0.8, 'RTX': 0.195}
    """
    parsed = parse_date(as_of, field="as_of")
    day = None if parsed is None else parsed.isoformat()
    table, rejects, rejected_days = _read_checked(holdings, min_total_pct, max_total_pct)
    weights = portfolio.weights
    known = set(table["etf"])
    not_expanded: dict[str, str] = {}
    parts: list[pd.Series] = []
    rows = []
    for ticker, weight in weights.items():
        if ticker not in known and ticker not in rejected_days:
            parts.append(pd.Series({ticker: weight}))
            continue
        snapshots = table.loc[table["etf"] == ticker, "date"]
        usable = snapshots[snapshots <= day] if day else snapshots
        later_bad = [d for d in rejected_days.get(ticker, []) if (day is None or d <= day)]
        if usable.empty:
            why = (f"no usable snapshot on or before {day}" if day else "no usable snapshot")
            if later_bad:
                why += f" (rejected: {', '.join(sorted(later_bad))})"
            not_expanded[ticker] = why
            warnings.warn(f"{ticker} kept as one holding: {why}", LookThroughWarning, stacklevel=2)
            parts.append(pd.Series({ticker: weight}))
            continue
        snap = usable.max()
        skipped = sorted(d for d in later_bad if d > snap)
        if skipped:
            warnings.warn(f"{ticker} expanded from its snapshot of {snap}: the later snapshot(s) "
                          f"{', '.join(skipped)} were rejected (see the report's rejects)",
                          LookThroughWarning, stacklevel=2)
        rows_of = table[(table["etf"] == ticker) & (table["date"] == snap)]
        named = rows_of.dropna(subset=["holding"])
        constituents = (named.groupby("holding", sort=True)["weight_pct"].sum() * (weight / 100.0))
        residual = weight - float(constituents.sum())
        parts.append(constituents)
        if residual != 0.0:
            parts.append(pd.Series({f"{ticker}{RESIDUAL_SUFFIX}": residual}))
        rows.append({"etf": ticker, "date": snap, "etf_weight": float(weight),
                     "constituents": int(len(constituents)), "named_pct": float(named["weight_pct"].sum()),
                     "residual": residual})
    combined = pd.concat(parts) if parts else pd.Series(dtype=float)
    combined = combined.groupby(level=0, sort=True).sum()
    result = Portfolio(combined, name=f"{portfolio.name} (look-through)", nav=portfolio.nav,
                       security_names=portfolio.security_names)
    expanded = pd.DataFrame(rows, columns=["etf", "date", "etf_weight", "constituents", "named_pct", "residual"])
    report = LookThroughReport(expanded=expanded, not_expanded=not_expanded, rejects=tuple(rejects), as_of=day)
    return result, report


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _label(source: EtfHoldingsSource) -> str:
    if isinstance(source, pd.DataFrame):
        return "holdings table"
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "holdings table"))


def _read(source: EtfHoldingsSource, where: str) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    text = source_text(source, where=where)
    repeated = repeated_names([column.lower() for column in csv_header(text)])
    if repeated:
        raise HoldingsError(f"column {repeated[0]!r} appears more than once", where=where, field=repeated[0],
                            fix="keep one column of each name")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values={"holding": [""]},
                               index_col=False)
    except pd.errors.EmptyDataError:
        raise HoldingsError("is empty", where=where, fix="give a header etf,date,holding,weight_pct and rows") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as exc:
        raise HoldingsError(f"cannot read it as CSV ({str(exc).strip()[:200]})", where=where,
                            fix="give a CSV (optionally .gz) with columns etf,date,holding,weight_pct, "
                            "every row as many cells as the header") from None
