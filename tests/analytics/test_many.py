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
    compiled = graph.compile()
    x = activation_matrix([concept_activations(tag_event(e, graph).mentions, e.market_impact) for e in events],
                          compiled.concepts)
    for materiality in (0.0, ex.ImpactSettings().materiality):    # the linear shortcut, and the material scores
        impacts = ex.map_events(events, graph, settings=ex.ImpactSettings(materiality=materiality))
        matrix = event_exposures(stacked, compiled, x, materiality=materiality)
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


def _shuffled_book(seed=0, n_portfolios=30, n_tickers=40, n_rows=600):
    rng = np.random.default_rng(seed)
    universe = [f"T{i:02d}" for i in range(n_tickers)]
    frame = pd.DataFrame({
        "portfolio": rng.choice([f"p{i:02d}" for i in range(n_portfolios)], n_rows),
        "ticker": rng.choice(universe + ["OUT1", "OUT2"], n_rows),
        "weight": rng.normal(size=n_rows),
    })
    return frame, universe


def test_categorical_ungrouped_and_grouped_tables_give_the_same_set():
    frame, universe = _shuffled_book()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HoldingsWarning)
        plain = PortfolioSet.from_long(frame, universe)
        categories = sorted(set(frame["portfolio"])) + ["never-held"]
        categorical = frame.assign(portfolio=pd.Categorical(frame["portfolio"], categories=categories[::-1]),
                                   ticker=frame["ticker"].astype("category"))
        as_category = PortfolioSet.from_long(categorical, universe)
        grouped = PortfolioSet.from_long(frame.sort_values("portfolio", kind="stable"), universe)
    for other in (as_category, grouped):
        assert list(other.names.astype(str)) == sorted(plain.names.astype(str), reverse=other is as_category)
        order = other.names.astype(str)
        np.testing.assert_allclose(other.weights.toarray(), plain.weights.toarray()[plain.names.get_indexer(order)],
                                   rtol=0, atol=1e-15)
        pd.testing.assert_frame_equal(other.coverage.set_axis(order), plain.coverage.loc[order].set_axis(order),
                                      check_exact=False, rtol=0, atol=1e-14)
    assert plain.weights.has_canonical_format
    assert (plain.weights != plain.by_security.T).nnz == 0


def test_repeated_rows_inside_and_outside_the_universe_are_counted_once_each():
    frame = pd.DataFrame({"portfolio": ["b", "a", "b", "a", "a", "b"],
                          "ticker": ["LMT", "XYZ", "LMT", "XYZ", "DAL", "XYZ"],
                          "weight": [0.25, 0.5, 0.25, -0.25, 0.25, 0.5]})
    with pytest.warns(HoldingsWarning, match="2 repeated"):
        stacked = PortfolioSet.from_long(frame, ["DAL", "LMT"])
    assert stacked.coverage["n_holdings"].to_dict() == {"a": 2, "b": 2}
    assert stacked.coverage["n_mapped"].to_dict() == {"a": 1, "b": 1}
    assert stacked.coverage.loc["a", "gross_weight"] == pytest.approx(1.0)
    assert stacked.coverage.loc["a", "mapped_weight_share"] == pytest.approx(0.25)
    assert stacked.unmapped.to_dict("records") == [{"portfolio": "a", "ticker": "XYZ", "weight": 0.25},
                                                   {"portfolio": "b", "ticker": "XYZ", "weight": 0.5}]
    assert stacked.weights.toarray().tolist() == [[0.25, 0.0], [0.0, 0.5]]


def test_coverage_sums_in_chunks_equal_one_pass():
    from exposure.analytics._many import _coverage_sums

    rng = np.random.default_rng(1)
    counts = rng.integers(1, 9, 50)
    starts = np.concatenate([[0], np.cumsum(counts)])
    values = rng.normal(size=starts[-1])
    outside = np.sort(rng.choice(starts[-1], 20, replace=False))
    rows = np.repeat(np.arange(50), counts)
    inside = np.ones(len(values), dtype=bool)
    inside[outside] = False
    for chunk in (1, 7, 64, 1 << 22):
        net, gross, mapped = _coverage_sums(values, starts, outside, chunk=chunk)
        np.testing.assert_allclose(net, np.bincount(rows, weights=values), rtol=0, atol=1e-13)
        np.testing.assert_allclose(gross, np.bincount(rows, weights=np.abs(values)), rtol=0, atol=1e-13)
        np.testing.assert_allclose(mapped, np.bincount(rows[inside], weights=np.abs(values[inside]), minlength=50),
                                   rtol=0, atol=1e-13)


def test_threaded_product_equals_the_public_product_bit_for_bit(monkeypatch):
    from exposure.analytics import _many

    rng = np.random.default_rng(2)
    import scipy.sparse as sp

    left = sp.csr_array(sp.random_array((60, 300), density=0.1, rng=rng))
    right = sp.csr_array(sp.random_array((300, 40), density=0.2, rng=rng))
    expected = (left @ right).toarray()
    monkeypatch.setattr(_many, "_MIN_PARALLEL_WORK", 0)
    np.testing.assert_array_equal(_many._transposed_product(left, right), expected)
    monkeypatch.setattr(_many, "_csr_matmat", None)
    np.testing.assert_array_equal(_many._transposed_product(left, right), expected)
