"""Reading price files and the bundled GPR index (the studies' only I/O).

The bundled price sample loads with :func:`exposure.datasets.load_sample_prices`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from exposure.errors import ArgumentError, MarketDataError
from exposure.io import parse_datetime

_DATA = "exposure.datasets"


def _bundled_path(relative: str) -> Path:
    return Path(str(resources.files(_DATA).joinpath(relative)))


def read_prices(path: str | Path, field: str | None = None) -> pd.DataFrame:
    """Prices from a CSV or Parquet file, wide (date x tickers) or long (date, ticker, price).

    A long file has a ``ticker`` (or ``symbol``) column and one price column: ``field`` if
    given, else the first of ``adj_close``, ``adjclose``, ``close``, ``price``. The date column
    is ``date`` (any case), else the first column.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> file = os.path.join(folder, "long.csv")
    >>> _ = open(file, "w").write("date,ticker,close\\n2024-01-02,A,1\\n2024-01-02,B,2\\n2024-01-03,A,3\\n")
    >>> read_prices(file)
    ticker        A    B
    date
    2024-01-02  1.0  2.0
    2024-01-03  3.0  NaN
    """
    path = Path(path)
    if not path.exists():
        raise MarketDataError("no such file", where=str(path), fix="give the path of a CSV or Parquet price file")
    try:
        is_parquet = path.suffix.lower() in (".parquet", ".pq")
        frame = pd.read_parquet(path) if is_parquet else pd.read_csv(path)
    except Exception as exc:  # any reader failure means the file is not a price table
        raise MarketDataError(f"cannot read prices ({type(exc).__name__}: {exc})", where=str(path),
                              fix="give a CSV or Parquet file with a date column") from None
    if isinstance(frame.index, pd.DatetimeIndex):
        frame = frame.reset_index()
    lower = {str(c).lower(): c for c in frame.columns}
    date_col = lower.get("date", frame.columns[0])
    ticker_col = lower.get("ticker", lower.get("symbol"))
    if ticker_col is not None:
        candidates = [field] if field else ["adj_close", "adjclose", "adj close", "close", "price"]
        value_col = next((lower[c.lower()] for c in candidates if c and c.lower() in lower), None)
        if value_col is None:
            raise MarketDataError("long price file without a price column", where=str(path),
                                  field=field or "close", fix="name the price column close, adj_close or price")
        frame = frame.pivot_table(index=date_col, columns=ticker_col, values=value_col, aggfunc="last")
        frame.columns.name = "ticker"
    else:
        frame = frame.set_index(date_col)
    frame.index = _iso_dates(frame.index, str(path), str(date_col))
    frame.index.name = "date"
    return frame.sort_index()


def _iso_dates(values: pd.Index, where: str, column: str) -> pd.DatetimeIndex:
    """Dates read by the one date parser (:func:`exposure.io.parse_datetime`): ISO only, so
    ``03/01/2022`` (day or month first?) and ``20250729`` (a date, or Unix seconds?) are refused."""
    if isinstance(values, pd.DatetimeIndex):
        return values
    stamps: dict[object, object] = {}
    for row, raw in enumerate(values, 1):
        if raw not in stamps:
            try:
                stamps[raw] = parse_datetime(raw.strip() if isinstance(raw, str) else raw,
                                             where=f"{where} data row {row}", field=column)
            except ArgumentError as exc:
                raise MarketDataError(exc.problem, where=exc.where, field=column, fix=exc.fix) from None
    parsed = [pd.Timestamp(stamps[raw]) if stamps[raw] is not None else pd.NaT for raw in values]
    try:
        return pd.DatetimeIndex(parsed)
    except (ValueError, TypeError):  # mixed UTC offsets: keep each date in its own zone
        return pd.DatetimeIndex([stamp.tz_localize(None) if stamp is not pd.NaT and stamp.tzinfo else stamp
                                 for stamp in parsed])


def load_gpr() -> pd.DataFrame:
    """The bundled daily Caldara-Iacoviello geopolitical risk index, 2015 onward.

    Returns
    -------
    DataFrame
        Indexed by calendar date: ``GPRD``, ``GPRD_ACT``, ``GPRD_THREAT``, ``N10D``.

    Examples
    --------
    >>> gpr = load_gpr()
    >>> bool(gpr.loc["2022-02-24", "GPRD"] > gpr["GPRD"].median())
    True
    """
    frame = pd.read_csv(_bundled_path("data/gpr/gpr_daily_2015_2026.csv.gz"), parse_dates=["date"])
    return frame.set_index("date")
