"""Macro scope: a central bank's name is no direction; rates reach banks, homebuilders and REITs with
the right signs (real-world sentences)."""

import pytest

import exposure as ex

HOMEBUILDERS = ["DHI", "LEN", "PHM", "NVR"]
REITS = ["PLD", "O", "SPG"]


def _scores(graph, headline, body=""):
    impacts = ex.map_events(ex.Event(headline=headline, body=body), graph)
    return impacts.matrix.iloc[0], impacts.theme_matrix.iloc[0]


@pytest.mark.parametrize("headline", [
    "The ECB's governing council met in Frankfurt",
    "The Federal Reserve's chair spoke at a conference in Jackson Hole",
])
def test_a_central_bank_named_without_a_move_implies_no_rate_move(graph, headline):
    _, themes = _scores(graph, headline)
    assert themes.get("theme:interest-rates", 0.0) == 0.0


def test_a_rate_hold_moves_no_rate_sensitive_name(graph):
    scores, themes = _scores(graph, "Fed holds rates steady",
                             "The Federal Reserve left its benchmark rate at 5.25% to 5.5%.")
    assert themes.get("theme:interest-rates", 0.0) == 0.0
    assert all(scores.get(t, 0.0) == 0.0 for t in HOMEBUILDERS)


def test_a_rate_cut_lifts_homebuilders_and_reits(graph):
    scores, themes = _scores(graph, "Fed cuts rates by half a point",
                             "The Federal Reserve lowered its benchmark rate by 50 basis points.")
    assert themes["theme:interest-rates"] < 0
    assert all(scores[t] > 0 for t in HOMEBUILDERS)
    assert all(scores[t] > 0 for t in REITS if t in scores.index)


def test_a_rate_hike_hurts_homebuilders_and_banks_gain_less_than_homebuilders_lose(graph):
    scores, themes = _scores(graph, "Fed raises rates by three-quarters of a point",
                             "The Federal Reserve raised its benchmark rate to a range of 1.5% to 1.75%.")
    assert themes["theme:interest-rates"] > 0
    assert all(scores[t] < 0 for t in HOMEBUILDERS)
    assert themes["theme:banks"] < abs(themes["theme:housing"])


def test_cooler_inflation_does_not_score_banks_up(graph):
    scores, themes = _scores(graph, "US consumer prices fall for the first time since 2020",
                             "The consumer price index declined 0.1% in June. Treasury yields fell.")
    assert themes["theme:interest-rates"] < 0
    assert scores["JPM"] <= 0 and all(scores[t] > 0 for t in HOMEBUILDERS)


def test_hotter_inflation_hurts_homebuilders(graph):
    scores, themes = _scores(graph, "US consumer prices jump 4.2%, the most since 2008",
                             "Treasury yields climbed on bets of faster rate increases.")
    assert themes["theme:interest-rates"] > 0
    assert all(scores[t] < 0 for t in HOMEBUILDERS)


def test_mortgage_rates_are_rates_and_rising_ones_hurt_homebuilders(graph):
    scores, themes = _scores(graph, "Mortgage rates climbed to 7%, the highest in two decades")
    assert themes["theme:interest-rates"] > 0 and themes["theme:housing"] < 0
    assert all(scores[t] < 0 for t in HOMEBUILDERS)
