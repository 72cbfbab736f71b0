"""Ordinary least squares: full sample with classic or Newey-West errors, and vectorised rolling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from exposure.errors import ArgumentError, DataError

CovType = Literal["classic", "hac"]


@dataclass(frozen=True)
class OLSResult:
    """One regression: parameters, standard errors and fit.

    Attributes
    ----------
    params, se, t, p : Series
        Indexed by regressor name; ``const`` first when an intercept was added.
    r2 : float
    nobs : int
    cov_type : str
        ``"classic"`` (``s^2 (X'X)^-1`` with ``s^2 = SSR / (n - k)``) or ``"hac"`` (Newey-West,
        Bartlett kernel, no small-sample correction; the same as statsmodels
        ``fit(cov_type="HAC", cov_kwds={"maxlags": L})``).
    lags : int or None
        Newey-West lags when ``cov_type="hac"``.
    """

    params: pd.Series
    se: pd.Series
    t: pd.Series
    p: pd.Series
    r2: float
    nobs: int
    cov_type: str
    lags: int | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dictionary."""
        return {"params": self.params.to_dict(), "se": self.se.to_dict(), "t": self.t.to_dict(),
                "p": self.p.to_dict(), "r2": self.r2, "nobs": self.nobs, "cov_type": self.cov_type,
                "lags": self.lags}

    def summary(self) -> str:
        """Coefficient table as text."""
        table = pd.DataFrame({"coef": self.params, "se": self.se, "t": self.t, "p": self.p})
        head = f"OLS, n={self.nobs}, R2={self.r2:.4f}, SE: {self.cov_type}"
        head += f" ({self.lags} lags)" if self.lags is not None else ""
        return head + "\n" + table.to_string(float_format=lambda v: f"{v:.6g}")


def ols(
    y: pd.Series,
    x: pd.DataFrame | pd.Series,
    *,
    add_constant: bool = True,
    cov_type: CovType = "classic",
    lags: int | None = None,
) -> OLSResult:
    """Regress ``y`` on ``x`` over the dates where both are present.

    Parameters
    ----------
    y : Series
    x : DataFrame or Series
        Regressors, aligned with ``y`` on the index.
    add_constant : bool, default True
    cov_type : {"classic", "hac"}
        Classic homoskedastic standard errors, or Newey-West (HAC) with ``lags`` lags
        (default ``floor(4 (n/100)^(2/9))``).
    lags : int, optional

    Returns
    -------
    OLSResult
        p-values from Student t with ``n - k`` degrees of freedom for classic errors, from the
        normal distribution for HAC errors (as statsmodels).

    Examples
    --------
    >>> x = pd.Series([1.0, 2.0, 3.0, 4.0], name="m")
    >>> fit = ols(2.0 * x + 1.0 + pd.Series([0.1, -0.1, -0.1, 0.1]), x)
    >>> fit.params.round(6).tolist()
    [1.0, 2.0]
    """
    frame = pd.concat([y.rename("__y__"), x.to_frame() if isinstance(x, pd.Series) else x], axis=1,
                      join="inner").dropna()
    names = [c for c in frame.columns if c != "__y__"]
    design = frame[names].to_numpy(float)
    if add_constant:
        design = np.column_stack([np.ones(len(frame)), design])
        names = ["const", *names]
    target = frame["__y__"].to_numpy(float)
    n, k = design.shape
    if n <= k:
        raise DataError(f"{n} complete observations for {k} coefficients", where=str(y.name),
                        fix="give a longer history or fewer regressors")
    xtx_inv = np.linalg.pinv(design.T @ design)
    beta = xtx_inv @ design.T @ target
    resid = target - design @ beta
    if cov_type == "classic":
        cov = xtx_inv * (resid @ resid / (n - k))
        df: float | None = n - k
        used_lags = None
    elif cov_type == "hac":
        used_lags = int(np.floor(4 * (n / 100) ** (2 / 9))) if lags is None else int(lags)
        scores = design * resid[:, None]
        meat = scores.T @ scores
        for lag in range(1, used_lags + 1):
            gamma = scores[lag:].T @ scores[:-lag]
            meat += (1 - lag / (used_lags + 1)) * (gamma + gamma.T)
        cov = xtx_inv @ meat @ xtx_inv
        df = None
    else:
        raise ArgumentError(f"cov_type={cov_type!r}; use 'classic' or 'hac'")
    se = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        tvals = beta / se
    pvals = 2 * stats.t.sf(np.abs(tvals), df) if df is not None else 2 * stats.norm.sf(np.abs(tvals))
    centred = target - target.mean()
    r2 = float(1 - resid @ resid / (centred @ centred)) if centred @ centred > 0 else float("nan")
    index = pd.Index(names, name="term")
    return OLSResult(pd.Series(beta, index), pd.Series(se, index), pd.Series(tvals, index),
                     pd.Series(pvals, index), r2, n, cov_type, used_lags)


def rolling_ols(
    y: np.ndarray,
    x: np.ndarray,
    window: int,
    *,
    add_constant: bool = True,
) -> np.ndarray:
    """Rolling OLS coefficients of many series on shared regressors, vectorised.

    Windows are the ``window`` rows ending at each row. A window with a missing value in ``x``
    gives NaN for every series, one with a missing value in a series gives NaN for that series
    (statsmodels ``RollingOLS(..., missing="skip")``). Sums of ``X'X`` and ``X'y`` over each
    window come from cumulative sums of data centred on their full-sample means (for accuracy);
    each window's ``k x k`` matrix is inverted once and applied to every series in one batched product.

    Parameters
    ----------
    y : ndarray, shape (T,) or (T, N)
    x : ndarray, shape (T,) or (T, K)
    window : int
    add_constant : bool, default True
        Add an intercept; it comes first in the output.

    Returns
    -------
    ndarray, shape (T, K + 1, N) (or (T, K + 1) for 1-d ``y``)
        Coefficients per row; the first ``window - 1`` rows are NaN.

    Examples
    --------
    >>> t = np.arange(6.0)
    >>> rolling_ols(1.0 + 2.0 * t, t, 3)[2:].round(10).tolist()
    [[1.0, 2.0], [1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]
    """
    y = np.asarray(y, float)
    x = np.asarray(x, float)
    single = y.ndim == 1
    y2 = y[:, None] if single else y
    x2 = x[:, None] if x.ndim == 1 else x
    n_rows, n_series = y2.shape
    if x2.shape[0] != n_rows:
        raise ArgumentError(f"y has {n_rows} rows and x {x2.shape[0]}; align them first")
    k = x2.shape[1] + int(add_constant)
    if window < k:
        raise ArgumentError(f"window={window} is shorter than the {k} coefficients")
    out = np.full((n_rows, k, n_series), np.nan)
    if n_rows < window:
        return out[:, :, 0] if single else out

    x_bad = np.isnan(x2).any(axis=1)
    y_bad = np.isnan(y2) | x_bad[:, None]
    # centring changes only the intercept, so it is safe (and more accurate) only with one
    x_mean = np.zeros(x2.shape[1])
    y_mean = np.zeros(n_series)
    if add_constant and (~x_bad).any():
        x_mean = x2[~x_bad].mean(axis=0)
        counts = (~y_bad).sum(axis=0)
        y_mean = np.where(y_bad, 0.0, y2).sum(axis=0) / np.maximum(counts, 1)
    xc = np.where(x_bad[:, None], 0.0, x2 - x_mean)
    yc = np.where(y_bad, 0.0, y2 - y_mean)
    design = np.column_stack([np.ones(n_rows), xc]) if add_constant else xc
    design = np.where(x_bad[:, None], 0.0, design)

    def window_sums(a: np.ndarray) -> np.ndarray:
        np.cumsum(a, axis=0, out=a)
        sums = a[window - 1:].copy()
        sums[1:] -= a[:-window]
        return sums

    xtx = window_sums(design[:, :, None] * design[:, None, :])
    xty = window_sums(design[:, :, None] * yc[:, None, :])
    ok_x = ~(window_sums(x_bad.astype(float)) > 0) if x_bad.any() else np.ones(len(xtx), bool)
    params = np.full((n_rows - window + 1, k, n_series), np.nan)
    if ok_x.any():
        # k x k inverses once per window, then one batched product for all series: X is shared
        params[ok_x] = np.matmul(np.linalg.inv(xtx[ok_x]), xty[ok_x])
    if add_constant:
        params[:, 0, :] += y_mean - np.einsum("k,tkn->tn", x_mean, params[:, 1:, :])
    if y_bad.any():
        y_bad_w = window_sums(y_bad.astype(float)) > 0
        params[np.broadcast_to(y_bad_w[:, None, :], params.shape)] = np.nan
    out[window - 1:] = params
    return out[:, :, 0] if single else out
