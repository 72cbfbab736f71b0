"""Exposure time series from mapped events: theme intensity and portfolio event exposure per period.

Both are sums over the events published in each period of values that already carry each
event's market impact: a theme's activation (market impact x theme activation) and a
portfolio's weighted impact. Periods without events are present with 0, so series align.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable

import pandas as pd
import pyarrow.parquet as pq
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import Day, Tick

from exposure.analytics import PortfolioSet
from exposure.events import Event
from exposure.graph import KnowledgeGraph
from exposure.impact import ImpactSettings
from exposure.streams._mapping import MappedEvents, map_event_batch
from exposure.streams._output import table_files
from exposure.errors import ExposureWarning


class UndatedEventsWarning(ExposureWarning):
    """Events without ``published_at`` were left out of a time series (they have no period)."""


TableLike = pd.DataFrame | MappedEvents | str | os.PathLike


def _anchor(freq: str) -> dict[str, str]:
    """Fixed-length bins ("2D", "5h") start at the epoch, not at the first day of each batch, so
    that batches and partitions bin alike; calendar bins (W, ME) are anchored already."""
    return {"origin": "epoch"} if isinstance(to_offset(freq), (Tick, Day)) else {}


def _per_period(frame: pd.DataFrame, key: str, value: str, freq: str) -> tuple[pd.DataFrame, int]:
    undated = frame["published_at"].isna()
    dated = frame[~undated]
    if dated.empty:
        return pd.DataFrame(), int(undated.sum())
    dated = dated.assign(published_at=dated["published_at"].dt.tz_convert("UTC").dt.tz_localize(None))
    period = pd.Grouper(key="published_at", freq=freq, **_anchor(freq))
    wide = dated.groupby([period, key], observed=True)[value].sum().unstack(key, fill_value=0.0)
    return wide, int(undated.sum())


def _aggregate(source: TableLike, table: str, key: str, value: str, freq: str, batch_rows: int,
               allow_incomplete: bool) -> pd.DataFrame:
    if isinstance(source, MappedEvents):
        source = getattr(source, table)
    if isinstance(source, pd.DataFrame):
        parts = [_per_period(source, key, value, freq)]
    else:
        parts = [_per_period(batch.to_pandas(), key, value, freq)
                 for path in table_files(source, table, allow_incomplete)
                 for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows,
                                                                columns=["published_at", key, value])]
    undated = sum(n for _, n in parts)
    if undated:
        warnings.warn(f"{undated} row(s) of {table} have no published_at and are not in the series",
                      UndatedEventsWarning, stacklevel=3)
    frames = [wide for wide, _ in parts if not wide.empty]
    if not frames:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="period"), dtype=float)
    combined = pd.concat(frames).fillna(0.0).groupby(level=0).sum()
    combined = combined.resample(freq, **_anchor(freq)).sum()
    combined.index = combined.index.tz_localize("UTC")
    combined = combined.reindex(columns=sorted(combined.columns), fill_value=0.0)
    combined.index.name = "period"
    combined.columns.name = key
    return combined.astype(float)


def theme_intensity(themes: TableLike, *, freq: str = "D", batch_rows: int = 1_000_000,
                    allow_incomplete: bool = False) -> pd.DataFrame:
    """Theme intensity per period: the sum over events of market impact x theme activation.

    Parameters
    ----------
    themes : DataFrame, MappedEvents or path
        The ``themes`` table of :class:`MappedEvents`, or a :func:`map_stream` output folder (or
        its ``themes.parquet``), read ``batch_rows`` rows at a time. An output folder is checked
        first: its manifest must say it is complete and the file's sha256 must match.
    freq : str, default "D"
        A pandas frequency: ``"h"``, ``"D"``, ``"W"``, ``"ME"``, ...
    allow_incomplete : bool, default False
        Read what a stopped :func:`map_stream` run saved (its batches up to the resume point).

    Returns
    -------
    DataFrame
        Periods (UTC, every period from the first to the last, 0 where nothing happened) x themes.

    Raises
    ------
    StreamOutputError
        If a folder is not a :func:`map_stream` output (no manifest), is incomplete (unless
        ``allow_incomplete``), or its file changed since it was written (sha256 mismatch).

    Examples
    --------
    >>> import exposure as ex
    >>> events, _ = ex.datasets.load_sample_events()
    >>> daily = theme_intensity(map_event_batch(events, top=0), freq="D")
    >>> bool(daily["theme:counter-drone"].max() > 0)
    True
    """
    return _aggregate(themes, "themes", "theme", "score", freq, batch_rows, allow_incomplete)


def exposure_series(exposures: TableLike, *, freq: str = "D", batch_rows: int = 1_000_000,
                    allow_incomplete: bool = False) -> pd.DataFrame:
    """Each portfolio's event exposure per period: the sum of its impact from the period's events.

    Parameters
    ----------
    exposures : DataFrame, MappedEvents or path
        The ``exposures`` table of :class:`MappedEvents` (events mapped with ``portfolios=``), or
        a :func:`map_stream` output folder (checked as by :func:`theme_intensity`).
    freq : str, default "D"
    allow_incomplete : bool, default False

    Returns
    -------
    DataFrame
        Periods x portfolios.

    Raises
    ------
    StreamOutputError
        As :func:`theme_intensity`.
    """
    return _aggregate(exposures, "exposures", "portfolio", "exposure", freq, batch_rows, allow_incomplete)


def event_exposure_series(
    events: Iterable[Event],
    portfolios: PortfolioSet,
    graph: KnowledgeGraph | None = None,
    *,
    freq: str = "D",
    as_of: bool = True,
    settings: ImpactSettings | None = None,
    point_in_time: str = "strict",
) -> pd.DataFrame:
    """Portfolios' event exposure per period, each event scored with the graph of its day.

    Shortcut for :func:`map_event_batch` (``top=0``: no per-security table is built) followed by
    :func:`exposure_series`; for files larger than memory use :func:`map_stream` and pass its
    output folder to :func:`exposure_series`. ``point_in_time`` (default ``"strict"``: only figures
    published by the event's day) is as for :func:`map_event_batch`.

    Examples
    --------
    >>> import exposure as ex
    >>> from exposure.analytics import PortfolioSet
    >>> events, _ = ex.datasets.load_sample_events()
    >>> graph = ex.default_graph()
    >>> book = PortfolioSet.from_portfolios({"sample": ex.datasets.load_sample_portfolio()}, graph.compile())
    >>> series = event_exposure_series(events, book, graph, freq="ME")
    >>> list(series.columns), series.index.freqstr
    (['sample'], 'ME')
    """
    mapped = map_event_batch(list(events), graph, settings=settings, top=0, portfolios=portfolios, as_of=as_of,
                             point_in_time=point_in_time)
    return exposure_series(mapped, freq=freq)
