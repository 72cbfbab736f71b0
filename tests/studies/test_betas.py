import numpy as np
import pandas as pd
import pytest
from conftest import US_DEFENSE

import exposure as ex
from exposure.errors import DataError
from exposure.studies import (
    factor_betas,
    gpr_betas,
    load_gpr,
    ols,
    portfolio_returns,
    rolling_betas,
    theme_basket,
)


def test_theme_basket_weights_follow_exposure(graph, us_returns):
    basket = theme_basket(graph, "theme:defense-spending", us_returns)
    exposure = graph.security_exposures(["theme:defense-spending"])["theme:defense-spending"]
    assert basket.weights.sum() == pytest.approx(1.0)
    assert set(basket.weights.index) <= set(us_returns.columns)
    ratio = basket.weights / exposure[basket.weights.index]
    assert ratio.std() < 1e-12  # proportional to effective exposure
    assert all(t not in us_returns.columns for t in basket.unpriced)
    day = pd.Timestamp("2022-02-28")
    expected = (us_returns.loc[day, basket.weights.index].fillna(0) * basket.weights).sum() / basket.coverage[day]
    assert basket.returns[day] == pytest.approx(expected)
    assert "theme:defense-spending" in basket.summary()


def test_theme_basket_without_prices_is_an_error(graph):
    with pytest.raises(DataError, match="has prices"):
        theme_basket(graph, "theme:defense-spending", pd.DataFrame({"ZZZ": [0.1]}))


def test_betas_to_market_and_theme_basket(graph, us_returns):
    window = us_returns.loc["2021-01-01":"2023-12-31"]
    basket = theme_basket(graph, "theme:airlines", window).returns
    factors = pd.DataFrame({"market": window["SPY"], "airlines": basket})
    betas = factor_betas(window[["DAL", "LMT"]], factors)
    assert betas.params.loc["DAL", "airlines"] > 0.5
    assert betas.t.loc["DAL", "airlines"] > 10
    single = ols(window["DAL"], factors.loc[:, ["market", "airlines"]])
    np.testing.assert_allclose(betas.params.loc["DAL"].to_numpy(), single.params.to_numpy())
    assert "DAL" in betas.to_dict()["params"]


def test_rolling_betas_agree_with_full_sample_on_last_window(us_returns):
    window = us_returns.loc["2022-01-01":"2022-12-31", ["LMT", "SPY"]].dropna()
    rolling = rolling_betas(window[["LMT"]], window["SPY"], len(window))
    full = factor_betas(window[["LMT"]], window["SPY"])
    assert rolling["SPY"]["LMT"].iloc[-1] == pytest.approx(full.params.loc["LMT", "SPY"], abs=1e-10)
    assert rolling["const"]["LMT"].iloc[:-1].isna().all()


def test_portfolio_betas(us_returns):
    portfolio = ex.Portfolio.from_weights({"LMT": 0.5, "NOC": 0.5})
    r = portfolio_returns(portfolio, us_returns)
    np.testing.assert_allclose(r.loc["2022-02-28"], us_returns.loc["2022-02-28", ["LMT", "NOC"]].mean())
    betas = factor_betas(r.loc["2021":"2023"], us_returns["SPY"])
    assert 0 < betas.params.loc["portfolio", "SPY"] < 1


def test_gpr_betas_with_newey_west(us_returns):
    gpr = load_gpr()["GPRD"]
    window = us_returns.loc["2019-01-01":"2025-12-31"]
    betas = gpr_betas(window[US_DEFENSE + ["DAL"]], gpr, market=window["SPY"], lags=5)
    assert betas.cov_type == "hac"
    assert list(betas.params.columns) == ["const", "gpr", "market"]
    assert (betas.se["gpr"] > 0).all()
    classic = gpr_betas(window[["LMT"]], gpr, market=window["SPY"], cov_type="classic")
    assert classic.params.loc["LMT", "gpr"] == pytest.approx(betas.params.loc["LMT", "gpr"])
