"""Holdings tables in, :class:`Portfolio` out.

A holdings table names each position by its Yahoo ticker and sizes it in exactly one way:
``weight`` (a fraction of NAV), ``weight_pct`` (percent of NAV), ``market_value``, or
``quantity`` and ``price``. Weights are never renormalised, so a market-neutral book keeps a
net weight near zero and shorts stay negative.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Literal, overload

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, ExposureWarning, HoldingsError, Reject
from exposure.io import csv_header, repeated_names, source_text

__all__ = ["HoldingsSource", "HoldingsWarning", "Portfolio", "read_holdings"]

HoldingsSource = str | os.PathLike[str] | IO[str] | IO[bytes] | pd.DataFrame
"""What :func:`read_holdings` accepts: a CSV path, an open CSV file, or a DataFrame."""

_SIZINGS: tuple[tuple[str, ...], ...] = (
    ("weight",),
    ("weight_pct",),
    ("market_value",),
    ("quantity", "price"),
)
_EXAMPLES = {
    "weight": "0.05",
    "weight_pct": "5 (for 5%)",
    "market_value": "1250000",
    "quantity": "100",
    "price": "25.40",
}
_RECORD_WIDTH = 80


class HoldingsWarning(ExposureWarning):
    """A holdings table was usable but not clean: duplicate tickers or ignored columns."""


class Portfolio:
    """An immutable set of positions: one weight per ticker, as a fraction of NAV.

    Parameters
    ----------
    weights : Mapping[str, float] or pandas.Series
        Weight per ticker. Tickers are stripped and upper-cased; tickers that then coincide are
        summed with a :class:`HoldingsWarning`. Negative weights are shorts.
    name : str, default "portfolio"
        The portfolio's name, used in reports.
    nav : float, optional
        Net asset value the weights are fractions of, when known.
    security_names : Mapping[str, str] or pandas.Series, optional
        Security name per ticker, for display only.

    Raises
    ------
    HoldingsError
        If a weight is not a finite number, a ticker is empty, or ``nav`` is not positive.

    Examples
    --------
    >>> p = Portfolio.from_weights({"LMT": 0.6, "rhm.de": 0.5, "DAL": -0.1}, name="defense")
    >>> p.tickers.tolist()
    ['DAL', 'LMT', 'RHM.DE']
    >>> round(p.net, 10), round(p.gross, 10)
    (1.0, 1.2)
    """

    __slots__ = ("_name", "_nav", "_security_names", "_weights")

    _weights: pd.Series
    _name: str
    _nav: float | None
    _security_names: pd.Series

    def __init__(
        self,
        weights: Mapping[str, float] | pd.Series,
        *,
        name: str = "portfolio",
        nav: float | None = None,
        security_names: Mapping[str, str] | pd.Series | None = None,
    ) -> None:
        series = (
            weights if isinstance(weights, pd.Series) else pd.Series(dict(weights), dtype=object)
        )
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        tickers = _normalise_tickers(pd.Series(series.index, dtype=object))
        bad = ~np.isfinite(values) | (tickers == "").to_numpy()
        if bad.any():
            shown = ", ".join(f"{t!r}: {v!r}" for t, v in series[bad].head(10).items())
            raise HoldingsError(
                f"weights must be finite numbers keyed by non-empty tickers; got {shown}",
                where=f"portfolio {name!r}",
                field="weight",
                fix="give a number such as 0.05 for every ticker such as 'RHM.DE'",
            )
        weight = pd.Series(values, index=pd.Index(tickers, name="ticker"), name="weight")
        if weight.index.has_duplicates:
            dupes = sorted(set(weight.index[weight.index.duplicated()]))
            warnings.warn(
                f"portfolio {name!r}: tickers {', '.join(dupes)} appear more than once after "
                "upper-casing; their weights were summed. Give each ticker once to silence this.",
                HoldingsWarning,
                stacklevel=2,
            )
            weight = weight.groupby(level="ticker", sort=True).sum()
        object.__setattr__(self, "_weights", weight.sort_index().astype(np.float64))
        object.__setattr__(self, "_name", str(name))
        object.__setattr__(self, "_nav", _check_nav(nav, f"portfolio {name!r}"))
        object.__setattr__(self, "_security_names", _clean_names(security_names))

    @classmethod
    def from_weights(
        cls,
        weights: Mapping[str, float] | pd.Series,
        name: str = "portfolio",
        *,
        nav: float | None = None,
    ) -> Portfolio:
        """Build a portfolio from a ticker -> weight mapping or Series.

        Parameters
        ----------
        weights : Mapping[str, float] or pandas.Series
            Weight per ticker, as a fraction of NAV; negative for shorts.
        name : str, default "portfolio"
            The portfolio's name.
        nav : float, optional
            Net asset value the weights are fractions of.

        Returns
        -------
        Portfolio

        Examples
        --------
        >>> Portfolio.from_weights({"LMT": 0.5, "RTX": 0.5}, "us-defense")
        Portfolio('us-defense', 2 holdings, net=1, gross=1)
        """
        return cls(weights, name=name, nav=nav)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"Portfolio is immutable; cannot set {key!r}")

    @property
    def weights(self) -> pd.Series:
        """Weight per ticker (index ``ticker``, sorted, float64, name ``weight``); a copy."""
        return self._weights.copy()

    @property
    def name(self) -> str:
        """The portfolio's name."""
        return self._name

    @property
    def nav(self) -> float | None:
        """Net asset value the weights are fractions of, or None when unknown."""
        return self._nav

    @property
    def security_names(self) -> pd.Series:
        """Security name per ticker, for the tickers whose name was given."""
        return self._security_names.copy()

    @property
    def tickers(self) -> pd.Index:
        """The tickers held, sorted."""
        return self._weights.index

    @property
    def gross(self) -> float:
        """Sum of absolute weights."""
        return float(np.abs(self._weights.to_numpy()).sum())

    @property
    def net(self) -> float:
        """Sum of weights (about 1 for a long-only fund, about 0 for a market-neutral book)."""
        return float(self._weights.sum())

    def __len__(self) -> int:
        return len(self._weights)

    def __repr__(self) -> str:
        return (
            f"Portfolio({self._name!r}, {len(self)} holdings, "
            f"net={self.net:.6g}, gross={self.gross:.6g})"
        )

    def to_frame(self) -> pd.DataFrame:
        """The holdings as a DataFrame indexed by ticker, with ``weight`` and ``name`` columns.

        Returns
        -------
        pandas.DataFrame
            ``name`` is missing (NaN) where no security name was given.
        """
        return pd.DataFrame(
            {"weight": self._weights, "name": self._security_names.reindex(self._weights.index)}
        )

    def aligned_with(self, other: Portfolio | pd.Series) -> tuple[pd.Series, pd.Series]:
        """This portfolio's weights and another's, on the sorted union of tickers, 0 where absent.

        Parameters
        ----------
        other : Portfolio or pandas.Series
            Typically the benchmark.

        Returns
        -------
        weight, benchmark : pandas.Series
            Same index (``ticker``); ``weight - benchmark`` is the active weight.

        Examples
        --------
        >>> p = Portfolio.from_weights({"LMT": 0.75, "RTX": 0.25})
        >>> w, wb = p.aligned_with(Portfolio.from_weights({"RTX": 0.5, "DAL": 0.5}))
        >>> (w - wb).to_dict()
        {'DAL': -0.5, 'LMT': 0.75, 'RTX': -0.25}
        """
        theirs = other._weights if isinstance(other, Portfolio) else Portfolio(other)._weights
        union = self._weights.index.union(theirs.index).sort_values()
        return (
            self._weights.reindex(union, fill_value=0.0).rename("weight"),
            theirs.reindex(union, fill_value=0.0).rename("benchmark"),
        )

    def summary(self) -> str:
        """A short text description: name, size, net and gross weight, NAV and largest positions."""
        order = np.argsort(-np.abs(self._weights.to_numpy()), kind="stable")
        top = self._weights.iloc[order[:5]]
        nav = "unknown" if self._nav is None else f"{self._nav:,.2f}"
        lines = [
            f"Portfolio {self._name!r}: {len(self)} holdings, NAV {nav}",
            f"  net weight {self.net:.4f}, gross weight {self.gross:.4f}",
            *(f"  {t:<12} {w: .4f}" for t, w in top.items()),
        ]
        return "\n".join(lines)


