"""Prices from your own files: CSV or Parquet, wide (date x tickers) or long (one row per date and ticker)."""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, InputFormatError, MarketDataError, Reject
from exposure.io import check_input_file, csv_header, read_text, repeated_names
from exposure.market._result import FIELDS, PriceResult
from exposure.market._source import INFO_COLUMNS, as_symbols, as_timestamp, finish
from exposure.market._validate import clean_long, wide_to_long

__all__ = ["LocalSource"]

_FIELD_NAMES = {
    "adjclose": "adjclose", "adj close": "adjclose", "adj_close": "adjclose", "adjusted close": "adjclose",
    "adjusted_close": "adjclose", "close": "close", "volume": "volume",
}
_DATE_NAMES = ("date", "datetime", "timestamp", "time", "day")
_TICKER_NAMES = ("ticker", "symbol")


class LocalSource:
    """A :class:`PriceSource` over a CSV or Parquet file, or a DataFrame you already hold.

    Layouts, recognised from the header (case and spaces ignored):

    * wide: a date column (``date``, or the first column) and one column per ticker, holding
      the single field given by ``field``;
    * long: ``date`` and ``ticker`` (or ``symbol``) columns plus either one column per field
      (``adjclose`` / ``adj close``, ``close``, ``volume``) or ``field`` and ``value`` columns.

    Every row is checked when first read: unreadable dates, non-numbers, zero or negative
    prices and conflicting duplicate dates are dropped and returned as rejects with their line;
    repeated identical rows, unsorted dates and time zones are fixed and noted.

    Parameters
    ----------
    data : str, os.PathLike or pandas.DataFrame
        ``.csv`` (optionally ``.gz``), ``.parquet`` / ``.pq``, or a DataFrame in either layout (a
        wide frame may carry its dates in a ``DatetimeIndex``).
    field : {"adjclose", "close", "volume"}, default "adjclose"
        What a wide table holds.
    currencies : Mapping[str, str], optional
        Quote currency per ticker as Yahoo writes it (``"GBp"`` for pence), for :meth:`info`
        and valuation.
    info : pandas.DataFrame, optional
        Security info indexed by ticker, columns among ``INFO_COLUMNS``.
    name : str, optional
        Label in results; defaults to the file path.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"date": ["2022-02-23", "2022-02-24", "2022-02-24"],
    ...                       "LMT": [390.1, 402.0, 402.0], "RTX": [91.0, -1.0, 92.5]})
    >>> result = LocalSource(table).prices(["LMT", "RTX"], allow_partial=True)
    >>> result.frame.round(1).to_dict("list")
    {'LMT': [390.1, 402.0], 'RTX': [91.0, 92.5]}
    >>> result.rejects[0].reason
    "field 'adjclose' is -1, zero or below; a price must be positive; fix: correct or remove the value"
    """

    def __init__(
        self,
        data: str | os.PathLike[str] | pd.DataFrame,
        *,
        field: str = "adjclose",
        currencies: Mapping[str, str] | None = None,
        info: pd.DataFrame | None = None,
        name: str | None = None,
    ) -> None:
        if field not in FIELDS:
            raise ArgumentError(f"field must be one of {FIELDS}, not {field!r}")
        self._data = data
        self._default_field = field
        self.name = name or (str(data) if not isinstance(data, pd.DataFrame) else "<DataFrame>")
        self._currencies = {str(k).strip().upper(): str(v) for k, v in (currencies or {}).items()}
        self._info = info
        self._long: dict[str, pd.DataFrame] | None = None
        self._clean: dict[str, tuple[pd.DataFrame, list[Reject], list[str], dict[str, str]]] = {}

    def __repr__(self) -> str:
        return f"LocalSource({self.name!r})"

    @property
    def fields(self) -> list[str]:
        """The fields the input holds."""
        return sorted(self._tables())

    def prices(
        self,
        symbols: Iterable[str] | str | None = None,
        start: object = None,
        end: object = None,
        *,
        field: str | None = None,
        allow_partial: bool = False,
    ) -> PriceResult:
        """Prices of ``symbols`` (default: every ticker in the input) between ``start`` and ``end``.

        Parameters
        ----------
        symbols : str or iterable of str, optional
            Tickers; spaces and case are ignored.
        start, end : date-like, optional
            Inclusive window; default the whole input.
        field : {"adjclose", "close", "volume"}, optional
            Default: the source's ``field``.
        allow_partial : bool, default False
            False: raise when a symbol is missing or covers only part of the window.
            True: return the rest, with :attr:`PriceResult.missing` and ``partial`` filled.

        Raises
        ------
        MarketDataError
            If the input cannot be read or lacks ``field``, or (``allow_partial=False``) a symbol
            is missing or partial.
        """
        field = field or self._default_field
        frame, rejects, notes, gaps = self._cleaned(field)
        wanted = as_symbols(symbols) if symbols is not None else [str(c) for c in frame.columns]
        reasons = {s: f"not in {self.name}" for s in wanted if s not in frame.columns}
        return finish(
            frame, wanted, as_timestamp(start), as_timestamp(end), field=field, source=self.name,
            allow_partial=allow_partial, notes=notes, rejects=rejects, missing_reason=reasons,
            currencies={s: self._currencies[s] for s in wanted if s in self._currencies},
            gaps={s: f"{note} (in the whole input)" for s, note in gaps.items()},
        )

    def info(self, symbols: Iterable[str] | str) -> pd.DataFrame:
        """Security info the input was given (``currencies=``, ``info=``); NaN where unknown."""
        wanted = as_symbols(symbols)
        out = pd.DataFrame(index=pd.Index(wanted, name="ticker"), columns=list(INFO_COLUMNS), dtype=object)
        if self._info is not None:
            given = self._info.copy()
            given.index = [str(i).strip().upper() for i in given.index]
            for column in INFO_COLUMNS:
                if column in given.columns:
                    out[column] = given[column].reindex(wanted).to_numpy(dtype=object)
        for symbol in wanted:
            if symbol in self._currencies:
                out.loc[symbol, "currency"] = self._currencies[symbol]
        return out

    def _cleaned(self, field: str) -> tuple[pd.DataFrame, list[Reject], list[str], dict[str, str]]:
        if field not in self._clean:
            tables = self._tables()
            if field not in tables:
                raise MarketDataError(
                    f"holds {', '.join(sorted(tables)) or 'no field'}, not {field!r}",
                    where=self.name, field=field,
                    fix=f"ask for one of {sorted(tables)}, or give a wide table with field={field!r}",
                )
            self._clean[field] = clean_long(tables[field], field=field, where=self.name)
        return self._clean[field]

    def _tables(self) -> dict[str, pd.DataFrame]:
        if self._long is None:
            self._long = _split_fields(self._read(), self._default_field, self.name)
        return self._long

    def _read(self) -> pd.DataFrame:
        data = self._data
        if isinstance(data, pd.DataFrame):
            if isinstance(data.index, pd.DatetimeIndex) or not isinstance(data.index, pd.RangeIndex):
                return data.rename_axis("date").reset_index()
            return data.copy()
        path = check_input_file(data)
        suffixes = "".join(path.suffixes).lower()
        try:
            if suffixes.endswith((".parquet", ".pq")):
                table = pd.read_parquet(path)
                if not isinstance(table.index, pd.RangeIndex):
                    table = table.rename_axis(table.index.name or "date").reset_index()
                return table
            text = read_text(path)
            repeated = repeated_names([column.lower() for column in csv_header(text)])
            if repeated:
                raise MarketDataError(f"column {repeated[0]!r} appears more than once", where=str(path),
                                      field=repeated[0], fix="keep one column per ticker or field")
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
        except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, OSError, ValueError,
                TypeError, UnicodeDecodeError) as exc:
            if isinstance(exc, InputFormatError):
                raise
            raise MarketDataError(
                f"cannot be read ({type(exc).__name__}: {str(exc).strip()[:200]})", where=str(path),
                fix="give a CSV (optionally gzipped) or Parquet file with a header row, every row as many "
                "cells as the header",
            ) from None


