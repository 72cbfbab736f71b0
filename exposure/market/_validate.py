"""Checks every source runs on prices: bad dates, bad values, duplicates, order, zones, gaps.

Sources hand over a long table (date, ticker, value, line, record); what comes back is a clean
wide frame plus rejects (input rows dropped, with their line and reason) and notes. Nothing is
turned into NaN without being reported.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, Reject
from exposure.io import parse_datetime

_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)\s*(Z|UTC|[+-]\d{2}:?\d{2})$")
PARTIAL_SLACK = pd.Timedelta(days=10)
"""How far inside the window a series may start or stop before it counts as partial (holidays)."""


def parse_dates(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """Dates (tz-naive midnight, NaT where unreadable) and notes on zones and times of day.

    A timestamp with a zone keeps its wall-clock date: a daily bar stamped
    ``2022-02-24 00:00+01:00`` is the 24 February session of its market.
    """
    notes: list[str] = []
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        notes.append(f"dates carried time zone {values.dtype.tz}; kept the local date of each row")
        parsed = values.dt.tz_localize(None)
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        parsed = values
    else:
        text = values.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
        zones: set[str] = set()
        as_dates: dict[str, object] = {}
        for raw in pd.unique(text):
            # One date parser for every input: ISO only; 03/01/2022 or 20220301 are unreadable rows.
            match = _ZONE.match(raw)
            if match:
                zones.add(match.group(2))
            try:
                stamp = parse_datetime(match.group(1) if match else raw)
            except ArgumentError:
                stamp = None
            if stamp is not None and stamp.tzinfo is not None:
                zones.add(stamp.strftime("%z") or str(stamp.tzinfo))
                stamp = stamp.replace(tzinfo=None)
            as_dates[raw] = pd.NaT if stamp is None else pd.Timestamp(stamp)
        parsed = pd.Series(pd.to_datetime(text.map(as_dates)).to_numpy(dtype="datetime64[ns]"), index=values.index)
        if len(zones) > 1:
            notes.append(
                f"mixed time zones in the dates ({', '.join(sorted(zones))}); kept the local date "
                "of each row, so each market keeps its own sessions"
            )
        elif zones:
            notes.append(f"dates carried time zone {zones.pop()}; kept the local date of each row")
    parsed = pd.to_datetime(parsed)
    has_time = parsed.notna() & (parsed != parsed.dt.normalize())
    if has_time.any():
        notes.append(f"{int(has_time.sum())} timestamp(s) had a time of day; reduced to their date")
    return parsed.dt.normalize(), notes


def clean_long(
    table: pd.DataFrame, *, field: str, where: str
) -> tuple[pd.DataFrame, list[Reject], list[str], dict[str, str]]:
    """Validate a long table and pivot it to dates x tickers.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``date`` (anything :func:`parse_dates` reads), ``ticker``, ``value`` (raw),
        ``line`` (1-based line or row in the input) and ``record`` (raw text for messages).
    field : str
        ``"volume"`` allows zeros; prices must be above zero.
    where : str
        Names the input in messages.

    Returns
    -------
    frame, rejects, notes, gaps
        The wide frame (sorted unique dates, tickers in order of appearance; a date whose values
        are all empty is kept), the dropped rows, notes about the input, and per ticker a note on
        runs of empty values inside its data.
    """
    notes: list[str] = []
    reasons = np.full(len(table), "", dtype=object)
    dates, date_notes = parse_dates(table["date"].reset_index(drop=True))
    notes.extend(f"{where}: {n}" for n in date_notes)
    tickers = table["ticker"].astype(str).str.strip().str.upper().to_numpy(dtype=object)
    raw = table["value"].reset_index(drop=True)
    numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    empty_words = ["", "nan", "NaN", "null", "None", "NA"]
    blank = raw.isna().to_numpy() | raw.astype(str).str.strip().isin(empty_words).to_numpy()

    date_bad = dates.isna().to_numpy()
    reasons[date_bad] = [f"field 'date' is {v!r}, not a date; fix: write dates as YYYY-MM-DD"
                         for v in table["date"].to_numpy()[date_bad]]
    tick_bad = (tickers == "") & ~date_bad
    reasons[tick_bad] = "field 'ticker' is empty; fix: give the Yahoo symbol, such as LMT"
    text_bad = ~np.isfinite(numbers) & ~blank & (reasons == "")
    reasons[text_bad] = [f"field '{field}' is {str(v)!r}, not a number; fix: give a number or leave it empty"
                         for v in raw.to_numpy()[text_bad]]
    floor_bad = (numbers < 0) if field == "volume" else (numbers <= 0)
    floor_bad &= reasons == ""
    what = "below zero" if field == "volume" else "zero or below; a price must be positive"
    reasons[floor_bad] = [f"field '{field}' is {v:g}, {what}; fix: correct or remove the value"
                          for v in numbers[floor_bad]]

    ok = reasons == ""
    frame = pd.DataFrame({"date": dates.to_numpy(), "ticker": tickers, "value": numbers,
                          "pos": np.arange(len(table))})[ok]
    blank_rows = frame[~np.isfinite(frame["value"].to_numpy())]
    frame = frame[np.isfinite(frame["value"].to_numpy())]
    keys = frame[["date", "ticker"]]
    dup = keys.duplicated(keep=False).to_numpy()
    if dup.any():
        groups = frame[dup].groupby(["date", "ticker"], sort=True)["value"]
        spread = groups.nunique()
        conflicting = spread[spread > 1].index
        same = spread[spread == 1].index
        if len(same):
            notes.append(f"{where}: {len(same)} date(s) repeated with the same value; kept one of each")
        if len(conflicting):
            hit = pd.MultiIndex.from_frame(frame[["date", "ticker"]]).isin(conflicting)
            for pos, (date, ticker) in zip(frame["pos"].to_numpy()[hit], frame[["date", "ticker"]].to_numpy()[hit]):
                values = groups.get_group((date, ticker)).tolist()
                reasons[pos] = (f"duplicate date {pd.Timestamp(date).date()} for {ticker} with different "
                                f"values {values}; fix: keep one row per date")
            frame = frame[~hit]
        frame = frame.drop_duplicates(["date", "ticker"], keep="first")

    bad = np.flatnonzero(reasons != "")
    if "record" in table.columns:
        records = table["record"].to_numpy()[bad]
    else:
        records = [f"{table['date'].iloc[i]},{tickers[i]}={raw.iloc[i]}" for i in bad]
    lines = table["line"].to_numpy()[bad]
    rejects = [Reject(int(line), str(reasons[i]), str(record)[:80]) for i, line, record in zip(bad, lines, records)]
    order = list(dict.fromkeys(t for t in tickers if t))
    positions = frame.groupby("ticker", sort=False)["date"]
    unsorted = [t for t, d in positions if not d.is_monotonic_increasing]
    if unsorted:
        notes.append(f"{where}: dates were not in order for {', '.join(unsorted[:10])}"
                     f"{' ...' if len(unsorted) > 10 else ''}; sorted them")
    wide = frame.pivot(index="date", columns="ticker", values="value")
    blank_dates = blank_rows["date"].drop_duplicates()
    wide = wide.reindex(wide.index.union(pd.DatetimeIndex(blank_dates)))
    wide = wide.reindex(columns=[t for t in order if t in wide.columns]).sort_index()
    wide.index = pd.DatetimeIndex(wide.index, name="date")
    wide.columns.name = None
    wide = wide.astype(np.float64)
    return wide, rejects, notes, gap_notes(wide)


def wide_to_long(frame: pd.DataFrame, *, first_line: int = 2) -> pd.DataFrame:
    """A wide table (first column or index = date, other columns = tickers) as a long table."""
    dates = frame.index.to_series(index=range(len(frame))) if not isinstance(frame.index, pd.RangeIndex) else None
    body = frame.reset_index(drop=True)
    if dates is None:
        dates, body = body.iloc[:, 0], body.iloc[:, 1:]
    lines = np.arange(len(body)) + first_line
    tickers = [str(c) for c in body.columns]
    n = len(body)
    return pd.DataFrame({
        "date": np.tile(dates.to_numpy(dtype=object), len(tickers)),
        "ticker": np.repeat(tickers, n),
        "value": body.to_numpy(dtype=object).T.reshape(-1) if n else np.array([], dtype=object),
        "line": np.tile(lines, len(tickers)),
    })


def gap_notes(frame: pd.DataFrame, *, min_run: int = 3) -> dict[str, str]:
    """One note per ticker with runs of at least ``min_run`` dates without a value inside its data.

    Shorter runs are the usual holidays of one market among others' sessions and are left out
    of the notes (the cells stay empty in the frame, never filled).
    """
    out: dict[str, str] = {}
    for ticker, series in frame.items():
        first, last = series.first_valid_index(), series.last_valid_index()
        if first is None:
            continue
        inside = series.loc[first:last].isna().to_numpy()
        if not inside.any():
            continue
        edges = np.diff(np.concatenate([[0], inside.astype(np.int8), [0]]))
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        lengths = stops - starts
        long_runs = lengths >= min_run
        if not long_runs.any():
            continue
        longest = int(np.argmax(lengths))
        dates = series.loc[first:last].index
        out[str(ticker)] = (
            f"{ticker}: {int(long_runs.sum())} run(s) of {min_run}+ dates without a value inside its "
            f"data ({int(lengths[long_runs].sum())} dates); longest {int(lengths[longest])} from "
            f"{dates[starts[longest]].date()}; left empty, never filled"
        )
    return out


def window(frame: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
    """Rows between ``start`` and ``end`` (inclusive), rows with no value at all dropped."""
    out = frame.loc[start:end] if len(frame) else frame
    return out.dropna(how="all")


def coverage(
    frame: pd.DataFrame, symbols: list[str], start: pd.Timestamp | None, end: pd.Timestamp | None, *,
    missing_reason: dict[str, str] | None = None,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Which symbols have no value in the window, and which start late or stop early."""
    missing, partial = [], []
    for symbol in symbols:
        if symbol not in frame.columns or frame[symbol].notna().sum() == 0:
            reason = (missing_reason or {}).get(symbol, "no value in the window")
            missing.append((symbol, reason))
            continue
        series = frame[symbol]
        first, last = series.first_valid_index(), series.last_valid_index()
        late = start is not None and first - start > PARTIAL_SLACK
        early = end is not None and end - last > PARTIAL_SLACK
        if late or early:
            asked = f"{_day(start)}..{_day(end)}"
            partial.append((symbol, f"values cover {first.date()}..{last.date()} of the {asked} asked for"))
    return missing, partial


def _day(t: pd.Timestamp | None) -> str:
    return "start" if t is None else str(pd.Timestamp(t).date())
