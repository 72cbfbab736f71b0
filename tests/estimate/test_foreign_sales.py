"""The dollar and foreign sales: graph data, the signed UUP factor, its blend, and the [0, 1] bound in validation."""

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import exposure as ex
from exposure.datasets import load_dev_returns
from exposure.errors import ArgumentError
from exposure.estimate import ThemeFactor, blend_exposures, read_theme_factors, theme_betas, validate_blend
from exposure.estimate._factors import series_factors
from exposure.estimate._blend import full_exposure_beta
from exposure.estimate._validate import PREDICTORS, UNBOUNDED, _r2

THEME = "theme:foreign-sales"
DATA = Path(ex.__file__).parent / "graph" / "data"


@pytest.fixture(scope="module")
def returns() -> pd.DataFrame:
    return load_dev_returns()


def _edge(graph, source, relation, target):
    e = graph.edges
    return e[(e["from_id"] == source) & (e["relation"] == relation) & (e["to_id"] == target)]


def test_a_stronger_dollar_hurts_foreign_sales(graph):
    link = _edge(graph, "theme:us-dollar", "implies", THEME)
    assert len(link) == 1 and link["weight"].iloc[0] == -0.5
    assert {"theme:us-dollar", THEME} <= set(graph.ids("theme"))


def test_foreign_sales_priors_come_from_sector_figures_domestic_defaults_and_listing_currency(graph):
    prior = graph.security_exposures([THEME])[THEME]
    assert prior["AAPL"] == 0.58 and prior["XOM"] == 0.51     # published S&P 500 sector shares (IT, Energy)
    assert prior["KEY"] == 0.02 and prior["DHI"] == 0.02     # regional bank, homebuilder: domestic by nature
    assert prior["NEE"] == 0.05                                # utilities
    assert prior["RHM.DE"] == 0.0                              # quoted only in euros: explicit 0
    defaults = graph.edges[(graph.edges["to_id"] == THEME) & graph.edges["from_id"].str.startswith("gics:")]
    sectors = defaults[defaults["from_id"].str.len() == len("gics:10")]
    assert len(sectors) == 11 and sectors["note"].str.len().gt(40).all()
    sourced = sectors[sectors["source"].str.contains("published S&P 500 sector figure")]
    assert set(sourced["from_id"]) == {"gics:10", "gics:40", "gics:45", "gics:50", "gics:55"}
    assert sectors.drop(sourced.index)["source"].str.contains("reasoned").all()