def _split_fields(table: pd.DataFrame, default_field: str, where: str) -> dict[str, pd.DataFrame]:
    """The input as one long table (date, ticker, value, line, record) per field."""
    if table.empty or len(table.columns) < 2:
        raise MarketDataError("has no rows or fewer than two columns", where=where,
                              fix="give a date column and at least one ticker column")
    names = {str(c).strip().lower(): c for c in table.columns}
    date_col = next((names[n] for n in _DATE_NAMES if n in names), None)
    ticker_col = next((names[n] for n in _TICKER_NAMES if n in names), None)
    if ticker_col is None:
        if date_col is not None and date_col != table.columns[0]:
            table = table[[date_col, *[c for c in table.columns if c != date_col]]]
        return {default_field: wide_to_long(table.reset_index(drop=True))}
    if date_col is None:
        raise MarketDataError("a long table needs a date column next to its ticker column", where=where,
                              field="date", fix="add a 'date' column (YYYY-MM-DD)")
    lines = np.arange(len(table)) + 2
    base = pd.DataFrame({"date": table[date_col].to_numpy(dtype=object),
                         "ticker": table[ticker_col].astype(str).str.strip().str.upper().to_numpy(),
                         "line": lines})
    records = table.astype(str).agg(",".join, axis=1).to_numpy()
    out: dict[str, pd.DataFrame] = {}
    if "field" in names and "value" in names:
        kinds = table[names["field"]].astype(str).str.strip().str.lower().map(_FIELD_NAMES)
        for field in FIELDS:
            rows = (kinds == field).to_numpy()
            if rows.any():
                out[field] = base[rows].assign(value=table[names["value"]].to_numpy(dtype=object)[rows],
                                               record=records[rows])
        return out
    for name, column in names.items():
        field = _FIELD_NAMES.get(name) or (default_field if name in ("price", "value") else None)
        if field is not None and field not in out:
            out[field] = base.assign(value=table[column].to_numpy(dtype=object), record=records)
    if not out:
        raise MarketDataError(
            "a long table needs a value column", where=where,
            fix="add a column named adjclose, close, volume or price, or 'field' and 'value' columns",
        )
    return out
