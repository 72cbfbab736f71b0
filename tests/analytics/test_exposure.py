import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure.analytics import (
    Coverage,
    ThemeExposure,
    country_exposure,
    coverage,
    event_contributions,
    event_sensitivity,
    group_exposure,
    sector_exposure,
    theme_exposure,
)
from exposure.errors import ArgumentError, HoldingsError, UnknownConceptError
from exposure.portfolio import Portfolio

DEFENSE = "theme:defense-spending"
DRONES = "theme:counter-drone"
AVIATION = "theme:commercial-aviation"
DRONE_EVENT = "evt:lithuania-drone-incursion"
CEASEFIRE = "evt:ceasefire"

EXPOSURES = pd.DataFrame(
    {
        DEFENSE: [0.80, 0.55, 0.90, 0.85, 0.00],
        DRONES: [0.30, 0.20, 0.40, 0.50, 0.00],
        AVIATION: [0.00, 0.10, 0.00, 0.00, 1.00],
    },
    index=pd.Index(["LMT", "RTX", "RHM.DE", "SAAB-B.ST", "DAL"], name="ticker"),
)
INFO = pd.DataFrame(
    {
        "company": ["Lockheed Martin", "RTX", "Rheinmetall", "Saab", "Delta Air Lines", "Palantir"],
        "sector": ["Industrials"] * 3 + [None, "Industrials", "Information Technology"],
        "country": ["US", "US", "DE", "SE", "US", "US"],
    },
    index=pd.Index(["LMT", "RTX", "RHM.DE", "SAAB-B.ST", "DAL", "PLTR"], name="ticker"),
)
IMPACTS = pd.DataFrame(
    {
        "LMT": [0.3, -0.2],
        "RHM.DE": [0.6, -0.5],
        "SAAB-B.ST": [0.5, 0.0],
        "DAL": [-0.2, 0.4],
        "BA": [0.1, 0.0],
    },
    index=pd.Index([DRONE_EVENT, CEASEFIRE], name="event"),
)
WEIGHTS = pd.Series({"LMT": 0.25, "RTX": 0.20, "RHM.DE": 0.30, "SAAB-B.ST": 0.15, "DAL": -0.10})
BENCHMARK = pd.Series({"LMT": 0.4, "RTX": 0.4, "DAL": 0.2})


# --- theme exposure by hand -------------------------------------------------------------------


def test_theme_totals_by_hand():
    result = theme_exposure(WEIGHTS, EXPOSURES)
    assert result.total.index.tolist() == [AVIATION, DRONES, DEFENSE]
    np.testing.assert_almost_equal(result.total[DEFENSE], 0.7075)
    np.testing.assert_almost_equal(result.total[DRONES], 0.31)
    np.testing.assert_almost_equal(result.total[AVIATION], -0.08)
    assert result.active is None and result.benchmark_total is None
    assert result.active_contributions is None and result.benchmark_coverage is None


def test_contributions_by_hand():
    contributions = theme_exposure(WEIGHTS, EXPOSURES).contributions
    assert contributions.index.tolist() == ["DAL", "LMT", "RHM.DE", "RTX", "SAAB-B.ST"]
    assert contributions.index.name == "ticker"
    assert contributions.columns.name == "theme"
    np.testing.assert_almost_equal(contributions.loc["RHM.DE", DEFENSE], 0.27)
    np.testing.assert_almost_equal(contributions.loc["DAL", AVIATION], -0.10)
    assert contributions.loc["DAL", DEFENSE] == 0.0
    assert not np.signbit(contributions.loc["DAL", DEFENSE])


def test_active_exposure_by_hand():
    result = theme_exposure(WEIGHTS, EXPOSURES, benchmark=BENCHMARK)
    np.testing.assert_almost_equal(result.benchmark_total[DEFENSE], 0.54)
    np.testing.assert_almost_equal(result.benchmark_total[DRONES], 0.20)
    np.testing.assert_almost_equal(result.benchmark_total[AVIATION], 0.24)
    np.testing.assert_almost_equal(result.active[DEFENSE], 0.1675)
    np.testing.assert_almost_equal(result.active[DRONES], 0.11)
    np.testing.assert_almost_equal(result.active[AVIATION], -0.32)
    active = result.active_contributions
    np.testing.assert_almost_equal(active.loc["LMT", DEFENSE], -0.12)
    np.testing.assert_almost_equal(active.loc["RHM.DE", DEFENSE], 0.27)
    np.testing.assert_almost_equal(active.loc["DAL", AVIATION], -0.30)


