"""Event studies: abnormal returns, CARs and the usual tests, vectorised over event-security pairs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats

from exposure.errors import ArgumentError, DataError
from exposure.events import Event
from exposure.studies._calendar import Exchange, exchange_of

Model = Literal["market", "market_adjusted", "constant_mean"]
MODELS: tuple[str, ...] = ("market", "market_adjusted", "constant_mean")
EventsLike = Event | Iterable[Event] | pd.DataFrame | Mapping[str, object]


@dataclass(frozen=True)
class _Pairs:
    """Per-pair arrays kept so that any subset can be re-aggregated exactly."""

    ar: np.ndarray  # (P, L) abnormal returns over the event window
    car: np.ndarray  # (P,)
    car_sd: np.ndarray  # (P,) standard deviation of the CAR (prediction error included)
    dof: np.ndarray  # (P,) residual degrees of freedom of the estimation
    group: np.ndarray  # (P,) event id of each pair
    y_est: np.ndarray  # (P, T) security returns over the estimation window
    m_est: np.ndarray  # (P, T) market returns over the estimation window, (P, 0) without a market
    alpha: np.ndarray  # (P,)
    beta: np.ndarray  # (P,) NaN unless market model

    def residuals(self) -> np.ndarray:
        """Estimation-window residuals (computed on demand: only the tests need them)."""
        if self.m_est.shape[1] == 0:
            return self.y_est - self.alpha[:, None]
        if np.isnan(self.beta).all() and np.isnan(self.alpha).all():
            diff = self.y_est - self.m_est
            return diff - diff.mean(axis=1, keepdims=True)
        return self.y_est - self.alpha[:, None] - self.beta[:, None] * self.m_est


@dataclass(frozen=True)
class EventStudyResult:
    """Abnormal returns, CARs and test statistics of an event study.

    Attributes
    ----------
    model : str
    window : tuple of int
        Event window in sessions relative to the event session (day 0).
    estimation, gap : int
        Estimation-window length and gap, in sessions of each security.
    results : DataFrame
        One row per computed event-security pair: ``event_id``, ``ticker``, ``published_at``,
        ``local_day`` (publication date in the exchange's zone), ``after_close``, ``event_day``
        (session counted as day 0), ``shift_days`` (calendar days from ``local_day`` to
        ``event_day``: weekends, holidays and after-close), ``exchange``, ``car``, ``car_se``,
        ``car_t`` (standardised CAR), ``alpha``, ``beta``, ``sigma``, ``estimation_start``,
        ``estimation_end``.
    ar : DataFrame
        Abnormal returns, index (event_id, ticker), one column per relative day.
    aggregate : dict
        ``n``, ``caar``, ``t_cs`` / ``p_cs`` (cross-sectional t), ``z_patell`` / ``p_patell``,
        ``t_bmp`` / ``p_bmp`` (Boehmer, Musumeci and Poulsen 1991), ``r_bar`` and ``t_bmp_kp`` /
        ``p_bmp_kp`` (Kolari and Pynnönen 2010 adjustment), ``z_rank`` / ``p_rank`` (Corrado rank
        test, Cowan's multi-day form), ``n_positive``, ``n_negative``, ``z_sign`` / ``p_sign``
        (binomial sign test). p-values are two-sided.
    aar : DataFrame
        Per relative day: ``aar`` and ``caar`` (cumulated).
    dropped : DataFrame
        ``event_id``, ``ticker``, ``reason`` for every pair that could not be computed.
    """

    model: str
    window: tuple[int, int]
    estimation: int
    gap: int
    results: pd.DataFrame
    dropped: pd.DataFrame
    _pairs: _Pairs = field(repr=False)

    @cached_property
    def _stats(self) -> tuple[dict[str, float], pd.DataFrame]:
        return _aggregate(self._pairs, self.window)

    @property
    def aggregate(self) -> dict[str, float]:
        """Cross-sectional statistics (computed on first use)."""
        return self._stats[0]

    @property
    def aar(self) -> pd.DataFrame:
        """Average abnormal return and its cumulation per relative day."""
        return self._stats[1]

    @cached_property
    def ar(self) -> pd.DataFrame:
        """Abnormal returns, index (event_id, ticker), one column per relative day."""
        index = pd.MultiIndex.from_arrays([self.results["event_id"], self.results["ticker"]])
        return pd.DataFrame(self._pairs.ar, index=index,
                            columns=pd.Index(range(self.window[0], self.window[1] + 1), name="day"))

    def subset(self, tickers: Iterable[str] | None = None, event_ids: Iterable[str] | None = None) -> EventStudyResult:
        """The same study restricted to some tickers and/or events, with statistics recomputed."""
        keep = np.ones(len(self.results), bool)
        if tickers is not None:
            keep &= self.results["ticker"].isin(list(tickers)).to_numpy()
        if event_ids is not None:
            keep &= self.results["event_id"].isin(list(event_ids)).to_numpy()
        pairs = _Pairs(*(getattr(self._pairs, f)[keep] for f in _Pairs.__dataclass_fields__))
        dropped = self.dropped
        if tickers is not None:
            dropped = dropped[dropped["ticker"].isin(list(tickers))]
        if event_ids is not None:
            dropped = dropped[dropped["event_id"].isin(list(event_ids))]
        return EventStudyResult(self.model, self.window, self.estimation, self.gap,
                                self.results[keep].reset_index(drop=True), dropped.reset_index(drop=True), pairs)

    def summary(self) -> str:
        """Text report: settings, aggregate tests, and what was dropped."""
        a = self.aggregate
        lines = [
            f"Event study: {self.model} model, window [{self.window[0]}, {self.window[1]}], "
            f"estimation {self.estimation} sessions, gap {self.gap}",
            f"  pairs: {a['n']} computed, {len(self.dropped)} dropped; "
            f"CARs positive {a['n_positive']}, negative {a['n_negative']}",
            f"  CAAR {a['caar']:+.4%}  t_cs {a['t_cs']:.2f} (p {a['p_cs']:.3g})  Patell Z {a['z_patell']:.2f}  "
            f"BMP t {a['t_bmp']:.2f}  BMP-KP t {a['t_bmp_kp']:.2f} (r_bar {a['r_bar']:.3f})  "
            f"rank Z {a['z_rank']:.2f}  sign Z {a['z_sign']:.2f}",
        ]
        for row in self.dropped.itertuples(index=False):
            ticker = row.ticker if isinstance(row.ticker, str) else "(every ticker)"
            lines.append(f"  dropped {row.event_id} {ticker}: {row.reason}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: model, window, results, aggregate, aar, dropped."""
        results = self.results.copy()
        for column in ("local_day", "event_day", "estimation_start", "estimation_end"):
            results[column] = results[column].dt.strftime("%Y-%m-%d")
        return {
            "model": self.model,
            "window": list(self.window),
            "estimation": self.estimation,
            "gap": self.gap,
            "results": results.astype(object).where(results.notna(), None).to_dict("records"),
            "aggregate": dict(self.aggregate),
            "aar": [{"day": int(d), "aar": float(r.aar), "caar": float(r.caar)} for d, r in self.aar.iterrows()],
            "dropped": self.dropped.to_dict("records"),
        }


def _event_rows(events: EventsLike) -> tuple[list[str], list[pd.Timestamp], list[str] | None, list[dict[str, object]]]:
    """Event ids, publication times and (explicit pairs) tickers of usable events, and the rejected ones."""
    rejected: list[dict[str, object]] = []
    if isinstance(events, pd.DataFrame):
        frame = events
        if "published_at" not in frame.columns and "date" in frame.columns:
            frame = frame.rename(columns={"date": "published_at"})
        missing = {"event_id", "published_at"} - set(frame.columns)
        if missing:
            raise DataError(f"events table lacks {sorted(missing)}", field=", ".join(sorted(missing)),
                            fix="give columns event_id and published_at (or date), and optionally ticker")
        ids = [str(v) for v in frame["event_id"]]
        times = list(frame["published_at"])
        tickers = [str(v) for v in frame["ticker"]] if "ticker" in frame.columns else None
    elif isinstance(events, Mapping):
        ids, times, tickers = [str(k) for k in events], list(events.values()), None
    else:
        batch = [events] if isinstance(events, Event) else list(events)
        ids, times, tickers = [e.id for e in batch], [e.published_at for e in batch], None
    keep_ids, keep_times, keep_tickers = [], [], []
    for i, (event_id, value) in enumerate(zip(ids, times)):
        stamp = None if value is None or (isinstance(value, float) and np.isnan(value)) else pd.Timestamp(value)
        if stamp is None or pd.isna(stamp):
            rejected.append({"event_id": event_id, "ticker": tickers[i] if tickers else None,
                             "reason": "event has no published_at; give its publication time with an offset"})
            continue
        keep_ids.append(event_id)
        keep_times.append(stamp)
        if tickers:
            keep_tickers.append(tickers[i])
    return keep_ids, keep_times, (keep_tickers if tickers is not None else None), rejected


def event_study(
    returns: pd.DataFrame,
    events: EventsLike,
    *,
    market: str | pd.Series | Mapping[str, str | pd.Series] | None = None,
    model: Model = "market",
    window: tuple[int, int] = (-1, 5),
    estimation: int = 250,
    gap: int = 10,
    tickers: Iterable[str] | None = None,
    exchanges: Mapping[str, Exchange] | None = None,
    max_shift_days: int = 5,
) -> EventStudyResult:
    """Run an event study of ``events`` on the securities in ``returns``.

    For every event and security, day 0 is the first session of that security on or after the
    publication date in the security's own market time zone; news at or after the market's close
    counts from the next session. Sessions are the dates where the security (and, for models that
    need it, its market) has a return, so each security keeps its own calendar. The estimation
    window is the ``estimation`` sessions ending ``gap`` sessions before the event window starts
    (the ``eventstudy`` package's ``estimation_size`` and ``buffer_size``).

    Parameters
    ----------
    returns : DataFrame
        Date x ticker returns (see :func:`prices_to_returns`); NaN marks no session.
    events : Event, iterable of Event, DataFrame or mapping
        Events with a ``published_at``; a DataFrame has ``event_id``, ``published_at`` (or
        ``date``) and optionally ``ticker`` (explicit event-security pairs); a mapping is
        ``{event_id: date}``. Time-zone naive values are dates (no after-close rule).
    market : str, Series or mapping, optional
        Market returns: a column of ``returns``, a Series, or ``{ticker: column or Series}``.
        Required for the market and market-adjusted models.
    model : {"market", "market_adjusted", "constant_mean"}
    window : (int, int)
        First and last relative session of the event window, e.g. ``(-1, 5)``.
    estimation : int
        Sessions in the estimation window.
    gap : int
        Sessions between the estimation window and the event window.
    tickers : iterable of str, optional
        Securities to study (default every column except the market's); ignored for events
        given with a ``ticker`` column.
    exchanges : mapping, optional
        ``{ticker: Exchange}`` overriding the time zone and close taken from the symbol suffix.
    max_shift_days : int, default 5
        Longest wait, in calendar days, from publication to day 0; beyond it the pair is dropped
        (prices missing around the event).

    Returns
    -------
    EventStudyResult

    Notes
    -----
    Market model: OLS of the security on the market over the estimation window, residual
    variance ``s^2 = SSR / (T - 2)``; the CAR's variance includes the estimation error,
    ``s^2 (L + L^2/T + (sum_t (m_t - mean m))^2 / S_mm)``. Constant mean: ``s^2`` the sample
    variance (ddof 1), CAR variance ``s^2 (L + L^2/T)``. Market adjusted: ``AR = r - m``,
    ``s^2`` the variance of ``r - m`` over the estimation window, CAR variance ``s^2 L``.
    Standardised CARs feed Patell (normal) and BMP (t, N-1 df). The Kolari-Pynnönen factor
    uses the average correlation of estimation residuals between pairs of the same event,
    aligned by session position; pairs of different events count as uncorrelated.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> days = pd.bdate_range("2024-01-01", periods=300)
    >>> m = pd.Series(rng.normal(0, 0.01, 300), days)
    >>> r = pd.DataFrame({"A": 0.5 * m + rng.normal(0, 0.01, 300), "M": m})
    >>> r.loc[days[280], "A"] += 0.10
    >>> study = event_study(r, {"shock": days[280]}, market="M", window=(0, 2), estimation=200)
    >>> round(float(study.results.loc[0, "car"]), 2), study.aggregate["n"]
    (0.1, 1)
    """
    if model not in MODELS:
        raise ArgumentError(f"model={model!r}; use one of {', '.join(MODELS)}")
    first, last = (int(window[0]), int(window[1]))
    if last < first:
        raise ArgumentError(f"window={window}: the end comes before the start")
    if estimation < 3 or gap < 0:
        raise ArgumentError(f"estimation={estimation}, gap={gap}: use estimation >= 3 and gap >= 0")
    if model != "constant_mean" and market is None:
        raise DataError(f"the {model} model needs market returns", field="market",
                        fix="pass market='SPY' (a column of returns) or a Series, or use model='constant_mean'")
    if not returns.index.is_monotonic_increasing:
        returns = returns.sort_index()
    event_list, published, pair_tickers, dropped = _event_rows(events)
    market_names = {market} if isinstance(market, str) else (
        {v for v in market.values() if isinstance(v, str)} if isinstance(market, Mapping) else set())
    if pair_tickers is not None:
        universe = list(dict.fromkeys(pair_tickers))
    elif tickers is not None:
        universe = list(dict.fromkeys(tickers))
    else:
        universe = [c for c in returns.columns if c not in market_names]
    known = [t for t in universe if t in returns.columns]
    refuse_price_levels(returns, [*known, *sorted(n for n in market_names if n in returns.columns)])
    if isinstance(market, pd.Series):
        refuse_price_levels(market.to_frame(market.name or "market"), [market.name or "market"])
    days = returns.index.to_numpy("datetime64[ns]")
    n_rows = len(days)
    length = last - first + 1
    y_t = np.ascontiguousarray(returns.reindex(columns=known).to_numpy(float).T)
    m_t, m_row = _market_rows(returns, market if model != "constant_mean" else None, known)
    valid = ~np.isnan(y_t)
    if m_t is not None:
        valid &= ~np.isnan(m_t)[m_row] if len(m_t) > 1 else ~np.isnan(m_t[0])[None, :]
    counts = valid.sum(axis=1)
    first_row = valid.argmax(axis=1)
    last_row = n_rows - 1 - valid[:, ::-1].argmax(axis=1)
    packed = np.flatnonzero((counts > 0) & (counts != last_row - first_row + 1))
    # a security with holes inside its history gets a packed copy (its sessions side by side), so
    # that session s of every series sits at column base + s of one matrix
    base = first_row.copy()
    series = np.arange(len(known))
    packed_rows = [np.flatnonzero(valid[j]) for j in packed]
    if len(packed):
        y_extra = np.full((len(packed), n_rows), np.nan)
        m_extra = np.full((len(packed), n_rows), np.nan)
        for k, (j, rows) in enumerate(zip(packed, packed_rows)):
            y_extra[k, :len(rows)] = y_t[j, rows]
            if m_t is not None:
                m_extra[k, :len(rows)] = m_t[m_row[j], rows]
        series[packed] = len(known) + np.arange(len(packed))
        base[packed] = 0
        y_t = np.vstack([y_t, y_extra])
        if m_t is not None:
            m_row = np.concatenate([m_row, np.zeros(len(packed), np.int64)])
            m_row[series[packed]] = len(m_t) + np.arange(len(packed))
            m_t = np.vstack([m_t, m_extra])
    flat_rows = np.concatenate(packed_rows) if packed_rows else np.empty(0, np.int64)
    flat_start = np.zeros(len(known), np.int64)
    if len(packed):
        flat_start[packed] = np.concatenate([[0], np.cumsum([len(r) for r in packed_rows])[:-1]])
    is_packed = np.zeros(len(known), bool)
    is_packed[packed] = True

    def row_at(col: np.ndarray, session: np.ndarray) -> np.ndarray:
        """Global row of a session number of a security."""
        session = np.clip(session, 0, np.maximum(counts[col] - 1, 0))
        plain = first_row[col] + session
        if not len(packed):
            return plain
        where = np.clip(flat_start[col] + session, 0, max(len(flat_rows) - 1, 0))
        return np.where(is_packed[col], flat_rows[where] if len(flat_rows) else plain, plain)

    exchanges = dict(exchanges or {})
    ticker_exchange = [exchanges.get(t) or exchange_of(t) for t in known]
    exchange_names = list(dict.fromkeys(str(x) for x in ticker_exchange))
    exchange_objects = {str(x): x for x in ticker_exchange}
    exchange_index = np.array([exchange_names.index(str(x)) for x in ticker_exchange], dtype=np.int64)
    local_days = np.empty((len(exchange_names), len(published)), dtype="datetime64[ns]")
    after = np.zeros((len(exchange_names), len(published)), dtype=bool)
    for i, name in enumerate(exchange_names):
        local_days[i], after[i] = _session_days(published, exchange_objects[name])

    position = {t: j for j, t in enumerate(known)}
    if pair_tickers is not None:
        pair_event = np.arange(len(event_list))
        pair_names = list(pair_tickers)
    else:
        pair_event = np.repeat(np.arange(len(event_list)), len(universe))
        pair_names = universe * len(event_list)
    event_ids = np.array(event_list, dtype=object)
    pair_col = np.array([position.get(t, -1) for t in pair_names], dtype=np.int64)
    for i in np.flatnonzero(pair_col < 0):
        dropped.append({"event_id": event_ids[pair_event[i]], "ticker": pair_names[i],
                        "reason": "no prices for this ticker"})
    have = pair_col >= 0
    if not have.all():
        pair_event, pair_col = pair_event[have], pair_col[have]
        pair_names = [t for t, h in zip(pair_names, have) if h]
    exch = exchange_index[pair_col]
    day = local_days[exch, pair_event] if len(pair_col) else np.empty(0, "datetime64[ns]")
    after_close = after[exch, pair_event] if len(pair_col) else np.empty(0, bool)
    row0 = np.searchsorted(days, day, "left")
    n_sessions = counts[pair_col]
    e = np.clip(row0 - first_row[pair_col], 0, None)
    if len(packed):
        in_packed = np.flatnonzero(is_packed[pair_col])
        for i in in_packed:
            e[i] = np.searchsorted(packed_rows[int(np.flatnonzero(packed == pair_col[i])[0])], row0[i], "left")
    no_data = n_sessions == 0
    after_last = ~no_data & (e >= n_sessions)
    before_first = ~no_data & ~after_last & (day < days[first_row[pair_col]])
    day0_row = row_at(pair_col, e)
    shift = ((days[day0_row] - day) // np.timedelta64(1, "D")).astype(np.int64) if len(e) else e
    too_far = ~(no_data | after_last | before_first) & (shift > max_shift_days)
    start = e + first - gap - estimation
    short_before = ~(no_data | after_last | before_first | too_far) & (start < 0)
    short_after = ~(no_data | after_last | before_first | too_far | short_before) & (e + last >= n_sessions)
    ok = ~(no_data | after_last | before_first | too_far | short_before | short_after)
    w_first = row_at(pair_col, e + first)
    w_last = row_at(pair_col, e + last)
    span = ((days[w_last] - days[w_first]) // np.timedelta64(1, "D")) if len(e) else e
    gapped = ok & (span > 2 * length + 7)
    ok &= ~gapped
    for i in np.flatnonzero(~ok):
        j = pair_col[i]
        first_day = str(days[first_row[j]])[:10]
        last_day = str(days[last_row[j]])[:10]
        when = str(day[i])[:10]
        if no_data[i]:
            reason = "no usable returns" + (" on days with market returns" if model != "constant_mean" else "")
        elif after_last[i]:
            reason = f"event day {when} is after the last price ({last_day})"
        elif before_first[i]:
            reason = f"event day {when} is before the first price ({first_day})"
        elif too_far[i]:
            reason = f"no session within {max_shift_days} days of {when} (next price {str(days[day0_row[i]])[:10]})"
        elif short_before[i]:
            reason = (f"only {max(int(e[i]) + first - gap, 0)} sessions before the gap; the estimation window "
                      f"needs {estimation}")
        elif short_after[i]:
            reason = (f"the event window needs {last} sessions after {str(days[day0_row[i]])[:10]}; only "
                      f"{int(n_sessions[i] - 1 - e[i])} before the prices end ({last_day})")
        else:
            reason = (f"the event window spans a gap in prices ({str(days[w_first[i]])[:10]} to "
                      f"{str(days[w_last[i]])[:10]})")
        dropped.append({"event_id": event_ids[pair_event[i]], "ticker": pair_names[i], "reason": reason})

    sel = np.flatnonzero(ok) if not ok.all() else np.arange(len(ok))
    short = max(estimation, length) - y_t.shape[1]
    if short > 0:  # fewer rows than one window: every pair was dropped above, keep the views valid
        y_t = np.pad(y_t, ((0, 0), (0, short)), constant_values=np.nan)
        if m_t is not None:
            m_t = np.pad(m_t, ((0, 0), (0, short)), constant_values=np.nan)
    columns = pair_col[sel]
    rows_y = series[columns]
    est_at = base[columns] + start[sel]
    evt_at = est_at + gap + estimation
    y_est = sliding_window_view(y_t, estimation, axis=1)[rows_y, est_at]
    y_evt = sliding_window_view(y_t, length, axis=1)[rows_y, evt_at]
    n = float(estimation)
    count = len(sel)
    alpha = np.full(count, np.nan)
    beta = np.full(count, np.nan)
    degenerate = np.zeros(count, bool)
    m_est = np.empty((count, 0))
    y_bar = y_est.mean(axis=1)
    if model != "constant_mean":
        assert m_t is not None
        rows_m = m_row[rows_y]
        m_est = sliding_window_view(m_t, estimation, axis=1)[rows_m, est_at]
        m_evt = sliding_window_view(m_t, length, axis=1)[rows_m, evt_at]
    if model == "market":
        m_bar = m_est.mean(axis=1)
        # raw moments, one pass each: returns have |mean| << sd, so nothing cancels badly
        s_mm = np.einsum("ij,ij->i", m_est, m_est) - n * m_bar**2
        s_my = np.einsum("ij,ij->i", m_est, y_est) - n * m_bar * y_bar
        s_yy = np.einsum("ij,ij->i", y_est, y_est) - n * y_bar**2
        with np.errstate(divide="ignore", invalid="ignore"):
            beta = s_my / s_mm
        alpha = y_bar - beta * m_bar
        ar = y_evt - alpha[:, None] - beta[:, None] * m_evt
        dof = np.full(count, n - 2)
        s2 = np.maximum(s_yy - beta * s_my, 0.0) / dof
        with np.errstate(divide="ignore", invalid="ignore"):
            var_car = s2 * (length + length**2 / n + (m_evt - m_bar[:, None]).sum(axis=1) ** 2 / s_mm)
        degenerate = ~(s_mm > 0)
    elif model == "market_adjusted":
        diff = y_est - m_est
        diff -= diff.mean(axis=1, keepdims=True)
        ar = y_evt - m_evt
        dof = np.full(count, n - 1)
        s2 = np.einsum("ij,ij->i", diff, diff) / dof
        var_car = s2 * length
    else:
        alpha = y_bar
        ar = y_evt - y_bar[:, None]
        dof = np.full(count, n - 1)
        s2 = np.maximum(np.einsum("ij,ij->i", y_est, y_est) - n * y_bar**2, 0.0) / dof
        var_car = s2 * (length + length**2 / n)
    bad = degenerate | ~(s2 > 0)
    for i in np.flatnonzero(bad):
        reason = ("the market's returns are constant over the estimation window" if degenerate[i]
                  else "the returns are constant over the estimation window (zero variance)")
        dropped.append({"event_id": event_ids[pair_event[sel[i]]], "ticker": pair_names[sel[i]], "reason": reason})
    if bad.any():
        keep = ~bad
        sel, columns, est_at = sel[keep], columns[keep], est_at[keep]
        ar, var_car, dof, y_est, m_est = ar[keep], var_car[keep], dof[keep], y_est[keep], m_est[keep]
        alpha, beta, s2 = alpha[keep], beta[keep], s2[keep]
    car = ar.sum(axis=1)
    car_sd = np.sqrt(var_car)
    group = event_ids[pair_event[sel]]
    pairs = _Pairs(ar, car, car_sd, dof, group, y_est, m_est, alpha, beta)
    iso = np.array([p.isoformat() for p in published], dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        car_t = car / car_sd
    sessions_start = est_at - base[columns]
    results = pd.DataFrame({
        "event_id": _labels(event_list, pair_event[sel]),
        "ticker": _labels(known, columns),
        "published_at": _labels(list(iso), pair_event[sel]),
        "local_day": day[sel],
        "after_close": after_close[sel],
        "event_day": days[day0_row[sel]],
        "shift_days": shift[sel] + after_close[sel],
        "exchange": _labels(exchange_names, exch[sel]),
        "estimation_start": days[row_at(columns, sessions_start)] if len(sel) else day[sel],
        "estimation_end": days[row_at(columns, sessions_start + estimation - 1)] if len(sel) else day[sel],
        "car": car, "car_se": car_sd, "car_t": car_t,
        "alpha": alpha, "beta": beta, "sigma": np.sqrt(s2),
    })
    dropped_frame = pd.DataFrame(dropped, columns=["event_id", "ticker", "reason"])
    return EventStudyResult(model, (first, last), estimation, gap, results, dropped_frame, pairs)


def refuse_price_levels(returns: pd.DataFrame, columns: Sequence[str], *, min_values: int = 20) -> None:
    """Raise :class:`DataError` when columns of a returns table hold price levels (or percents).

    A column is taken for prices when its median absolute value exceeds 0.5 (a daily, weekly or
    monthly return is a few hundredths; 0.5 is a 50% move), or when every value exceeds 0.02 and
    the lag-one autocorrelation exceeds 0.9 (levels wander, returns do not), which also catches
    prices below 0.5 such as penny stocks or FX rates. Columns with fewer than ``min_values``
    values are not judged.

    Examples
    --------
    >>> days = pd.bdate_range("2024-01-01", periods=30)
    >>> refuse_price_levels(pd.DataFrame({"A": np.linspace(-0.02, 0.02, 30)}, days), ["A"])
    >>> refuse_price_levels(pd.DataFrame({"A": np.linspace(100, 110, 30)}, days), ["A"])
    Traceback (most recent call last):
    ...
    exposure.errors.DataError: returns: A: look like prices, not returns (median |value| 105). Fix: ...
    """
    suspects = []
    for column in dict.fromkeys(columns):
        values = pd.to_numeric(returns[column], errors="coerce").to_numpy(float)
        values = values[np.isfinite(values)]
        if len(values) < min_values:
            continue
        median = float(np.median(np.abs(values)))
        level_like = False
        if median <= 0.5 and values.min() > 0.02 and values.std() > 0:
            with np.errstate(invalid="ignore", divide="ignore"):
                level_like = float(np.corrcoef(values[:-1], values[1:])[0, 1]) > 0.9
        if median > 0.5 or level_like:
            suspects.append((str(column), median))
    if suspects:
        more = f" and {len(suspects) - 10} more" if len(suspects) > 10 else ""
        named = ", ".join(c for c, _ in suspects[:10]) + more
        raise DataError(
            f"look like prices, not returns (median |value| {suspects[0][1]:.3g})", where="returns", field=named,
            fix="pass returns: convert prices with exposure.studies.prices_to_returns (or read a price file "
            "with exposure.studies.read_prices first); percents must be divided by 100")


def _market_rows(
    returns: pd.DataFrame, market: str | pd.Series | Mapping[str, str | pd.Series] | None, tickers: Sequence[str]
) -> tuple[np.ndarray | None, np.ndarray]:
    """Market return rows (one per distinct market) and the row each ticker uses."""
    if market is None:
        return None, np.zeros(len(tickers), np.int64)

    def one(spec: str | pd.Series) -> np.ndarray:
        if isinstance(spec, str):
            if spec not in returns.columns:
                raise DataError(f"market {spec!r} is not among the return columns", field="market",
                                fix="add the market's prices, or pass market returns as a Series")
            return returns[spec].to_numpy(float)
        return spec.reindex(returns.index).to_numpy(float)

    if not isinstance(market, Mapping):
        return one(market)[None, :], np.zeros(len(tickers), np.int64)
    rows = [np.full(len(returns), np.nan)]
    index = np.zeros(len(tickers), np.int64)
    seen: dict[int, int] = {}
    for j, ticker in enumerate(tickers):
        if ticker in market:
            spec = market[ticker]
            key = id(spec) if not isinstance(spec, str) else hash(spec)
            if key not in seen:
                seen[key] = len(rows)
                rows.append(one(spec))
            index[j] = seen[key]
    return np.vstack(rows), index


def _labels(values: Sequence[str], codes: np.ndarray) -> np.ndarray:
    """``values[codes]`` as an object array."""
    return np.array(values, dtype=object)[codes] if len(values) else np.empty(0, object)


def _session_days(published: list[pd.Timestamp], exchange: Exchange) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`session_day` for many publication times on one exchange."""
    days = np.empty(len(published), dtype="datetime64[ns]")
    after = np.zeros(len(published), dtype=bool)
    aware = np.array([p.tzinfo is not None for p in published], dtype=bool)
    for i in np.flatnonzero(~aware):
        days[i] = published[i].normalize().to_datetime64()
    if aware.any():
        stamps = pd.DatetimeIndex([published[i].tz_convert("UTC") for i in np.flatnonzero(aware)])
        local = stamps.tz_convert(exchange.timezone).tz_localize(None)
        midnight = local.normalize()
        close = pd.Timedelta(hours=exchange.close.hour, minutes=exchange.close.minute)
        late = np.asarray((local - midnight) >= close)
        days[aware] = (midnight + pd.to_timedelta(late.astype(int), unit="D")).to_numpy("datetime64[ns]")
        after[aware] = late
    return days, after


def _aggregate(pairs: _Pairs, window: tuple[int, int]) -> tuple[dict[str, float], pd.DataFrame]:
    """Cross-sectional statistics of a set of pairs."""
    n = len(pairs.car)
    nan = float("nan")
    days = pd.Index(range(window[0], window[1] + 1), name="day")
    aar_values = pairs.ar.mean(axis=0) if n else np.full(len(days), np.nan)
    aar = pd.DataFrame({"aar": aar_values, "caar": np.cumsum(aar_values)}, index=days)
    out: dict[str, float] = {"n": n, "caar": nan, "t_cs": nan, "p_cs": nan, "z_patell": nan, "p_patell": nan,
                             "t_bmp": nan, "p_bmp": nan, "r_bar": nan, "t_bmp_kp": nan, "p_bmp_kp": nan,
                             "z_rank": nan, "p_rank": nan, "n_positive": int((pairs.car > 0).sum()),
                             "n_negative": int((pairs.car < 0).sum()), "z_sign": nan, "p_sign": nan}
    if n == 0:
        return out, aar
    out["caar"] = float(pairs.car.mean())
    resid = pairs.residuals()
    scar = pairs.car / pairs.car_sd
    dof = pairs.dof
    out["z_patell"] = float(scar.sum() / np.sqrt(np.sum(dof / (dof - 2))))
    out["p_patell"] = float(2 * stats.norm.sf(abs(out["z_patell"])))
    nonzero = out["n_positive"] + out["n_negative"]
    if nonzero:
        out["z_sign"] = float((out["n_positive"] - nonzero / 2) / (np.sqrt(nonzero) / 2))
        out["p_sign"] = float(stats.binomtest(out["n_positive"], nonzero, 0.5).pvalue)
    if n >= 2:
        sd = pairs.car.std(ddof=1)
        out["t_cs"] = float(out["caar"] / (sd / np.sqrt(n))) if sd > 0 else nan
        out["p_cs"] = float(2 * stats.t.sf(abs(out["t_cs"]), n - 1))
        sd_scar = scar.std(ddof=1)
        out["t_bmp"] = float(scar.mean() / (sd_scar / np.sqrt(n))) if sd_scar > 0 else nan
        out["p_bmp"] = float(2 * stats.t.sf(abs(out["t_bmp"]), n - 1))
        out["r_bar"] = r_bar = _mean_residual_correlation(resid, pairs.group)
        factor = (1 - r_bar) / (1 + (n - 1) * r_bar)
        if factor > 0:
            out["t_bmp_kp"] = float(out["t_bmp"] * np.sqrt(factor))
            out["p_bmp_kp"] = float(2 * stats.t.sf(abs(out["t_bmp_kp"]), n - 1))
    out["z_rank"], out["p_rank"] = _rank_test(resid, pairs.ar)
    return out, aar


def _mean_residual_correlation(resid: np.ndarray, group: np.ndarray) -> float:
    n = len(resid)
    centred = resid - resid.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centred, axis=1)
    z = np.divide(centred, norms[:, None], out=np.zeros_like(centred), where=norms[:, None] > 0)
    total = 0.0
    for g in pd.unique(group):
        members = z[group == g]
        summed = members.sum(axis=0)
        total += float(summed @ summed) - float(np.einsum("ij,ij->", members, members))
    return total / (n * (n - 1))


def _rank_test(resid: np.ndarray, ar: np.ndarray) -> tuple[float, float]:
    """Corrado (1989) rank test for a multi-day window (Cowan 1992)."""
    combined = np.hstack([resid, ar])
    length = ar.shape[1]
    ranks = stats.rankdata(combined, axis=1)
    u = ranks / (combined.shape[1] + 1) - 0.5
    u_bar = u.mean(axis=0)
    s_u = np.sqrt(np.mean(u_bar**2))
    if not s_u > 0:
        return float("nan"), float("nan")
    z = float(u_bar[-length:].sum() / (np.sqrt(length) * s_u))
    return z, float(2 * stats.norm.sf(abs(z)))
