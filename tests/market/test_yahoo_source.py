"""YahooSource against Yahoo's chart API replayed from files (a fake transport under yfinance).

Nothing of ours is mocked: yfinance runs for real and its HTTP session is a requests Session
whose adapter answers from ``data/yahoo`` (see conftest.py).
"""

import numpy as np
import pandas as pd
import pytest

from exposure.datasets import load_sample_prices
from exposure.errors import MarketDataError
from exposure.market import PriceCache, YahooSource

START, END = "2022-01-03", "2022-04-29"


@pytest.fixture
def waits():
    return []


@pytest.fixture
def yahoo(replay_session, cache_dir, waits):
    return YahooSource(session=replay_session, sleep=waits.append)


def test_prices_match_the_recorded_replies_and_carry_currencies(yahoo):
    result = yahoo.prices(["LMT", "DAL", "BA.L", "AIR.PA"], START, END)
    us = load_sample_prices("us").loc[START:END, ["LMT", "DAL"]]
    np.testing.assert_allclose(result.frame["LMT"].dropna().to_numpy(), us["LMT"].round(4).to_numpy())
    assert result.frame["LMT"].dropna().index.equals(pd.DatetimeIndex(us.index).as_unit("ns"))
    assert result.currencies == {"LMT": "USD", "DAL": "USD", "BA.L": "GBp", "AIR.PA": "EUR"}
    assert result.frame.index.tz is None and result.frame.index.is_monotonic_increasing
    assert not result.missing and not result.partial


def test_unknown_and_empty_symbols_raise_naming_each_with_its_reason(yahoo):
    with pytest.raises(MarketDataError) as info:
        yahoo.prices(["LMT", "NOPE", "EMPTY"], START, END)
    text = str(info.value)
    assert "NOPE: " in text and "EMPTY: " in text and "LMT:" not in text
    assert "allow_partial=True" in text


def test_allow_partial_returns_the_rest_with_an_explicit_missing_list(yahoo):
    result = yahoo.prices(["LMT", "NOPE", "EMPTY", "RTX"], START, END, allow_partial=True)
    assert result.symbols == ["LMT", "RTX"]
    reasons = {m.symbol: m.reason for m in result.missing}
    assert set(reasons) == {"NOPE", "EMPTY"}
    assert "HTTP 404" in reasons["NOPE"] or "no timezone" in reasons["NOPE"]
    assert "no price data found" in reasons["EMPTY"]
    assert [p.symbol for p in result.partial] == ["RTX"]  # the recorded reply stops on 2022-03-15
    assert "2022-03-15" in result.partial[0].reason


def test_rate_limit_is_retried_with_exponential_backoff(yahoo, yahoo_replay, waits):
    # yfinance itself re-asks once after an HTTP error (switching cookie strategy), so each of
    # our attempts costs two 429s: four 429s mean two retries.
    yahoo_replay.rate_limited["DAL"] = 4
    result = yahoo.prices(["DAL", "LMT"], START, END)
    assert waits == [1.0, 2.0]
    assert result.symbols == ["DAL", "LMT"]
    assert len(yahoo_replay.chart_calls("DAL")) == 5 and len(yahoo_replay.chart_calls("LMT")) == 1
    assert any("retry 1 for DAL" in n and "429" in n for n in result.notes)


def test_rate_limit_that_never_ends_gives_up_and_says_so(replay_session, yahoo_replay, cache_dir, waits):
    yahoo_replay.rate_limited["DAL"] = 99
    source = YahooSource(session=replay_session, sleep=waits.append, retries=2, backoff=0.5)
    result = source.prices(["DAL", "LMT"], START, END, allow_partial=True)
    assert waits == [0.5, 1.0]
    assert result.missing[0].symbol == "DAL"
    assert "429" in result.missing[0].reason and "gave up after 3 attempts" in result.missing[0].reason


def test_malformed_reply_is_transient_then_reported(replay_session, yahoo_replay, cache_dir, waits):
    yahoo_replay.broken.add("LMT")
    source = YahooSource(session=replay_session, sleep=waits.append, retries=1)
    result = source.prices(["LMT"], START, END, allow_partial=True)
    assert "malformed reply" in result.missing[0].reason and len(waits) == 1