def test_portfolio_and_series_inputs_agree_bit_for_bit():
    from_series = theme_exposure(WEIGHTS, EXPOSURES, benchmark=BENCHMARK)
    from_portfolio = theme_exposure(
        Portfolio.from_weights(WEIGHTS), EXPOSURES, benchmark=Portfolio.from_weights(BENCHMARK)
    )
    pd.testing.assert_frame_equal(from_series.to_frame(), from_portfolio.to_frame(), rtol=0, atol=0)


def test_input_order_does_not_change_output():
    first = theme_exposure(WEIGHTS, EXPOSURES, benchmark=BENCHMARK)
    shuffled = theme_exposure(
        WEIGHTS.iloc[::-1], EXPOSURES.iloc[::-1, ::-1], benchmark=BENCHMARK.iloc[::-1]
    )
    pd.testing.assert_frame_equal(first.contributions, shuffled.contributions, rtol=0, atol=0)
    pd.testing.assert_frame_equal(first.to_frame(), shuffled.to_frame(), rtol=0, atol=0)
    assert first.to_dict() == shuffled.to_dict()


def test_themes_select_and_order_columns():
    result = theme_exposure(WEIGHTS, EXPOSURES, themes=[DEFENSE, AVIATION])
    assert result.total.index.tolist() == [DEFENSE, AVIATION]
    assert result.contributions.columns.tolist() == [DEFENSE, AVIATION]


def test_unknown_theme_suggests_close_matches():
    with pytest.raises(UnknownConceptError, match="did you mean theme:defense-spending") as info:
        theme_exposure(WEIGHTS, EXPOSURES, themes=["theme:defence-spending"])
    assert isinstance(info.value, KeyError)


def test_unknown_ticker_contributes_zero_and_shows_in_coverage():
    weights = pd.concat([WEIGHTS, pd.Series({"PLTR": 0.05})])
    result = theme_exposure(weights, EXPOSURES)
    assert result.contributions.loc["PLTR"].eq(0.0).all()
    np.testing.assert_almost_equal(result.total[DEFENSE], 0.7075)
    c = result.coverage
    assert (c.n_holdings, c.n_mapped, c.n_unmapped) == (6, 5, 1)
    np.testing.assert_almost_equal(c.mapped_weight_share, 1.0 / 1.05)
    assert c.unmapped.to_dict() == {"PLTR": 0.05}


def test_benchmark_coverage():
    result = theme_exposure(WEIGHTS, EXPOSURES, benchmark=pd.Series({"LMT": 0.5, "NOC": 0.5}))
    assert result.benchmark_coverage.unmapped.to_dict() == {"NOC": 0.5}
    np.testing.assert_almost_equal(result.benchmark_total[DEFENSE], 0.40)


@pytest.mark.parametrize("bad", [1.5, -0.1, np.nan, np.inf])
def test_exposure_outside_unit_interval_names_ticker_and_theme(bad):
    exposures = EXPOSURES.copy()
    exposures.loc["RHM.DE", DRONES] = bad
    with pytest.raises(ValueError, match=r"exposure of RHM.DE to theme:counter-drone"):
        theme_exposure(WEIGHTS, exposures)


def test_non_numeric_exposure_table():
    exposures = EXPOSURES.astype(object)
    exposures.loc["LMT", DEFENSE] = "high"
    with pytest.raises(ValueError, match="not numbers"):
        theme_exposure(WEIGHTS, exposures)


def test_duplicate_tickers_in_weights_series():
    weights = pd.Series([0.5, 0.5], index=["LMT", "LMT"])
    with pytest.raises(HoldingsError, match="LMT appear more than once"):
        theme_exposure(weights, EXPOSURES)


def test_non_finite_weight():
    with pytest.raises(HoldingsError, match="finite"):
        theme_exposure(pd.Series({"LMT": np.nan}), EXPOSURES)


def test_weights_must_be_series_or_portfolio():
    with pytest.raises(ArgumentError, match="Portfolio or a pandas Series"):
        theme_exposure({"LMT": 1.0}, EXPOSURES)  # type: ignore[arg-type]


