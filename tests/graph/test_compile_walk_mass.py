"""Cyclic user graphs: the walk mass is checked at compile time and explanations stay bounded."""

import time
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import exposure as ex
from exposure.errors import GraphError
from exposure.graph import WalkMassWarning, cycle_gain
from exposure.impact import Walk, walks
from exposure.impact._explain import MAX_WALKS, adjacency

EDGE_HEADER = "from_id,relation,to_id,weight,source,as_of,valid_from,valid_to,note"


def clique_graph(folder, themes, weight):
    rows = [EDGE_HEADER] + [f"{a},implies,{b},{weight},user: clique,2025-01-01,,,"
                            for a in themes for b in themes if a != b]
    (folder / "edges.csv").write_text("\n".join(rows) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.graph.GraphOverrideWarning)
        return ex.KnowledgeGraph.load(folder)


def reference_walks(compiled, activations, securities=None):
    """Walks as first enumerated: every walk from every activated concept, to any security."""
    steps_from, listings = adjacency(compiled)
    wanted = None if securities is None else set(securities)
    found = {}
    decay, max_hops = compiled.decay, compiled.max_hops

    def visit(start, activation, node, value, path):
        for security in listings.get(node, ()):
            if wanted is None or security in wanted:
                found.setdefault(security, []).append(Walk(security, start, activation, path, value))
        if len(path) == max_hops:
            return
        for step in steps_from.get(node, ()):
            visit(start, activation, step.to_id, value * (decay * step.weight), (*path, step))

    for concept, activation in activations.items():
        visit(concept, activation, concept, activation, ())
    for items in found.values():
        items.sort(key=lambda w: (-abs(w.contribution), w.start, len(w.steps)))
    return found


def test_default_graph_walks_are_those_first_enumerated(graph):
    events = [ex.datasets.load_seed_article(), *ex.datasets.load_sample_events()[0]]
    impacts = ex.map_events(events, graph)
    compiled = graph.compile()
    for row in range(len(events)):
        activations = impacts._activations[row]
        assert walks(compiled, activations) == reference_walks(compiled, activations)


@pytest.fixture(scope="module")
def themes(graph):
    return sorted(graph.ids("theme"))[:40]


def test_default_graph_is_acyclic_and_compiles_without_warning(graph):
    with warnings.catch_warnings():
        warnings.simplefilter("error", WalkMassWarning)
        compiled = ex.KnowledgeGraph.load().compile(decay=0.5, max_hops=8)
    assert cycle_gain(compiled.step_operator)[0] == 0.0


def test_cycle_gain_is_the_spectral_radius_of_a_small_cycle():
    ring = sp.csr_array(np.roll(np.eye(5), 1, axis=1) * 0.9)
    gain, rows = cycle_gain(ring)
    assert gain == pytest.approx(0.9)
    assert rows.tolist() == [0, 1, 2, 3, 4]


def test_a_clique_of_themes_is_refused_quickly(graph, themes, tmp_path):
    clique = clique_graph(tmp_path, themes, 0.95)
    start = time.perf_counter()
    with pytest.raises(GraphError, match="cycles of the graph multiply impact") as raised:
        ex.map_events(ex.datasets.load_seed_article(), clique)
    assert time.perf_counter() - start < 60
    assert raised.value.field == "weight" and "max_hops" in raised.value.fix


def test_an_amplifying_cycle_warns_and_explanations_stay_bounded(themes, tmp_path):
    clique = clique_graph(tmp_path, themes[:20], 0.3)
    with pytest.warns(WalkMassWarning, match="scores grow with max_hops"):
        impacts = ex.map_events(ex.datasets.load_seed_article(), clique)
    start = time.perf_counter()
    row = impacts.matrix.iloc[0]
    ticker = row.abs().idxmax()
    score = row[ticker]
    paths = impacts.explain(ticker)
    assert time.perf_counter() - start < 60
    assert len(paths) == MAX_WALKS + 1
    remainder = paths.iloc[-1]
    assert remainder["path"].startswith("other walks:")
    assert paths["contribution"].sum() == pytest.approx(score, abs=1e-12)
    listed = paths["contribution"].iloc[:-1].abs().to_numpy()
    assert (np.diff(listed) <= 1e-15).all()


def test_capped_walks_are_the_largest_and_add_up(mini_graph):
    compiled = mini_graph.compile(decay=0.5, max_hops=4)
    activations = {"tag:geopolitics-war": 1.0, "theme:counter-drone": 0.7, "system:nasams": 0.4}
    every = walks(compiled, activations, max_walks=None)
    for cap in (1, 2, 3):
        capped = walks(compiled, activations, max_walks=cap)
        for security, found in every.items():
            total = sum(w.contribution for w in found)
            assert sum(w.contribution for w in capped[security]) == pytest.approx(total, abs=1e-12)
            if len(found) <= cap:
                assert capped[security] == found
                continue
            listed, rest = capped[security][:-1], capped[security][-1]
            assert rest.left_out == len(found) - cap and not rest.steps
            sizes = sorted((abs(w.contribution) for w in found), reverse=True)
            assert [abs(w.contribution) for w in listed] == sizes[:cap]


def test_walks_to_chosen_securities_skip_the_rest_of_the_graph(graph):
    compiled = graph.compile()
    activations = {"tag:geopolitics-war": 0.5, "theme:counter-drone": 0.5}
    every = walks(compiled, activations)
    chosen = walks(compiled, activations, ["security:KOG.OL"])
    assert chosen["security:KOG.OL"] == every["security:KOG.OL"]
    assert set(chosen) == {"security:KOG.OL"}


def test_max_walks_must_be_positive(mini_graph):
    with pytest.raises(ex.errors.ArgumentError, match="max_walks"):
        walks(mini_graph.compile(), {"tag:geopolitics-war": 1.0}, max_walks=0)


def test_an_amplifying_cycle_warns_again_when_its_operators_come_from_the_disk_cache(themes, tmp_path):
    clique = clique_graph(tmp_path, themes[:20], 0.3)
    with pytest.warns(WalkMassWarning):
        clique.compile(cache_dir=tmp_path / "cache")
    (tmp_path / "again").mkdir()
    fresh = clique_graph(tmp_path / "again", themes[:20], 0.3)  # a new object: nothing compiled in memory
    assert fresh.version == clique.version
    with pytest.warns(WalkMassWarning, match="scores grow with max_hops"):
        fresh.compile(cache_dir=tmp_path / "cache")