def test_foreign_sales_file_is_what_its_generator_writes():
    spec = importlib.util.spec_from_file_location("make_foreign_sales",
                                                  DATA / "foreign_sales" / "make_foreign_sales.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = pd.read_csv(DATA / "default" / "edges" / "foreign_sales.csv", dtype=str, keep_default_na=False)
    assert written.values.tolist() == module.rows()
    zeros = written[written["from_id"].str.startswith("company:")]
    assert (zeros["weight"] == "0").all() and not zeros["source"].str.contains("USD|HKD").any()
    assert (zeros["known_from"] == zeros["as_of"]).all()


def test_dollar_news_scores_exporters_down_and_leaves_euro_listings_alone(graph):
    event = ex.Event(id="usd", headline="The US dollar surges to a 20-year high against the euro",
                     published_at="2024-01-03T14:00Z")
    score = ex.map_events([event], graph, settings=ex.ImpactSettings(materiality=0)).matrix.loc["usd"]
    assert score["AAPL"] < score["PG"] < score["KEY"] < 0   # in order of foreign sales: 0.58, 0.35, 0.02
    assert score.get("RHM.DE", 0.0) == 0.0


def test_the_dollar_factor_is_minus_uup(returns):
    factors = {f.theme: f for f in read_theme_factors()}
    usd = factors[THEME]
    assert (usd.kind, usd.series, usd.sign, usd.label, usd.use) == ("fund", "UUP", -1, "fund -UUP", False)
    assert all(f.sign == 1 and f.use for f in factors.values() if f.theme != THEME)
    past = returns.loc["2022-01-01":"2022-12-31"]
    tickers = ["AAPL", "XOM", "NEE"]
    plus = theme_betas(past[tickers].to_numpy(float), past["SPY"].to_numpy(float), past[["UUP"]].to_numpy(float))
    flow = series_factors([usd], past, None)[THEME].to_numpy(float)
    minus = theme_betas(past[tickers].to_numpy(float), past["SPY"].to_numpy(float), flow[:, None])
    np.testing.assert_allclose(minus.beta, -plus.beta, rtol=1e-10)


def test_sign_column_is_checked_and_optional(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("theme,kind,series,note\ntheme:airlines,fund,JETS,x\n")
    assert read_theme_factors(path)[0].sign == 1 and read_theme_factors(path)[0].use
    for row, field in (("theme:airlines,fund,JETS,2,yes,x", "sign"), ("theme:banks,basket,,-1,yes,x", "sign"),
                       ("theme:banks,basket,,1,maybe,x", "use")):
        path.write_text(f"theme,kind,series,sign,use,note\n{row}\n")
        with pytest.raises(ArgumentError) as err:
            read_theme_factors(path)
        assert err.value.field == field and "line 2" in str(err.value.where) and err.value.fix


def test_foreign_sales_is_measured_against_the_short_dollar_but_not_used(graph, returns):
    blended = blend_exposures(graph, returns, as_of="2024-01-02", themes=[THEME])
    theme = blended.themes.loc[THEME]
    assert theme["factor"] == "fund -UUP" and theme["ref"] > 0 and not theme["skipped"]
    table = blended.table
    assert table["blend"].between(0, 1).all() and (table["prior"] > 0).all()
    assert "RHM.DE" not in set(table["ticker"])                   # explicit 0: not exposed, not blended
    assert not table["used"].any() and table["note"].str.contains("use=no").all()
    assert blended.edges().empty
    explained = blended.explain("AAPL", THEME)
    assert "fund -UUP" in explained and "no: fund -UUP is measured, not used" in explained


def test_validation_separates_the_bound_from_the_estimate(graph, returns):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = validate_blend(graph, returns, years=[2022], themes=["theme:energy"])
    row = result.per_year.iloc[0]
    assert {f"r2_bounded_{p}" for p in PREDICTORS} | {f"r2_{UNBOUNDED}", "n_clipped", "n_over_1"} <= set(row.index)
    assert 0 < row["n_clipped"] < row["n"] and row["n_over_1"] > 0
    assert row[f"r2_{UNBOUNDED}"] != row["r2_blend"]                 # the bound moved some blends
    assert np.isfinite(row[[f"r2_bounded_{p}" for p in PREDICTORS]].astype(float)).all()
    assert "bounded target" in result.summary() and "themes_blend_best_bounded_r2" in result.overall


def test_bounded_r2_is_r2_against_the_clipped_target():
    y = np.array([0.2, 0.7, 1.4, 1.1])
    guess = np.array([0.3, 0.6, 1.0, 1.0])
    assert _r2(np.clip(y, 0, 1), guess) == pytest.approx(1 - 0.02 / float(((np.clip(y, 0, 1) - 0.725) ** 2).sum()))
    assert ThemeFactor("theme:x", "fund", "UUP", "", sign=-1).label == "fund -UUP"


def test_a_theme_without_a_measured_scale_is_not_blended(graph, returns):
    blended = blend_exposures(graph, returns, as_of="2019-01-01", themes=[THEME])   # 2016-18: dollar beta ~ 0
    assert blended.table.empty and "t >= 2" in blended.themes.loc[THEME, "skipped"]
    p = np.array([0.5, 1.0, 1.0, 0.5])
    assert np.isnan(full_exposure_beta(p, np.array([0.4, -0.5, 0.6, -0.3])))
    assert full_exposure_beta(p, np.array([0.4, -0.5, 0.6, -0.3]), min_t=0.0) > 0