def test_empty_portfolio():
    result = theme_exposure(pd.Series(dtype=float), EXPOSURES)
    assert result.total.eq(0.0).all()
    assert result.coverage.mapped_weight_share == 1.0


# --- result object ----------------------------------------------------------------------------


def test_top_contributors():
    result = theme_exposure(WEIGHTS, EXPOSURES, benchmark=BENCHMARK)
    top = result.top_contributors(DEFENSE, n=2)
    assert top.index.tolist() == ["RHM.DE", "LMT"]
    np.testing.assert_almost_equal(top.to_numpy(), [0.27, 0.20])
    assert "DAL" not in result.top_contributors(DEFENSE, n=10)
    active_top = result.top_contributors(AVIATION, n=1, active=True)
    assert active_top.index.tolist() == ["DAL"]
    with pytest.raises(UnknownConceptError):
        result.top_contributors("theme:drones")


def test_top_contributors_active_needs_benchmark():
    with pytest.raises(ValueError, match="benchmark"):
        theme_exposure(WEIGHTS, EXPOSURES).top_contributors(DEFENSE, active=True)


def test_to_dict_is_json_ready_and_sorted():
    result = theme_exposure(WEIGHTS, EXPOSURES, benchmark=BENCHMARK)
    entries = json.loads(json.dumps(result.to_dict()))
    assert [e["theme"] for e in entries] == sorted([AVIATION, DRONES, DEFENSE])
    defense = entries[2]
    np.testing.assert_almost_equal(defense["exposure"], 0.7075)
    np.testing.assert_almost_equal(defense["active"], 0.1675)
    assert [c["ticker"] for c in defense["contributions"]] == ["RHM.DE", "LMT", "SAAB-B.ST", "RTX"]
    aviation = result.to_dict(top=1)[0]
    assert aviation["contributions"] == [{"ticker": "DAL", "contribution": -0.1}]


def test_to_dict_ties_broken_by_ticker():
    exposures = pd.DataFrame({DEFENSE: [0.5, 0.5, 0.5]}, index=["RTX", "LMT", "SAAB-B.ST"])
    weights = pd.Series({"SAAB-B.ST": 0.2, "RTX": -0.2, "LMT": 0.2})
    entry = theme_exposure(weights, exposures).to_dict()[0]
    assert [c["ticker"] for c in entry["contributions"]] == ["LMT", "RTX", "SAAB-B.ST"]
    assert entry["active"] is None


def test_to_frame_with_and_without_benchmark():
    plain = theme_exposure(WEIGHTS, EXPOSURES).to_frame()
    assert plain.columns.tolist() == ["exposure", "benchmark", "active"]
    assert plain["active"].isna().all()
    frame = theme_exposure(WEIGHTS, EXPOSURES, benchmark=BENCHMARK).to_frame()
    np.testing.assert_almost_equal(frame.loc[DEFENSE].to_numpy(), [0.7075, 0.54, 0.1675])


def test_results_are_read_only():
    result = theme_exposure(WEIGHTS, EXPOSURES)
    assert isinstance(result, ThemeExposure)
    with pytest.raises(AttributeError):
        result.total = pd.Series(dtype=float)  # type: ignore[misc]
    total = result.total
    total.iloc[0] = 99.0
    assert result.total.iloc[0] != 99.0
    with pytest.raises(AttributeError):
        result.coverage.n_mapped = 0  # type: ignore[misc]


def test_summary_and_repr():
    result = theme_exposure(WEIGHTS, EXPOSURES, benchmark=BENCHMARK)
    text = result.summary()
    assert "5 of 5 holdings mapped" in text
    assert DEFENSE in text and "0.7075" in text
    assert repr(result) == "ThemeExposure(3 themes, 5 holdings, with benchmark)"


# --- coverage ---------------------------------------------------------------------------------


def test_coverage_sorts_unmapped_by_size_then_ticker():
    weights = pd.Series({"LMT": 0.4, "NOC": 0.1, "GD": -0.2, "BA": 0.1, "PLTR": 0.2})
    c = coverage(weights, EXPOSURES.index)
    assert isinstance(c, Coverage)
    assert c.unmapped.index.tolist() == ["GD", "PLTR", "BA", "NOC"]
    np.testing.assert_almost_equal(c.mapped_weight_share, 0.4)
    assert c.to_dict()["unmapped"][0] == {"ticker": "GD", "weight": -0.2}
    assert "unmapped: GD" in c.summary()


