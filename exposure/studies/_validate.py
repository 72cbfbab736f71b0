"""Did the graph's mapped names react? Mapped versus unmapped CARs, and calibration of scores."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from exposure.errors import ArgumentError, DataError, ExposureWarning
from exposure.events import Event
from exposure.graph import KnowledgeGraph, default_graph, strict_policy
from exposure.impact import EventImpacts, map_events
from exposure.studies._eventstudy import EventStudyResult, event_study


class CalibrationWarning(ExposureWarning):
    """A calibration whose uncertainty is poorly estimated (too few events or pairs)."""


@dataclass(frozen=True)
class MappedComparison:
    """CARs of an event's top mapped securities against the rest of the priced universe.

    ``directional_car`` of a mapped security is its CAR times the sign of its impact score (a
    positive value means it moved the way the graph said); unmapped securities keep their CAR.

    Attributes
    ----------
    event_id : str
    mapped, unmapped : DataFrame
        ticker, score, car, directional_car.
    stats : dict
        Group means and sizes, Welch t and p (directional mapped vs unmapped CARs), Mann-Whitney U and p.
    study : EventStudyResult
        The study over both groups.
    """

    event_id: str
    mapped: pd.DataFrame
    unmapped: pd.DataFrame
    stats: dict[str, float]
    study: EventStudyResult

    def summary(self) -> str:
        """Group means and tests as text."""
        s = self.stats
        return (f"{self.event_id}: mapped n={s['n_mapped']} mean directional CAR {s['mean_mapped']:+.3%} "
                f"(raw {s['mean_mapped_raw']:+.3%}); unmapped n={s['n_unmapped']} mean CAR {s['mean_unmapped']:+.3%}; "
                f"Welch t {s['t_welch']:.2f} (p {s['p_welch']:.3g}), rank-sum p {s['p_ranksum']:.3g}")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready groups and tests."""
        return {"event_id": self.event_id, "stats": dict(self.stats),
                "mapped": self.mapped.to_dict("records"), "unmapped": self.unmapped.to_dict("records")}


def mapped_vs_unmapped(
    event: Event,
    returns: pd.DataFrame,
    graph: KnowledgeGraph | None = None,
    *,
    top: int = 10,
    impacts: EventImpacts | None = None,
    universe: Iterable[str] | None = None,
    point_in_time: str = "strict",
    **study: object,
) -> MappedComparison:
    """Compare the CARs of ``event``'s top-``top`` impacted priced securities with the rest.

    The event is mapped with the graph as of its publication day (UTC), strictly point in time by
    default: no exposure figure published after that day is used.

    Parameters
    ----------
    event : Event
        Needs ``published_at``.
    returns : DataFrame
        Date x ticker returns (the universe is every column except the market's unless
        ``universe`` is given).
    graph : KnowledgeGraph, optional
        Default graph if omitted; ignored when ``impacts`` is given.
    top : int
        Mapped group: the ``top`` securities by absolute score among those with a computed CAR.
    impacts : EventImpacts, optional
        Already mapped impacts containing ``event``.
    point_in_time : {"strict", "look-ahead", "current"}, default "strict"
        The as-of graph without figures published later, with them (counted in the impacts'
        ``look_ahead_count``), or the graph as given.
    **study
        Passed to :func:`event_study` (``market``, ``model``, ``window``, ``estimation``, ``gap``).

    Returns
    -------
    MappedComparison
    """
    if impacts is None:
        impacts = map_events(event, graph_of_day(graph or default_graph(), event, point_in_time))
    scores = impacts.matrix.loc[event.id]
    market = study.get("market")
    tickers = list(universe) if universe is not None else [c for c in returns.columns if c != market]
    result = event_study(returns, [event], tickers=tickers, **study)  # type: ignore[arg-type]
    car = result.results.set_index("ticker")["car"]
    score = scores.reindex(car.index).fillna(0.0)
    ranked = sorted((t for t in car.index if score[t] != 0), key=lambda t: (-abs(score[t]), t))[:top]
    mapped = pd.DataFrame({"ticker": ranked, "score": score[ranked].to_numpy(), "car": car[ranked].to_numpy()})
    mapped["directional_car"] = np.sign(mapped["score"]) * mapped["car"]
    rest = [t for t in car.index if t not in ranked]
    unmapped = pd.DataFrame({"ticker": rest, "score": score[rest].to_numpy(), "car": car[rest].to_numpy()})
    unmapped["directional_car"] = unmapped["car"]
    a, b = mapped["directional_car"].to_numpy(), unmapped["car"].to_numpy()
    nan = float("nan")
    out = {"n_mapped": len(a), "n_unmapped": len(b), "mean_mapped": float(a.mean()) if len(a) else nan,
           "mean_mapped_raw": float(mapped["car"].mean()) if len(a) else nan,
           "mean_unmapped": float(b.mean()) if len(b) else nan, "t_welch": nan, "p_welch": nan,
           "u_ranksum": nan, "p_ranksum": nan}
    if len(a) >= 2 and len(b) >= 2:
        welch = stats.ttest_ind(a, b, equal_var=False)
        out["t_welch"], out["p_welch"] = float(welch.statistic), float(welch.pvalue)
        ranks = stats.mannwhitneyu(a, b, alternative="two-sided")
        out["u_ranksum"], out["p_ranksum"] = float(ranks.statistic), float(ranks.pvalue)
    return MappedComparison(event.id, mapped, unmapped, out, result)


