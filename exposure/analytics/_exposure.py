"""Exposure math: theme, sector, country and event exposure of portfolios, with contributions.

Pure functions on pandas/numpy inputs. Weights are aligned to each table once and combined with
numpy; every total is summed from the very contributions array that is returned, so totals and
contributions agree bit for bit.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeAlias

import numpy as np
import pandas as pd

from exposure.analytics._results import Coverage, ThemeExposure, by_magnitude, unknown
from exposure.errors import ArgumentError, DataError, HoldingsError
from exposure.portfolio import Portfolio

__all__ = [
    "WeightsLike",
    "country_exposure",
    "coverage",
    "event_contributions",
    "event_sensitivity",
    "group_exposure",
    "sector_exposure",
    "theme_exposure",
]

WeightsLike: TypeAlias = Portfolio | pd.Series
"""A :class:`~exposure.portfolio.Portfolio` or a Series of weights indexed by ticker."""


def coverage(weights: WeightsLike, universe: Iterable[Hashable]) -> Coverage:
    """How much of a portfolio's gross weight a universe of tickers covers.

    Parameters
    ----------
    weights : Portfolio or pandas.Series
        Weight per ticker.
    universe : iterable of str
        Tickers the table at hand knows, e.g. ``exposures.index``.

    Returns
    -------
    Coverage

    Examples
    --------
    >>> w = pd.Series({"LMT": 0.5, "RTX": 0.3, "XYZ": 0.2})
    >>> c = coverage(w, pd.Index(["LMT", "RTX"]))
    >>> round(c.mapped_weight_share, 12), c.unmapped.to_dict()
    (0.8, {'XYZ': 0.2})
    """
    w = _as_weights(weights)
    known = universe if isinstance(universe, pd.Index) else pd.Index(list(universe))
    mapped = w.index.isin(known)
    magnitude = np.abs(w.to_numpy())
    gross = magnitude.sum()
    share = float(magnitude[mapped].sum() / gross) if gross > 0 else float(mapped.all())
    return Coverage(
        mapped_weight_share=share,
        n_holdings=len(w),
        n_mapped=int(mapped.sum()),
        unmapped=by_magnitude(w[~mapped]),
    )


def theme_exposure(
    weights: WeightsLike,
    exposures: pd.DataFrame,
    *,
    benchmark: WeightsLike | None = None,
    themes: Iterable[str] | None = None,
) -> ThemeExposure:
    """Portfolio exposure to each theme, per-holding contributions and active exposure.

    The exposure to theme ``t`` is ``sum_i w_i * e(i, t)``. Holdings missing from
    ``exposures`` contribute 0 and are listed in the result's ``coverage``.

    Parameters
    ----------
    weights : Portfolio or pandas.Series
        Weight per ticker; shorts are negative.
    exposures : pandas.DataFrame
        Exposure e(ticker, theme) in [0, 1], indexed by ticker, one column per theme id.
    benchmark : Portfolio or pandas.Series, optional
        Benchmark weights; adds ``benchmark_total``, ``active`` and ``active_contributions``.
    themes : iterable of str, optional
        Themes to report, in this order; default all columns of ``exposures``, sorted.

    Returns
    -------
    ThemeExposure
        ``total[t]`` is computed from ``contributions[t]``, so
        ``contributions[t].sum() == total[t]`` exactly; ``active`` is the sum of
        ``active_contributions`` and equals ``total - benchmark_total`` to rounding.

    Raises
    ------
    UnknownConceptError
        If a theme in ``themes`` is not a column of ``exposures``.
    ValueError
        If an exposure used is not a finite number in [0, 1], or labels repeat.

    Examples
    --------
    >>> e = pd.DataFrame({"theme:defense-spending": [0.9, 0.5, 0.0]},
    ...                  index=pd.Index(["LMT", "RHM.DE", "DAL"], name="ticker"))
    >>> w = pd.Series({"LMT": 0.5, "RHM.DE": 0.3, "DAL": 0.2})
    >>> result = theme_exposure(w, e, benchmark=pd.Series({"LMT": 0.2, "DAL": 0.8}))
    >>> result.to_frame().round(12).to_dict("index")
    {'theme:defense-spending': {'exposure': 0.6, 'benchmark': 0.18, 'active': 0.42}}
    """
    w = _as_weights(weights)
    columns = _select_themes(exposures, themes)
    if benchmark is None:
        contributions = _weighted(_exposure_matrix(exposures, w.index, columns), w.to_numpy())
        return ThemeExposure(
            contributions=_contribution_frame(contributions, w.index, columns),
            total=_column_sums(contributions, columns, "exposure"),
            coverage=coverage(w, exposures.index),
        )

    wb = _as_weights(benchmark, "benchmark")
    union = w.index.union(wb.index).sort_values()
    matrix = _exposure_matrix(exposures, union, columns)
    active_weight = (
        w.reindex(union, fill_value=0.0).to_numpy() - wb.reindex(union, fill_value=0.0).to_numpy()
    )
    contributions = _weighted(matrix[:, union.get_indexer(w.index)], w.to_numpy())
    benchmark_contributions = _weighted(matrix[:, union.get_indexer(wb.index)], wb.to_numpy())
    active_contributions = _weighted(matrix, active_weight)
    return ThemeExposure(
        contributions=_contribution_frame(contributions, w.index, columns),
        total=_column_sums(contributions, columns, "exposure"),
        coverage=coverage(w, exposures.index),
        benchmark_total=_column_sums(benchmark_contributions, columns, "benchmark"),
        active_contributions=_contribution_frame(active_contributions, union, columns),
        active=_column_sums(active_contributions, columns, "active"),
        benchmark_coverage=coverage(wb, exposures.index),
    )


def group_exposure(
    weights: WeightsLike,
    labels: pd.Series,
    *,
    benchmark: WeightsLike | None = None,
    unknown_label: str = "Unclassified",
) -> pd.DataFrame:
    """Portfolio weight per group (sector, country, ...), with benchmark and active weight.

    Parameters
    ----------
    weights : Portfolio or pandas.Series
        Weight per ticker.
    labels : pandas.Series
        Group label per ticker. Tickers without a label (absent, missing or blank) fall in
        ``unknown_label``.
    benchmark : Portfolio or pandas.Series, optional
        Benchmark weights; without one, ``benchmark`` and ``active`` are NaN.
    unknown_label : str, default "Unclassified"
        Group of the unlabelled tickers.

    Returns
    -------
    pandas.DataFrame
        Columns ``weight``, ``benchmark``, ``active``, indexed by label (named after
        ``labels``), largest absolute weight first, ties by label. ``weight`` sums to the
        portfolio's net weight (to rounding).

    Examples
    --------
    >>> w = pd.Series({"LMT": 0.5, "RTX": 0.25, "DAL": 0.25})
    >>> sectors = pd.Series({"LMT": "Industrials", "RTX": "Industrials"}, name="sector")
    >>> group_exposure(w, sectors)["weight"].to_dict()
    {'Industrials': 0.75, 'Unclassified': 0.25}
    """
    w = _as_weights(weights)
    _check_unique(labels.index, "labels index (tickers)")
    if benchmark is None:
        tickers = w.index
        sized = pd.DataFrame({"weight": w.to_numpy(), "benchmark": np.nan}, index=tickers)
    else:
        wb = _as_weights(benchmark, "benchmark")
        tickers = w.index.union(wb.index).sort_values()
        sized = pd.DataFrame(
            {
                "weight": w.reindex(tickers, fill_value=0.0).to_numpy(),
                "benchmark": wb.reindex(tickers, fill_value=0.0).to_numpy(),
            },
            index=tickers,
        )
    group = labels.reindex(tickers).astype(object)
    group = group.where(group.notna(), "").astype(str).str.strip()
    group = group.where(group != "", unknown_label)
    sums = sized.groupby(group.to_numpy(), sort=True).sum(min_count=1 if benchmark is None else 0)
    sums["active"] = sums["weight"] - sums["benchmark"]
    result = by_magnitude(sums["weight"])
    out = sums.loc[result.index, ["weight", "benchmark", "active"]].astype(np.float64)
    out.index.name = labels.name if labels.name is not None else "label"
    return out


def sector_exposure(
    weights: WeightsLike,
    info: pd.DataFrame,
    *,
    benchmark: WeightsLike | None = None,
    unknown_label: str = "Unclassified",
) -> pd.DataFrame:
    """Weight per sector, read from ``info["sector"]``; see :func:`group_exposure`.

    Examples
    --------
    >>> info = pd.DataFrame({"sector": ["Industrials", "Industrials"]}, index=["LMT", "DAL"])
    >>> sector_exposure(pd.Series({"LMT": 0.7, "DAL": 0.3}), info)["weight"].to_dict()
    {'Industrials': 1.0}
    """
    return group_exposure(
        weights,
        _info_column(info, "sector"),
        benchmark=benchmark,
        unknown_label=unknown_label,
    )


def country_exposure(
    weights: WeightsLike,
    info: pd.DataFrame,
    *,
    benchmark: WeightsLike | None = None,
    unknown_label: str = "Unclassified",
) -> pd.DataFrame:
    """Weight per country, read from ``info["country"]``; see :func:`group_exposure`.

    Examples
    --------
    >>> info = pd.DataFrame({"country": ["US", "DE"]}, index=["LMT", "RHM.DE"])
    >>> country_exposure(pd.Series({"LMT": 0.25, "RHM.DE": 0.75}), info)["weight"].to_dict()
    {'DE': 0.75, 'US': 0.25}
    """
    return group_exposure(
        weights,
        _info_column(info, "country"),
        benchmark=benchmark,
        unknown_label=unknown_label,
    )


def event_sensitivity(weights: WeightsLike, impacts: pd.DataFrame) -> pd.Series:
    """Portfolio impact of each event: ``sum_i w_i * impact(event, i)``.

    Holdings absent from ``impacts`` contribute 0; ``coverage(weights, impacts.columns)``
    reports them.

    Parameters
    ----------
    weights : Portfolio or pandas.Series
        Weight per ticker.
    impacts : pandas.DataFrame
        Signed impact per event (rows, event ids) and ticker (columns).

    Returns
    -------
    pandas.Series
        Sensitivity per event, in the order of ``impacts.index``, name ``sensitivity``.
        Each value equals ``event_contributions(weights, impacts, event).sum()`` exactly.

    Examples
    --------
    >>> impacts = pd.DataFrame({"LMT": [0.4, -0.1], "DAL": [-0.5, 0.2]},
    ...                        index=["evt:drone-strike", "evt:ceasefire"])
    >>> s = event_sensitivity(pd.Series({"LMT": 0.5, "DAL": -0.5}), impacts)
    >>> s.round(12).to_dict()
    {'evt:drone-strike': 0.45, 'evt:ceasefire': -0.15}
    """
    w = _as_weights(weights)
    tickers, values = _impact_values(impacts, w.index)
    contributions = _weighted(values, w.reindex(tickers).to_numpy())
    return pd.Series(
        np.add.reduce(contributions, axis=1), index=impacts.index.copy(), name="sensitivity"
    )


def event_contributions(
    weights: WeightsLike, impacts: pd.DataFrame, event_id: Hashable
) -> pd.Series:
    """Per-holding contributions ``w_i * impact(event_id, i)`` to one event's sensitivity.

    Parameters
    ----------
    weights : Portfolio or pandas.Series
        Weight per ticker.
    impacts : pandas.DataFrame
        Signed impact per event (rows) and ticker (columns).
    event_id : hashable
        A row label of ``impacts``.

    Returns
    -------
    pandas.Series
        Contribution per ticker held and present in ``impacts``, sorted by ticker; its
        ``sum()`` equals ``event_sensitivity(weights, impacts)[event_id]`` exactly. Sort
        it by magnitude only for display.

    Raises
    ------
    UnknownConceptError
        If ``event_id`` is not a row of ``impacts``.

    Examples
    --------
    >>> impacts = pd.DataFrame({"LMT": [0.4], "DAL": [-0.5]}, index=["evt:drone-strike"])
    >>> event_contributions(pd.Series({"LMT": 0.5, "DAL": -0.5}), impacts,
    ...                     "evt:drone-strike").to_dict()
    {'DAL': 0.25, 'LMT': 0.2}
    """
    w = _as_weights(weights)
    _check_unique(impacts.index, "impacts index (event ids)")
    if event_id not in impacts.index:
        raise unknown("event", event_id, impacts.index, "event_contributions")
    tickers, values = _impact_values(impacts.loc[[event_id]], w.index)
    row = _weighted(values[0], w.reindex(tickers).to_numpy())
    return pd.Series(row, index=tickers, name="contribution")


def _as_weights(weights: WeightsLike, what: str = "weights") -> pd.Series:
    if isinstance(weights, Portfolio):
        return weights.weights
    if not isinstance(weights, pd.Series):
        raise ArgumentError(
            f"{what} must be a Portfolio or a pandas Series indexed by ticker, "
            f"not {type(weights).__name__}"
        )
    if weights.index.has_duplicates:
        dupes = sorted(map(str, set(weights.index[weights.index.duplicated()])))
        raise HoldingsError(
            f"tickers {', '.join(dupes)} appear more than once",
            where=what,
            field="ticker",
            fix="sum duplicate positions first, or build a Portfolio, which does",
        )
    values = pd.to_numeric(weights, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        shown = ", ".join(f"{t}: {v!r}" for t, v in weights[bad].head(10).items())
        raise HoldingsError(
            f"weights must be finite numbers; got {shown}",
            where=what,
            field="weight",
            fix="give a number such as 0.05 for every ticker",
        )
    index = pd.Index(weights.index, name="ticker")
    return pd.Series(values, index=index, name="weight").sort_index()


def _check_unique(index: pd.Index, what: str) -> None:
    if index.has_duplicates:
        dupes = sorted(map(str, set(index[index.duplicated()])))[:10]
        raise DataError(f"{what} repeats {', '.join(dupes)}. Fix: give each label once")


def _info_column(info: pd.DataFrame, column: str) -> pd.Series:
    if column not in info.columns:
        raise DataError(
            f"info has no {column!r} column; columns found: {', '.join(map(str, info.columns))}."
            f" Fix: pass a table indexed by ticker with a {column!r} column"
        )
    return info[column].rename(column)


def _select_themes(exposures: pd.DataFrame, themes: Iterable[str] | None) -> pd.Index:
    _check_unique(exposures.index, "exposure table index (tickers)")
    _check_unique(exposures.columns, "exposure table columns (themes)")
    if themes is None:
        return exposures.columns.sort_values().rename("theme")
    wanted = pd.Index([themes] if isinstance(themes, str) else list(themes), name="theme")
    _check_unique(wanted, "themes")
    missing = wanted[~wanted.isin(exposures.columns)]
    if len(missing):
        raise unknown("theme", missing[0], exposures.columns, "theme_exposure")
    return wanted


def _exposure_matrix(exposures: pd.DataFrame, tickers: pd.Index, themes: pd.Index) -> np.ndarray:
    """Validated exposures as a C-contiguous themes x tickers array, 0 for unknown tickers."""
    table = exposures.reindex(index=tickers, columns=themes)
    try:
        values = table.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"exposure table holds values that are not numbers ({exc}). "
            "Fix: give exposures as numbers in [0, 1]"
        ) from None
    known = tickers.isin(exposures.index)
    bad = known[:, None] & ~((values >= 0.0) & (values <= 1.0))
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise DataError(
            f"exposure of {tickers[rows[0]]} to {themes[cols[0]]} is {values[rows[0], cols[0]]!r}"
            f" ({len(rows)} bad value(s) in all); exposures must be finite numbers in [0, 1]. "
            "Fix: correct the exposure table (a share of revenue or relevance, 0 if none)"
        )
    values[~known] = 0.0
    return np.ascontiguousarray(values.T)


def _weighted(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``values * weights`` along the last axis, with -0.0 turned into 0.0.

    The result is C-contiguous because numpy sums a contiguous row pairwise, exactly as it sums
    the same numbers as a 1-D array (which is what ``Series.sum`` does); a strided reduction
    adds sequentially and may differ in the last bit.
    """
    return np.ascontiguousarray(values * weights + 0.0)


