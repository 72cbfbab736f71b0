"""The graph quality report: coverage counts and agreement with ETF holdings."""

import shutil

import pandas as pd
import pytest

import exposure as ex
from exposure.datasets import load_etf_holdings
from exposure.errors import DataError
from exposure.graph import GraphReport, graph_report, is_us_listed
from tests.conftest import MINI_GRAPH

HOLDINGS = pd.DataFrame(
    [("DEF", "2022-02-01", "BIG", 40.0), ("DEF", "2022-02-01", "KOG.OL", 30.0), ("DEF", "2022-02-01", "OTHR", 29.6),
     ("DEF", "2022-02-01", "TINY", 0.4), ("DEF", "2022-02-01", None, 0.0),
     ("FLY", "2022-02-01", "SKY", 100.0)],
    columns=["etf", "date", "holding", "weight_pct"],
)
PAIRS = [("theme:defense-spending", "DEF", "2022-02-04"), ("theme:airlines", "FLY", "2022-02-04"),
         ("theme:space-satellites", "FLY", "2022-02-04"), ("theme:airlines", "FLY", "2021-01-01")]


def test_agreement_on_the_mini_graph(mini_graph):
    report = graph_report(mini_graph, HOLDINGS, comparisons=PAIRS)
    rows = report.agreement.set_index(["theme", "etf", "date"])
    defense = rows.loc[("theme:defense-spending", "DEF", "2022-02-04")]
    # members (US-listed, exposure >= 0.2): BIG 0.5 (industry default), DRO 0.9 (roll-up); KOG.OL is not US
    assert defense["snapshot"] == "2022-02-01" and defense["members"] == 2 and defense["holdings"] == 2
    assert defense["shared"] == 1 and defense["precision"] == 0.5 and defense["recall"] == 0.5
    assert defense["graph_only"] == ["DRO"] and defense["etf_only_not_in_graph"] == ["OTHR"]
    airlines = rows.loc[("theme:airlines", "FLY", "2022-02-04")]
    assert (airlines["precision"], airlines["recall"]) == (1.0, 1.0)
    assert "no theme" in rows.loc[("theme:space-satellites", "FLY", "2022-02-04")]["note"]
    assert "no FLY snapshot on or before 2021-01-01" in rows.loc[("theme:airlines", "FLY", "2021-01-01")]["note"]
    text = report.render()
    assert "exposure >= 0.2" in text and "weight >= 0.5%" in text and "precision 0.50, recall 0.50" in text


def test_threshold_and_min_weight_are_parameters(mini_graph):
    report = graph_report(mini_graph, HOLDINGS, comparisons=PAIRS[:1], threshold=0.6, min_weight_pct=0.1)
    row = report.agreement.iloc[0]
    assert row["members"] == 1 and row["holdings"] == 3
    assert row["etf_only_below_threshold"] == ["BIG (0.50)"]
    assert report.to_dict()["threshold"] == 0.6 and report.to_dict()["min_weight_pct"] == 0.1


def test_agreement_uses_the_graph_as_of_the_snapshot(tmp_path):
    folder = tmp_path / "graph"
    shutil.copytree(MINI_GRAPH, folder)
    with open(folder / "edges.csv", "a", encoding="utf-8") as handle:
        handle.write("company:skyair,exposed_to,theme:defense-spending,0.5,test,2022-12-31,2022-06-01,,\n")
    graph = ex.KnowledgeGraph.load(folder, include_default=False)
    holdings = pd.concat([HOLDINGS, pd.DataFrame([("DEF", "2022-12-30", "SKY", 100.0)], columns=HOLDINGS.columns)])
    pairs = [("theme:defense-spending", "DEF", "2022-02-04"), ("theme:defense-spending", "DEF", "2022-12-31")]
    early, late = graph_report(graph, holdings, comparisons=pairs).agreement.itertuples()
    assert "SKY" not in early.graph_only and late.shared == 1 and late.members == 3


def test_coverage_counts(mini_graph):
    coverage = graph_report(mini_graph).coverage
    assert coverage["nodes"]["company"] == 4 and coverage["edges"]["exposed_to"] == 5
    assert coverage["share_with_source"] == 1.0 and coverage["share_with_as_of"] == 1.0
    assert coverage["companies_without_theme"] == []
    assert coverage["themes_without_company"] == []
    assert coverage["aliases"] == {"country": 1, "org": 1, "theme": 3}
    assert coverage["edges_with_history"] == 0


def test_holdings_without_columns_are_refused(mini_graph):
    with pytest.raises(DataError, match="weight_pct"):
        graph_report(mini_graph, HOLDINGS.drop(columns="weight_pct"))


def test_us_listing_rule():
    assert [is_us_listed(s) for s in ("BRK-B", "MOG-A", "CAE.TO", "GRMN U", "2618", "")] == [
        True, True, False, False, False, False]


def test_default_graph_against_bundled_etf_holdings(graph):
    report = graph_report(graph, load_etf_holdings())
    assert isinstance(report, GraphReport) and report.version == graph.version
    assert len(report.agreement) == 7
    measured = report.agreement.dropna(subset=["precision"])
    assert {"XAR", "PPA", "JETS"} <= set(measured["etf"])
    assert measured["precision"].between(0, 1).all() and measured["recall"].between(0, 1).all()
    assert (report.agreement["holdings"] > 0).all()
    xar = report.agreement[report.agreement["etf"] == "XAR"].iloc[0]
    assert xar["snapshot"] == "2022-02-04" and abs(xar["snapshot_pct"] - 100) < 1
    assert report.coverage["share_with_source"] == 1.0
