import json

import numpy as np
import pandas as pd
import pytest
from conftest import AIRLINES, INVASION, US_DEFENSE

from exposure import Event
from exposure.errors import DataError
from exposure.studies import event_study, prices_to_returns

DAYS = pd.bdate_range("2023-01-02", periods=400)


def _synthetic(seed=0, n=3):
    rng = np.random.default_rng(seed)
    m = rng.normal(0, 0.01, len(DAYS))
    data = {f"S{i}": 0.0002 + (0.8 + 0.2 * i) * m + rng.normal(0, 0.01, len(DAYS)) for i in range(n)}
    data["MKT"] = m
    return pd.DataFrame(data, index=DAYS)


# --- agreement with the eventstudy package ------------------------------------------------------

@pytest.mark.parametrize("window,date", [((0, 5), "2022-02-24"), ((-2, 3), "2022-02-26"), ((-1, 10), "2021-05-03")])
@pytest.mark.parametrize("model", ["market", "constant_mean"])
def test_cars_match_eventstudy_package(us_returns, window, date, model):
    es = pytest.importorskip("eventstudy")
    returns = us_returns[["LMT", "NOC", "DAL", "XOM", "SPY"]].dropna()
    es.Single._parameters["returns"] = {"date": returns.index.to_numpy("datetime64[D]"),
                                        **{c: returns[c].to_numpy() for c in returns.columns}}
    ours = event_study(returns, {"e": pd.Timestamp(date)}, market="SPY" if model == "market" else None,
                       model=model, window=window, estimation=120, gap=7)
    for ticker in ["LMT", "NOC", "DAL", "XOM"]:
        if model == "market":
            theirs = es.Single.market_model(ticker, "SPY", np.datetime64(date), event_window=window,
                                            estimation_size=120, buffer_size=7)
        else:
            theirs = es.Single.constant_mean(ticker, np.datetime64(date), event_window=window,
                                             estimation_size=120, buffer_size=7)
        row = ours.results.set_index("ticker").loc[ticker]
        assert abs(row["car"] - theirs.CAR[-1]) < 1e-8
        np.testing.assert_allclose(ours.ar.loc[("e", ticker)].to_numpy(), np.asarray(theirs.AR), atol=1e-8)


def test_windows_follow_buffer_size_convention():
    r = _synthetic()
    study = event_study(r, {"e": DAYS[300]}, market="MKT", window=(-2, 3), estimation=100, gap=10)
    row = study.results.iloc[0]
    assert row["estimation_end"] == DAYS[300 - 2 - 10 - 1]
    assert row["estimation_start"] == DAYS[300 - 2 - 10 - 100]
    assert row["event_day"] == DAYS[300]


# --- event timing ------------------------------------------------------------------------------

def test_weekend_and_holiday_move_to_next_session():
    r = _synthetic()
    r.loc[DAYS[301]] = np.nan  # a holiday: no security trades
    saturday = next(d for d in pd.date_range(DAYS[280], periods=7) if d.day_of_week == 5)
    study = event_study(r, {"sat": saturday, "hol": DAYS[301]}, market="MKT", window=(0, 1), estimation=100)
    rows = study.results.set_index(["event_id", "ticker"])
    assert rows.loc[("sat", "S0"), "event_day"] == saturday + pd.Timedelta(days=2)
    assert rows.loc[("sat", "S0"), "shift_days"] == 2
    assert rows.loc[("hol", "S0"), "event_day"] == DAYS[302]
    assert rows.loc[("hol", "S0"), "shift_days"] == 1
    assert not rows["after_close"].any()


def test_after_close_counts_from_next_session_in_each_market():
    r = _synthetic()
    r["LDO.MI"] = r["S1"]
    monday = DAYS[300]
    # 16:45 UTC in February: after Milan's 17:30 CET close, before New York's 16:00 EST close
    when = pd.Timestamp(monday.strftime("%Y-%m-%d") + "T16:45:00Z")
    study = event_study(r, [Event(id="late", headline="x", published_at=when.to_pydatetime())], market="MKT",
                        tickers=["S0", "LDO.MI"], window=(0, 1), estimation=100)
    rows = study.results.set_index("ticker")
    assert rows.loc["S0", "event_day"] == monday and not rows.loc["S0", "after_close"]
    assert rows.loc["LDO.MI", "event_day"] == DAYS[301] and rows.loc["LDO.MI", "after_close"]
    assert rows.loc["LDO.MI", "shift_days"] == 1
    assert rows.loc["LDO.MI", "exchange"] == "Europe/Rome 17:30"


# --- dropped pairs and bad input ---------------------------------------------------------------

