"""Which session an event counts from, on each security's own market calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import pandas as pd

# Regular closing time by Yahoo suffix. Tickers without a suffix trade in New York.
_EXCHANGES: dict[str, tuple[str, time]] = {
    "": ("America/New_York", time(16, 0)),
    ".TO": ("America/Toronto", time(16, 0)),
    ".L": ("Europe/London", time(16, 30)),
    ".PA": ("Europe/Paris", time(17, 30)),
    ".MI": ("Europe/Rome", time(17, 30)),
    ".DE": ("Europe/Berlin", time(17, 30)),
    ".F": ("Europe/Berlin", time(17, 30)),
    ".AS": ("Europe/Amsterdam", time(17, 30)),
    ".BR": ("Europe/Brussels", time(17, 30)),
    ".MC": ("Europe/Madrid", time(17, 30)),
    ".SW": ("Europe/Zurich", time(17, 30)),
    ".ST": ("Europe/Stockholm", time(17, 30)),
    ".CO": ("Europe/Copenhagen", time(17, 0)),
    ".OL": ("Europe/Oslo", time(16, 20)),
    ".HE": ("Europe/Helsinki", time(18, 30)),
    ".WA": ("Europe/Warsaw", time(17, 0)),
    ".TA": ("Asia/Jerusalem", time(17, 25)),
    ".KS": ("Asia/Seoul", time(15, 30)),
    ".T": ("Asia/Tokyo", time(15, 30)),
    ".HK": ("Asia/Hong_Kong", time(16, 0)),
    ".AX": ("Australia/Sydney", time(16, 0)),
}


@dataclass(frozen=True)
class Exchange:
    """A market's time zone and regular close."""

    timezone: str
    close: time

    def __str__(self) -> str:
        return f"{self.timezone} {self.close.strftime('%H:%M')}"


def exchange_of(ticker: str) -> Exchange:
    """The exchange a Yahoo symbol trades on, from its suffix (no suffix: New York, 16:00).

    Examples
    --------
    >>> str(exchange_of("LMT")), str(exchange_of("LDO.MI"))
    ('America/New_York 16:00', 'Europe/Rome 17:30')
    """
    dot = ticker.rfind(".")
    suffix = ticker[dot:].upper() if dot > 0 else ""
    zone, close = _EXCHANGES.get(suffix, _EXCHANGES[""])
    return Exchange(zone, close)


def session_day(published: pd.Timestamp, exchange: Exchange) -> tuple[pd.Timestamp, bool]:
    """The first calendar day the news can reach ``exchange``'s prices, and whether it came after the close.

    A time-zone aware time is converted to the exchange's zone; at or after the close the event
    counts from the next day. A naive timestamp is a date: no close applies.

    Examples
    --------
    >>> ny = exchange_of("LMT")
    >>> session_day(pd.Timestamp("2022-02-24T22:00:00Z"), ny)
    (Timestamp('2022-02-25 00:00:00'), True)
    >>> session_day(pd.Timestamp("2022-02-24T14:00:00Z"), ny)
    (Timestamp('2022-02-24 00:00:00'), False)
    """
    if published.tzinfo is None:
        return published.normalize(), False
    local = published.tz_convert(exchange.timezone)
    day = local.tz_localize(None).normalize()
    after = local.time() >= exchange.close
    return (day + pd.Timedelta(days=1) if after else day), after
