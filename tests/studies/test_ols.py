import numpy as np
import pandas as pd
import pytest

from exposure.studies import ols, rolling_ols

sm = pytest.importorskip("statsmodels.api")
from statsmodels.regression.rolling import RollingOLS  # noqa: E402


def _data(t=400, n=4, k=3, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0005, 0.01, (t, k))
    y = 0.001 + x @ rng.normal(1, 0.5, (k, n)) + rng.normal(0, 0.01, (t, n))
    return y, x


@pytest.mark.parametrize("window", [20, 60, 252])
def test_rolling_matches_statsmodels(window):
    y, x = _data()
    ours = rolling_ols(y, x, window)
    for j in range(y.shape[1]):
        theirs = RollingOLS(y[:, j], sm.add_constant(x), window=window).fit().params
        np.testing.assert_allclose(ours[:, :, j], theirs, atol=1e-8, rtol=0)
        assert np.array_equal(np.isnan(ours[:, 0, j]), np.isnan(theirs[:, 0]))


def test_rolling_with_large_offsets_stays_accurate():
    y, x = _data(t=300, n=2)
    y, x = y + 1.0, x + 0.1  # prices-like levels: plain cumulative sums of X'X would lose digits
    ours = rolling_ols(y, x, 60)
    theirs = RollingOLS(y[:, 1], sm.add_constant(x), window=60).fit().params
    np.testing.assert_allclose(ours[:, :, 1], theirs, atol=1e-8, rtol=0)


def test_rolling_missing_values_skip_windows():
    y, x = _data(t=300, n=2)
    y[50, 1] = np.nan
    x[200, 0] = np.nan
    ours = rolling_ols(y, x, 60)
    # windows containing a NaN are NaN; statsmodels' missing="skip" leaves stale running sums after a
    # skipped block, so compare with reset=1 (every window recomputed) on the windows both define
    theirs = RollingOLS(y[:, 1], sm.add_constant(x), window=60, missing="skip").fit(reset=1).params
    both = ~np.isnan(ours[:, 0, 1]) & ~np.isnan(theirs[:, 0])
    np.testing.assert_allclose(ours[both, :, 1], theirs[both], atol=1e-8, rtol=0)
    nan_rows = np.flatnonzero(np.isnan(ours[:, 0, 1]))
    expected = sorted(set(range(59)) | set(range(50, 110)) | set(range(200, 260)))
    assert nan_rows.tolist() == expected
    assert not np.isnan(ours[120, :, 0]).any()  # series 0 unaffected by series 1's gap


def test_rolling_without_constant():
    y, x = _data(t=120, n=1)
    ours = rolling_ols(y[:, 0], x, 30, add_constant=False)
    theirs = RollingOLS(y[:, 0], x, window=30).fit().params
    np.testing.assert_allclose(ours, theirs, atol=1e-8, rtol=0)


@pytest.mark.parametrize("cov_type", ["classic", "hac"])
def test_ols_standard_errors_match_statsmodels(cov_type):
    y, x = _data(t=300, n=1)
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    fit = ols(pd.Series(y[:, 0], name="y"), frame, cov_type=cov_type, lags=5)
    kwargs = {"cov_type": "HAC", "cov_kwds": {"maxlags": 5}} if cov_type == "hac" else {}
    ref = sm.OLS(y[:, 0], sm.add_constant(x)).fit(**kwargs)
    np.testing.assert_allclose(fit.params, ref.params, atol=1e-12)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-10)
    np.testing.assert_allclose(fit.p, ref.pvalues, rtol=1e-8)
    assert fit.r2 == pytest.approx(ref.rsquared)
    assert "SE: " + cov_type in fit.summary()