@overload
def read_holdings(
    source: HoldingsSource,
    *,
    name: str | None = ...,
    nav: float | None = ...,
    on_error: Literal["raise"] = ...,
    fx: Mapping[str, float] | None = ...,
    base: str | None = ...,
) -> Portfolio: ...


@overload
def read_holdings(
    source: HoldingsSource,
    *,
    name: str | None = ...,
    nav: float | None = ...,
    on_error: Literal["reject"],
    fx: Mapping[str, float] | None = ...,
    base: str | None = ...,
) -> tuple[Portfolio, list[Reject]]: ...


def read_holdings(
    source: HoldingsSource,
    *,
    name: str | None = None,
    nav: float | None = None,
    on_error: Literal["raise", "reject"] = "raise",
    fx: Mapping[str, float] | None = None,
    base: str | None = None,
) -> Portfolio | tuple[Portfolio, list[Reject]]:
    """Read a holdings table into a :class:`Portfolio`.

    Headers are matched case-insensitively after stripping spaces (``Market Value`` reads as
    ``market_value``). Required: ``ticker`` (or ``symbol``) and one sizing: ``weight``,
    ``weight_pct``, ``market_value``, or ``quantity`` with ``price``. Optional: ``name``.
    With market values, ``weight = market_value / nav``, where ``nav`` defaults to the sum of
    market values. Weights are used as given, never renormalised.

    Parameters
    ----------
    source : str, os.PathLike, file-like or pandas.DataFrame
        A CSV path, an open CSV file, or a DataFrame with the columns above.
    name : str, optional
        Portfolio name; defaults to the file's stem, else ``"portfolio"``.
    nav : float, optional
        Net asset value dividing market values; required when they do not sum to a positive
        amount (a market-neutral book: pass the fund's NAV or its gross exposure).
    on_error : {"raise", "reject"}, default "raise"
        ``"raise"``: any bad row raises, listing every bad row. ``"reject"``: load the good rows
        and return the bad ones as :class:`~exposure.errors.Reject` records.
    fx : Mapping[str, float], optional
        Units of ``base`` per unit of each currency (``{"EUR": 1.08, "GBP": 1.27}``), used when
        a ``currency`` column gives market values or prices in more than one currency. Minor
        units as Yahoo writes them (``GBp`` pence, ``ZAc``, ``ILA``) are divided by 100 first.
    base : str, optional
        Currency of the converted values and the NAV; default ``USD`` when ``fx`` is given.

    Returns
    -------
    Portfolio or (Portfolio, list of Reject)
        The pair only with ``on_error="reject"``.

    Raises
    ------
    HoldingsError
        For a table with no rows, no ticker column or no sizing column, market values that do
        not sum to a positive amount without ``nav``, bad rows with ``on_error="raise"``, or
        market values or prices in more than one currency without an ``fx`` rate for each (they
        are never summed as one currency).

    Warns
    -----
    HoldingsWarning
        When duplicate tickers were summed, or sizing columns beyond the one used were ignored.

    Notes
    -----
    Row numbers in messages count the header as row 1, so they match a spreadsheet's.

    Examples
    --------
    >>> import io
    >>> csv = io.StringIO("Ticker,Weight\\nlmt,0.6\\nRHM.DE,0.5\\nDAL,-0.1\\n")
    >>> read_holdings(csv, name="defense").weights.to_dict()
    {'DAL': -0.1, 'LMT': 0.6, 'RHM.DE': 0.5}
    >>> p, rejects = read_holdings(
    ...     io.StringIO("ticker,weight\\nLMT,abc\\nRTX,0.4\\n"), on_error="reject")
    >>> rejects[0].line, rejects[0].reason
    (2, "field 'weight' is 'abc', not a number; fix: give a number such as 0.05")
    >>> book = "ticker,quantity,price,currency\\nLMT,10,400,USD\\nRHM.DE,20,100,EUR\\n"
    >>> read_holdings(io.StringIO(book), fx={"EUR": 1.1}).weights.round(4).to_dict()
    {'LMT': 0.6452, 'RHM.DE': 0.3548}
    """
    if on_error not in ("raise", "reject"):
        raise ArgumentError(f"on_error must be 'raise' or 'reject', not {on_error!r}")
    label = _source_label(source)
    where = f"holdings file {label}"
    nav = _check_nav(nav, where)
    table = _read_table(source, where)
    sizing = _choose_sizing(table, where)

    tickers = _normalise_tickers(table["ticker"]).to_numpy()
    numbers = {col: _to_number(table[col]) for col in sizing}
    reasons = _row_problems(table, tickers, numbers)
    rows = table.index.to_numpy() + 2
    good = np.array([not reason for reason in reasons], dtype=bool)
    bad = np.flatnonzero(~good)
    rejects = [Reject(int(rows[i]), reasons[i], _record(table.iloc[i])) for i in bad]
    if rejects and on_error == "raise":
        listing = "\n".join(
            f"  row {rows[i]} ({f'ticker {tickers[i]}' if tickers[i] else 'no ticker'}): "
            f"{reasons[i]}"
            for i in bad
        )
        raise HoldingsError(
            f"{len(rejects)} bad row(s); correct or remove them, or pass on_error='reject' to "
            f"load the good rows and get these back:\n{listing}",
            where=where,
        )

    numbers = _in_one_currency(table, sizing, numbers, good, rows, fx, base, where)
    weight, nav = _weights_from(sizing, numbers, good, nav, where)
    kept = pd.DataFrame({"ticker": tickers[good], "weight": weight, "row": rows[good]})
    _warn_duplicates(kept, where)
    names = None
    if "name" in table.columns:
        names = pd.Series(table["name"].str.strip().to_numpy()[good], index=kept["ticker"])
        names = names[names != ""]
    portfolio = Portfolio(
        kept.groupby("ticker", sort=True)["weight"].sum(),
        name=name if name is not None else _default_name(source),
        nav=nav,
        security_names=names,
    )
    return (portfolio, rejects) if on_error == "reject" else portfolio


