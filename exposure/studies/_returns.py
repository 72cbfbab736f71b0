"""Prices to returns, with every gap, bad print and calendar fix reported per ticker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, MarketDataError

ReturnKind = Literal["simple", "log"]

_REPORT_COLUMNS = [
    "first_price", "last_price", "prices", "before_listing", "after_last_price", "non_positive",
    "missing_inside", "gaps_spanned", "returns_dropped", "returns",
]


@dataclass(frozen=True)
class ReturnsResult:
    """Returns computed from prices, and what was done to get them.

    Attributes
    ----------
    returns : DataFrame
        Date x ticker returns; NaN where no return could be computed (see ``report``).
    report : DataFrame
        One row per ticker: ``first_price``, ``last_price``, ``prices`` (usable prices),
        ``before_listing`` (NaN rows before the first price), ``after_last_price``,
        ``non_positive`` (zero or negative prices set to NaN), ``missing_inside`` (NaN prices
        between the first and last price), ``gaps_spanned`` (returns computed across at most
        ``max_gap`` missing rows), ``returns_dropped`` (returns left NaN because the gap before
        them was longer than ``max_gap``), ``returns`` (usable returns).
    fixes : list of str
        Frame-level repairs: sorting, duplicated dates, time zones, non-trading rows removed.
    kind : str
        ``"simple"`` or ``"log"``.
    """

    returns: pd.DataFrame
    report: pd.DataFrame
    fixes: list[str] = field(default_factory=list)
    kind: str = "simple"

    def summary(self) -> str:
        """A short text report: shape, fixes and tickers with anything dropped."""
        lines = [f"{self.kind} returns: {self.returns.shape[0]} dates x {self.returns.shape[1]} tickers"]
        lines += [f"  fixed: {fix}" for fix in self.fixes]
        issues = self.report[
            (self.report[["non_positive", "missing_inside", "returns_dropped"]].sum(axis=1) > 0)
            | (self.report["returns"] == 0)
        ]
        for ticker, row in issues.iterrows():
            lines.append(
                f"  {ticker}: {row['non_positive']} non-positive prices, {row['missing_inside']} missing "
                f"inside, {row['gaps_spanned']} returns across short gaps, {row['returns_dropped']} dropped"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: kind, fixes and the per-ticker report."""
        report = self.report.astype(object).where(self.report.notna(), None).reset_index()
        return {"kind": self.kind, "fixes": list(self.fixes), "report": report.to_dict("records")}


