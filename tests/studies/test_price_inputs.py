"""event_study refuses prices given as returns, and a price history shorter than one window drops pairs."""

import numpy as np
import pandas as pd
import pytest

from exposure.datasets import load_sample_prices
from exposure.errors import DataError
from exposure.studies import event_study, prices_to_returns
from exposure.studies._eventstudy import refuse_price_levels

from conftest import INVASION, US_DEFENSE


@pytest.fixture(scope="module")
def us_prices():
    return load_sample_prices("us")


def test_prices_passed_as_returns_are_refused_naming_the_columns(us_prices):
    with pytest.raises(DataError) as caught:
        event_study(us_prices, {"invasion": INVASION}, market="SPY", tickers=US_DEFENSE)
    err = caught.value
    assert "look like prices" in str(err) and "prices_to_returns" in err.fix
    assert all(t in err.field for t in US_DEFENSE)


def test_only_the_market_given_as_prices_is_refused(us_prices, us_returns):
    mixed = us_returns.copy()
    mixed["SPY"] = us_prices["SPY"].reindex(mixed.index)
    with pytest.raises(DataError, match="SPY"):
        event_study(mixed, {"invasion": INVASION}, market="SPY", tickers=["LMT"])
    with pytest.raises(DataError, match="look like prices"):
        event_study(us_returns, {"invasion": INVASION}, market=us_prices["SPY"], tickers=["LMT"])


def test_real_returns_and_percents_and_penny_prices(us_returns):
    refuse_price_levels(us_returns, list(us_returns.columns))  # daily returns pass
    weekly = prices_to_returns(load_sample_prices("us").resample("W").last()).returns
    refuse_price_levels(weekly, list(weekly.columns))  # so do weekly ones
    with pytest.raises(DataError, match="LMT"):
        refuse_price_levels(us_returns[["LMT"]] * 100, ["LMT"])  # percents
    days = pd.bdate_range("2024-01-01", periods=100)
    penny = pd.DataFrame({"P": 0.3 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.02, 100)))}, days)
    with pytest.raises(DataError, match="P"):
        refuse_price_levels(penny, ["P"])


def test_prices_shorter_than_the_estimation_window_drop_every_pair_with_a_reason(us_returns):
    short = us_returns.loc["2022-01-01":"2022-03-31"]
    study = event_study(short, {"invasion": INVASION}, market="SPY", tickers=["LMT", "NOC"], estimation=250)
    assert study.results.empty
    assert len(study.dropped) == 2
    assert study.dropped["reason"].str.contains("estimation window needs 250").all()
    tiny = us_returns.loc["2022-02-22":"2022-02-25"]  # fewer rows than the event window itself
    study = event_study(tiny, {"invasion": INVASION}, market="SPY", tickers=["LMT"], estimation=10)
    assert study.results.empty and len(study.dropped) == 1
