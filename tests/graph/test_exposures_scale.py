"""The vectorised effective-exposure resolution gives exactly the rows of the original row-by-row one."""

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import exposure as ex
from exposure.datasets import synthetic_graph_tables
from exposure.graph._exposures import EXPOSURE_COLUMNS, effective_exposures, gics_ancestors
from exposure.graph._graph import KnowledgeGraph

MINI_GRAPH = Path(__file__).parent / "data" / "mini"


# The implementation before vectorisation, verbatim: one sort of the whole table per parent theme.
def reference_exposures(edges: pd.DataFrame) -> pd.DataFrame:
    exposed = edges[edges["relation"] == "exposed_to"]
    is_company = exposed["from_id"].str.startswith("company:")
    explicit = pd.DataFrame({
        "company": exposed.loc[is_company, "from_id"], "theme": exposed.loc[is_company, "to_id"],
        "weight": exposed.loc[is_company, "weight"], "basis": "explicit",
        "source": exposed.loc[is_company, "source"], "via": "",
    })
    defaults = exposed.loc[~is_company, ["from_id", "to_id", "weight", "source"]]
    classified = edges.loc[edges["relation"] == "classified_as", ["from_id", "to_id"]]

    by_code: dict[str, list[tuple[str, float, str]]] = {}
    for code, theme, weight, source in defaults.itertuples(index=False):
        by_code.setdefault(code, []).append((theme, weight, source))
    default_rows = []
    for company, gics in classified.itertuples(index=False):
        seen: set[str] = set()
        for code in gics_ancestors(gics):
            for theme, weight, source in by_code.get(code, ()):
                if theme not in seen:
                    seen.add(theme)
                    default_rows.append((company, theme, weight, "industry default", source, code))
    default = pd.DataFrame(default_rows, columns=EXPOSURE_COLUMNS)

    table = _reference_merge(explicit, default)
    parents = edges.loc[edges["relation"] == "subtheme_of", ["from_id", "to_id"]]
    hierarchy = nx.DiGraph(list(parents.itertuples(index=False, name=None)))
    for theme in nx.topological_sort(hierarchy):
        kids = list(hierarchy.predecessors(theme))
        if not kids:
            continue
        rows = table[table["theme"].isin(kids)]
        if rows.empty:
            continue
        best = rows.sort_values(["company", "weight", "theme"], ascending=[True, False, True])
        best = best.drop_duplicates("company")
        rolled = pd.DataFrame({
            "company": best["company"], "theme": theme, "weight": best["weight"],
            "basis": "roll-up", "source": "largest exposure among sub-themes", "via": best["theme"],
        })
        table = _reference_merge(table, rolled)
    return table.sort_values(["company", "theme"], kind="stable").reset_index(drop=True)


