"""Returns-blended exposures: exact betas, leave-one-out baskets, no look-ahead, explanations, switch."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import exposure as ex
from exposure.datasets import DEV_FUNDS, load_dev_returns
from exposure.errors import ArgumentError, CacheWarning
from exposure.estimate import (
    blend_exposures,
    paired_theme_betas,
    read_theme_factors,
    theme_betas,
    validate_blend,
)
from exposure.estimate import _cache

AS_OF = "2023-01-03"


@pytest.fixture(scope="module")
def returns() -> pd.DataFrame:
    return load_dev_returns()


@pytest.fixture(scope="module")
def blended(graph, returns):
    return blend_exposures(graph, returns, as_of=AS_OF)


def test_theme_betas_match_statsmodels_security_by_security_with_gaps():
    rng = np.random.default_rng(3)
    t, n, k = 400, 5, 3
    m = rng.normal(0, 0.01, t)
    f = rng.normal(0, 0.01, (t, k))
    r = 0.8 * m[:, None] + f @ rng.normal(0, 1, (k, n)) + rng.normal(0, 0.01, (t, n))
    r[:50, 1] = np.nan          # a late listing
    r[rng.random((t, n)) < 0.05] = np.nan
    f[200:230, 2] = np.nan      # a factor gap
    fit = theme_betas(r, m, f)
    for i in range(n):
        for j in range(k):
            ok = np.isfinite(r[:, i]) & np.isfinite(f[:, j])
            ref = sm.OLS(r[ok, i], sm.add_constant(np.column_stack([m[ok], f[ok, j]]))).fit()
            assert fit.beta[i, j] == pytest.approx(ref.params[2], rel=1e-8)
            assert fit.se[i, j] == pytest.approx(ref.bse[2], rel=1e-6)
            assert fit.nobs[i, j] == ok.sum()


def test_too_few_sessions_give_no_beta():
    rng = np.random.default_rng(0)
    r = rng.normal(0, 0.01, (100, 1))
    fit = theme_betas(r, rng.normal(0, 0.01, 100), rng.normal(0, 0.01, (100, 1)))
    assert np.isnan(fit.beta[0, 0]) and fit.nobs[0, 0] == 0


def test_a_basket_member_is_measured_against_the_basket_without_itself(graph, returns, blended):
    table = blended.table.set_index(["ticker", "theme"])
    past = returns.loc[returns.index < AS_OF].iloc[-756:].astype(float)
    prior = blended.prior_graph.security_exposures(["theme:banks"])["theme:banks"]
    members = [t for t in past.columns if t in prior.index and prior[t] >= 0.5]
    own = "KEY"
    assert own in members
    others = past[[t for t in members if t != own]]
    loo = others.sum(axis=1, min_count=1) / others.notna().sum(axis=1)
    ok = past[own].notna() & loo.notna() & past["SPY"].notna()
    ref = sm.OLS(past.loc[ok, own], sm.add_constant(pd.concat([past.loc[ok, "SPY"], loo[ok]], axis=1))).fit()
    assert table.loc[(own, "theme:banks"), "beta"] == pytest.approx(ref.params.iloc[2], rel=1e-8)
    paired = paired_theme_betas(past[[own]].to_numpy(), past["SPY"].to_numpy(), loo.to_frame().to_numpy())
    assert paired.beta[0] == pytest.approx(ref.params.iloc[2], rel=1e-8)


def test_nothing_on_or_after_the_as_of_date_is_used(graph, returns, blended):
    changed = returns.copy()
    after = changed.index >= AS_OF
    changed.loc[after] = np.random.default_rng(1).normal(0, 0.05, changed.loc[after].shape).astype("float32")
    again = blend_exposures(graph, changed, as_of=AS_OF)
    pd.testing.assert_frame_equal(again.table, blended.table)
    assert blended.window[1] < AS_OF


def test_every_blended_number_is_prior_plus_weighted_deviation(blended):
    t = blended.table
    assert len(t) > 300
    assert np.allclose(t["sensitivity"], t["prior"] + t["k"] * (t["z"] - t["prior"]))
    assert np.allclose(t["blend"], np.clip(t["sensitivity"], 0, 1))
    # the bound is the exposure's, not the estimate's: high-beta names keep their sensitivity above 1
    assert (t["sensitivity"] > 1).any()
    assert np.allclose(t["z"], t["beta"] / t["ref"]) and np.allclose(t["se_z"], t["se"] / t["ref"])
    assert ((t["k"] >= 0) & (t["k"] <= 1)).all() and (t["prior"] > 0).all()
    assert t["blend"].between(0, 1).all()
    text = blended.explain("KEY", "theme:banks")
    row = t[(t.ticker == "KEY") & (t.theme == "theme:banks")].iloc[0]
    for number in (f"{row.prior:.3f}", f"{row.beta:+.4f}", f"{row.se:.4f}", f"{row.k:.3f}", f"{row.blend:.3f}"):
        assert number in text
    with pytest.raises(ArgumentError, match="no estimate"):
        blended.explain("KEY", "theme:airlines")


def test_the_prior_is_point_in_time(graph, returns, blended):
    # as of 2023 the default graph's company figures (2024 annual reports) were not published yet;
    # only the aerospace and defence shares with history (fiscal 2016-2021 reports) are
    assert blended.prior_graph.look_ahead_count == 0
    explicit = blended.table[blended.table["prior_basis"] == "explicit"]
    assert set(explicit["theme"]) <= {"theme:defense-spending", "theme:commercial-aerospace"}
    ahead = blend_exposures(graph, returns, as_of=AS_OF, themes=["theme:banks"], point_in_time="look-ahead")
    assert ahead.prior_graph.look_ahead_count > 0 and (ahead.table["prior_basis"] == "explicit").any()


def test_explicit_figures_are_kept_unless_asked_and_then_say_so(graph, returns):
    late = "2025-06-02"
    kept = blend_exposures(graph, returns, as_of=late, themes=["theme:banks"])
    explicit = kept.table[kept.table["prior_basis"] == "explicit"]
    assert len(explicit) and not explicit["used"].any()
    assert kept.table.loc[kept.table["used"], "prior_basis"].isin(["industry default", "roll-up"]).all()
    both = blend_exposures(graph, returns, as_of=late, explicit="blend", themes=["theme:banks"])
    replaced = both.table[both.table["prior_basis"] == "explicit"]
    assert replaced["used"].all() and replaced["note"].str.startswith("replaces the explicit company figure").all()


def test_blend_is_a_switchable_edge_source_and_splits_an_industry_block(graph, blended):
    blended_graph = blended.to_graph()
    assert blended_graph.version != blended.prior_graph.version and blended_graph.has_blend
    edges = blended_graph.edges
    rows = edges[edges["relation"] == "exposed_to_blend"]
    assert len(rows) == blended.table["used"].sum() - blended.table[blended.table["used"]].duplicated(
        ["company_id", "theme"]).sum()
    assert rows["source"].str.startswith("returns-blend: ").all() and (rows["as_of"] == AS_OF).all()
    prior = blended_graph.security_exposures(["theme:banks"])["theme:banks"]
    blend = blended_graph.security_exposures(["theme:banks"], exposures="blend")["theme:banks"]
    regional = ["CFG", "FITB", "HBAN", "KEY", "MTB", "RF", "ZION"]
    assert prior[regional].nunique() == 1            # one industry-default block
    assert blend[regional].nunique() > 1             # firms differ
    table = blended_graph.blended_exposures
    assert set(table.loc[table["basis"] == "returns-blend", "source"].str[:14]) == {"returns-blend:"}

    event = ex.Event(id="run", headline="Regional bank shares plunge as deposit run spreads after lender fails",
                     published_at="2023-03-13T13:00:00Z")
    plain = ex.map_events([event], blended_graph).matrix.loc["run"]
    mixed = ex.map_events([event], blended_graph, settings=ex.ImpactSettings(exposures="blend")).matrix.loc["run"]
    assert plain[regional].nunique() == 1 and mixed[regional].nunique() > 1
    with pytest.raises(ArgumentError, match="no blended exposures"):
        ex.map_events([event], graph, settings=ex.ImpactSettings(exposures="blend"))


def test_results_are_cached_by_inputs_on_disk(graph, returns, tmp_path):
    first = blend_exposures(graph, returns, as_of="2021-06-01", themes=["theme:airlines"], cache_dir=tmp_path)
    _cache._MEMORY.clear()
    files = sorted(tmp_path.glob("*.parquet"))
    assert len(files) == 1
    again = blend_exposures(graph, returns, as_of="2021-06-01", themes=["theme:airlines"], cache_dir=tmp_path)
    pd.testing.assert_frame_equal(again.table, first.table)
    files[0].write_bytes(b"damaged")
    _cache._MEMORY.clear()
    with pytest.warns(CacheWarning, match="estimated afresh"):
        fresh = blend_exposures(graph, returns, as_of="2021-06-01", themes=["theme:airlines"], cache_dir=tmp_path)
    pd.testing.assert_frame_equal(fresh.table, first.table)
    changed = returns.copy()
    changed["DAL"] = changed["DAL"] * 1.5
    other = blend_exposures(graph, changed, as_of="2021-06-01", themes=["theme:airlines"], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.parquet"))) == 2
    assert not np.allclose(other.table["beta"], first.table["beta"])


def test_theme_factor_data_is_sound(graph, returns):
    factors = read_theme_factors()
    assert len(factors) >= 20
    for factor in factors:
        assert factor.theme in graph and factor.note
        if factor.kind == "fund":
            assert factor.series in returns.columns and factor.series in DEV_FUNDS


def test_bad_factor_rows_name_line_field_and_fix(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("theme,kind,series,note\ntheme:airlines,etf,JETS,x\n")
    with pytest.raises(ArgumentError) as err:
        read_theme_factors(path)
    assert err.value.field == "kind" and "line 2" in str(err.value.where) and err.value.fix


def test_bad_arguments_are_refused(graph, returns):
    with pytest.raises(ArgumentError, match="market"):
        blend_exposures(graph, returns, as_of=AS_OF, market="NOPE")
    with pytest.raises(ArgumentError, match="no factor"):
        blend_exposures(graph, returns, as_of=AS_OF, themes=["theme:naval-shipbuilding"])
    with pytest.raises(ex.DataError, match="sessions before"):
        blend_exposures(graph, returns, as_of="2015-02-01")


def test_validation_smoke_scores_three_predictors(graph, returns):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = validate_blend(graph, returns, years=[2019, 2023], themes=["theme:banks", "theme:airlines"])
    assert set(result.per_year["year"]) == {2019, 2023}
    assert {"r2_prior", "r2_past", "r2_blend", "rho_blend"} <= set(result.per_year.columns)
    assert "blend validation" in result.summary() and result.overall["theme_years"] == 4


def test_a_portfolio_is_measured_with_blended_exposures_when_asked(blended):
    graph = blended.to_graph()
    banks = ex.Portfolio(pd.Series({"ZION": 0.5, "KEY": 0.5}), name="banks")
    prior = ex.portfolio_report(banks, graph, themes=["theme:banks"])
    blend = ex.portfolio_report(banks, graph, themes=["theme:banks"], settings=ex.ImpactSettings(exposures="blend"))
    table = blended.table.set_index(["ticker", "theme"])
    expected = 0.5 * table.loc[("ZION", "theme:banks"), "blend"] + 0.5 * table.loc[("KEY", "theme:banks"), "blend"]
    assert prior.themes.total["theme:banks"] == pytest.approx(0.9)
    assert blend.themes.total["theme:banks"] == pytest.approx(expected)
