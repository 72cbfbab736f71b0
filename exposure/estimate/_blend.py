"""Blend the graph's revenue-based exposures with what returns show: empirical-Bayes shrinkage.

For security i and theme k with a factor (see :mod:`exposure.estimate._factors`):

1. **Beta.** ``b`` = OLS beta of the daily return on the factor, controlling for the market
   (:func:`~exposure.estimate._regress.theme_betas`), over the ``window`` sessions before the
   as-of date (never on or after it), with its classic standard error ``se``.
2. **Prior.** ``p`` = the effective exposure of the (point-in-time) graph: explicit figure,
   industry default or roll-up. Only securities the prior ties to the theme (``p > 0``) are
   blended: returns say how much, the graph says whether. Co-movement alone is not a business
   tie (over 2020-22 cruise lines and oil producers moved with bank stocks beyond the market: a
   reopening and value trade, not banking).
3. **Scale.** Betas are in return per unit of factor; exposures are shares in [0, 1]. The theme's
   reference ``ref`` is the beta of a full exposure, fitted through the origin over the exposed
   securities (``b ~ ref p``), so ``z = b / ref`` is the exposure the returns show and
   ``se_z = se / ref`` its standard error. A theme whose ``ref`` is not at least
   :data:`MIN_REF_T` standard errors above zero has no scale and is skipped: dividing by a
   reference near zero turns noise into exposures of 0 or 1 (the dollar factor in 2019: ref 0.007,
   t 0.3).
4. **Shrinkage.** Within each GICS sector, the spread of true deviations from the prior is
   estimated by moments, ``tau2 = max(mean((z - p)^2) - mean(se_z^2), 0)`` (Morris 1983), and
   each estimate gets the weight of its precision: ``k = tau2 / (tau2 + se_z^2)``.
5. **Blend.** ``e = clip(p + k (z - p), 0, 1)``: a precise beta in a sector whose members differ
   moves the exposure far; a noisy one, or a sector where the prior already explains the
   spread, leaves the prior in place.

Explicit company figures are kept unless ``explicit="blend"`` (then every such row says which
figure it replaced). A factor marked ``use=no`` in ``theme_factors.csv`` is measured and
validated, but its blends are not used (each row says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, DataError
from exposure.estimate._cache import cache_key, default_blend_cache_dir, frame_hash, load, save
from exposure.estimate._factors import (
    PURE_PLAY,
    ThemeFactor,
    basket_sums,
    default_levels,
    read_theme_factors,
    series_factors,
)
from exposure.estimate._regress import MIN_SESSIONS, paired_theme_betas, theme_betas
from exposure.graph import KnowledgeGraph, strict_policy
from exposure.io import parse_date

WINDOW = 756
"""Default estimation window: three years of sessions before the as-of date."""
MIN_GROUP = 8
"""Fewest estimates in a sector for its own shrinkage; smaller sectors share the theme's."""
MIN_EXPOSED = 3
"""Fewest exposed securities with an estimate for a theme's scale."""
MIN_REF_T = 2.0
"""Smallest t-statistic of the beta of a full exposure for a theme to be scaled (and blended) at all."""
TABLE_COLUMNS = [
    "ticker", "company_id", "theme", "factor", "prior", "prior_basis", "beta", "se", "nobs", "ref", "z", "se_z",
    "group", "tau2", "k", "sensitivity", "blend", "used", "note",
]


