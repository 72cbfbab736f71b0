"""The synthetic generator: shape, determinism, and graphs the loader and the compiler accept."""

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from exposure.datasets import synthetic_events, synthetic_graph_tables, synthetic_holdings, write_synthetic_graph
from exposure.graph import KnowledgeGraph
from exposure.graph._io import read_graph_tables, validate_tables
from exposure.graph._schema import RELATIONS

SIZES = {"n_securities": 600, "n_themes": 80, "n_edges": 8_000}


@pytest.fixture(scope="module")
def tables():
    return synthetic_graph_tables(**SIZES, seed=3)


def test_sizes_and_kinds(tables):
    nodes, edges, aliases = tables
    kinds = nodes["kind"].value_counts()
    assert len(edges) == SIZES["n_edges"]
    assert kinds["security"] == SIZES["n_securities"]
    assert kinds["theme"] == SIZES["n_themes"]
    assert kinds["company"] == 540
    assert (nodes.loc[nodes["kind"] == "gics", "id"].str.len() == len("gics:") + 8).sum() == 163
    assert set(edges["relation"]) == set(RELATIONS) - {"exposed_to_blend"}  # blend edges come from returns
    assert len(aliases) > 0


def test_every_row_is_sourced_dated_and_in_range(tables):
    _, edges, _ = tables
    assert (edges["source"] != "").all() and (edges["as_of"] != "").all()
    dated = ((edges["valid_from"] != "") | (edges["valid_to"] != "")).mean()
    assert 0.01 < dated < 0.03
    for name, relation in RELATIONS.items():
        weights = edges.loc[edges["relation"] == name, "weight"]
        assert weights.between(relation.min_weight, relation.max_weight).all(), name


def test_shape_is_realistic(tables):
    nodes, edges, _ = tables
    exposed = edges[(edges["relation"] == "exposed_to") & edges["from_id"].str.startswith("company:")]
    per_company = exposed.groupby("from_id").size()
    assert per_company.median() <= 10
    assert per_company.max() > 3 * per_company.median()  # a heavy tail of diversified companies
    assert (exposed["weight"] == 0).any()  # explicit zeros override industry defaults
    listed = edges[edges["relation"] == "listed_as"].groupby("from_id").size()
    assert listed.between(1, 2).all()
    assert edges.loc[edges["relation"] == "classified_as", "from_id"].is_unique
    negative = edges[(edges["relation"] == "implies") & (edges["weight"] < 0)]
    assert 0 < len(negative) < 0.2 * (edges["relation"] == "implies").sum()


def test_deterministic_for_a_seed(tables):
    again = synthetic_graph_tables(**SIZES, seed=3)
    for first, second in zip(tables, again):
        assert_frame_equal(first, second)
    other = synthetic_graph_tables(**SIZES, seed=4)
    assert not other[1]["to_id"].equals(tables[1]["to_id"])


def test_csv_files_load_back_identically_without_rejects(tables, tmp_path):
    write_synthetic_graph(tmp_path, **SIZES, seed=3)
    rejects = []
    loaded = validate_tables(read_graph_tables([tmp_path]), [], rejects)
    assert rejects == []
    for first, second in zip(tables, loaded):
        assert_frame_equal(first, second)
    graph = KnowledgeGraph.load(tmp_path, include_default=False)
    assert len(graph.edge_history) == SIZES["n_edges"]


def test_graph_compiles(tables):
    graph = KnowledgeGraph(*tables)
    compiled = graph.compile()
    assert compiled.impact.shape == (len(compiled.concepts), SIZES["n_securities"])
    assert compiled.impact.nnz > 0
    assert compiled.exposure.shape == (SIZES["n_securities"], SIZES["n_themes"])


def test_too_few_edges_is_refused():
    with pytest.raises(ValueError, match="raise n_edges"):
        synthetic_graph_tables(n_securities=600, n_themes=80, n_edges=1_000)


def test_events_mix_and_order(tables):
    nodes = tables[0]
    concepts = nodes.index[nodes["kind"] != "security"]
    mentions, events = synthetic_events(concepts, 2_000, seed=1)
    assert events["published_at"].is_monotonic_increasing
    assert events["market_impact"].between(0, 1).all()
    assert not mentions.duplicated(["event", "concept"]).any()
    kind = mentions["concept"].astype(str).str.partition(":")[0]
    per_event = pd.crosstab(mentions["event"], kind)
    assert per_event["tag"].between(1, 3).all() and per_event["theme"].between(1, 3).all()
    assert per_event["system"].max() <= 1 and per_event["country"].max() <= 2
    assert (mentions["activation"] < 0).mean() < 0.2
    again, _ = synthetic_events(concepts, 2_000, seed=1)
    assert_frame_equal(mentions, again)


def test_holdings_sum_to_one_with_shorts_and_unknown_tickers():
    universe = [f"T{i:03d}" for i in range(300)]
    frame = synthetic_holdings(universe, 20, 100, seed=2)
    assert len(frame) == 2_000
    np.testing.assert_allclose(frame.groupby("portfolio", observed=True)["weight"].sum(), 1.0)
    assert 0 < (frame["weight"] < 0).mean() < 0.15
    assert (~frame["ticker"].astype(str).isin(universe)).sum() >= 1
    assert not frame.duplicated(["portfolio", "ticker"]).any()


def test_sizes_with_too_few_distinct_pairs_fail_fast():
    import pytest

    from exposure.datasets import synthetic_graph_tables

    with pytest.raises(ValueError, match="distinct filler pairs"):
        synthetic_graph_tables(1_000, 120, 20_000, seed=1)
