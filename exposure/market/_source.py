"""The one interface every price source follows, and the pieces sources share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import pandas as pd

from exposure.errors import Reject
from exposure.io import parse_datetime
from exposure.market._result import Missing, PriceResult
from exposure.market._validate import coverage, gap_notes, window

__all__ = ["INFO_COLUMNS", "PriceSource"]

INFO_COLUMNS: tuple[str, ...] = (
    "name", "currency", "exchange", "quote_type", "sector", "industry", "country", "market_cap",
)
"""Security info columns a source fills where it knows them (NaN elsewhere)."""


@runtime_checkable
class PriceSource(Protocol):
    """What the library asks of a market-data source.

    ``prices`` returns a :class:`PriceResult` for one field (``adjclose``, ``close`` or
    ``volume``): dates x tickers, plus the symbols it could not deliver and why. With
    ``allow_partial=False`` a missing or partial symbol raises
    :class:`~exposure.errors.MarketDataError` instead. ``info`` returns one row per ticker with
    :data:`INFO_COLUMNS`, NaN where the source does not know.

    Examples
    --------
    >>> from exposure.market import LocalSource, PriceSource
    >>> import pandas as pd
    >>> isinstance(LocalSource(pd.DataFrame({"date": ["2022-02-24"], "LMT": [402.0]})), PriceSource)
    True
    """

    name: str

    def prices(
        self,
        symbols: Iterable[str] | str | None = None,
        start: object = None,
        end: object = None,
        *,
        field: str | None = None,
        allow_partial: bool = False,
    ) -> PriceResult: ...

    def info(self, symbols: Iterable[str] | str) -> pd.DataFrame: ...


def as_symbols(symbols: Iterable[str] | str) -> list[str]:
    """Tickers stripped, upper-cased, de-duplicated in order; ``"LMT, RTX"`` splits."""
    items = symbols.replace(",", " ").split() if isinstance(symbols, str) else list(symbols)
    return list(dict.fromkeys(s for s in (str(i).strip().upper() for i in items) if s))


def as_timestamp(value: object) -> pd.Timestamp | None:
    """A tz-naive midnight timestamp, or None; strings and numbers go through the one date parser."""
    if isinstance(value, str | int | float):
        value = parse_datetime(value, field="start/end")
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def finish(
    frame: pd.DataFrame,
    wanted: list[str],
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    *,
    field: str,
    source: str,
    allow_partial: bool,
    notes: Iterable[str] = (),
    rejects: Iterable[Reject] = (),
    missing_reason: dict[str, str] | None = None,
    currencies: dict[str, str] | None = None,
    gaps: dict[str, str] | None = None,
) -> PriceResult:
    """Cut the window, sort out missing and partial symbols, note gaps, raise unless partial is allowed."""
    present = [s for s in wanted if s in frame.columns]
    sub = window(frame[present], start, end)
    missing, partial = coverage(sub, wanted, start, end, missing_reason=missing_reason)
    gone = {m for m, _ in missing}
    usable = [s for s in present if s not in gone]
    sub = sub[usable].dropna(how="all")
    gaps = gap_notes(sub) if gaps is None else gaps
    result = PriceResult(
        frame=sub,
        field=field,
        source=source,
        missing=tuple(Missing(s, r) for s, r in missing),
        partial=tuple(Missing(s, r) for s, r in partial),
        notes=tuple(notes) + tuple(gaps[s] for s in usable if s in gaps),
        rejects=tuple(rejects),
        start=start,
        end=end,
        currencies=dict(currencies or {}),
    )
    return result if allow_partial else result.raise_for_missing()