def graph_of_day(graph: KnowledgeGraph, event: Event, point_in_time: str = "strict") -> KnowledgeGraph:
    """The graph as of ``event``'s publication day (UTC) under ``point_in_time``; ``"current"``: ``graph``.

    >>> import exposure as ex
    >>> event = ex.Event(id="e", headline="Fed raises rates", published_at="2022-06-15T18:00:00Z")
    >>> graph_of_day(ex.default_graph(), event).look_ahead_count
    0
    """
    if point_in_time == "current":
        return graph
    if event.published_at is None:
        raise ArgumentError(f"event {event.id!r} has no published_at", where=event.id, field="published_at",
                            fix="give the publication time, or use point_in_time='current'")
    return graph.as_of(event.published_at.astimezone(UTC).date(), strict=strict_policy(point_in_time))


@dataclass(frozen=True)
class Calibration:
    """Realised CAR per unit of impact score, from a pooled regression over events.

    Attributes
    ----------
    bps_per_unit : float
        Slope: expected CAR in basis points per unit of score.
    se, t, p : float
        Its standard error, t-statistic and two-sided p-value.
    ci : tuple of float
        95% confidence interval of the slope, bp.
    intercept_bps : float
    nobs, n_events : int
    r2 : float
    cov_type : str
        ``"cluster"`` (by event, CR1 small-sample factor, t with G-1 df) or ``"hc1"``.
    """

    bps_per_unit: float
    se: float
    t: float
    p: float
    ci: tuple[float, float]
    intercept_bps: float
    nobs: int
    n_events: int
    r2: float
    cov_type: str

    def to_bps(self, score: float | pd.Series) -> float | pd.Series:
        """Expected abnormal return, in bp, of a score (slope only: the event's part)."""
        return score * self.bps_per_unit

    def summary(self) -> str:
        """One line with the slope and its uncertainty."""
        return (f"{self.bps_per_unit:+.1f} bp per unit score (SE {self.se:.1f}, {self.cov_type}; 95% CI "
                f"{self.ci[0]:+.1f} to {self.ci[1]:+.1f}; t {self.t:.2f}); n={self.nobs} pairs, "
                f"{self.n_events} events, R2 {self.r2:.3f}")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {"bps_per_unit": self.bps_per_unit, "se": self.se, "t": self.t, "p": self.p, "ci": list(self.ci),
                "intercept_bps": self.intercept_bps, "nobs": self.nobs, "n_events": self.n_events, "r2": self.r2,
                "cov_type": self.cov_type}


