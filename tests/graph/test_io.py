import json
import shutil

import networkx as nx
import pytest

import exposure as ex
from exposure.graph import GraphOverrideWarning
from tests.conftest import MINI_GRAPH


def _copy_mini(tmp_path):
    target = tmp_path / "graph"
    shutil.copytree(MINI_GRAPH, target)
    return target


def _append(path, line):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def test_loads_typed_nodes_and_sourced_edges(mini_graph):
    assert mini_graph.node("system:nasams")["kind"] == "system"
    assert mini_graph.label("org:nato") == "NATO"
    assert (mini_graph.edges["source"] != "").all()
    assert set(mini_graph.edges["relation"]) <= set(ex.graph.RELATIONS)


def test_version_is_a_content_hash(mini_graph):
    again = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False)
    assert again.version == mini_graph.version


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("company:kongsberg,exposed_to,theme:no-such-theme,0.5,x,2025-01-01,,,", "dangling id 'theme:no-such-theme'"),
        ("company:kongsberg,exposed_to,theme:airlines,1.5,x,2025-01-01,,,", "1.5 is outside [0.0, 1.0]"),
        ("tag:geopolitics-war,implies,theme:counter-drone,heavy,x,2025-01-01,,,", "'heavy' is not a number"),
        ("tag:geopolitics-war,boosts,theme:counter-drone,0.5,x,2025-01-01,,,", "unknown relation 'boosts'"),
        ("tag:geopolitics-war,implies,theme:counter-drone,0.5,,2025-01-01,,,", "source: empty"),
        ("tag:geopolitics-war,implies,theme:counter-drone,0.5,x,01/02/2025,,,", "YYYY-MM-DD"),
        ("tag:geopolitics-war,implies,theme:counter-drone,0.5,x,20250101,,,", "as_of: '20250101' is 8 digits"),
        ("tag:geopolitics-war,implies,theme:counter-drone,0.5,x,2025-01-01,2024/01/01,,", "valid_from: '2024/01/01'"),
        ("tag:geopolitics-war,implies,theme:counter-drone,0.5,x,2025-01-01,,,,surplus", "row has 10 cells"),
        ("tag:geopolitics-war,implies,theme:defense-spending,0.3,x,2025-01-01,,,", "duplicate edge"),
        ("company:kongsberg,makes,theme:airlines,0.5,x,2025-01-01,,,", "makes cannot join a company to a theme"),
    ],
)
def test_bad_edge_is_rejected_with_file_and_row(tmp_path, line, expected):
    folder = _copy_mini(tmp_path)
    _append(folder / "edges.csv", line)
    rows = (folder / "edges.csv").read_text().strip().count("\n") + 1
    with pytest.raises(ex.GraphError) as info:
        ex.KnowledgeGraph.load(folder, include_default=False)
    message = str(info.value)
    assert expected in message
    assert f"edges.csv row {rows}" in message


def test_bad_node_id_and_alias(tmp_path):
    folder = _copy_mini(tmp_path)
    _append(folder / "nodes.csv", "widget:x,Widget,")
    _append(folder / "aliases.csv", "theme:airlines,air travel,1.7,false")
    with pytest.raises(ex.GraphError) as info:
        ex.KnowledgeGraph.load(folder, include_default=False)
    assert "nodes.csv row" in str(info.value) and "not namespaced" in str(info.value)
    assert "1.7 is outside (0, 1]" in str(info.value)


def test_security_needs_exactly_one_company(tmp_path):
    folder = _copy_mini(tmp_path)
    _append(folder / "securities.csv", "security:ORPHAN,Orphan,,NYQ,USD")
    with pytest.raises(ex.GraphError, match="security:ORPHAN is listed by 0 companies"):
        ex.KnowledgeGraph.load(folder, include_default=False)


def test_user_file_overrides_and_changes_version(tmp_path, mini_graph):
    user = tmp_path / "mine.csv"
    user.write_text(
        "from_id,relation,to_id,weight,source,as_of\n"
        "company:kongsberg,exposed_to,theme:defense-spending,0.7,my vendor file,2026-01-01\n"
    )
    with pytest.warns(GraphOverrideWarning):
        graph = ex.KnowledgeGraph.load(MINI_GRAPH, user, include_default=False)
    assert graph.version != mini_graph.version
    assert graph.security_exposures().at["KOG.OL", "theme:defense-spending"] == 0.7


def test_as_of_drops_edges_outside_their_validity(mini_graph):
    before = mini_graph.as_of("2003-01-01")
    after = mini_graph.as_of("2010-01-01")
    def members(graph):
        return (graph.edges["relation"] == "member_of").sum()

    assert members(before) == 0 and members(after) == 1
    assert before.version != after.version


def test_export_node_link_and_graphml(tmp_path, mini_graph):
    data = json.loads(mini_graph.export())
    assert data["graph"]["version"] == mini_graph.version
    assert len(data["nodes"]) == len(mini_graph.nodes)
    assert len(data["edges"]) == len(mini_graph.edges)
    path = tmp_path / "g.graphml"
    mini_graph.export(path, format="graphml")
    back = nx.read_graphml(path)
    assert back.number_of_edges() == len(mini_graph.edges)


def test_unknown_node_suggests_close_ids(mini_graph):
    with pytest.raises(ex.UnknownConceptError, match="theme:counter-drone"):
        mini_graph.node("theme:counter-drones")


def test_editing_returned_tables_does_not_change_the_graph(mini_graph):
    version = mini_graph.version
    edges = mini_graph.edges
    edges.loc[:, "weight"] = 0.123
    assert (mini_graph.edges["weight"] != 0.123).any()
    assert ex.KnowledgeGraph(mini_graph.nodes, mini_graph.edges, mini_graph.aliases).version == version


def test_same_id_in_two_files_of_one_source_is_an_error(tmp_path):
    folder = _copy_mini(tmp_path)
    (folder / "more_nodes.csv").write_text("id,label,description\nsystem:nasams,NASAMS again,\n")
    with pytest.raises(ex.GraphError, match="duplicate node system:nasams"):
        ex.KnowledgeGraph.load(folder, include_default=False)


def test_ended_edge_leaves_the_current_graph_but_not_its_past(tmp_path):
    folder = _copy_mini(tmp_path)
    text = (folder / "edges.csv").read_text().replace(
        "company:skyair,listed_as,security:SKY,1,Yahoo,2025-01-01,,,",
        "company:skyair,listed_as,security:SKY,1,Yahoo,2025-01-01,2010-01-01,2023-07-28,delisted",
    )
    (folder / "edges.csv").write_text(text)
    graph = ex.KnowledgeGraph.load(folder, include_default=False)
    assert "SKY" not in graph.securities.index
    assert "SKY" in graph.as_of("2022-02-24").securities.index
    assert graph.as_of("2022-02-24").dated == "2022-02-24"
