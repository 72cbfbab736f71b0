import numpy as np
import pandas as pd
import pytest

from exposure.errors import MarketDataError
from exposure.studies import clean_prices, prices_to_returns

DAYS = pd.bdate_range("2024-01-01", periods=10)


def test_simple_and_log_returns():
    prices = pd.DataFrame({"A": [100.0, 110.0, 99.0]}, index=DAYS[:3])
    simple = prices_to_returns(prices).returns["A"]
    log = prices_to_returns(prices, "log").returns["A"]
    np.testing.assert_allclose(simple.iloc[1:], [0.1, -0.1])
    np.testing.assert_allclose(log.iloc[1:], np.log([1.1, 0.9]))


def test_nan_runs_short_are_spanned_long_are_dropped_and_reported():
    a = [10.0, 11.0, np.nan, 12.0, np.nan, np.nan, np.nan, np.nan, 13.0, 14.0]
    prices = pd.DataFrame({"A": a, "B": 1.0}, index=DAYS)
    result = prices_to_returns(prices, max_gap=2)
    r = result.returns["A"]
    assert r.iloc[3] == pytest.approx(12 / 11 - 1)  # across a one-day gap
    assert np.isnan(r.iloc[8])  # after four missing days
    assert r.iloc[9] == pytest.approx(14 / 13 - 1)
    row = result.report.loc["A"]
    assert (row["missing_inside"], row["gaps_spanned"], row["returns_dropped"], row["returns"]) == (5, 1, 1, 3)


def test_non_positive_prices_become_gaps_and_are_counted():
    prices = pd.DataFrame({"A": [10.0, 0.0, -3.0, 11.0], "B": 1.0}, index=DAYS[:4])
    result = prices_to_returns(prices)
    assert result.report.loc["A", "non_positive"] == 2
    assert result.returns["A"].iloc[3] == pytest.approx(0.1)
    assert "A" in result.summary()


def test_leading_and_trailing_nans_are_listing_not_gaps():
    prices = pd.DataFrame({"A": [np.nan, np.nan, 1.0, 2.0, np.nan], "B": 1.0}, index=DAYS[:5])
    row = prices_to_returns(prices).report.loc["A"]
    assert (row["before_listing"], row["after_last_price"], row["missing_inside"]) == (2, 1, 0)
    assert row["first_price"] == "2024-01-03"


def test_unsorted_duplicated_and_time_zone_dates_are_fixed_and_reported():
    index = pd.DatetimeIndex(["2024-01-03", "2024-01-02", "2024-01-03", "2024-01-04"]).tz_localize("Europe/Paris")
    prices = pd.DataFrame({"A": [2.0, 1.0, 3.0, 6.0]}, index=index)
    result = prices_to_returns(prices)
    assert result.returns.index.tz is None
    assert result.returns["A"].tolist()[1:] == [2.0, 1.0]
    text = " ".join(result.fixes)
    assert "sorted" in text and "duplicated" in text and "time zone" in text


def test_mixed_time_zone_strings_keep_each_local_date():
    prices = pd.DataFrame({"A": [1.0, 2.0]}, index=["2024-01-02T17:30:00+01:00", "2024-01-03T16:00:00-05:00"])
    cleaned, fixes = clean_prices(prices)
    assert [d.date().isoformat() for d in cleaned.index] == ["2024-01-02", "2024-01-03"]
    assert any("time zones" in f for f in fixes)


def test_not_dates_is_a_market_data_error():
    with pytest.raises(MarketDataError, match="not made of dates"):
        prices_to_returns(pd.DataFrame({"A": [1.0]}, index=["yesterday-ish"]))


def test_json_report(us_returns):
    from exposure.datasets import load_sample_prices

    data = prices_to_returns(load_sample_prices("europe")).to_dict()
    row = next(r for r in data["report"] if r["ticker"] == "BA.L")
    assert row["missing_inside"] > 0 and row["last_price"] == "2023-10-06"