def calibrate(
    study: EventStudyResult,
    scores: pd.DataFrame | EventImpacts,
    *,
    cov_type: Literal["cluster", "hc1"] = "cluster",
) -> Calibration:
    """Regress realised CARs (bp) on impact scores, pooled over event-security pairs.

    Parameters
    ----------
    study : EventStudyResult
    scores : DataFrame or EventImpacts
        Event id x ticker impact scores (``EventImpacts.matrix``); pairs absent score 0.
    cov_type : {"cluster", "hc1"}
        Standard errors clustered by event (default; falls back to HC1 with a
        :class:`CalibrationWarning` when there are fewer than 2 events), or HC1.

    Returns
    -------
    Calibration

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> pairs = pd.DataFrame({"event_id": list("aabbcc"), "ticker": list("XYXYXY"),
    ...                       "car": [0.02, 0.0, 0.041, 0.001, 0.019, -0.001]})
    >>> scores = pd.DataFrame({"X": [1.0, 2.0, 1.0], "Y": [0.0, 0.0, 0.0]}, index=list("abc"))
    >>> round(calibrate(SimpleNamespace(results=pairs), scores).bps_per_unit)
    203
    """
    matrix = scores.matrix if isinstance(scores, EventImpacts) else scores
    frame = study.results[["event_id", "ticker", "car"]].copy()
    stacked = matrix.stack()
    lookup = dict(zip(zip(stacked.index.get_level_values(0), stacked.index.get_level_values(1)), stacked.to_numpy()))
    frame["score"] = [float(lookup.get((e, t), 0.0)) for e, t in zip(frame["event_id"], frame["ticker"])]
    frame = frame[np.isfinite(frame["car"])]
    n = len(frame)
    if n < 3 or frame["score"].nunique() < 2:
        raise DataError(f"{n} pairs with {frame['score'].nunique()} distinct scores; a slope needs 3+ pairs and "
                        "2+ distinct scores", fix="add events or securities the graph maps")
    x = np.column_stack([np.ones(n), frame["score"].to_numpy()])
    y = frame["car"].to_numpy() * 1e4
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    resid = y - x @ beta
    groups = frame["event_id"].to_numpy()
    n_events = len(pd.unique(groups))
    used = cov_type
    if cov_type == "cluster" and n_events < 2:
        warnings.warn(f"only {n_events} event: clustered errors need 2 or more; using HC1",
                      CalibrationWarning, stacklevel=2)
        used = "hc1"
    if used == "cluster":
        meat = np.zeros((2, 2))
        for g in pd.unique(groups):
            s = x[groups == g].T @ resid[groups == g]
            meat += np.outer(s, s)
        factor = n_events / (n_events - 1) * (n - 1) / (n - 2)
        df = n_events - 1
    elif used == "hc1":
        meat = (x * resid[:, None] ** 2).T @ x
        factor = n / (n - 2)
        df = n - 2
    else:
        raise ArgumentError(f"cov_type={cov_type!r}; use 'cluster' or 'hc1'")
    cov = factor * bread @ meat @ bread
    se = float(np.sqrt(cov[1, 1]))
    t = float(beta[1] / se) if se > 0 else float("nan")
    p = float(2 * stats.t.sf(abs(t), df)) if se > 0 else float("nan")
    half = float(stats.t.ppf(0.975, df) * se)
    centred = y - y.mean()
    r2 = float(1 - resid @ resid / (centred @ centred)) if centred @ centred > 0 else float("nan")
    return Calibration(float(beta[1]), se, t, p, (float(beta[1]) - half, float(beta[1]) + half),
                       float(beta[0]), n, n_events, r2, used)


def sensitivity_bps(sensitivity: pd.Series | float, calibration: Calibration, *, level: float = 0.95) -> pd.DataFrame:
    """A portfolio's event sensitivity (weighted impact score) in expected basis points.

    Examples
    --------
    >>> cal = Calibration(200.0, 50.0, 4.0, 0.001, (100.0, 300.0), 0.0, 40, 5, 0.3, "cluster")
    >>> sensitivity_bps(pd.Series({"evt": 0.1}), cal).round(1)
          sensitivity   bps  bps_low  bps_high
    evt           0.1  20.0     10.2      29.8
    """
    series = sensitivity if isinstance(sensitivity, pd.Series) else pd.Series({"portfolio": float(sensitivity)})
    z = stats.norm.ppf(0.5 + level / 2)
    bps = series * calibration.bps_per_unit
    half = (series.abs() * calibration.se * z)
    return pd.DataFrame({"sensitivity": series, "bps": bps, "bps_low": bps - half, "bps_high": bps + half})
