import shutil

import numpy as np

import exposure as ex
from exposure.graph._cache import compiled_cache_file
from tests.conftest import MINI_GRAPH


def _same(a, b):
    assert a.version == b.version
    assert (a.impact != b.impact).nnz == 0
    assert (a.theme_activation != b.theme_activation).nnz == 0
    assert (a.exposure != b.exposure).nnz == 0
    assert a.securities.equals(b.securities) and a.concepts.equals(b.concepts)


def test_compiled_operators_are_cached_on_disk_by_version(tmp_path):
    first = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False)
    compiled = first.compile(cache_dir=tmp_path)
    path = compiled_cache_file(tmp_path, first.version, 0.5, 4)
    assert path.exists()
    again = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False).compile(cache_dir=tmp_path)
    _same(compiled, again)


def test_a_changed_graph_is_never_served_a_stale_cache(tmp_path):
    folder = tmp_path / "graph"
    shutil.copytree(MINI_GRAPH, folder)
    cache = tmp_path / "cache"
    before = ex.KnowledgeGraph.load(folder, include_default=False)
    old = before.compile(cache_dir=cache)
    edges = folder / "edges.csv"
    text = edges.read_text()
    line = "company:kongsberg,exposed_to,theme:air-missile-defense,0.3,"
    changed = text.replace(line, line.replace("0.3", "0.35"))
    assert changed != text, "the fixture's Kongsberg exposure changed"
    edges.write_text(changed)
    after = ex.KnowledgeGraph.load(folder, include_default=False)
    assert after.version != before.version
    new = after.compile(cache_dir=cache)
    assert new.version == after.version
    assert (new.impact != old.impact).nnz > 0
    assert len(list(cache.glob("*.pkl"))) == 2


def test_a_corrupt_cache_file_is_recompiled(tmp_path):
    graph = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False)
    path = compiled_cache_file(tmp_path, graph.version, 0.5, 4)
    path.write_bytes(b"not a pickle")
    compiled = graph.compile(cache_dir=tmp_path)
    reference = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False).compile()
    _same(compiled, reference)


def test_environment_variable_turns_the_disk_cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPOSURE_CACHE_DIR", str(tmp_path))
    graph = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False)
    graph.compile(decay=0.4, max_hops=3)
    assert compiled_cache_file(tmp_path / "compiled", graph.version, 0.4, 3).exists()


def test_exposure_operator_equals_the_security_exposure_table(graph):
    compiled = graph.compile()
    dense = graph.security_exposures()
    dense.index = "security:" + dense.index
    dense = dense.reindex(index=compiled.securities, columns=compiled.themes, fill_value=0.0)
    np.testing.assert_array_equal(compiled.exposure.toarray(), dense.to_numpy())