def test_cache_serves_repeat_calls_and_fetches_only_the_missing_range(yahoo, yahoo_replay):
    first = yahoo.prices(["LMT"], "2022-02-01", "2022-02-28")
    calls = len(yahoo_replay.chart_calls())
    again = yahoo.prices(["LMT"], "2022-02-01", "2022-02-28")
    assert len(yahoo_replay.chart_calls()) == calls
    pd.testing.assert_frame_equal(first.frame, again.frame)
    longer = yahoo.prices(["LMT"], "2022-02-01", "2022-03-31")
    new = yahoo_replay.chart_calls()[calls:]
    assert len(new) == 1
    period1 = int(new[0].split("period1=")[1].split("&")[0])
    assert pd.Timestamp(period1, unit="s").tz_localize("UTC").tz_convert("America/New_York").date() == \
        pd.Timestamp("2022-03-01").date()
    assert longer.frame.index[0] == pd.Timestamp("2022-02-01") and longer.frame.index[-1] == pd.Timestamp("2022-03-31")
    cached = PriceCache().covered("LMT", "adjclose")
    assert cached == [(pd.Timestamp("2022-02-01"), pd.Timestamp("2022-03-31"))]
    assert set(PriceCache().manifest()["field"]) == {"adjclose", "close", "volume"}


def test_all_fields_come_from_one_fetch(yahoo, yahoo_replay):
    yahoo.prices(["LMT"], "2022-02-01", "2022-02-28")
    calls = len(yahoo_replay.chart_calls())
    volume = yahoo.prices(["LMT"], "2022-02-01", "2022-02-28", field="volume")
    assert len(yahoo_replay.chart_calls()) == calls
    assert (volume.frame["LMT"] >= 1_000_000).all()


def test_offline_mode_never_calls_the_network(yahoo, yahoo_replay, monkeypatch):
    yahoo.prices(["LMT"], "2022-02-01", "2022-02-28")
    monkeypatch.setenv("EXPOSURE_OFFLINE", "1")
    before = len(yahoo_replay.calls)
    cached = yahoo.prices(["LMT"], "2022-02-01", "2022-02-28")
    assert cached.source == "yahoo (cache only)" and len(cached.frame) == 19
    with pytest.raises(MarketDataError, match="RTX: offline"):
        yahoo.prices(["LMT", "RTX"], "2022-02-01", "2022-02-28")
    wider = yahoo.prices(["LMT"], "2022-01-03", "2022-02-28", allow_partial=True)
    assert [p.symbol for p in wider.partial] == ["LMT"]
    assert any("lacks 2022-01-03..2022-01-31" in n for n in wider.notes)
    assert len(yahoo_replay.calls) == before


def test_holiday_only_gap_is_remembered_not_failed(yahoo, yahoo_replay):
    yahoo.prices(["LMT"], "2022-01-03", "2022-02-28")
    # 2022-04-15 is Good Friday: NYSE closed, so Yahoo has no bar that day.
    yahoo.prices(["LMT"], "2022-04-11", "2022-04-14")
    result = yahoo.prices(["LMT"], "2022-04-15", "2022-04-15", allow_partial=True)
    assert result.missing_symbols == ["LMT"] and result.missing[0].reason == "no value in the window"
    assert any("no bars 2022-04-15..2022-04-15 (market holiday?)" in n for n in result.notes)
    calls = len(yahoo_replay.chart_calls())
    yahoo.prices(["LMT"], "2022-04-15", "2022-04-15", allow_partial=True)
    assert len(yahoo_replay.chart_calls()) == calls


def test_info_from_chart_meta_and_quote_summary(yahoo):
    yahoo.prices(["LMT", "BA.L"], START, END)
    with pytest.warns(UserWarning, match="no security info for BA.L"):
        info = yahoo.info(["LMT", "BA.L"])
    assert info.loc["LMT", ["sector", "industry", "country"]].tolist() == [
        "Industrials", "Aerospace & Defense", "United States"]
    assert info.loc["BA.L", "currency"] == "GBp" and info.loc["BA.L", "exchange"] == "LSE"
    assert pd.isna(info.loc["BA.L", "sector"])


def test_without_a_cache_nothing_is_written(replay_session, cache_dir, waits):
    source = YahooSource(session=replay_session, cache=False, sleep=waits.append)
    result = source.prices(["LMT", "EURUSD=X"], START, END)
    assert result.symbols == ["LMT", "EURUSD=X"]
    assert not cache_dir.exists() or not list(cache_dir.glob("prices/*"))


def test_bad_arguments_are_clear(yahoo):
    with pytest.raises(MarketDataError, match="needs symbols and a start"):
        yahoo.prices(["LMT"])
    with pytest.raises(MarketDataError, match="before start"):
        yahoo.prices(["LMT"], "2022-03-01", "2022-02-01")
    with pytest.raises(ValueError, match="field must be"):
        yahoo.prices(["LMT"], START, END, field="open")


@pytest.mark.live
def test_live_yahoo_download(tmp_path):
    source = YahooSource(cache=PriceCache(tmp_path))
    result = source.prices(["LMT", "RTX", "THIS-IS-NOT-A-TICKER"], "2022-02-01", "2022-03-01", allow_partial=True)
    assert result.symbols == ["LMT", "RTX"] and result.missing_symbols == ["THIS-IS-NOT-A-TICKER"]
