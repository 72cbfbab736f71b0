import numpy as np
import pytest

import exposure as ex


def _event(**fields):
    return ex.Event(**fields)


def test_signs_carry_through(mini_graph):
    event = _event(headline="Drone incursion", tags=["Geopolitics & War"], market_impact=0.5)
    impacts = ex.map_events(event, mini_graph, settings=ex.ImpactSettings(materiality=0))
    scores = impacts.matrix.iloc[0]
    assert scores["SKY"] < 0 < scores["DRO"]
    assert scores["KOG.OL"] > 0


def test_scores_scale_with_market_impact(mini_graph):
    low = ex.map_events(_event(headline="NATO air defence", market_impact=0.1), mini_graph).matrix
    high = ex.map_events(_event(headline="NATO air defence", market_impact=0.3), mini_graph).matrix
    np.testing.assert_allclose(high.to_numpy(), 3 * low.to_numpy(), rtol=1e-12)


def test_explanations_add_up_to_the_score(mini_graph):
    event = _event(headline="Lithuanian NATASMS? no: NASAMS for Lithuania, NATO air defence",
                   tags=["Geopolitics & War"], market_impact=0.4)
    impacts = ex.map_events(event, mini_graph)
    for ticker, score in impacts.matrix.iloc[0].items():
        paths = impacts.explain(ticker)
        assert paths["contribution"].sum() == pytest.approx(score, abs=1e-12)
        walked = paths[paths["start"] != "materiality"]
        assert walked["mentioned_as"].map(len).min() >= 1 if len(walked) else score == 0
    top = impacts.top(n=2)
    assert list(top.columns) == ["ticker", "company", "sector", "country", "score", "paths"]
    assert top["paths"].map(len).min() >= 1


def test_vendor_ticker_gets_a_low_prior(mini_graph):
    chip_only = _event(headline="Market wrap", vendor_tickers=["SKY"], market_impact=1.0)
    impacts = ex.map_events(chip_only, mini_graph)
    assert impacts.matrix.at[chip_only.id, "SKY"] == pytest.approx(0.05)
    louder = ex.map_events(chip_only, mini_graph, ex.ImpactSettings(vendor_ticker_prior=0.2))
    assert louder.matrix.at[chip_only.id, "SKY"] == pytest.approx(0.2)


def test_unknown_tags_and_tickers_are_reported(mini_graph):
    event = _event(headline="NATO", tags=["Space Weather"], vendor_tickers=["ZZZZ"], entities=["org:nowhere"])
    impacts = ex.map_events(event, mini_graph)
    assert impacts.unresolved(event.id) == {
        "tags": ["Space Weather"], "vendor_tickers": ["ZZZZ"], "entities": ["org:nowhere"]
    }


def test_batch_equals_one_by_one(mini_graph):
    events = [
        _event(headline="NATO air defence", market_impact=0.2),
        _event(headline="anti-drone systems", tags=["Geopolitics & War"], market_impact=0.7),
    ]
    batch = ex.map_events(events, mini_graph).matrix
    for event in events:
        single = ex.map_events(event, mini_graph).matrix
        np.testing.assert_allclose(batch.loc[[event.id]].to_numpy(), single.to_numpy(), rtol=0, atol=1e-12)


def test_outputs_are_deterministic_and_stamped(mini_graph):
    event = _event(headline="NATO anti-drone", tags=["Geopolitics & War"], market_impact=0.3)
    first = ex.map_events(event, mini_graph).to_dict()
    second = ex.map_events(event, mini_graph).to_dict()
    assert first == second
    assert first["graph_version"] == mini_graph.version
    themes = {t["theme"]: t["score"] for t in first["events"][0]["themes"]}
    assert themes["theme:counter-drone"] > 0 and themes["theme:airlines"] < 0


def test_immaterial_scores_are_reported_as_zero_and_explained(mini_graph):
    event = _event(headline="Drone incursion", tags=["Geopolitics & War"], market_impact=0.5)
    every = ex.map_events(event, mini_graph, settings=ex.ImpactSettings(materiality=0)).matrix.iloc[0]
    impacts = ex.map_events(event, mini_graph)                       # materiality 0.1 by default
    scores = impacts.matrix.iloc[0]
    largest = every.abs().max()
    material = every.abs() >= 0.1 * largest
    assert (scores[material] == every[material]).all() and (scores[~material] == 0).all()
    assert (~material & (every != 0)).any()                           # the example has an immaterial name
    cut = every[~material & (every != 0)].index[0]
    paths = impacts.explain(cut)
    assert paths["start"].iloc[-1] == "materiality" and "below materiality" in paths["path"].iloc[-1]
    assert paths["contribution"].iloc[-1] == pytest.approx(-every[cut], abs=1e-15)
    assert paths["contribution"].sum() == pytest.approx(0.0, abs=1e-12)
