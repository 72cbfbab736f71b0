"""Prices from Yahoo Finance through yfinance, with every failed or partial symbol named.

yfinance fails quietly: ``yf.download`` logs errors and returns empty or partial frames (and in
1.7 its per-call error dict is private to the call). This adapter asks yfinance one symbol at a
time (in batches, on a few threads) with ``yf.config.debug.hide_exceptions = False`` so each
failure surfaces as an exception carrying the symbol and Yahoo's reason, retries the transient
ones (rate limits, timeouts, 5xx, malformed replies) with exponential backoff, checks every
answer (empty, all-NaN or missing columns, ranges that stop early) and reports what is left as
``missing`` or raises :class:`~exposure.errors.MarketDataError`. yfinance is imported inside
the functions that use it, so ``import exposure`` never loads it.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, MarketDataError
from exposure.market._cache import MarketDataWarning, PriceCache, offline_mode
from exposure.market._result import FIELDS, PriceResult
from exposure.market._source import INFO_COLUMNS, as_symbols, as_timestamp, finish
from exposure.market._validate import PARTIAL_SLACK

__all__ = ["YahooSource"]

_COLUMNS = {"Adj Close": "adjclose", "Close": "close", "Volume": "volume"}
_HOLIDAY_GAP_DAYS = 5
_META = {"currency": "currency", "exchangeName": "exchange", "instrumentType": "quote_type",
         "longName": "name", "shortName": "short_name", "exchangeTimezoneName": "timezone"}
_INFO = {"longName": "name", "currency": "currency", "exchange": "exchange", "quoteType": "quote_type",
         "sector": "sector", "industry": "industry", "country": "country", "marketCap": "market_cap"}


@dataclass
class _Outcome:
    values: dict[str, pd.Series] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    error: str | None = None
    transient: bool = False


class YahooSource:
    """A :class:`PriceSource` over Yahoo Finance (yfinance), cached on disk.

    Parameters
    ----------
    cache : PriceCache, bool or None, default True
        True: a :class:`PriceCache` in :func:`default_cache_dir` (``$EXPOSURE_CACHE_DIR``).
        False or None: no cache. Only the date ranges the cache lacks are fetched.
    session : requests.Session or curl_cffi Session, optional
        Handed to yfinance for every request (a proxy, or a recorded transport in tests).
    batch_size : int, default 20
        Symbols asked for per batch.
    threads : int, default 4
        Concurrent requests inside a batch.
    retries : int, default 3
        Extra attempts for transient failures (rate limit, timeout, server error, bad reply).
    backoff : float, default 1.0
        Seconds before the first retry; doubles each time.
    timeout : float, default 10.0
        Seconds per request.
    offline : bool, optional
        True: never touch the network, serve from the cache only (missing data are reported as
        missing). Default: ``$EXPOSURE_OFFLINE``.
    sleep : callable, default time.sleep
        How to wait between retries (tests pass a recorder).

    Notes
    -----
    ``end`` is inclusive (yfinance's is exclusive); ``today`` is never cached as covered, since
    its bar is not final. yfinance's own small caches (time zones, a pickled cookie) go to a
    private folder of this process (``mkdtemp``, mode 0700, removed at exit), never to the cache
    folder, where a planted ``cookies.db`` would run code when yfinance unpickles it; and
    ``yf.config.debug.hide_exceptions`` is set to False only while this source is fetching.
    """

    name = "yahoo"

    def __init__(
        self,
        *,
        cache: PriceCache | bool | None = True,
        session: object | None = None,
        batch_size: int = 20,
        threads: int = 4,
        retries: int = 3,
        backoff: float = 1.0,
        timeout: float = 10.0,
        offline: bool | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache = PriceCache() if cache is True else (cache or None)
        self._session = session
        self.batch_size = max(1, int(batch_size))
        self.threads = max(1, int(threads))
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.timeout = float(timeout)
        self._offline = offline
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"YahooSource(cache={self.cache!r}, offline={self.offline})"

    @property
    def offline(self) -> bool:
        """Whether this source stays off the network (argument, else ``$EXPOSURE_OFFLINE``)."""
        return offline_mode() if self._offline is None else bool(self._offline)

    def prices(
        self,
        symbols: Iterable[str] | str | None = None,
        start: object = None,
        end: object = None,
        *,
        field: str | None = None,
        allow_partial: bool = False,
    ) -> PriceResult:
        """Daily ``field`` of ``symbols`` from ``start`` to ``end`` (inclusive; default yesterday).

        Raises
        ------
        MarketDataError
            With ``allow_partial=False``, when any symbol failed or covers only part of the window
            (every symbol and its reason named); with either setting, when ``start`` is missing.
        """
        field = field or "adjclose"
        if field not in FIELDS:
            raise ArgumentError(f"field must be one of {FIELDS}, not {field!r}")
        if symbols is None or start is None:
            raise MarketDataError("Yahoo needs symbols and a start date", where="YahooSource.prices",
                                  fix="call prices(['LMT', 'RTX'], '2022-01-01', '2022-03-31')")
        wanted = as_symbols(symbols)
        lo = as_timestamp(start)
        last_final = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize() - pd.Timedelta(days=1)
        hi = min(as_timestamp(end) or last_final, last_final)
        if hi < lo:
            raise MarketDataError(f"end {hi.date()} is before start {lo.date()} (or in the future)",
                                  where="YahooSource.prices", fix="give start <= end <= yesterday")
        notes: list[str] = []
        reasons: dict[str, str] = {}
        memory: dict[str, pd.Series] = {}
        meta: dict[str, dict[str, object]] = {}
        todo: dict[tuple[pd.Timestamp, pd.Timestamp], list[str]] = {}
        for symbol in wanted:
            gaps = self.cache.gaps(symbol, field, lo, hi) if self.cache else [(lo, hi)]
            for gap in gaps:
                todo.setdefault(gap, []).append(symbol)
        if todo and self.offline:
            for (a, b), batch in todo.items():
                for symbol in batch:
                    lack = f"{a.date()}..{b.date()}"
                    reasons.setdefault(symbol, f"offline (EXPOSURE_OFFLINE=1) and the cache lacks {lack}")
            notes.append(f"offline: served from the cache only ({self.cache!r}); nothing was fetched")
        elif todo:
            for (a, b), batch in sorted(todo.items()):
                for i in range(0, len(batch), self.batch_size):
                    outcomes = self._fetch(batch[i : i + self.batch_size], a, b, notes)
                    for symbol, outcome in outcomes.items():
                        self._keep(symbol, outcome, field, a, b, reasons, memory, meta, notes)
        columns = {}
        for symbol in wanted:
            series = self.cache.read(symbol, field) if self.cache else memory.get(symbol)
            if series is not None and len(series):
                columns[symbol] = series
            if self.cache:
                meta.setdefault(symbol, self.cache.meta(symbol, field))
        frame = pd.DataFrame(columns, dtype=np.float64)
        frame.index = pd.DatetimeIndex(frame.index, name="date")
        for symbol, reason in reasons.items():
            if symbol in columns:
                notes.append(f"{symbol}: {reason}")
        source = "yahoo (cache only)" if self.offline else "yahoo"
        currencies = {s: str(m["currency"]) for s, m in meta.items() if m.get("currency")}
        return finish(frame.sort_index(), wanted, lo, hi, field=field, source=source,
                      allow_partial=allow_partial, notes=notes, missing_reason=reasons,
                      currencies=currencies)

    def info(self, symbols: Iterable[str] | str) -> pd.DataFrame:
        """Name, currency, exchange, type, sector, industry, country, market cap per ticker.

        What the chart API said when prices were cached fills the first columns; the rest comes
        from Yahoo's quote summary (not when offline). Unknown values are NaN; a symbol Yahoo
        does not answer for is warned about (:class:`MarketDataWarning`), not raised.
        """
        wanted = as_symbols(symbols)
        out = pd.DataFrame(index=pd.Index(wanted, name="ticker"), columns=list(INFO_COLUMNS), dtype=object)
        for symbol in wanted:
            for fld in FIELDS if self.cache else ():
                for key, value in self.cache.meta(symbol, fld).items():
                    if key in out.columns and pd.isna(out.loc[symbol, key]):
                        out.loc[symbol, key] = value
        if self.offline:
            return out
        failed = []
        with _quiet_yfinance() as yf:
            for symbol in wanted:
                try:
                    data = yf.Ticker(symbol, session=self._session).info or {}
                except Exception as exc:  # yfinance raises many types; report, do not fail
                    failed.append(f"{symbol} ({type(exc).__name__}: {str(exc)[:120]})")
                    continue
                for key, column in _INFO.items():
                    if data.get(key) is not None:
                        out.loc[symbol, column] = data[key]
        if failed:
            warnings.warn(f"Yahoo gave no security info for {', '.join(failed)}; those fields are NaN",
                          MarketDataWarning, stacklevel=2)
        return out

    def _keep(self, symbol, outcome, field, a, b, reasons, memory, meta, notes) -> None:
        has_history = bool(self.cache and self.cache.covered(symbol, field))
        if outcome.error is not None:
            short_gap = len(pd.bdate_range(a, b)) <= _HOLIDAY_GAP_DAYS
            if has_history and short_gap and not outcome.transient:
                if self.cache:  # a holiday stretch: nothing to fetch, remember it
                    for fld in FIELDS:
                        self.cache.write(symbol, fld, pd.Series(dtype=np.float64), a, b)
                notes.append(f"{symbol}: no bars {a.date()}..{b.date()} (market holiday?)")
                return
            reasons[symbol] = outcome.error
            return
        meta[symbol] = outcome.meta
        values = outcome.values.get(field)
        if values is None or values.notna().sum() == 0:
            reasons[symbol] = f"Yahoo's reply for {a.date()}..{b.date()} has no {field} values"
        for fld, series in outcome.values.items():
            if series.notna().sum() == 0:
                continue
            if fld != "volume" and (series <= 0).any():
                bad = series.index[series <= 0]
                notes.append(f"{symbol}: dropped {len(bad)} {fld} value(s) <= 0 from Yahoo, first {bad[0].date()}")
                series = series[series > 0]
            last = series.last_valid_index()
            covered_to = b if b - last <= PARTIAL_SLACK else last
            if self.cache:
                self.cache.write(symbol, fld, series, a, covered_to, meta=outcome.meta)
            elif fld == field:
                memory[symbol] = pd.concat([memory.get(symbol, pd.Series(dtype=np.float64)), series]).sort_index()

    def _fetch(self, batch: list[str], a: pd.Timestamp, b: pd.Timestamp, notes: list[str]) -> dict[str, _Outcome]:
        results: dict[str, _Outcome] = {}
        pending = list(batch)
        for attempt in range(self.retries + 1):
            with _quiet_yfinance() as yf:
                _clear_yfinance_memo()
                with ThreadPoolExecutor(min(self.threads, len(pending))) as pool:
                    outcomes = list(pool.map(lambda s: self._one(yf, s, a, b), pending))
            retry = []
            for symbol, outcome in zip(pending, outcomes):
                if outcome.error is not None and outcome.transient and attempt < self.retries:
                    retry.append(symbol)
                elif outcome.error is not None and outcome.transient:
                    outcome.error += f" (gave up after {attempt + 1} attempts)"
                results[symbol] = outcome
            if not retry:
                break
            wait = self.backoff * 2**attempt
            first = results[retry[0]].error
            notes.append(f"retry {attempt + 1} for {', '.join(retry)} after {wait:g}s: {first}")
            self._sleep(wait)
            pending = retry
        return results

    def _one(self, yf, symbol: str, a: pd.Timestamp, b: pd.Timestamp) -> _Outcome:
        from yfinance import exceptions as yfe

        ticker = yf.Ticker(symbol, session=self._session)
        window = f"{a.date()}..{b.date()}"
        try:
            frame = ticker.history(
                start=a.strftime("%Y-%m-%d"), end=(b + pd.Timedelta(days=1)).strftime("%Y-%m-%d"),
                interval="1d", auto_adjust=False, actions=False, timeout=self.timeout,
            )
        except yfe.YFRateLimitError:
            return _Outcome(error="rate limited by Yahoo (HTTP 429 Too Many Requests)", transient=True)
        except yfe.YFException as exc:
            text = str(exc).removeprefix(f"${symbol}: ")
            return _Outcome(error=f"Yahoo has no data for {window}: {text}")
        except ValueError as exc:  # JSONDecodeError: a truncated or HTML reply
            return _Outcome(error=f"malformed reply from Yahoo ({type(exc).__name__}: {str(exc)[:80]})",
                            transient=True)
        except Exception as exc:  # network errors from requests or curl_cffi
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if status is not None and 400 <= int(status) < 500 and int(status) != 429:
                return _Outcome(error=f"Yahoo does not know the symbol (HTTP {status} for {window})")
            return _Outcome(error=f"{type(exc).__name__}: {str(exc)[:160]}", transient=True)
        if frame is None or frame.empty:
            return _Outcome(error=f"yfinance returned no rows for {window}")
        index = pd.DatetimeIndex(frame.index)
        if index.tz is not None:
            index = index.tz_localize(None)
        values = {}
        for column, fld in _COLUMNS.items():
            if column in frame.columns:
                values[fld] = pd.Series(pd.to_numeric(frame[column], errors="coerce").to_numpy(np.float64),
                                        index=index.normalize(), name=symbol).groupby(level=0).last()
        if not values:
            return _Outcome(error=f"Yahoo's reply for {window} has none of {sorted(_COLUMNS)}")
        try:  # only named keys: iterating the lazy mapping would fetch intraday trading periods
            raw_meta = ticker.get_history_metadata() or {}
            meta = {ours: str(raw_meta[theirs]) for theirs, ours in _META.items()
                    if theirs in raw_meta and raw_meta[theirs]}
        except Exception:  # metadata are a nicety; prices are what matter
            meta = {}
        if "name" not in meta and "short_name" in meta:
            meta["name"] = meta["short_name"]
        return _Outcome(values=values, meta=meta)


@contextlib.contextmanager
def _quiet_yfinance() -> Iterator[object]:
    """yfinance with exceptions on, its log records and pandas warnings kept out of the user's way."""
    import yfinance as yf

    _private_yfinance_caches(yf)
    logger = logging.getLogger("yfinance")
    saved = (logger.level, logger.propagate, yf.config.debug.hide_exceptions)
    handler = logging.NullHandler()
    logger.addHandler(handler)
    logger.propagate = False
    yf.config.debug.hide_exceptions = False
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"yfinance(\.|$)")
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            yield yf
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        yf.config.debug.hide_exceptions = saved[2]