def test_every_unusable_pair_is_dropped_with_a_reason():
    r = _synthetic(n=2)
    r["FLAT"] = 0.0
    r["YOUNG"] = np.where(np.arange(len(DAYS)) > 250, r["S0"], np.nan)
    events = pd.DataFrame({
        "event_id": ["early", "late", "edge", "ok", "ok", "ok", "nodate"],
        "published_at": [DAYS[50], DAYS[-1] + pd.Timedelta(days=30), DAYS[-2], DAYS[300], DAYS[300], DAYS[300], None],
        "ticker": ["S0", "S0", "S0", "FLAT", "YOUNG", "GHOST", "S0"],
    })
    study = event_study(r, events, market="MKT", window=(-1, 5), estimation=100, gap=5)
    reasons = dict(zip(study.dropped["event_id"] + "/" + study.dropped["ticker"].fillna("-"), study.dropped["reason"]))
    assert "estimation window needs 100" in reasons["early/S0"]
    assert "after the last price" in reasons["late/S0"]
    assert "5 sessions after" in reasons["edge/S0"]
    assert "zero variance" in reasons["ok/FLAT"]
    assert "estimation window needs 100" in reasons["ok/YOUNG"]
    assert reasons["ok/GHOST"] == "no prices for this ticker"
    assert "no published_at" in reasons["nodate/S0"]
    assert study.results.empty and study.aggregate["n"] == 0
    assert "dropped" in study.summary()


def test_bad_prices_end_to_end_without_traceback():
    rng = np.random.default_rng(4)
    prices = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(0, 0.01, (400, 3)), axis=0)),
                          index=DAYS, columns=["A", "B", "MKT"])
    prices.iloc[100:105, 0] = np.nan  # a NaN run
    prices.iloc[200, 1] = 0.0  # zero
    prices.iloc[201, 1] = -5.0  # negative
    prices = pd.concat([prices, prices.iloc[[10]]]).iloc[::-1]  # duplicated date, unsorted
    converted = prices_to_returns(prices)
    study = event_study(converted.returns, {"e": DAYS[350], "out": pd.Timestamp("2031-01-01")}, market="MKT",
                        window=(0, 3), estimation=200, gap=5)
    assert sorted(study.results["ticker"]) == ["A", "B"]
    assert study.dropped["reason"].str.contains("after the last price").all()
    assert converted.report.loc["A", "returns_dropped"] == 1
    assert converted.report.loc["B", "non_positive"] == 2


def test_market_model_needs_a_market():
    with pytest.raises(DataError, match="needs market returns"):
        event_study(_synthetic(), {"e": DAYS[300]})
    with pytest.raises(DataError, match="not among the return columns"):
        event_study(_synthetic(), {"e": DAYS[300]}, market="NOPE")


def test_market_adjusted_is_return_minus_market():
    r = _synthetic()
    study = event_study(r, {"e": DAYS[300]}, market="MKT", model="market_adjusted", window=(0, 2), estimation=100)
    expected = (r["S0"] - r["MKT"]).iloc[300:303].sum()
    assert study.results.set_index("ticker").loc["S0", "car"] == pytest.approx(expected, abs=1e-15)


def test_tests_on_pure_noise_are_not_significant():
    r = _synthetic(seed=9, n=40)
    study = event_study(r, {"e": DAYS[300]}, market="MKT", window=(0, 3), estimation=200)
    a = study.aggregate
    for key in ("p_cs", "p_patell", "p_bmp", "p_bmp_kp", "p_rank", "p_sign"):
        assert a[key] > 0.01, key
    assert a["n_positive"] + a["n_negative"] == 40
    json.dumps(study.to_dict())


# --- real prices: the invasion of Ukraine --------------------------------------------------------

def test_invasion_us_defense_up_airlines_down(us_returns):
    study = event_study(us_returns, {"invasion": INVASION}, market="SPY", tickers=US_DEFENSE + AIRLINES,
                        window=(0, 5), estimation=250, gap=10)
    assert (study.results["event_day"] == pd.Timestamp("2022-02-24")).all()
    assert study.results["after_close"].all()  # 03:00 UTC is 22:00 in New York on the 23rd
    defense = study.subset(tickers=US_DEFENSE).aggregate
    airlines = study.subset(tickers=AIRLINES).aggregate
    assert defense["n"] == 5 and defense["n_positive"] == 5
    assert defense["caar"] > 0.08 and defense["t_cs"] > 3 and defense["t_bmp"] > 3
    # five highly correlated names (r_bar ~0.5): the Kolari-Pynnonen correction costs most of the BMP t
    assert defense["p_bmp_kp"] < 0.10
    assert airlines["n"] == 4 and airlines["n_negative"] == 4
    assert airlines["caar"] < -0.05 and airlines["t_cs"] < -3 and airlines["t_bmp"] < -3


def test_invasion_european_defense_up(europe_returns, us_returns):
    names = ["BA.L", "HO.PA", "LDO.MI"]
    for market, model in [(None, "constant_mean"), (us_returns["VGK"], "market")]:
        study = event_study(europe_returns, {"invasion": INVASION}, market=market, model=model, window=(0, 5),
                            estimation=250, gap=10)
        assert (study.results["event_day"] == pd.Timestamp("2022-02-24")).all()
        assert not study.results["after_close"].any()  # 04:00 in Paris, before the open
        cars = study.results.set_index("ticker")
        assert (cars.loc[names, "car"] > 0.10).all() and (cars.loc[names, "car_t"] > 2).all()
        assert study.subset(tickers=names).aggregate["z_patell"] > 5