def clean_prices(prices: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A date-sorted, de-duplicated, tz-naive float price frame, and the fixes made.

    Time-zone aware or mixed-zone timestamps become the calendar date in their own zone (daily
    closes are dated by their market). Duplicated dates keep the last row. Rows where every ticker
    is missing (non-trading days of a joint calendar) are removed.

    Examples
    --------
    >>> frame = pd.DataFrame({"A": [2.0, 1.0, 1.5]}, index=["2024-01-03", "2024-01-02", "2024-01-03"])
    >>> cleaned, fixes = clean_prices(frame)
    >>> cleaned["A"].tolist(), fixes
    ([1.0, 1.5], ['sorted the dates', 'kept the last of 1 duplicated dates (2024-01-03)'])
    """
    if not isinstance(prices, pd.DataFrame):
        raise MarketDataError("prices must be a DataFrame of dates x tickers",
                              fix="pass a wide frame, or read a file with read_prices")
    fixes: list[str] = []
    frame = prices.copy()
    frame.index = _dates(frame.index, fixes)
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        fixes.append("sorted the dates")
    duplicated = frame.index.duplicated(keep="last")
    if duplicated.any():
        days = sorted({d.date().isoformat() for d in frame.index[duplicated]})
        shown = ", ".join(days[:5]) + (" ..." if len(days) > 5 else "")
        fixes.append(f"kept the last of {int(duplicated.sum())} duplicated dates ({shown})")
        frame = frame[~duplicated]
    empty = frame.isna().all(axis=1)
    if empty.any() and frame.shape[1]:
        fixes.append(f"removed {int(empty.sum())} dates with no price for any ticker")
        frame = frame[~empty]
    frame.index.name = "date"
    return frame, fixes


def _dates(index: pd.Index, fixes: list[str]) -> pd.DatetimeIndex:
    if isinstance(index, pd.DatetimeIndex):
        if index.tz is not None:
            fixes.append(f"dropped the time zone {index.tz} (dates kept in that zone)")
            index = index.tz_localize(None)
        return index.normalize() if (index != index.normalize()).any() else index
    values = list(index)
    try:
        stamps = [pd.Timestamp(v) for v in values]
    except (ValueError, TypeError) as exc:
        raise MarketDataError(f"the price index is not made of dates ({exc})", field="date",
                              fix="index prices by date, e.g. 2024-01-31") from None
    zones = {str(s.tz) for s in stamps if s.tz is not None}
    if zones:
        fixes.append(f"dropped time zones {sorted(zones)} (each date kept in its own zone)")
    return pd.DatetimeIndex([s.tz_localize(None) if s.tz is not None else s for s in stamps]).normalize()


def prices_to_returns(
    prices: pd.DataFrame,
    kind: ReturnKind = "simple",
    *,
    max_gap: int = 3,
) -> ReturnsResult:
    """Returns from a wide price frame, with gaps and bad prices handled and reported.

    Zero and negative prices are set to missing. A return is computed from the previous usable
    price of the same ticker when at most ``max_gap`` rows are missing in between (holidays of
    that ticker's market in a joint calendar), else left NaN and counted as dropped. NaN rows
    before a ticker's first price (not yet listed) or after its last are not counted as gaps.

    Parameters
    ----------
    prices : DataFrame
        Dates x tickers, adjusted close. Unsorted, duplicated or time-zone aware dates are fixed
        (see :func:`clean_prices`).
    kind : {"simple", "log"}
        ``p_t / p_{t-1} - 1`` or ``log(p_t / p_{t-1})``.
    max_gap : int, default 3
        Longest run of missing rows a return may span.

    Returns
    -------
    ReturnsResult

    Examples
    --------
    >>> prices = pd.DataFrame({"A": [np.nan, 10.0, 11.0, np.nan, 12.1, 0.0, 13.31], "B": 1.0},
    ...                       index=pd.bdate_range("2024-01-01", periods=7))
    >>> result = prices_to_returns(prices, max_gap=1)
    >>> result.returns["A"].round(4).tolist()
    [nan, nan, 0.1, nan, 0.1, nan, 0.1]
    >>> result.report.loc["A", ["before_listing", "non_positive", "gaps_spanned", "returns"]].tolist()
    [1, 1, 2, 3]
    """
    if kind not in ("simple", "log"):
        raise ArgumentError(f"kind={kind!r}; use 'simple' or 'log'")
    if max_gap < 0:
        raise ArgumentError(f"max_gap={max_gap}; use 0 or more")
    frame, fixes = clean_prices(prices)
    values = frame.to_numpy(float)
    non_positive = values <= 0
    values = np.where(non_positive, np.nan, values)
    valid = ~np.isnan(values)
    rows = np.arange(values.shape[0])[:, None]
    last_row = np.maximum.accumulate(np.where(valid, rows, -1), axis=0)
    previous_row = np.vstack([np.full((1, values.shape[1]), -1), last_row[:-1]])
    has_previous = previous_row >= 0
    previous_price = np.take_along_axis(values, np.where(has_previous, previous_row, 0), axis=0)
    previous_price = np.where(has_previous, previous_price, np.nan)
    skipped = rows - previous_row - 1
    usable = valid & has_previous & (skipped <= max_gap)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = values / previous_price
        out = np.log(ratio) if kind == "log" else ratio - 1.0
    out = np.where(usable, out, np.nan)
    returns = pd.DataFrame(out, index=frame.index, columns=frame.columns)

    report = pd.DataFrame(index=pd.Index(frame.columns, name="ticker"), columns=_REPORT_COLUMNS)
    any_valid = valid.any(axis=0)
    first = np.where(any_valid, valid.argmax(axis=0), values.shape[0])
    last = np.where(any_valid, values.shape[0] - 1 - valid[::-1].argmax(axis=0), -1)
    inside = (rows >= first) & (rows <= last)
    report["first_price"] = [frame.index[i].date().isoformat() if ok else None for i, ok in zip(first, any_valid)]
    report["last_price"] = [frame.index[i].date().isoformat() if ok else None for i, ok in zip(last, any_valid)]
    report["prices"] = valid.sum(axis=0)
    report["before_listing"] = (rows < first).sum(axis=0) - (non_positive & (rows < first)).sum(axis=0)
    report["after_last_price"] = (rows > last).sum(axis=0) - (non_positive & (rows > last)).sum(axis=0)
    report["non_positive"] = non_positive.sum(axis=0)
    report["missing_inside"] = (inside & ~valid).sum(axis=0)
    report["gaps_spanned"] = (usable & (skipped > 0)).sum(axis=0)
    report["returns_dropped"] = (valid & has_previous & (skipped > max_gap)).sum(axis=0)
    report["returns"] = usable.sum(axis=0)
    int_columns = [c for c in _REPORT_COLUMNS if c not in ("first_price", "last_price")]
    report[int_columns] = report[int_columns].astype(int)
    return ReturnsResult(returns, report, fixes, kind)


def as_returns(data: pd.DataFrame, kind: str = "auto") -> pd.DataFrame:
    """Daily returns from a date x ticker frame of prices or returns.

    ``kind="auto"`` reads prices when every value is positive and the median exceeds 0.5
    (then :func:`prices_to_returns`), else returns (sorted by date, as floats).

    Examples
    --------
    >>> days = pd.bdate_range("2024-01-01", periods=3)
    >>> as_returns(pd.DataFrame({"A": [100.0, 101.0, 99.99]}, index=days))["A"].round(4).dropna().tolist()
    [0.01, -0.01]
    >>> as_returns(pd.DataFrame({"A": [0.01, -0.02, 0.0]}, index=days))["A"].tolist()
    [0.01, -0.02, 0.0]
    """
    if kind not in ("auto", "returns", "prices"):
        raise ArgumentError(f"kind={kind!r}; use 'auto', 'returns' or 'prices'", field="kind")
    if kind == "auto":
        values = data.to_numpy(float)
        values = values[np.isfinite(values)]
        kind = "prices" if len(values) and (values > 0).all() and np.median(np.abs(values)) > 0.5 else "returns"
    if kind == "prices":
        return prices_to_returns(data).returns
    frame = data.copy()
    frame.index = pd.DatetimeIndex(frame.index)
    return frame.sort_index().astype(float)