def test_coverage_of_zero_gross_portfolio():
    assert coverage(pd.Series({"LMT": 0.0}), EXPOSURES.index).mapped_weight_share == 1.0
    assert coverage(pd.Series({"NOC": 0.0}), EXPOSURES.index).mapped_weight_share == 0.0
    assert coverage(pd.Series(dtype=float), EXPOSURES.index).mapped_weight_share == 1.0


# --- sector and country -----------------------------------------------------------------------


def test_sector_exposure_by_hand():
    weights = pd.concat([WEIGHTS, pd.Series({"PLTR": 0.05, "NOC": 0.05})])
    sectors = sector_exposure(weights, INFO)
    assert sectors.index.name == "sector"
    assert sectors.columns.tolist() == ["weight", "benchmark", "active"]
    assert sectors.index.tolist() == ["Industrials", "Unclassified", "Information Technology"]
    np.testing.assert_almost_equal(sectors["weight"].to_numpy(), [0.65, 0.20, 0.05])
    assert sectors["benchmark"].isna().all()


def test_country_exposure_with_benchmark():
    countries = country_exposure(WEIGHTS, INFO, benchmark=BENCHMARK)
    assert countries.index.tolist() == ["US", "DE", "SE"]
    np.testing.assert_almost_equal(countries["weight"].to_numpy(), [0.35, 0.30, 0.15])
    np.testing.assert_almost_equal(countries["benchmark"].to_numpy(), [1.0, 0.0, 0.0])
    np.testing.assert_almost_equal(countries["active"].to_numpy(), [-0.65, 0.30, 0.15])


def test_group_exposure_labels_and_custom_unknown():
    labels = pd.Series({"LMT": "Defense", "RTX": "  ", "DAL": "Airlines"})
    groups = group_exposure(WEIGHTS, labels, unknown_label="n/a")
    assert groups.index.name == "label"
    assert groups.index.tolist() == ["n/a", "Defense", "Airlines"]
    np.testing.assert_almost_equal(groups["weight"].to_numpy(), [0.65, 0.25, -0.10])


def test_missing_info_column():
    with pytest.raises(ValueError, match="no 'sector' column"):
        sector_exposure(WEIGHTS, INFO.drop(columns="sector"))


# --- events -----------------------------------------------------------------------------------


def test_event_sensitivity_by_hand():
    s = event_sensitivity(WEIGHTS, IMPACTS)
    assert s.index.tolist() == [DRONE_EVENT, CEASEFIRE]
    assert s.name == "sensitivity"
    np.testing.assert_almost_equal(s.to_numpy(), [0.35, -0.24])


def test_event_contributions_add_up_exactly():
    s = event_sensitivity(WEIGHTS, IMPACTS)
    c = event_contributions(WEIGHTS, IMPACTS, DRONE_EVENT)
    assert c.index.tolist() == ["DAL", "LMT", "RHM.DE", "SAAB-B.ST"]
    np.testing.assert_almost_equal(c["DAL"], 0.02)
    assert c.sum() == s[DRONE_EVENT]


def test_event_tickers_missing_from_impacts_are_in_coverage():
    assert coverage(WEIGHTS, IMPACTS.columns).unmapped.to_dict() == {"RTX": 0.20}


def test_unknown_event_and_bad_impacts():
    with pytest.raises(UnknownConceptError, match="evt:ceasefire"):
        event_contributions(WEIGHTS, IMPACTS, "evt:ceasfire")
    impacts = IMPACTS.copy()
    impacts.loc[CEASEFIRE, "LMT"] = np.nan
    with pytest.raises(ValueError, match="impact of event evt:ceasefire on LMT"):
        event_sensitivity(WEIGHTS, impacts)


# --- properties -------------------------------------------------------------------------------

TICKERS = ["LMT", "RTX", "RHM.DE", "SAAB-B.ST", "DAL", "BA", "NOC", "GD", "HO.PA", "KOG.OL"]
unit = st.one_of(st.just(0.0), st.floats(1e-9, 1))
signed = st.one_of(unit, st.floats(-1, -1e-9))