def _column_sums(contributions: np.ndarray, themes: pd.Index, name: str) -> pd.Series:
    return pd.Series(np.add.reduce(contributions, axis=1), index=themes.copy(), name=name)


def _contribution_frame(
    contributions: np.ndarray, tickers: pd.Index, themes: pd.Index
) -> pd.DataFrame:
    return pd.DataFrame(
        contributions.T,
        index=pd.Index(tickers, name="ticker"),
        columns=pd.Index(themes, name="theme"),
    )


def _impact_values(impacts: pd.DataFrame, held: pd.Index) -> tuple[pd.Index, np.ndarray]:
    """Tickers both held and in ``impacts`` (sorted), and their validated C-contiguous impacts."""
    _check_unique(impacts.index, "impacts index (event ids)")
    _check_unique(impacts.columns, "impacts columns (tickers)")
    tickers = held.intersection(impacts.columns).sort_values()
    try:
        values = impacts.reindex(columns=tickers).to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"impacts hold values that are not numbers ({exc}). Fix: give impacts as numbers"
        ) from None
    bad = ~np.isfinite(values)
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise DataError(
            f"impact of event {impacts.index[rows[0]]} on {tickers[cols[0]]} is "
            f"{values[rows[0], cols[0]]!r} ({len(rows)} bad value(s) in all). "
            "Fix: give a finite number, 0 for no impact"
        )
    return pd.Index(tickers, name="ticker"), np.ascontiguousarray(values)