def _source_label(source: HoldingsSource) -> str:
    if isinstance(source, pd.DataFrame):
        return "<DataFrame>"
    if isinstance(source, str | os.PathLike):
        return str(source)
    return str(getattr(source, "name", "<stream>"))


def _default_name(source: HoldingsSource) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).stem
    return "portfolio"


def _read_table(source: HoldingsSource, where: str) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        keep_index = str(source.index.name).strip().lower() in ("ticker", "symbol")
        raw = source.reset_index(drop=not keep_index).astype(object)
        table = raw.where(raw.notna(), "").map(str)
    else:
        text = source_text(source, where=where)
        header = [_column_name(column) for column in csv_header(text)]
        repeated = repeated_names(header)
        if repeated:
            raise HoldingsError(
                f"column {repeated[0]!r} appears more than once (headers are case-insensitive)",
                where=where, field=repeated[0], fix="keep one column of each name",
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                table = pd.read_csv(
                    io.StringIO(text),
                    dtype=str,
                    keep_default_na=False,
                    skip_blank_lines=False,
                    index_col=False,
                ).fillna("")
        except pd.errors.EmptyDataError:
            raise HoldingsError(
                f"{where} has no rows", fix="add a header and one row per position"
            ) from None
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            raise HoldingsError(
                f"cannot be read as CSV ({str(exc).strip()})",
                where=where,
                fix="give every row as many comma-separated fields as the header",
            ) from None
    table.columns = pd.Index([_column_name(c) for c in table.columns])
    if table.columns.has_duplicates:
        dupes = sorted(set(table.columns[table.columns.duplicated()]))
        raise HoldingsError(
            f"columns {', '.join(dupes)} appear more than once (headers are case-insensitive)",
            where=where,
            fix="keep one column of each name",
        )
    if "ticker" not in table.columns and "symbol" in table.columns:
        table = table.rename(columns={"symbol": "ticker"})
    blank = table.apply(lambda col: col.str.strip().eq("")).all(axis=1)
    table = table[~blank]
    if table.empty:
        raise HoldingsError(f"{where} has no rows", fix="add one row per position under the header")
    if "ticker" not in table.columns:
        raise HoldingsError(
            f"no ticker column; columns found: {', '.join(table.columns)}",
            where=where,
            field="ticker",
            fix="add a 'ticker' (or 'symbol') column of Yahoo symbols such as RHM.DE",
        )
    return table


def _column_name(column: object) -> str:
    return str(column).strip().lower().replace(" ", "_").replace("-", "_")


def _choose_sizing(table: pd.DataFrame, where: str) -> tuple[str, ...]:
    present = [cols for cols in _SIZINGS if all(c in table.columns for c in cols)]
    if not present:
        found = ", ".join(table.columns)
        raise HoldingsError(
            f"no sizing column; columns found: {found}; expected one of: weight, weight_pct, "
            "market_value, or quantity and price",
            where=where,
            fix="add a 'weight' column (fractions of NAV such as 0.05) or a 'market_value' column",
        )
    chosen, ignored = present[0], [c for cols in present[1:] for c in cols]
    if ignored:
        warnings.warn(
            f"{where}: sized positions by {' x '.join(chosen)}; ignored columns "
            f"{', '.join(ignored)}. Keep one way of sizing to silence this.",
            HoldingsWarning,
            stacklevel=3,
        )
    return chosen


def _normalise_tickers(tickers: pd.Series) -> pd.Series:
    return tickers.astype(object).where(tickers.notna(), "").map(str).str.strip().str.upper()


def _to_number(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.str.strip(), errors="coerce").astype(np.float64)


def _row_problems(
    table: pd.DataFrame, tickers: np.ndarray, numbers: dict[str, pd.Series]
) -> list[str]:
    """One reason per row, naming each bad field and its fix; empty for a good row."""
    problems: list[list[str]] = [[] for _ in range(len(table))]
    for i in np.flatnonzero(tickers == ""):
        problems[i].append("field 'ticker' is empty; fix: give the Yahoo symbol, such as RHM.DE")
    for col, values in numbers.items():
        raw = table[col].str.strip().to_numpy()
        for i in np.flatnonzero(~np.isfinite(values.to_numpy())):
            shown = "empty" if raw[i] == "" else repr(raw[i])
            problems[i].append(
                f"field '{col}' is {shown}, not a number; "
                f"fix: give a number such as {_EXAMPLES[col]}"
            )
    if "price" in numbers:
        for i in np.flatnonzero(numbers["price"].to_numpy() < 0):
            problems[i].append(
                f"field 'price' is {float(numbers['price'].iloc[i])!r}, below zero; "
                "fix: give the price per unit, such as 25.40"
            )
    return ["; ".join(p) for p in problems]


def _in_one_currency(
    table: pd.DataFrame,
    sizing: tuple[str, ...],
    numbers: dict[str, pd.Series],
    good: np.ndarray,
    rows: np.ndarray,
    fx: Mapping[str, float] | None,
    base: str | None,
    where: str,
) -> dict[str, pd.Series]:
    """Market values or prices of a ``currency`` column converted to one currency, or refused.

    A book in one currency (or sized by weights) is returned as it is; several currencies are
    converted with ``fx`` (base per unit) or refused, never summed as if they were one.
    """
    value_column = {("market_value",): "market_value", ("quantity", "price"): "price"}.get(sizing)
    if value_column is None or "currency" not in table.columns:
        return numbers
    codes = table["currency"].str.strip().to_numpy()
    parsed = [currency_unit(code) if code else ("", 1.0) for code in codes]
    used = sorted({parsed[i] for i in np.flatnonzero(good)})
    if len(used) <= 1 and fx is None:
        return numbers

    def rows_of(unit: tuple[str, float]) -> str:
        found = [str(rows[i]) for i in np.flatnonzero(good) if parsed[i] == unit]
        return ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")

    named = "; ".join(f"{codes[[p == unit for p in parsed].index(True)] or 'blank'} (rows {rows_of(unit)})"
                      for unit in used)
    if fx is None:
        raise HoldingsError(
            f"{value_column} values are in several currencies: {named}; they cannot be summed as one",
            where=where, field="currency",
            fix="pass fx={'EUR': 1.08, ...} (base currency per unit) and base='USD' to read_holdings "
            "(exposure portfolio --fx EUR=1.08 --base USD), convert the book to one currency, or value "
            "quantities with exposure.portfolio.value_holdings")
    base_iso = currency_unit(base or "USD")[0]
    rates = {currency_unit(str(k))[0]: float(v) for k, v in fx.items()} | {base_iso: 1.0}
    blank = [unit for unit in used if not unit[0]]
    missing = [unit for unit in used if unit[0] and not (np.isfinite(rates.get(unit[0], np.nan))
                                                          and rates.get(unit[0], 0) > 0)]
    if blank or missing:
        problems = ([f"rows {rows_of(blank[0])} have no currency"] if blank else []) + \
            [f"no positive {unit[0]}->{base_iso} rate for rows {rows_of(unit)}" for unit in missing]
        raise HoldingsError("; ".join(problems), where=where, field="currency",
                            fix=f"give every row a currency and fx a positive rate ({base_iso} per unit) "
                            "for each currency")
    factor = np.array([unit[1] * rates.get(unit[0], np.nan) if unit[0] else np.nan for unit in parsed])
    converted = dict(numbers)
    converted[value_column] = numbers[value_column] * factor
    return converted


_MINOR_UNITS = {"GBp": ("GBP", 0.01), "GBX": ("GBP", 0.01), "GBx": ("GBP", 0.01),
                "ZAc": ("ZAR", 0.01), "ZAC": ("ZAR", 0.01), "ILA": ("ILS", 0.01), "ILa": ("ILS", 0.01)}
"""Yahoo quotes some markets in minor units; same table as exposure.market.MINOR_UNITS (this
layer may not import market)."""


def currency_unit(code: str) -> tuple[str, float]:
    """ISO code and the factor to it of a currency as Yahoo writes it (``GBp`` is 0.01 GBP).

    >>> currency_unit("GBp"), currency_unit(" eur ")
    (('GBP', 0.01), ('EUR', 1.0))
    """
    code = str(code).strip()
    return _MINOR_UNITS.get(code, (code.upper(), 1.0))


def _weights_from(
    sizing: tuple[str, ...],
    numbers: dict[str, pd.Series],
    good: np.ndarray,
    nav: float | None,
    where: str,
) -> tuple[np.ndarray, float | None]:
    if sizing == ("weight",):
        return numbers["weight"].to_numpy()[good], nav
    if sizing == ("weight_pct",):
        return numbers["weight_pct"].to_numpy()[good] / 100.0, nav
    if sizing == ("market_value",):
        value = numbers["market_value"].to_numpy()[good]
    else:
        value = numbers["quantity"].to_numpy()[good] * numbers["price"].to_numpy()[good]
    if nav is None and value.size:
        total = float(value.sum())
        if not total > 0:
            raise HoldingsError(
                f"market values sum to {total:g}, so they cannot size the positions by themselves",
                where=where,
                field=" x ".join(sizing),
                fix="pass nav= to read_holdings (e.g. the fund's NAV or its gross exposure)",
            )
        nav = total
    return (value / nav if nav is not None else value), nav


def _warn_duplicates(kept: pd.DataFrame, where: str) -> None:
    repeated = kept[kept["ticker"].duplicated(keep=False)]
    if repeated.empty:
        return
    rows = repeated.groupby("ticker", sort=True)["row"].agg(lambda r: ", ".join(map(str, r)))
    listing = "; ".join(f"{t} (rows {r})" for t, r in rows.items())
    warnings.warn(
        f"{where}: duplicate tickers {listing}; their weights were summed. "
        "Give each ticker once to silence this.",
        HoldingsWarning,
        stacklevel=3,
    )


def _clean_names(names: Mapping[str, str] | pd.Series | None) -> pd.Series:
    series = pd.Series(dict(names) if isinstance(names, Mapping) else names, dtype=object)
    series = series.dropna().map(str)
    tickers = _normalise_tickers(pd.Series(series.index, dtype=object))
    series.index = pd.Index(tickers, name="ticker")
    return series[~series.index.duplicated()].sort_index().rename("name")


def _check_nav(nav: float | None, where: str) -> float | None:
    if nav is None:
        return None
    value = float(nav)
    if not (np.isfinite(value) and value > 0):
        raise HoldingsError(
            f"nav is {nav!r}; it must be a positive number",
            where=where,
            field="nav",
            fix="pass the fund's net asset value (or gross exposure), such as nav=25e6",
        )
    return value


def _record(row: pd.Series) -> str:
    text = ",".join(row.astype(str))
    return text if len(text) <= _RECORD_WIDTH else text[: _RECORD_WIDTH - 3] + "..."