_PRIVATE_YFINANCE_DIR: list[str] = []


def _private_yfinance_caches(yf) -> str:
    """Point yfinance's own caches at a folder of this process alone, made once and removed at exit.

    yfinance keeps its cookie *pickled* in ``cookies.db`` and unpickles it on the first request,
    so its cache folder must never be one that another user or process can write: not our cache
    folder (``$EXPOSURE_CACHE_DIR``), nor yfinance's predictable default. ``mkdtemp`` makes the
    folder with mode 0700 under a random name; the cost is one cookie and time-zone lookup per
    process. Returns the folder.
    """
    if not _PRIVATE_YFINANCE_DIR:
        folder = tempfile.mkdtemp(prefix="exposure-yfinance-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _PRIVATE_YFINANCE_DIR.append(folder)
    folder = _PRIVATE_YFINANCE_DIR[0]
    from yfinance import cache as yf_cache

    if getattr(getattr(yf_cache, "_CookieDBManager", None), "get_location", lambda: None)() != folder:
        yf.set_tz_cache_location(folder)
    return folder


def _clear_yfinance_memo() -> None:
    """Forget yfinance's in-process reply memo, so a retry asks Yahoo again."""
    try:
        from yfinance.data import YfData

        YfData.cache_get.cache_clear()
    except (ImportError, AttributeError):  # other yfinance versions: nothing to clear
        pass