@dataclass(frozen=True)
class BlendedExposures:
    """Exposures blended from the graph's prior and returns, with every ingredient (see module doc).

    Attributes
    ----------
    table : DataFrame
        One row per security and theme with an estimate: ``ticker, company_id, theme, factor,
        prior, prior_basis, beta, se, nobs, ref, z, se_z, group, tau2, k, sensitivity, blend, used, note``.
        ``sensitivity`` is ``prior + k (z - prior)`` before the [0, 1] bound: the shrunk
        sensitivity in units of a full exposure, which may pass 1 (a high-beta producer) or 0 (a
        name that moves against its theme); ``blend`` bounds it to an exposure. ``used`` says whether
        the row becomes a ``returns-blend`` edge; ``note`` why not.
    themes : DataFrame
        Per theme: factor, reference beta, pure plays, estimates, or why the theme was skipped.
    as_of : str
        Nothing on or after this date was used.
    window : tuple of str
        First and last session of the estimation window.
    graph_version : str
        Version of the graph the prior came from.
    prior_graph : KnowledgeGraph
        That graph (the as-of graph when an undated one was given).
    """

    table: pd.DataFrame
    themes: pd.DataFrame
    as_of: str
    window: tuple[str, str]
    graph_version: str
    prior_graph: KnowledgeGraph = field(repr=False, compare=False)

    def wide(self, value: str = "blend") -> pd.DataFrame:
        """Ticker x theme table of one column (``blend``, ``prior``, ``z``, ``k``, ...)."""
        return self.table.pivot(index="ticker", columns="theme", values=value)

    def explain(self, ticker: str, theme: str) -> str:
        """How one blended number came about: prior, beta, standard error, weight.

        Examples
        --------
        >>> import exposure as ex
        >>> from exposure.datasets import load_dev_returns
        >>> blend = ex.estimate.blend_exposures(ex.default_graph(), load_dev_returns(), as_of="2024-01-02",
        ...                                      themes=["theme:airlines"])
        >>> print(blend.explain("DAL", "theme:airlines").splitlines()[0])
        DAL / theme:airlines, as of 2024-01-02 (sessions 2020-12-29..2023-12-29)
        """
        rows = self.table[(self.table["ticker"] == ticker) & (self.table["theme"] == theme)]
        if rows.empty:
            shown = ", ".join(self.themes.index[:8])
            raise ArgumentError(f"no estimate for {ticker} / {theme}", field="ticker",
                                fix=f"pick a ticker and theme of .table (themes: {shown}, ...)")
        r = rows.iloc[0]
        lines = [
            f"{ticker} / {theme}, as of {self.as_of} (sessions {self.window[0]}..{self.window[1]})",
            f"  prior      {r.prior:.3f} ({r.prior_basis})",
            f"  beta       {r.beta:+.4f} (se {r.se:.4f}, t {r.beta / r.se:+.1f}, {r.nobs} sessions) to {r.factor}, "
            "market held fixed",
            f"  scaled     z = beta / {r.ref:.4f} (beta of a full exposure) = {r.z:+.3f} (se {r.se_z:.3f})",
            f"  weight     k = tau2 / (tau2 + se_z^2) = {r.tau2:.4f} / ({r.tau2:.4f} + {r.se_z ** 2:.4f}) = {r.k:.3f}"
            f"  [tau2 of {r.group}]",
            f"  blend      {r.prior:.3f} + {r.k:.3f} x ({r.z:+.3f} - {r.prior:.3f}) = {r.blend:.3f}"
            + (f" (sensitivity {r.sensitivity:.3f} bounded to [0, 1])" if not 0 <= r.sensitivity <= 1 else ""),
            f"  used       {'yes: returns-blend edge' if r.used else 'no: ' + r.note}",
        ]
        return "\n".join(lines)

    def edges(self) -> pd.DataFrame:
        """The ``exposed_to_blend`` edge rows of the used estimates (one per company and theme)."""
        used = self.table[self.table["used"]].drop_duplicates(["company_id", "theme"])
        source = [f"returns-blend: {f}, sessions {self.window[0]}..{self.window[1]}, t {b / s:+.1f}, k {k:.2f}"
                  for f, b, s, k in zip(used["factor"], used["beta"], used["se"], used["k"])]
        note = [f"prior {p:.3f} ({basis}); beta {b:+.4f} se {s:.4f} via {t}; z {z:+.3f} se {sz:.3f}; "
                f"tau2 {tau:.4f} ({g}); k {k:.3f}" + (f"; {n}" if n else "")
                for p, basis, b, s, t, z, sz, tau, g, k, n in zip(
                    used["prior"], used["prior_basis"], used["beta"], used["se"], used["ticker"], used["z"],
                    used["se_z"], used["tau2"], used["group"], used["k"], used["note"])]
        frame = pd.DataFrame({"from_id": used["company_id"].to_numpy(), "to_id": used["theme"].to_numpy(),
                              "weight": used["blend"].round(6).to_numpy(), "source": source, "as_of": self.as_of,
                              "note": note, "origin": "returns-blend"})
        if "known_from" in self.prior_graph.edge_history.columns:
            frame["known_from"] = self.as_of
        return frame

    def to_graph(self, graph: KnowledgeGraph | None = None) -> KnowledgeGraph:
        """The graph (default: the one the prior came from) carrying these blends as ``exposed_to_blend`` edges.

        Use it with ``ImpactSettings(exposures="blend")`` or ``graph.security_exposures(exposures="blend")``.
        """
        return (graph or self.prior_graph).with_blended_exposures(self.edges())

    def summary(self) -> str:
        """Per theme: factor, estimates, how many blends were used and how far they moved."""
        t = self.table
        used = t[t["used"]]
        moved = (used["blend"] - used["prior"]).abs().groupby(used["theme"]).mean()
        frame = self.themes.assign(used=used.groupby("theme").size(), mean_move=moved).fillna({"used": 0})
        head = (f"blended exposures as of {self.as_of}, sessions {self.window[0]}..{self.window[1]}, graph "
                f"{self.graph_version}: {len(used)} used of {len(t)} estimates")
        return head + "\n" + frame.to_string(float_format=lambda v: f"{v:.4g}")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: settings, per-theme summary and the used rows."""
        used = self.table[self.table["used"]]
        return {"as_of": self.as_of, "window": list(self.window), "graph_version": self.graph_version,
                "themes": self.themes.reset_index().to_dict("records"),
                "rows": used.to_dict("records")}


def blend_exposures(
    graph: KnowledgeGraph,
    returns: pd.DataFrame,
    *,
    as_of: date | str,
    levels: pd.DataFrame | None = None,
    market: str = "SPY",
    window: int = WINDOW,
    min_sessions: int = MIN_SESSIONS,
    themes: list[str] | None = None,
    factors: list[ThemeFactor] | None = None,
    explicit: Literal["keep", "blend"] = "keep",
    point_in_time: str = "strict",
    cache_dir: str | Path | None = None,
) -> BlendedExposures:
    """Blend each security's prior theme exposure with its returns' sensitivity to the theme's factor.

    Parameters
    ----------
    graph : KnowledgeGraph
        Where the prior comes from. An undated graph is first taken as of ``as_of`` under
        ``point_in_time``; a graph from :meth:`KnowledgeGraph.as_of` is used as given.
    returns : DataFrame
        Daily simple returns, date x ticker, including the market and the fund factors.
    as_of : date or str
        Only sessions strictly before this date are used.
    levels : DataFrame, optional
        Non-price series by date for ``yield`` and ``index`` factors (e.g. ``^TNX`` in percent,
        ``GPRD``); default the bundled yields and geopolitical risk index (:func:`default_levels`).
    market : str, default "SPY"
        Column of ``returns`` held fixed in every regression.
    window : int, default 756
        Sessions before ``as_of`` used (three years).
    min_sessions : int, default 120
        Fewest sessions for an estimate.
    themes : list of str, optional
        Restrict to these themes (default every theme with a factor).
    factors : list of ThemeFactor, optional
        Default the bundled ``theme_factors.csv``.
    explicit : {"keep", "blend"}, default "keep"
        Whether explicit company figures are kept or blended too (each blended one then says so).
    point_in_time : {"strict", "look-ahead", "current"}, default "strict"
        For an undated graph: the prior from its strict as-of graph (figures published after
        ``as_of`` dropped, the company on its industry default), from the as-of graph with them
        (counted in ``prior_graph.look_ahead_count``), or from the graph as given.
    cache_dir : str or Path, optional
        Keep results on disk here (default ``$EXPOSURE_CACHE_DIR/blend`` when set); they are
        always kept in memory. Entries are named by graph version, hashes of the returns and
        levels, and every setting, so a changed input is estimated afresh.

    Returns
    -------
    BlendedExposures
    """
    day = parse_date(as_of, field="as_of")
    if day is None:
        raise ArgumentError("no as-of date given", field="as_of", fix="give a date such as 2022-02-24")
    if explicit not in ("keep", "blend"):
        raise ArgumentError(f"explicit={explicit!r}", field="explicit", fix="use 'keep' or 'blend'")
    if window < min_sessions:
        raise ArgumentError(f"window {window} is shorter than min_sessions {min_sessions}", field="window",
                            fix="give a window of at least min_sessions sessions")
    if market not in returns.columns:
        raise ArgumentError(f"no market column {market!r} in the returns", field="market",
                            fix="add the market's returns or name the column holding them")
    past = returns.loc[returns.index < pd.Timestamp(day)].iloc[-window:]
    if len(past) < min_sessions:
        raise DataError(f"only {len(past)} sessions before {day}", where="returns", field="as_of",
                        fix=f"give returns with at least {min_sessions} sessions before the as-of date")
    if levels is None:
        levels = default_levels()
    levels = levels.loc[levels.index < pd.Timestamp(day)]

    if point_in_time == "current" or graph.dated:
        prior_graph = graph
    else:
        prior_graph = graph.as_of(day, strict=strict_policy(point_in_time))
    chosen = _factors(factors if factors is not None else read_theme_factors(), prior_graph, themes)
    span = (past.index[0].date().isoformat(), past.index[-1].date().isoformat())
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_blend_cache_dir()
    key = cache_key(graph=prior_graph.version, returns=frame_hash(past), levels=frame_hash(levels),
                    as_of=day.isoformat(), window=window, min_sessions=min_sessions, market=market,
                    factors=[vars(f) for f in chosen], explicit=explicit, columns=TABLE_COLUMNS)
    cached = load(key, folder)
    if cached is not None:
        table, meta = cached
        themes_frame = pd.DataFrame(meta["themes"]).set_index("theme") if meta["themes"] else pd.DataFrame()
        return BlendedExposures(table, themes_frame, day.isoformat(), span, prior_graph.version, prior_graph)
    measured = measure(prior_graph, past, chosen, levels=levels, market=market, min_sessions=min_sessions)
    rows, summaries = [], []
    for k, factor in enumerate(chosen):
        p = measured.prior[:, k]
        beta, se = measured.beta[:, k], measured.se[:, k]
        has = (p > 0) & np.isfinite(beta) & np.isfinite(se)
        ref = full_exposure_beta(p, beta)
        summary = {"theme": factor.theme, "factor": factor.label, "exposed": int(has.sum()),
                   "basket": measured.basket_size[k], "ref": ref, "skipped": ""}
        summaries.append(summary)
        if not np.isfinite(ref):
            summary["skipped"] = (f"fewer than {MIN_EXPOSED} exposed securities with prices" if has.sum() < MIN_EXPOSED
                                  else f"the beta of a full exposure is not positive with t >= {MIN_REF_T:g}")
            continue
        z, se_z = beta / ref, se / ref
        tau2, group = _sector_tau2(z - p, se_z, measured.sector, has)
        with np.errstate(invalid="ignore", divide="ignore"):
            weight = np.where(tau2 > 0, tau2 / (tau2 + se_z ** 2), 0.0)
        sensitivity = p + weight * (z - p)
        blend = np.clip(sensitivity, 0.0, 1.0)
        for i in np.flatnonzero(has):
            b = measured.basis[i][k]
            used, note = True, ""
            if not factor.use:
                used, note = False, f"{factor.label} is measured, not used (theme_factors.csv: use=no)"
            elif b == "explicit" and explicit == "keep":
                used, note = False, "explicit company figure kept (explicit='keep')"
            elif b == "explicit":
                note = f"replaces the explicit company figure {p[i]:.3f}"
            rows.append((measured.tickers[i], measured.company_ids[i], factor.theme, factor.label, p[i], b,
                         beta[i], se[i], int(measured.nobs[i, k]), ref, z[i], se_z[i], group[i], tau2[i],
                         weight[i], sensitivity[i], blend[i], used, note))
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    themes_frame = pd.DataFrame(summaries).set_index("theme") if summaries else pd.DataFrame()
    save(key, folder, table, {"themes": summaries})
    return BlendedExposures(table, themes_frame, day.isoformat(), span, prior_graph.version, prior_graph)


@dataclass(frozen=True)
class Measured:
    """Priors and theme betas of the priced securities (rows) for the chosen themes (columns)."""

    tickers: list[str]
    company_ids: list[str]
    sector: np.ndarray
    prior: np.ndarray
    basis: list[list[str]]
    beta: np.ndarray
    se: np.ndarray
    nobs: np.ndarray
    basket_size: list[int]


def measure(prior_graph: KnowledgeGraph, sessions: pd.DataFrame, factors: list[ThemeFactor], *,
            levels: pd.DataFrame | None, market: str, min_sessions: int = MIN_SESSIONS) -> Measured:
    """Theme betas over ``sessions`` of every security of the graph with returns there, with their priors.

    Basket factors are built from the graph's pure plays (prior >= :data:`PURE_PLAY`); each member
    is measured against the basket without itself.
    """
    securities = prior_graph.securities
    universe = [t for t in sessions.columns if t in securities.index and t != market]
    theme_ids = [f.theme for f in factors]
    prior = prior_graph.security_exposures(theme_ids).reindex(universe).fillna(0.0).to_numpy(float)
    basis_of = _prior_basis(prior_graph, universe, theme_ids)
    r = sessions[universe].to_numpy(float)
    m = sessions[market].to_numpy(float)
    flows = series_factors(factors, sessions, levels)
    f = np.empty((len(sessions), len(factors)))
    baskets: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for k, factor in enumerate(factors):
        if factor.kind == "basket":
            members = np.flatnonzero(prior[:, k] >= PURE_PLAY)
            total, count = basket_sums(r[:, members])
            baskets[k] = (members, total, count)
            with np.errstate(invalid="ignore", divide="ignore"):
                f[:, k] = np.where(count > 0, total / count, np.nan)
        else:
            f[:, k] = flows[factor.theme].to_numpy(float)
    fit = theme_betas(r, m, f, min_sessions=min_sessions)
    beta, se, nobs = fit.beta.copy(), fit.se.copy(), fit.nobs.copy()
    for k, (members, total, count) in baskets.items():
        if len(members) == 0:
            continue
        own = r[:, members]
        others = count[:, None] - np.isfinite(own)
        with np.errstate(invalid="ignore", divide="ignore"):
            loo = np.where(others > 0, (total[:, None] - np.nan_to_num(own)) / others, np.nan)
        paired = paired_theme_betas(own, m, loo, min_sessions=min_sessions)
        beta[members, k], se[members, k], nobs[members, k] = paired.beta, paired.se, paired.nobs
    return Measured(
        universe, [str(c) for c in securities.loc[universe, "company_id"]],
        securities.loc[universe, "sector"].fillna("unclassified").to_numpy(dtype=object), prior,
        [[basis_of.get((t, theme), "none") for theme in theme_ids] for t in universe], beta, se, nobs,
        [len(baskets[k][0]) if k in baskets else 0 for k in range(len(factors))],
    )


def full_exposure_beta(prior: np.ndarray, beta: np.ndarray, *, min_t: float = MIN_REF_T) -> float:
    """The beta of a full exposure: ``b ~ ref p`` through the origin over the exposed securities.

    NaN when fewer than :data:`MIN_EXPOSED` securities are exposed, or when ``ref`` is not at
    least ``min_t`` classic standard errors (``s / sqrt(sum p^2)``, ``s^2`` the residual variance
    with ``n - 1`` degrees of freedom) above zero.

    >>> round(full_exposure_beta(np.array([0.0, 0.5, 1.0, 1.0]), np.array([0.3, 0.5, 1.0, 0.9])), 6)
    0.955556
    >>> full_exposure_beta(np.array([0.5, 1.0, 1.0, 0.5]), np.array([0.4, -0.5, 0.6, -0.3]))
    nan
    """
    has = (prior > 0) & np.isfinite(beta)
    if has.sum() < MIN_EXPOSED:
        return np.nan
    p, b = prior[has], beta[has]
    ref = float(p @ b / (p @ p))
    spread = float(np.sqrt(((b - ref * p) ** 2).sum() / (len(p) - 1) / (p @ p)))
    return ref if ref > 0 and ref >= min_t * spread else np.nan


def _factors(factors: list[ThemeFactor], graph: KnowledgeGraph, themes: list[str] | None) -> list[ThemeFactor]:
    known = set(graph.ids("theme"))
    chosen = [f for f in factors if f.theme in known and (themes is None or f.theme in themes)]
    if themes is not None:
        missing = sorted(set(themes) - {f.theme for f in chosen})
        if missing:
            raise ArgumentError(f"no factor for {', '.join(missing)}", field="themes",
                                fix="pick themes of theme_factors.csv: " + ", ".join(f.theme for f in factors))
    return chosen


def _prior_basis(graph: KnowledgeGraph, tickers: list[str], themes: list[str]) -> dict[tuple[str, str], str]:
    """(ticker, theme) -> basis of the prior (explicit, industry default, roll-up)."""
    table = graph.exposures
    table = table[table["theme"].isin(themes)]
    company = graph.securities.loc[tickers, "company_id"]
    by_company: dict[str, list[str]] = {}
    for ticker, cid in company.items():
        by_company.setdefault(cid, []).append(ticker)
    out = {}
    for cid, theme, b in zip(table["company"], table["theme"], table["basis"]):
        for ticker in by_company.get(cid, ()):
            out[(ticker, theme)] = b
    return out


def _sector_tau2(deviation: np.ndarray, se: np.ndarray, sector: np.ndarray,
                 has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per security, the moment estimate of the spread of true deviations in its sector, and the group used.

    A sector with fewer than :data:`MIN_GROUP` estimates uses the whole theme's (group ``all``).
    """
    def moment(mask: np.ndarray) -> float:
        return float(max(np.mean(deviation[mask] ** 2) - np.mean(se[mask] ** 2), 0.0)) if mask.any() else 0.0

    tau2 = np.full(len(deviation), moment(has))
    group = np.full(len(deviation), "all", dtype=object)
    for name in np.unique(sector[has]):
        mask = has & (sector == name)
        if mask.sum() >= MIN_GROUP:
            tau2[sector == name] = moment(mask)
            group[sector == name] = name
    return tau2, group
