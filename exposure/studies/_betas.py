"""Theme baskets from the graph, and betas to baskets, the market and external indices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, DataError
from exposure.graph import KnowledgeGraph
from exposure.portfolio import Portfolio
from exposure.studies._ols import CovType, OLSResult, ols, rolling_ols


@dataclass(frozen=True)
class ThemeBasket:
    """Exposure-weighted returns of a theme's securities.

    Attributes
    ----------
    theme : str
    returns : Series
        Daily basket return: the weights renormalised over the members with a return that day.
    weights : Series
        Effective exposure of each priced member, normalised to sum to 1.
    unpriced : list of str
        Members with exposure but no prices (left out).
    coverage : Series
        Share of the basket weight with a return each day.
    """

    theme: str
    returns: pd.Series
    weights: pd.Series
    unpriced: list[str]
    coverage: pd.Series

    def summary(self) -> str:
        """Members, weights and the names left out."""
        top = ", ".join(f"{t} {w:.1%}" for t, w in self.weights.sort_values(ascending=False).head(8).items())
        text = f"{self.theme}: {len(self.weights)} priced members ({top})"
        return text + (f"; no prices for {', '.join(self.unpriced)}" if self.unpriced else "")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready weights and exclusions (the return series is left out)."""
        return {"theme": self.theme, "weights": self.weights.to_dict(), "unpriced": list(self.unpriced),
                "days": int(self.returns.notna().sum())}


def theme_basket(graph: KnowledgeGraph, theme: str, returns: pd.DataFrame, *, min_exposure: float = 0.0) -> ThemeBasket:
    """Exposure-weighted basket returns of a theme, over the securities that have prices.

    Parameters
    ----------
    graph : KnowledgeGraph
    theme : str
        Theme id, e.g. ``"theme:defense-spending"``.
    returns : DataFrame
        Date x ticker returns.
    min_exposure : float, default 0
        Members need an exposure above this.

    Returns
    -------
    ThemeBasket

    Examples
    --------
    >>> import exposure as ex
    >>> days = pd.bdate_range("2024-01-01", periods=3)
    >>> r = pd.DataFrame({"LMT": [0.01, 0.02, -0.01], "DAL": [0.0, 0.0, 0.0]}, index=days)
    >>> basket = theme_basket(ex.default_graph(), "theme:defense-spending", r)
    >>> list(basket.weights.index), basket.returns.round(4).tolist()
    (['LMT'], [0.01, 0.02, -0.01])
    """
    exposure = graph.security_exposures([theme])[theme]
    members = exposure[exposure > min_exposure]
    priced = [t for t in members.index if t in returns.columns and returns[t].notna().any()]
    if not priced:
        raise DataError(f"no security exposed to {theme} has prices", where=theme,
                        fix="add prices for some of: " + ", ".join(members.index[:10]))
    weights = members[priced] / members[priced].sum()
    weights.name = "weight"
    block = returns[priced]
    present = block.notna().to_numpy()
    w = weights.to_numpy()
    covered = present @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        basket = np.where(covered > 0, np.nan_to_num(block.to_numpy()) @ w / covered, np.nan)
    return ThemeBasket(theme, pd.Series(basket, index=returns.index, name=theme), weights,
                       [t for t in members.index if t not in priced],
                       pd.Series(covered, index=returns.index, name="coverage"))


def portfolio_returns(weights: Portfolio | pd.Series, returns: pd.DataFrame) -> pd.Series:
    """Daily returns of fixed weights (rebalanced daily); holdings without prices count as cash.

    Examples
    --------
    >>> r = pd.DataFrame({"A": [0.01, 0.02], "B": [0.03, np.nan]})
    >>> portfolio_returns(pd.Series({"A": 0.5, "B": 0.5}), r).tolist()
    [0.02, 0.01]
    """
    w = weights.weights if isinstance(weights, Portfolio) else weights
    aligned = returns.reindex(columns=w.index)
    return pd.Series(np.nan_to_num(aligned.to_numpy()) @ w.to_numpy(float), index=returns.index, name="portfolio")


