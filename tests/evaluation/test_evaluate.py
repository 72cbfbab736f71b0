"""evaluate(): a planted reaction is found, random and keyword sit beside it, drops are explained."""

import numpy as np
import pandas as pd
import pytest

from exposure import Event
from exposure.errors import ArgumentError, DataError
from exposure.evaluation import METRICS, evaluate, keyword_sector_scores, load_dev_set

DAYS = pd.bdate_range("2023-01-02", periods=320)


def _returns(seed=3):
    rng = np.random.default_rng(seed)
    names = ["SPY", "XOM", "CVX", "COP", "DAL", "UAL", "MSFT", "AAPL", "JPM", "PFE", "LMT"]
    market = rng.normal(0, 0.01, len(DAYS))
    frame = pd.DataFrame(rng.normal(0, 0.01, (len(DAYS), len(names))) + market[:, None], index=DAYS, columns=names)
    frame["SPY"] = market
    frame.loc[DAYS[300:303], ["XOM", "CVX", "COP"]] += 0.02  # oil names rise after the cut
    frame.loc[DAYS[300:303], ["DAL", "UAL"]] -= 0.02  # airlines pay for fuel
    return frame


def _event(id="cut", day=300, **kw):
    stamp = DAYS[day].tz_localize("UTC") + pd.Timedelta(hours=13)
    return Event(id=id, headline="OPEC+ agrees deep oil output cut", body="Crude oil prices jumped.",
                 tags=["Energy & Commodities"], published_at=stamp, **kw)


def test_planted_reaction_beats_random_and_is_deterministic():
    returns = _returns()
    first = evaluate([_event()], returns, estimation=200, permutations=50, seed=7)
    again = evaluate([_event()], returns, estimation=200, permutations=50, seed=7)
    pd.testing.assert_frame_equal(first.per_event, again.per_event)
    row = first.per_event.iloc[0]
    assert row.n_names == 10 and row.n_scored > 0
    assert row.long_short_bp_model > 300
    assert row.long_short_bp_random_lo <= row.long_short_bp_random <= row.long_short_bp_random_hi
    assert row.long_short_bp_model > row.long_short_bp_random_hi
    assert set(first.overall.index) == set(METRICS)


def test_prices_give_the_same_result_as_their_returns():
    returns = _returns()
    prices = (1 + returns.fillna(0)).cumprod() * 50
    from_returns = evaluate([_event()], returns.iloc[1:], estimation=200, permutations=5)
    from_prices = evaluate([_event()], prices, estimation=200, permutations=5)
    np.testing.assert_allclose(from_prices.per_event["long_short_bp_model"],
                               from_returns.per_event["long_short_bp_model"], rtol=1e-6)


def test_events_are_dropped_with_reasons():
    events = [_event(), _event(id="late", day=318), Event(id="undated", headline="OPEC cuts oil output"),
              Event(id="nothing", headline="Local bakery wins award for sourdough",
                    published_at=DAYS[300].tz_localize("UTC"))]
    result = evaluate(events, _returns(), estimation=200, permutations=5)
    reasons = dict(zip(result.dropped["event_id"], result.dropped["reason"]))
    assert list(result.per_event["event_id"]) == ["cut"]
    assert reasons["undated"] == "no published_at"
    assert reasons["late"].startswith("no CAR for any security: the event window needs 5 sessions")
    assert reasons["nothing"] == "the graph scores no security that has a CAR"
    assert "dropped late" in result.summary()


def test_bad_arguments_are_argument_errors():
    with pytest.raises(ArgumentError):
        evaluate([_event()], _returns(), window=(3, 1))
    with pytest.raises(ArgumentError):
        evaluate([_event()], _returns(), permutations=-1)
    with pytest.raises(DataError, match="market 'QQQ'"):
        evaluate([_event()], _returns(), market="QQQ")


def test_keyword_baseline_scores_whole_sectors_from_the_text():
    sectors = pd.Series({"XOM": "Energy", "CVX": "Energy", "DAL": "Industrials", "JPM": "Financials"})
    scores = keyword_sector_scores([_event()], sectors).loc["cut"]
    assert scores["XOM"] == scores["CVX"] > 0
    assert scores["JPM"] == 0


def test_to_dict_and_parts_split_the_holdout():
    returns = _returns()
    events = [_event(id="a", day=290), _event(id="b", day=300)]
    labels = pd.DataFrame({"category": ["oil", "oil"], "holdout": [False, True]}, index=pd.Index(["a", "b"]))
    result = evaluate(events, returns, estimation=200, permutations=5, labels=labels)
    parts = result.parts()
    assert list(parts) == ["all", "development", "holdout"]
    assert list(parts["holdout"].per_event["event_id"]) == ["b"]
    data = result.to_dict()
    assert data["settings"]["window"] == [0, 5]
    assert {row["metric"] for row in data["overall"]} == set(METRICS)
    assert len(data["per_event"]) == 2


def test_smoke_on_real_events_of_the_development_set():
    dev = load_dev_set()
    wanted = ["russia-invades-ukraine-2022-02-24", "opec-plus-surprise-cut-2023-04-02",
              "pfizer-vaccine-efficacy-2020-11-09", "svb-capital-raise-2023-03-08"]
    events = [e for e in dev.events if e.id in wanted]
    universe = [t for t in dev.universe if t < "D" or t in ("LMT", "NOC", "XOM", "CVX", "PFE", "UAL", "JPM")]
    result = evaluate(events, dev.returns, universe=universe, labels=dev.labels, permutations=10)
    assert len(result.per_event) == 4 and result.dropped.empty
    assert result.per_event["n_names"].min() > 100
    assert np.isfinite(result.overall.loc["hit10", ["model", "keyword", "random"]].to_numpy(float)).all()


def test_labelled_events_go_through_the_readers_guards(tmp_path):
    from exposure.errors import InputFormatError
    from exposure.evaluation._evaluate import read_labelled_events

    deep, huge, latin1 = tmp_path / "deep.jsonl", tmp_path / "huge.jsonl", tmp_path / "latin1.jsonl"
    deep.write_bytes(b"[" * 100_000)
    huge.write_text('{"id": "a", "headline": "Oil", "market_impact": ' + "9" * 5_000 + "}\n")
    latin1.write_bytes(b'{"headline": "Caf\xe9"}\n')
    for path in (deep, huge):
        events, _, rejects = read_labelled_events(path)
        assert events == [] and [r.code for r in rejects] == ["too_large"]
    with pytest.raises(InputFormatError, match="not UTF-8"):
        read_labelled_events(latin1)
    with pytest.raises(InputFormatError, match="folder"):
        read_labelled_events(tmp_path)
