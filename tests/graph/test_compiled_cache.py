"""The compiled-operator cache: no pickle, checksums before parsing, bit-identical reloads, every
damaged or mismatched entry rebuilt with a CacheWarning, an unwritable folder stepped over."""

import errno
import io
import json
import os
import pickle
import shutil
import warnings

import numpy as np
import pytest

import exposure as ex
from exposure.errors import CacheWarning
from exposure.graph import _cache
from exposure.graph._cache import MANIFEST, compiled_cache_entry, load_compiled
from tests.conftest import MINI_GRAPH
from tests.graph.cache_checks import assert_bit_identical, refresh_checksums


def _graph():
    return ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False)


def _scores(compiled):
    rng = np.random.default_rng(7)
    activations = rng.random((5, len(compiled.concepts))) * (rng.random((5, len(compiled.concepts))) < 0.3)
    import scipy.sparse as sp

    x = sp.csr_array(activations)
    right = rng.random((len(compiled.securities), 3))
    return (compiled.left_multiply(x).toarray(), compiled.left_multiply(x, dense=True),
            compiled.right_multiply(right), compiled.theme_activation.toarray())


def test_compiled_operators_are_cached_on_disk_by_version(tmp_path):
    first = _graph()
    compiled = first.compile(cache_dir=tmp_path)
    entry = compiled_cache_entry(tmp_path, first.version, 0.5, 4)
    assert (entry / MANIFEST).is_file()
    assert not list(tmp_path.rglob("*.pkl")) and not list(tmp_path.glob(".tmp-*"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = _graph().compile(cache_dir=tmp_path)
    assert_bit_identical(compiled, again)


@pytest.mark.parametrize("materialize", [True, False])
def test_a_reloaded_entry_gives_the_same_scores_bit_for_bit(tmp_path, materialize):
    from exposure.graph._compile import compile_operators

    graph = _graph()
    fresh = compile_operators(graph.version, graph.nodes, graph._edges, graph.exposures, decay=0.5,
                              max_hops=4, materialize=materialize)
    entry = compiled_cache_entry(tmp_path, graph.version, 0.5, 4)
    _cache.save_compiled(fresh, entry)
    loaded = load_compiled(entry, graph.version, 0.5, 4)
    assert_bit_identical(fresh, loaded)
    for mine, theirs in zip(_scores(fresh), _scores(loaded)):
        assert np.asarray(mine).tobytes() == np.asarray(theirs).tobytes()


def test_map_scores_from_a_cached_graph_equal_a_fresh_compile_exactly(tmp_path, seed_event, graph):
    from exposure.graph._compile import compile_operators
    from exposure.impact import map_events

    reference = map_events([seed_event], graph).to_dict(top=50)
    _cache.save_compiled(compile_operators(graph.version, graph.nodes, graph._edges, graph.exposures,
                                           decay=0.5, max_hops=4),
                         compiled_cache_entry(tmp_path, graph.version, 0.5, 4))
    cached_graph = ex.KnowledgeGraph.load()
    cached_graph.compile(cache_dir=tmp_path)
    assert map_events([seed_event], cached_graph).to_dict(top=50) == reference


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
    assert len([p for p in cache.iterdir() if (p / MANIFEST).is_file()]) == 2


def _entry(tmp_path):
    graph = _graph()
    graph.compile(cache_dir=tmp_path)
    return graph, compiled_cache_entry(tmp_path, graph.version, 0.5, 4)


def _rewrite_manifest(entry, edit):
    manifest = json.loads((entry / MANIFEST).read_text())
    edit(manifest)
    (entry / MANIFEST).write_text(json.dumps(manifest))


def _save_npy(path, array, allow_pickle=False):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    path.write_bytes(buffer.getvalue())


def _damage_missing(entry):
    (entry / "listing.indices.npy").unlink()


def _damage_flip(entry):
    path = entry / "impact.data.npy"
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x10
    path.write_bytes(bytes(data))


def _damage_truncate(entry):
    path = entry / "labels.json"
    path.write_bytes(path.read_bytes()[:-7])


def _damage_manifest_garbage(entry):
    (entry / MANIFEST).write_bytes(b"\x80\x04not json")


def _damage_other_library(entry):
    _rewrite_manifest(entry, lambda m: m.update(library_version="0.0.1"))


def _damage_other_settings(entry):
    _rewrite_manifest(entry, lambda m: m.update(decay=0.25))


def _damage_dtype_consistent(entry):
    _save_npy(entry / "exposure.data.npy", np.load(entry / "exposure.data.npy").astype(np.float32))
    refresh_checksums(entry)


def _damage_out_of_bounds_consistent(entry):
    indices = np.load(entry / "step_operator.indices.npy")
    indices[len(indices) // 2] = 10**6
    _save_npy(entry / "step_operator.indices.npy", indices)
    refresh_checksums(entry)


def _damage_shape_consistent(entry):
    _save_npy(entry / "listing.indptr.npy", np.load(entry / "listing.indptr.npy")[:-1])
    refresh_checksums(entry)


def _damage_object_array_consistent(entry):
    _save_npy(entry / "impact.data.npy", np.array([{"x": 1}, None], dtype=object), allow_pickle=True)
    refresh_checksums(entry)


def _damage_huge_header_consistent(entry):
    """A header (and manifest) promising 8 TB of data in a small file: refused, nothing allocated."""
    huge = 10**12
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": (huge,)})
    (entry / "impact.data.npy").write_bytes(buffer.getvalue() + b"\0" * 64)
    _rewrite_manifest(entry, lambda m: m["matrices"]["impact"].update(nnz=huge))
    refresh_checksums(entry)


def _damage_symlink(entry):
    target = entry / "labels.json"
    moved = entry.parent / "labels-elsewhere.json"
    target.rename(moved)
    target.symlink_to(moved)


def _damage_fifo(entry):
    target = entry / "labels.json"
    target.unlink()
    os.mkfifo(target)


DAMAGES = [
    (_damage_missing, "listing.indices.npy", "missing"),
    (_damage_flip, "impact.data.npy", "sha256"),
    (_damage_truncate, "labels.json", "bytes"),
    (_damage_manifest_garbage, MANIFEST, "not valid JSON"),
    (_damage_other_library, MANIFEST, "library_version"),
    (_damage_other_settings, MANIFEST, "decay"),
    (_damage_dtype_consistent, "exposure.data.npy", "dtype float32"),
    (_damage_out_of_bounds_consistent, "step_operator.*.npy", "out of bounds"),
    (_damage_shape_consistent, "listing.indptr.npy", "shape"),
    (_damage_object_array_consistent, "impact.data.npy", "dtype object"),
    (_damage_huge_header_consistent, "impact.data.npy", "do not fill the shape"),
    (_damage_symlink, "labels.json", "cannot be read"),
    (_damage_fifo, "labels.json", "cannot be read"),
]


@pytest.mark.parametrize(("damage", "file", "reason"), DAMAGES, ids=[d[0].__name__[8:] for d in DAMAGES])
def test_a_damaged_or_mismatched_entry_is_rebuilt_with_a_warning(tmp_path, damage, file, reason):
    graph, entry = _entry(tmp_path)
    reference = graph.compile()
    damage(entry)
    with pytest.warns(CacheWarning, match=reason) as caught:
        rebuilt = _graph().compile(cache_dir=tmp_path)
    assert any(file in str(w.message) for w in caught), [str(w.message) for w in caught]
    assert_bit_identical(reference, rebuilt)
    with warnings.catch_warnings():  # the entry was rewritten whole
        warnings.simplefilter("error")
        assert_bit_identical(reference, _graph().compile(cache_dir=tmp_path))
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_old_pickle_files_are_never_opened(tmp_path, monkeypatch):
    graph = _graph()
    planted = tmp_path / f"{graph.version}-d0.5-h4-f2.pkl"
    planted.write_bytes(b"\x80\x04garbage")
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("pickle.load called"))
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("pickle.loads called"))
    graph.compile(cache_dir=tmp_path)
    assert planted.read_bytes() == b"\x80\x04garbage"


def test_environment_variable_turns_the_disk_cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPOSURE_CACHE_DIR", str(tmp_path))
    graph = _graph()
    graph.compile(decay=0.4, max_hops=3)
    assert (compiled_cache_entry(tmp_path / "compiled", graph.version, 0.4, 3) / MANIFEST).exists()


def test_a_file_in_place_of_the_cache_folder_steps_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setattr(_cache, "_WARNED_FOLDERS", set())
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    with pytest.warns(CacheWarning, match="cannot be written"):
        compiled = _graph().compile(cache_dir=blocker / "compiled")
    assert_bit_identical(compiled, _graph().compile())
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("error", [PermissionError(errno.EACCES, "Permission denied"),
                                   OSError(errno.ENOSPC, "No space left on device"),
                                   OSError(errno.EROFS, "Read-only file system")])
def test_a_read_only_or_full_folder_steps_the_cache_off(tmp_path, monkeypatch, error):
    monkeypatch.setattr(_cache, "_WARNED_FOLDERS", set())

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(_cache, "atomic_write_bytes", refuse)
    with pytest.warns(CacheWarning, match=error.strerror):
        compiled = _graph().compile(cache_dir=tmp_path)
    assert_bit_identical(compiled, _graph().compile())
    assert not [p for p in tmp_path.iterdir()], "the staging folder was left behind"


def test_exposure_operator_equals_the_security_exposure_table(graph):
    compiled = graph.compile()
    dense = graph.security_exposures()
    dense.index = "security:" + dense.index
    dense = dense.reindex(index=compiled.securities, columns=compiled.themes, fill_value=0.0)
    np.testing.assert_array_equal(compiled.exposure.toarray(), dense.to_numpy())


def test_a_save_killed_midway_leaves_a_hidden_folder_that_is_ignored_then_removed(tmp_path):
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import os
        import exposure as ex
        from exposure.graph import _cache
        real, calls = _cache.atomic_write_bytes, []
        def dies(path, data):
            calls.append(path)
            if len(calls) == 5:
                os._exit(9)
            real(path, data)
        _cache.atomic_write_bytes = dies
        ex.KnowledgeGraph.load({str(MINI_GRAPH)!r}, include_default=False).compile(cache_dir={str(tmp_path)!r})
    """)
    assert subprocess.run([sys.executable, "-c", script], capture_output=True).returncode == 9
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    assert len(leftovers) == 1 and not (leftovers[0] / MANIFEST).exists()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled = _graph().compile(cache_dir=tmp_path)
    assert_bit_identical(compiled, _graph().compile())
    assert leftovers[0].exists()  # young: it may be another writer's work in progress
    os.utime(leftovers[0], (0, 0))
    _cache.save_compiled(compiled, compiled_cache_entry(tmp_path, compiled.version, 0.5, 4))
    assert not leftovers[0].exists()
