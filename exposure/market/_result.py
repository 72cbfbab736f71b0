"""What every price source returns: a tidy frame plus what is missing and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from exposure.errors import MarketDataError, Reject

__all__ = ["FIELDS", "Field", "Missing", "PriceResult"]

Field = Literal["adjclose", "close", "volume"]
FIELDS: tuple[str, ...] = ("adjclose", "close", "volume")


@dataclass(frozen=True, slots=True)
class Missing:
    """A symbol a source could not deliver (or delivered only in part), and why.

    Attributes
    ----------
    symbol : str
        The ticker as asked for.
    reason : str
        What went wrong, in words a user can act on.
    """

    symbol: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"symbol": self.symbol, "reason": self.reason}


@dataclass(frozen=True)
class PriceResult:
    """Prices of one field for many symbols, with everything that went wrong on the way.

    Attributes
    ----------
    frame : pandas.DataFrame
        Dates (``DatetimeIndex`` named ``date``, tz-naive, sorted, unique) x tickers (columns, in
        the order asked for, only the usable ones). NaN only where a market had no value.
    field : str
        ``"adjclose"``, ``"close"`` or ``"volume"``.
    source : str
        Where the numbers came from (``"yahoo"``, ``"yahoo (cache)"``, a file path, ...).
    missing : tuple of Missing
        Symbols with no usable value in the window; not in ``frame``.
    partial : tuple of Missing
        Symbols in ``frame`` whose values start late or stop early in the window.
    notes : tuple of str
        Everything else worth knowing: values dropped, gaps, time zones, retries.
    rejects : tuple of Reject
        Input records (file rows) that were dropped, with their line and reason.
    start, end : pandas.Timestamp or None
        The window asked for (both inclusive).
    """

    frame: pd.DataFrame
    field: str
    source: str
    missing: tuple[Missing, ...] = ()
    partial: tuple[Missing, ...] = ()
    notes: tuple[str, ...] = ()
    rejects: tuple[Reject, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    currencies: dict[str, str] = field(default_factory=dict)

    @property
    def symbols(self) -> list[str]:
        """The tickers with usable values (the frame's columns)."""
        return [str(c) for c in self.frame.columns]

    @property
    def missing_symbols(self) -> list[str]:
        """The tickers in :attr:`missing`."""
        return [m.symbol for m in self.missing]

    def raise_for_missing(self, *, partial: bool = True) -> PriceResult:
        """Raise :class:`~exposure.errors.MarketDataError` naming every missing (and partial) symbol.

        Returns the result itself when nothing is missing, so calls can be chained.
        """
        bad = list(self.missing) + (list(self.partial) if partial else [])
        if bad:
            listing = "; ".join(f"{m.symbol}: {m.reason}" for m in bad)
            raise MarketDataError(
                f"{len(bad)} symbol(s) missing or partial: {listing}",
                where=f"{self.field} prices from {self.source}",
                fix="check the symbols (Yahoo spelling, e.g. RHM.DE, BA.L) and dates, or pass "
                "allow_partial=True to get the rest with an explicit missing list",
            )
        return self

    def _inner_empty(self) -> pd.Series:
        """Empty cells between each ticker's first and last value (other calendars, gaps)."""
        inside = self.frame.ffill().notna() & self.frame.bfill().notna()
        return (inside & self.frame.isna()).sum()

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (no prices): window, symbols, missing, partial, notes, rejects."""
        day = lambda t: None if t is None else pd.Timestamp(t).date().isoformat()  # noqa: E731
        return {
            "field": self.field,
            "source": self.source,
            "start": day(self.start),
            "end": day(self.end),
            "rows": int(len(self.frame)),
            "symbols": self.symbols,
            "first_date": {str(c): day(s.first_valid_index()) for c, s in self.frame.items()},
            "last_date": {str(c): day(s.last_valid_index()) for c, s in self.frame.items()},
            "empty_cells": {str(c): int(n) for c, n in self._inner_empty().items() if n},
            "missing": [m.to_dict() for m in self.missing],
            "partial": [m.to_dict() for m in self.partial],
            "notes": list(self.notes),
            "rejects": [r.to_dict() for r in self.rejects],
        }