def _reference_merge(current: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    if candidates.empty:
        return current.reset_index(drop=True) if not current.empty else candidates.reindex(columns=EXPOSURE_COLUMNS)
    both = pd.concat([current, candidates], ignore_index=True)
    rank = (both["basis"] == "explicit").astype(int)
    both = both.assign(_rank=rank).sort_values(
        ["company", "theme", "_rank", "weight"], ascending=[True, True, False, False], kind="stable"
    )
    return both.drop_duplicates(["company", "theme"]).drop(columns="_rank").reset_index(drop=True)


def assert_same(edges: pd.DataFrame) -> pd.DataFrame:
    ours = effective_exposures(edges)
    assert_frame_equal(ours, reference_exposures(edges), check_exact=True)
    return ours


def test_default_graph_is_unchanged(graph):
    ours = assert_same(graph.edges)
    assert set(ours["basis"]) == {"explicit", "industry default", "roll-up"}


def test_mini_graph_is_unchanged():
    assert_same(KnowledgeGraph.load(MINI_GRAPH, include_default=False).edges)


@pytest.mark.parametrize("size", [(2_000, 200, 40_000, 0), (1_000, 100, 20_000, 1), (600, 80, 8_000, 3)])
def test_synthetic_graphs_are_unchanged(size):
    *shape, seed = size
    nodes, edges, aliases = synthetic_graph_tables(*shape, seed=seed)
    ours = assert_same(KnowledgeGraph(nodes, edges, aliases).edges)
    assert (ours["basis"] == "roll-up").sum() > 200


def test_history_rows_of_one_edge_keep_the_first_and_heaviest():
    """Unvalidated tables may repeat a key: the merge keeps the heavier row, then the first."""
    edges = pd.DataFrame({
        "from_id": ["company:a", "company:a", "company:a", "gics:10", "gics:10", "company:a", "company:a",
                    "theme:x"],
        "relation": ["exposed_to", "exposed_to", "exposed_to", "exposed_to", "exposed_to", "classified_as",
                     "classified_as", "subtheme_of"],
        "to_id": ["theme:x", "theme:x", "theme:y", "theme:z", "theme:z", "gics:1010", "gics:10101010",
                  "theme:y"],
        "weight": [0.2, 0.2, 0.1, 0.3, 0.3, 1.0, 1.0, 1.0],
        "source": ["first", "second", "third", "d1", "d2", "", "", ""],
    })
    assert_same(edges)
    assert_same(edges[edges["from_id"] != "gics:10"])
    assert_same(edges[edges["relation"] == "exposed_to"].iloc[:3])
    assert_same(edges.iloc[:0])
    missing = edges.assign(weight=[0.2, float("nan"), float("nan"), 0.3, float("nan"), 1.0, 1.0, 1.0])
    assert_same(missing)
    assert_same(missing.assign(weight=[float("nan"), 0.2, 0.1, 0.3, float("nan"), 1.0, 1.0, 1.0]))


THEMES = [f"theme:t{i}" for i in range(7)]
COMPANIES = [f"company:c{i}" for i in range(5)]
CODES = ["gics:10", "gics:1010", "gics:101010", "gics:10101010", "gics:10101020", "gics:101020", "gics:20",
         "gics:2010", "gics:201010", "gics:20101010"]
WEIGHTS = st.sampled_from([0.0, 0.2, 0.5, 0.5, 0.9, 1.0])


@st.composite
def edge_tables(draw):
    order = draw(st.permutations(THEMES))  # hierarchy order unrelated to id order, for the tie rule
    rows = []
    for i, child in enumerate(order):
        for parent in order[i + 1:]:
            if draw(st.booleans()) and draw(st.booleans()):
                rows.append((child, "subtheme_of", parent, 1.0))
    unique = draw(st.booleans())
    pairs = st.tuples(st.sampled_from(COMPANIES), st.sampled_from(THEMES), WEIGHTS)
    explicit = draw(st.lists(pairs, max_size=14, unique_by=(lambda p: p[:2]) if unique else None))
    rows += [(c, "exposed_to", t, w) for c, t, w in explicit]
    defaults = st.tuples(st.sampled_from(CODES), st.sampled_from(THEMES), WEIGHTS)
    rows += [(g, "exposed_to", t, w) for g, t, w in draw(st.lists(defaults, max_size=12))]
    classes = st.tuples(st.sampled_from(COMPANIES), st.sampled_from(CODES))
    rows += [(c, "classified_as", g, 1.0) for c, g in draw(st.lists(classes, max_size=7))]
    rows = draw(st.permutations(rows))
    return pd.DataFrame({
        "from_id": [r[0] for r in rows], "relation": [r[1] for r in rows], "to_id": [r[2] for r in rows],
        "weight": [float(r[3]) for r in rows], "source": [f"row {i}" for i in range(len(rows))],
    }, columns=["from_id", "relation", "to_id", "weight", "source"]).astype(
        {"from_id": "str", "relation": "str", "to_id": "str", "source": "str"}
    )


@settings(max_examples=150, deadline=None)
@given(edge_tables())
def test_random_hierarchies_match_the_reference(edges):
    assert_same(edges)


def test_a_cycle_in_the_hierarchy_is_refused_as_before():
    edges = pd.DataFrame({"from_id": ["theme:a", "theme:b"], "relation": ["subtheme_of", "subtheme_of"],
                          "to_id": ["theme:b", "theme:a"], "weight": [1.0, 1.0], "source": ["", ""]})
    with pytest.raises(nx.NetworkXUnfeasible):
        effective_exposures(edges)


def test_default_graph_exposures_property(graph):
    assert graph.exposures.equals(effective_exposures(graph.edges))
    assert isinstance(graph, ex.KnowledgeGraph)
