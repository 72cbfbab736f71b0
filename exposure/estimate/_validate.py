"""Out-of-sample check of the blend: does it predict next year's betas better than its ingredients?

For each year Y, everything is estimated as of 1 January of Y (prior from the graph as of that
day, betas from the window before it), and compared with the betas the same securities show
during Y (same factors, same baskets, the scale refitted on Y): the revenue prior alone, the past
beta alone (``z``) and the blend each predict the realised ``z``. Scored per theme and year by the
out-of-sample R^2 (``1 - SSE / SST`` around the realised mean) and the Spearman rank correlation,
over the securities the prior ties to the theme.

The realised ``z`` is not bounded: the scale makes the exposure-weighted average name a full
exposure, so a third of the pure plays of a theme with precise betas (levered airlines, oil
producers, chemical makers) show ``z > 1``, which no exposure in [0, 1] can reach. Two more
views say how much of a score is that bound and how much is the estimate: the blend before its
bound (``blend_unbounded``, ``p + k (z - p)``: the shrinkage alone) against the same target, and
every predictor against the bounded target ``clip(z, 0, 1)`` (``r2_bounded_*``: the best an
exposure could do). ``n_clipped`` counts the blends the bound moved, ``n_over_1`` the realised
``z`` above 1. The headline scores stay those of the unbounded target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from exposure.estimate._blend import WINDOW, blend_exposures, full_exposure_beta, measure
from exposure.estimate._factors import ThemeFactor, default_levels, read_theme_factors
from exposure.estimate._regress import MIN_SESSIONS
from exposure.graph import KnowledgeGraph

PREDICTORS = ("prior", "past", "past_clipped", "blend")
UNBOUNDED = "blend_unbounded"
"""The blend before its [0, 1] bound: scored beside the others, not one of them (it is not an exposure)."""


@dataclass(frozen=True)
class BlendValidation:
    """Out-of-sample scores of the prior, the past beta and the blend.

    Attributes
    ----------
    per_year : DataFrame
        theme, year, n, and ``r2_<predictor>``, ``rho_<predictor>`` for prior, past (the past beta
        as an exposure), past_clipped (the same bounded to [0, 1], as exposures are), blend and
        blend_unbounded (the blend before its bound); ``r2_bounded_<predictor>`` against the
        realised ``z`` bounded to [0, 1]; ``n_clipped`` (blends the bound moved) and ``n_over_1``
        (realised ``z`` above 1).
    by_theme : DataFrame
        Means over the years per theme, and the years in which the blend's R^2 beat both others.
    """

    per_year: pd.DataFrame
    by_theme: pd.DataFrame

    @property
    def overall(self) -> dict[str, float]:
        """Means over every theme and year, medians over the themes' means, and how many themes the blend wins."""
        columns = ([f"{m}_{p}" for m in ("r2", "rho") for p in (*PREDICTORS, UNBOUNDED)]
                   + [f"r2_bounded_{p}" for p in PREDICTORS])
        means = pd.concat([self.per_year[columns].mean(),
                           self.by_theme[columns].median().add_prefix("median_theme_")])
        t = self.by_theme
        wins = ((t["r2_blend"] > t[["r2_prior", "r2_past"]].max(axis=1))
                & (t["rho_blend"] >= t[["rho_prior", "rho_past"]].max(axis=1)))
        bounded = t["r2_bounded_blend"] > t[[f"r2_bounded_{p}" for p in PREDICTORS if p != "blend"]].max(axis=1)
        return {**{k: float(v) for k, v in means.items()}, "themes": int(len(t)),
                "themes_blend_best": int(wins.sum()), "themes_blend_best_bounded_r2": int(bounded.sum()),
                "theme_years": int(len(self.per_year))}

    def summary(self) -> str:
        """The per-theme table and the overall means."""
        o = self.overall
        years = self.per_year["year"]
        head = (f"blend validation, out of sample, {years.min()}-{years.max()}: {o['theme_years']} theme-years; "
                f"blend beats prior and past beta on R^2 and at least ties on rank in {o['themes_blend_best']} "
                f"of {o['themes']} themes; on the bounded target its R^2 beats all three in "
                f"{o['themes_blend_best_bounded_r2']}\n"
                + "".join(f"{stat:<14}{label:<6}prior {o[f'{key}{m}_prior']:+.3f}  "
                          f"past beta {o[f'{key}{m}_past']:+.3f}  past beta in [0, 1] "
                          f"{o[f'{key}{m}_past_clipped']:+.3f}  blend {o[f'{key}{m}_blend']:+.3f}\n"
                          for stat, key in (("mean", ""), ("median theme", "median_theme_"))
                          for m, label in (("r2", "R^2"), ("rho", "rank")))
                + f"mean          blend before its [0, 1] bound: R^2 {o['r2_' + UNBOUNDED]:+.3f}  "
                  f"rank {o['rho_' + UNBOUNDED]:+.3f}\n"
                + f"mean R^2 on the bounded target clip(z, 0, 1): prior {o['r2_bounded_prior']:+.3f}  past beta "
                  f"{o['r2_bounded_past']:+.3f}  past beta in [0, 1] {o['r2_bounded_past_clipped']:+.3f}  blend "
                  f"{o['r2_bounded_blend']:+.3f}\n")
        return head + self.by_theme.to_string(float_format=lambda v: f"{v:+.3f}")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready overall figures, per-theme and per-year tables."""
        return {"overall": self.overall, "by_theme": self.by_theme.reset_index().to_dict("records"),
                "per_year": self.per_year.to_dict("records")}


def validate_blend(
    graph: KnowledgeGraph,
    returns: pd.DataFrame,
    *,
    years: range | list[int] = range(2017, 2027),
    levels: pd.DataFrame | None = None,
    market: str = "SPY",
    window: int = WINDOW,
    min_sessions: int = MIN_SESSIONS,
    themes: list[str] | None = None,
    factors: list[ThemeFactor] | None = None,
    point_in_time: str = "strict",
) -> BlendValidation:
    """Score prior, past beta and blend against the next year's realised betas, year by year.

    Parameters are those of :func:`~exposure.estimate.blend_exposures`; ``years`` are the
    predicted years (each estimated as of its 1 January, the prior from the graph as of that day
    under ``point_in_time``). Years without enough sessions on
    either side are skipped.
    """
    if levels is None:
        levels = default_levels()
    factors = factors if factors is not None else read_theme_factors()
    rows = []
    for year in years:
        start, end = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year + 1}-01-01")
        ahead = returns.loc[(returns.index >= start) & (returns.index < end)]
        if len(ahead) < min_sessions or (returns.index < start).sum() < min_sessions:
            continue
        blended = blend_exposures(graph, returns, as_of=start.date(), levels=levels, market=market, window=window,
                                  min_sessions=min_sessions, themes=themes, factors=factors, explicit="blend",
                                  point_in_time=point_in_time)
        chosen = [f for f in factors if f.theme in set(blended.table["theme"])]
        realised = measure(blended.prior_graph, ahead, chosen, levels=levels, market=market, min_sessions=min_sessions)
        for k, factor in enumerate(chosen):
            # the target takes any positive scale, so its theme-years are the same with or without MIN_REF_T
            ref = full_exposure_beta(realised.prior[:, k], realised.beta[:, k], min_t=0.0)
            if not np.isfinite(ref):
                continue
            target = pd.Series(realised.beta[:, k] / ref, index=realised.tickers)
            part = blended.table[blended.table["theme"] == factor.theme].set_index("ticker")
            y = target.reindex(part.index)
            keep = y.notna().to_numpy()
            if keep.sum() < 5:
                continue
            y = y[keep].to_numpy()
            past = part["z"].to_numpy()[keep]
            prior = part["prior"].to_numpy()[keep]
            unbounded = part["sensitivity"].to_numpy()[keep]
            predictions = {"prior": prior, "past": past, "past_clipped": np.clip(past, 0.0, 1.0),
                           "blend": part["blend"].to_numpy()[keep], UNBOUNDED: unbounded}
            row = {"theme": factor.theme, "year": year, "n": int(keep.sum()),
                   "n_clipped": int(((unbounded < 0) | (unbounded > 1)).sum()), "n_over_1": int((y > 1).sum())}
            for name, guess in predictions.items():
                row[f"r2_{name}"] = _r2(y, guess)
                row[f"rho_{name}"] = _spearman(y, guess)
            for name in PREDICTORS:
                row[f"r2_bounded_{name}"] = _r2(np.clip(y, 0.0, 1.0), predictions[name])
            rows.append(row)
    per_year = pd.DataFrame(rows)
    means = per_year.drop(columns="year").groupby("theme").mean()
    best = per_year["r2_blend"] > per_year[["r2_prior", "r2_past"]].max(axis=1)
    means["years"] = per_year.groupby("theme").size()
    means["years_blend_best_r2"] = best.groupby(per_year["theme"]).sum()
    return BlendValidation(per_year, means)


def _r2(y: np.ndarray, guess: np.ndarray) -> float:
    """Out-of-sample R^2: 1 - SSE / SST around the realised mean.

    >>> _r2(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])), _r2(np.array([1.0, 2.0, 3.0]), np.full(3, 2.0))
    (1.0, 0.0)
    """
    sst = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float(((y - guess) ** 2).sum()) / sst if sst > 0 else np.nan


def _spearman(y: np.ndarray, guess: np.ndarray) -> float:
    """Rank correlation (average ranks for ties; NaN when either side is constant)."""
    a, b = pd.Series(y).rank().to_numpy(), pd.Series(guess).rank().to_numpy()
    if a.std() == 0 or b.std() == 0:
        return np.nan
    return float(np.corrcoef(a, b)[0, 1])