@st.composite
def exposure_tables(draw: st.DrawFn) -> pd.DataFrame:
    tickers = draw(st.lists(st.sampled_from(TICKERS), min_size=1, unique=True))
    n_themes = draw(st.integers(1, 4))
    values = draw(st.lists(st.lists(unit, min_size=n_themes, max_size=n_themes),
                           min_size=len(tickers), max_size=len(tickers)))
    return pd.DataFrame(values, index=tickers, columns=[f"theme:t{i}" for i in range(n_themes)])


weight_series = st.dictionaries(st.sampled_from(TICKERS), signed).map(
    lambda d: pd.Series(d, dtype=float)
)


def random_case(seed: int) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 3000)), int(rng.integers(1, 8))
    tickers = np.array([f"T{i:05d}" for i in range(n)])
    exposures = pd.DataFrame(rng.random((n, k)) * (rng.random((n, k)) < 0.6), index=tickers,
                             columns=[f"theme:t{i}" for i in range(k)])
    held = rng.random(n) < 0.8
    w = pd.Series(rng.normal(size=held.sum()) / n, index=tickers[held])
    wb = pd.Series(rng.random(n) / n, index=tickers)
    return w, wb, exposures


@given(weight_series, weight_series, exposure_tables())
def test_contributions_sum_to_totals_exactly(w, wb, exposures):
    result = theme_exposure(w, exposures, benchmark=wb)
    for theme in exposures.columns:
        assert result.contributions[theme].sum() == result.total[theme]
        assert result.active_contributions[theme].sum() == result.active[theme]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_contributions_sum_exactly_for_large_portfolios(seed):
    w, wb, exposures = random_case(seed)
    result = theme_exposure(w, exposures, benchmark=wb)
    totals = result.contributions.sum()
    for theme in exposures.columns:
        assert result.contributions[theme].sum() == result.total[theme]
        assert totals[theme] == result.total[theme]
        assert result.active_contributions[theme].sum() == result.active[theme]
    np.testing.assert_allclose(
        result.active, result.total - result.benchmark_total, rtol=0, atol=1e-12
    )


@given(weight_series, weight_series, st.floats(-3, 3), st.floats(-3, 3), exposure_tables())
def test_exposure_is_linear_in_weights(w1, w2, a, b, exposures):
    union = w1.index.union(w2.index)
    w1, w2 = w1.reindex(union, fill_value=0.0), w2.reindex(union, fill_value=0.0)
    combined = theme_exposure(a * w1 + b * w2, exposures).total
    expected = a * theme_exposure(w1, exposures).total + b * theme_exposure(w2, exposures).total
    np.testing.assert_allclose(combined, expected, rtol=0, atol=1e-12)


@given(weight_series, exposure_tables())
def test_shorts_give_negative_contributions(w, exposures):
    contributions = theme_exposure(w, exposures).contributions
    e = exposures.reindex(contributions.index, fill_value=0.0)[contributions.columns]
    w_sign = np.sign(w.reindex(contributions.index).to_numpy())[:, None]
    expected_sign = w_sign * np.sign(e.to_numpy())
    np.testing.assert_array_equal(np.sign(contributions.to_numpy()), expected_sign)
    assert not np.signbit(contributions.to_numpy()[contributions.to_numpy() == 0]).any()


@given(weight_series, weight_series, exposure_tables())
def test_active_equals_total_minus_benchmark(w, wb, exposures):
    result = theme_exposure(w, exposures, benchmark=wb)
    np.testing.assert_allclose(
        result.active, result.total - result.benchmark_total, rtol=0, atol=1e-12
    )


@given(weight_series, weight_series)
def test_sector_weights_sum_to_net_weight(w, wb):
    sectors = sector_exposure(w, INFO, benchmark=wb)
    np.testing.assert_allclose(sectors["weight"].sum(), w.sum(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(sectors["benchmark"].sum(), wb.sum(), rtol=0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_event_contributions_sum_to_sensitivity_exactly(seed):
    w, _, table = random_case(seed)
    impacts = (table.T - 0.5).rename(index=lambda t: f"evt:{t}")
    sensitivity = event_sensitivity(w, impacts)
    for event in impacts.index[:3]:
        assert event_contributions(w, impacts, event).sum() == sensitivity[event]