@dataclass(frozen=True)
class Betas:
    """Full-sample betas of several series to the same factors.

    Attributes
    ----------
    params, se, t : DataFrame
        Ticker x term (``const`` then the factors).
    r2, nobs : Series
    cov_type : str
    """

    params: pd.DataFrame
    se: pd.DataFrame
    t: pd.DataFrame
    r2: pd.Series
    nobs: pd.Series
    cov_type: str

    def summary(self) -> str:
        """Betas with t-statistics."""
        table = self.params.round(4).astype(str) + " (" + self.t.round(2).astype(str) + ")"
        return f"betas (t), SE {self.cov_type}\n" + table.to_string()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready nested dictionaries by ticker."""
        return {"cov_type": self.cov_type, "params": self.params.to_dict("index"), "se": self.se.to_dict("index"),
                "t": self.t.to_dict("index"), "r2": self.r2.to_dict(), "nobs": self.nobs.to_dict()}


def factor_betas(
    returns: pd.DataFrame | pd.Series,
    factors: pd.DataFrame | pd.Series,
    *,
    cov_type: CovType = "classic",
    lags: int | None = None,
) -> Betas:
    """OLS betas of each column of ``returns`` on ``factors`` (with an intercept).

    Each series uses the dates where it and every factor are present. See :func:`ols` for the
    standard errors.

    Examples
    --------
    >>> m = pd.Series([0.01, -0.02, 0.015, 0.0, 0.005], name="SPY")
    >>> r = pd.DataFrame({"A": 2 * m + 0.001})
    >>> factor_betas(r, m).params.round(6).loc["A"].tolist()
    [0.001, 2.0]
    """
    frame = returns.to_frame() if isinstance(returns, pd.Series) else returns
    fits: dict[str, OLSResult] = {}
    for column in frame.columns:
        fits[str(column)] = ols(frame[column].rename(str(column)), factors, cov_type=cov_type, lags=lags)
    index = pd.Index(list(fits), name="ticker")
    return Betas(pd.DataFrame([f.params for f in fits.values()], index=index),
                 pd.DataFrame([f.se for f in fits.values()], index=index),
                 pd.DataFrame([f.t for f in fits.values()], index=index),
                 pd.Series([f.r2 for f in fits.values()], index=index, name="r2"),
                 pd.Series([f.nobs for f in fits.values()], index=index, name="nobs"),
                 cov_type)


def rolling_betas(
    returns: pd.DataFrame | pd.Series, factors: pd.DataFrame | pd.Series, window: int
) -> dict[str, pd.DataFrame]:
    """Rolling OLS coefficients, one date x ticker frame per term (``const`` and each factor).

    Windows with any missing value are NaN (see :func:`rolling_ols`).

    Examples
    --------
    >>> m = pd.Series(np.sin(np.arange(10.0)), name="SPY")
    >>> betas = rolling_betas(pd.DataFrame({"A": 3 * m}), m, 5)
    >>> betas["SPY"]["A"].dropna().round(8).unique().tolist()
    [3.0]
    """
    frame = returns.to_frame() if isinstance(returns, pd.Series) else returns
    x = factors.to_frame() if isinstance(factors, pd.Series) else factors
    x = x.reindex(frame.index)
    params = rolling_ols(frame.to_numpy(float), x.to_numpy(float), window)
    terms = ["const", *map(str, x.columns)]
    return {term: pd.DataFrame(params[:, i, :], index=frame.index, columns=frame.columns)
            for i, term in enumerate(terms)}


def gpr_changes(gpr: pd.Series, dates: pd.DatetimeIndex, *, transform: str = "log_change") -> pd.Series:
    """The GPR index on trading dates: its level, or the log change since the previous trading date.

    Examples
    --------
    >>> g = pd.Series([100.0, 200.0, 50.0, 100.0], index=pd.date_range("2024-01-05", periods=4))
    >>> gpr_changes(g, pd.DatetimeIndex(["2024-01-05", "2024-01-08"])).round(4).tolist()
    [nan, 0.0]
    """
    level = gpr.reindex(dates)
    if transform == "level":
        return level.rename("gpr")
    if transform != "log_change":
        raise ArgumentError(f"transform={transform!r}; use 'log_change' or 'level'")
    return np.log(level).diff().rename("gpr")


def gpr_betas(
    returns: pd.DataFrame | pd.Series,
    gpr: pd.Series,
    *,
    market: pd.Series | None = None,
    transform: str = "log_change",
    cov_type: CovType = "hac",
    lags: int | None = None,
) -> Betas:
    """Betas of returns to the geopolitical risk index, optionally controlling for the market.

    Parameters
    ----------
    returns : DataFrame or Series
    gpr : Series
        Daily index by calendar date, e.g. ``load_gpr()["GPRD"]``.
    market : Series, optional
        Market returns added as a second regressor.
    transform : {"log_change", "level"}
        Regress on ``log(GPR_t / GPR_{t-1})`` between consecutive trading dates (default) or the level.
    cov_type : {"hac", "classic"}, default "hac"
        Newey-West by default: daily GPR changes are autocorrelated.

    Returns
    -------
    Betas
        Term ``gpr`` is the return per unit of log change (or per index point).
    """
    frame = returns.to_frame() if isinstance(returns, pd.Series) else returns
    factor = gpr_changes(gpr, frame.index, transform=transform).to_frame()
    if market is not None:
        factor["market"] = market.reindex(frame.index)
    return factor_betas(frame, factor, cov_type=cov_type, lags=lags)
