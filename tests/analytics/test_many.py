import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure as ex
from exposure.analytics import (
    PortfolioSet,
    event_exposures,
    event_sensitivity,
    theme_exposure,
    theme_exposures,
)
from exposure.errors import HoldingsError
from exposure.impact import activation_matrix, concept_activations
from exposure.portfolio import HoldingsWarning
from exposure.tagging import tag_event


@pytest.fixture(scope="module")
def book(graph):
    portfolios = {"sample": ex.datasets.load_sample_portfolio(), "benchmark": ex.datasets.load_sample_benchmark()}
    return portfolios, PortfolioSet.from_portfolios(portfolios, graph.compile())


def test_each_row_equals_the_single_portfolio_exposure(graph, book):
    portfolios, stacked = book
    many = theme_exposures(stacked, graph.compile())
    table = graph.security_exposures()
    for name, portfolio in portfolios.items():
        single = theme_exposure(portfolio, table).total
        np.testing.assert_allclose(many.loc[name, single.index].to_numpy(), single.to_numpy(), rtol=0, atol=1e-12)
    from_table = theme_exposures(stacked, table)
    np.testing.assert_allclose(from_table.loc[:, many.columns].to_numpy(), many.to_numpy(), rtol=0, atol=1e-12)


def test_coverage_per_portfolio_names_tickers_outside_the_universe(book):
    portfolios, stacked = book
    sample = portfolios["sample"].weights
    assert stacked.coverage.loc["benchmark", "mapped_weight_share"] == 1.0
    unmapped = stacked.unmapped[stacked.unmapped["portfolio"] == "sample"]
    assert set(unmapped["ticker"]) == {"ITA", "JETS"}
    gross = sample.abs().sum()
    expected = 1 - sample[["ITA", "JETS"]].abs().sum() / gross
    assert stacked.coverage.loc["sample", "mapped_weight_share"] == pytest.approx(expected, abs=1e-12)
    assert stacked.coverage.loc["sample", "n_holdings"] == len(sample)
    assert stacked.coverage.loc["sample", "n_mapped"] == len(sample) - 2


def test_event_exposures_equal_event_sensitivity(graph, book):
    portfolios, stacked = book
    events, _ = ex.datasets.load_sample_events()
    impacts = ex.map_events(events, graph)
    compiled = graph.compile()
    x = activation_matrix([concept_activations(tag_event(e, graph).mentions, e.market_impact) for e in events],
                          compiled.concepts)
    matrix = event_exposures(stacked, compiled, x)
    for column, name in enumerate(stacked.names):
        expected = event_sensitivity(portfolios[name], impacts.matrix)
        np.testing.assert_allclose(matrix[:, column], expected.to_numpy(), rtol=0, atol=1e-12)


tickers = st.sampled_from(["LMT", "RTX", "DAL", "XOM", "NOPE", "ALSO.NOPE"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), tickers, st.floats(-1, 1, allow_nan=False)),
                min_size=1, max_size=20))
def test_long_table_equals_portfolio_by_portfolio(rows):
    frame = pd.DataFrame(rows, columns=["portfolio", "ticker", "weight"])
    exposures = pd.DataFrame({"t1": [0.9, 0.5, 0.0, 0.1], "t2": [0.0, 0.2, 0.7, 0.3]},
                             index=["LMT", "RTX", "DAL", "XOM"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HoldingsWarning)
        stacked = PortfolioSet.from_long(frame, exposures.index)
    many = theme_exposures(stacked, exposures)
    for name, part in frame.groupby("portfolio"):
        weights = part.groupby("ticker")["weight"].sum()
        single = theme_exposure(weights, exposures).total
        np.testing.assert_allclose(many.loc[name].to_numpy(), single.to_numpy(), rtol=0, atol=1e-12)
    assert stacked.unmapped["weight"].sum() == pytest.approx(
        frame.loc[~frame["ticker"].isin(exposures.index), "weight"].sum(), abs=1e-12)


def test_repeated_rows_are_summed_with_a_warning():
    frame = pd.DataFrame({"portfolio": ["a", "a"], "ticker": ["LMT", "LMT"], "weight": [0.25, 0.5]})
    with pytest.warns(HoldingsWarning, match="1 repeated"):
        stacked = PortfolioSet.from_long(frame, ["LMT"])
    assert stacked.weights.toarray().tolist() == [[0.75]]


def test_bad_weights_and_missing_columns_name_the_rows_and_fix():
    frame = pd.DataFrame({"portfolio": ["a", "b"], "ticker": ["LMT", "RTX"], "weight": [0.5, "lots"]})
    with pytest.raises(HoldingsError, match=r"table rows 3") as info:
        PortfolioSet.from_long(frame, ["LMT", "RTX"])
    assert info.value.field == "weight"
    with pytest.raises(HoldingsError, match="no column 'weight'"):
        PortfolioSet.from_long(frame.drop(columns="weight"), ["LMT"])


def test_unknown_theme_is_named(book):
    _, stacked = book
    with pytest.raises(ex.UnknownConceptError, match="theme:counter-drones"):
        theme_exposures(stacked, ex.default_graph().compile(), themes=["theme:counter-drones"])
