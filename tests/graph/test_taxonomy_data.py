"""The taxonomy of the default graph: themes, tags, GICS and the GDELT interop tables."""

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import exposure as ex

DATA = Path(ex.__file__).parent / "graph" / "data"
INTEROP = DATA / "interop"


@pytest.fixture(scope="module")
def themes(graph):
    return graph.nodes.loc[graph.ids("theme")]


@pytest.fixture(scope="module")
def theme_ids(themes):
    return set(themes.index)


def _edges(graph, relation, prefix="theme:"):
    edges = graph.edges
    return edges[(edges["relation"] == relation) & edges["from_id"].str.startswith(prefix)]


def test_at_least_60_themes_each_with_description_and_direction(themes):
    assert len(themes) >= 60
    assert (themes["description"].str.len() > 10).all()
    assert set(themes["direction"]) == {"mention", "sentence"}


def test_theme_hierarchy_is_a_forest(graph):
    sub = _edges(graph, "subtheme_of")
    assert not sub["from_id"].duplicated().any(), "a theme has two parents"
    assert nx.is_directed_acyclic_graph(nx.DiGraph(list(zip(sub["from_id"], sub["to_id"]))))
    assert sub["weight"].between(0.3, 0.6).all()


def test_themes_and_their_implications_have_no_cycle(graph):
    links = pd.concat([_edges(graph, "subtheme_of"), _edges(graph, "implies")])
    assert nx.is_directed_acyclic_graph(nx.DiGraph(list(zip(links["from_id"], links["to_id"]))))


def test_taxonomy_edges_are_curated(graph):
    links = pd.concat([_edges(graph, "subtheme_of"), _edges(graph, "implies"), _edges(graph, "implies", "tag:")])
    assert links["source"].str.startswith("curated: ").all()


@pytest.mark.parametrize(("driver", "target", "sign"), [
    ("oil-gas-supply", "oil-gas-producers", 1), ("oil-gas-supply", "airlines", -1),
    ("export-controls", "semiconductor-equipment", -1), ("tariffs-trade-war", "reshoring", 1),
    ("vaccines-pandemic", "cruise-lodging", -1), ("interest-rates", "housing", -1),
    ("interest-rates", "banks", 1), ("insurance-catastrophe", "property-casualty-insurance", -1),
    ("oil-prices", "oil-gas-producers", 1),
])
def test_signed_implications(graph, driver, target, sign):
    implies = _edges(graph, "implies").set_index(["from_id", "to_id"])["weight"]
    assert implies[(f"theme:{driver}", f"theme:{target}")] * sign > 0


def test_gics_has_the_full_2023_structure(graph):
    codes = [i.removeprefix("gics:") for i in graph.ids("gics")]
    counts = pd.Series([len(c) for c in codes]).value_counts().to_dict()
    assert counts == {2: 11, 4: 25, 6: 74, 8: 163}
    assert all(c[:-2] in codes for c in codes if len(c) > 2)


def test_every_sp500_sub_industry_name_exists(graph):
    # the sub-industry names used by the S&P 500 constituent list (2025)
    names = set(graph.nodes.loc[[i for i in graph.ids("gics") if len(i) == 13], "label"])
    for name in ["Semiconductor Materials & Equipment", "Industrial Machinery & Supplies & Components",
                 "Multi-line Insurance", "Soft Drinks & Non-alcoholic Beverages", "Broadline Retail",
                 "Consumer Staples Merchandise Retail", "Data Center REITs", "Cargo Ground Transportation",
                 "Transaction & Payment Processing Services", "Passenger Airlines"]:
        assert name in names


def test_every_sub_industry_has_an_industry_default(graph):
    subs = {i for i in graph.ids("gics") if len(i) == 13}
    defaults = _edges(graph, "exposed_to", "gics:")
    assert subs <= set(defaults["from_id"])
    assert defaults["source"].str.startswith("curated: industry default for ").all()


def test_tags_imply_only_mention_themes(graph, themes):
    tags = _edges(graph, "implies", "tag:")
    assert set(graph.ids("tag")) == set(tags["from_id"])
    assert (themes.loc[tags["to_id"], "direction"] == "mention").all()
    assert tags["weight"].between(0.1, 0.4).all()
    assert tags.groupby("from_id").size().between(1, 4).all()


def test_every_theme_and_tag_has_an_alias(graph):
    concepts = set(graph.aliases["concept"])
    assert set(graph.ids("theme")) - concepts == set()
    assert set(graph.ids("tag")) - concepts == set()


def test_gkg_map_references_real_themes(theme_ids):
    table = pd.read_csv(INTEROP / "gdelt_gkg_themes.csv")
    assert list(table.columns) == ["gkg_theme", "theme", "weight", "note"]
    assert table["gkg_theme"].nunique() >= 150
    assert set(table["theme"]) <= theme_ids
    assert table["weight"].gt(0).all() and table["weight"].le(1).all()
    assert not table.duplicated(["gkg_theme", "theme"]).any()


def test_cameo_roots_cover_all_twenty_and_reference_real_themes(theme_ids):
    table = pd.read_csv(INTEROP / "cameo_roots.csv", dtype={"cameo_root": str})
    assert list(table.columns) == ["cameo_root", "label", "theme", "weight", "note"]
    assert sorted(table["cameo_root"].unique()) == [f"{i:02d}" for i in range(1, 21)]
    mapped = table.dropna(subset=["theme"])
    assert set(mapped["theme"]) <= theme_ids
    assert mapped["weight"].gt(0).all() and mapped["weight"].le(1).all()
    assert {"13", "15", "16", "17", "18", "19", "20"} <= set(mapped["cameo_root"])


def test_interop_tables_are_not_graph_files():
    assert not (DATA / "default" / "interop").exists()
    assert (INTEROP / "README.md").is_file()
