"""FX symbols, minor units, and holdings valued through one source (replayed Yahoo and local files)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exposure.datasets import load_sample_prices, sample_path
from exposure.market import LocalSource, YahooSource, fx_rates, fx_symbol, split_currency, valuation_inputs
from exposure.portfolio import Portfolio, value_holdings

REPLIES = Path(__file__).parent / "data" / "yahoo"


def _recorded_close(symbol, day):
    body = json.loads((REPLIES / f"{symbol}.json").read_text())["chart"]["result"][0]
    tz = body["meta"]["exchangeTimezoneName"]
    dates = pd.to_datetime(body["timestamp"], unit="s", utc=True).tz_convert(tz).tz_localize(None).normalize()
    return pd.Series(body["indicators"]["quote"][0]["close"], index=dates).loc[:day].iloc[-1]


@pytest.mark.parametrize(("code", "expected"), [
    ("GBp", ("GBP", 0.01)), ("GBX", ("GBP", 0.01)), ("ZAc", ("ZAR", 0.01)), ("ILA", ("ILS", 0.01)),
    ("USD", ("USD", 1.0)), (" eur ", ("EUR", 1.0)),
])
def test_split_currency(code, expected):
    assert split_currency(code) == expected


def test_fx_symbols_follow_yahoo():
    assert fx_symbol("EUR", "USD") == "EURUSD=X"
    assert fx_symbol("GBp", "USD") == "GBPUSD=X"
    assert fx_symbol("USD", "EUR") == "USDEUR=X"
    assert fx_symbol("GBP", "GBp") is None


def test_fx_rates_through_yahoo_with_missing_currency_reported(replay_session, cache_dir):
    source = YahooSource(session=replay_session, sleep=lambda s: None)
    rates, missing, _ = fx_rates(source, ["EUR", "GBp", "USD", "JPY"], "USD", "2022-02-01", "2022-02-28")
    assert list(rates.columns) == ["EUR", "GBP", "USD"]
    assert (rates["USD"] == 1.0).all()
    assert rates.loc["2022-02-24", "EUR"] == pytest.approx(_recorded_close("EURUSD=X", "2022-02-24"))
    assert [m.symbol for m in missing] == ["JPY"] and "JPYUSD=X" in missing[0].reason


def test_quantities_valued_in_usd_through_replayed_yahoo(replay_session, cache_dir):
    source = YahooSource(session=replay_session, sleep=lambda s: None)
    quantities = {"LMT": 100, "BA.L": 1000, "AIR.PA": 50, "NOPE": 10}
    inputs = valuation_inputs(source, quantities, date="2022-02-26", base="USD")
    assert inputs.currencies == {"LMT": "USD", "BA.L": "GBp", "AIR.PA": "EUR"}
    assert [m.symbol for m in inputs.missing] == ["NOPE"]
    valuation = value_holdings(quantities, inputs, date="2022-02-26", name="book")
    day = "2022-02-25"  # Saturday the 26th: Friday's closes
    expected = {
        "LMT": 100 * _recorded_close("LMT", day),
        "BA.L": 1000 * _recorded_close("BA.L", day) / 100 * _recorded_close("GBPUSD=X", day),
        "AIR.PA": 50 * _recorded_close("AIR.PA", day) * _recorded_close("EURUSD=X", day),
    }
    table = valuation.table
    for ticker, value in expected.items():
        assert table.loc[ticker, "market_value"] == pytest.approx(value, rel=1e-12)
        assert table.loc[ticker, "price_date"] == pd.Timestamp(day)
    nav = sum(expected.values())
    assert valuation.nav == pytest.approx(nav)
    assert isinstance(valuation.portfolio, Portfolio)
    assert valuation.portfolio.weights.to_dict() == pytest.approx({k: v / nav for k, v in expected.items()})
    assert valuation.unpriced.index.tolist() == ["NOPE"]
    assert "divided by 100 to GBP" in table.loc["BA.L", "reason"]


def test_bundled_european_closes_valued_with_explicit_currencies():
    europe = LocalSource(sample_path("prices/europe_defense_close_2019_2025.csv.gz"), field="close",
                         currencies={"BA.L": "GBp", "AIR.PA": "EUR"})
    inputs = valuation_inputs(europe, ["BA.L", "AIR.PA"], date="2022-02-24", base="GBP")
    # No FX series is bundled: EURGBP=X is missing and AIR.PA stays unpriced, with the reason.
    assert [m.symbol for m in inputs.missing] == ["EUR"]
    valuation = value_holdings({"BA.L": 1000, "AIR.PA": 10}, inputs, date="2022-02-24")
    close = load_sample_prices("europe").loc["2022-02-24", "BA.L"]
    assert valuation.table.loc["BA.L", "market_value"] == pytest.approx(1000 * close / 100)
    assert valuation.portfolio.weights.to_dict() == {"BA.L": 1.0}
    assert "no EUR->GBP rate" in valuation.table.loc["AIR.PA", "reason"]
    assert np.isnan(valuation.table.loc["AIR.PA", "market_value"])
