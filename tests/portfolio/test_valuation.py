"""value_holdings: quantities x prices x FX -> Portfolio, every unpriced holding reported."""

import numpy as np
import pandas as pd
import pytest

from exposure.datasets import load_sample_prices
from exposure.errors import HoldingsError
from exposure.portfolio import Portfolio, value_holdings

DAYS = pd.to_datetime(["2022-02-22", "2022-02-23", "2022-02-24"])
PRICES = pd.DataFrame({"LMT": [380.0, 390.0, 400.0], "RHM.DE": [100.0, 110.0, np.nan],
                       "BA.L": [600.0, 610.0, 650.0]}, index=DAYS)
FX = pd.DataFrame({"EUR": [1.13, 1.13, np.nan], "GBP": [1.36, 1.35, 1.34]}, index=DAYS)
CURRENCIES = {"LMT": "USD", "RHM.DE": "EUR", "BA.L": "GBp"}


def test_values_weights_and_report_by_hand():
    v = value_holdings({"lmt": 10, "RHM.DE": 20, "BA.L": 500}, PRICES, date="2022-02-24",
                       currencies=CURRENCIES, fx=FX, name="book")
    mv = {"LMT": 4000.0, "RHM.DE": 20 * 110.0 * 1.13, "BA.L": 500 * 6.5 * 1.34}
    assert v.table["market_value"].to_dict() == pytest.approx(mv)
    assert v.table.loc["RHM.DE", "price_date"] == pd.Timestamp("2022-02-23")  # latest on or before
    assert v.table.loc["RHM.DE", "fx_date"] == pd.Timestamp("2022-02-23")
    nav = sum(mv.values())
    assert v.nav == pytest.approx(nav) and v.portfolio.nav == pytest.approx(nav)
    assert v.portfolio.weights.sum() == pytest.approx(1.0)
    assert v.portfolio.name == "book" and v.base == "USD"
    data = v.to_dict()
    assert data["holdings"][0]["ticker"] == "BA.L" and data["holdings"][0]["price_date"] == "2022-02-24"


def test_shorts_keep_their_sign():
    v = value_holdings({"LMT": 10, "BA.L": -200}, PRICES, date="2022-02-24", currencies=CURRENCIES, fx=FX)
    assert v.portfolio.weights["BA.L"] < 0 and v.portfolio.net == pytest.approx(1.0)


def test_every_unpriced_holding_has_a_reason():
    v = value_holdings({"LMT": 1, "XYZ": 5, "RHM.DE": 3, "BA.L": 2}, PRICES.loc[:"2022-02-23"],
                       date="2022-02-24", currencies={"LMT": "USD", "BA.L": "GBp"}, fx=FX[["EUR"]])
    reasons = v.unpriced["reason"].to_dict()
    assert reasons["XYZ"] == "no close for XYZ in the prices given"
    assert "quote currency of RHM.DE unknown" in reasons["RHM.DE"]
    assert "no GBP->USD rate" in reasons["BA.L"] and "GBPUSD=X" in reasons["BA.L"]
    assert v.portfolio.tickers.tolist() == ["LMT"]
    assert len(v.table) == 4  # nothing dropped


def test_no_price_before_the_date_and_no_currency_given():
    v = value_holdings({"LMT": 1, "RHM.DE": 1}, PRICES, date="2022-02-23")
    assert (v.table["reason"] == "currency not given; assumed USD").all()
    late = value_holdings({"LMT": 1, "RHM.DE": 1}, PRICES.loc["2022-02-24":], date="2022-02-24")
    assert "no close for RHM.DE on or before 2022-02-24" in late.unpriced["reason"].iloc[0]


def test_nothing_priced_or_non_positive_nav_raise():
    with pytest.raises(HoldingsError, match="no holding could be priced"):
        value_holdings({"XYZ": 1}, PRICES, date="2022-02-24")
    with pytest.raises(HoldingsError, match="not a positive NAV"):
        value_holdings({"LMT": 1, "BA.L": -1000}, PRICES, date="2022-02-24", currencies=CURRENCIES, fx=FX)
    v = value_holdings({"LMT": 1, "BA.L": -1000}, PRICES, date="2022-02-24", currencies=CURRENCIES, fx=FX,
                       nav=10_000)
    assert v.portfolio.weights["LMT"] == pytest.approx(0.04)


def test_real_bundled_us_closes_on_the_invasion_day():
    prices = load_sample_prices("us")
    v = value_holdings({"LMT": 100, "NOC": 50, "DAL": -200}, prices, date="2022-02-24")
    assert isinstance(v.portfolio, Portfolio)
    assert v.table.loc["NOC", "price"] == prices.loc["2022-02-24", "NOC"]
