"""The Dask path on a local cluster of worker processes equals the single-machine path."""

import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import exposure as ex
from exposure.analytics import PortfolioSet
from exposure.errors import EventError
from exposure.events import events_from_frame, events_to_frame
from exposure.streams import (
    DaskMappedEvents,
    exposure_series,
    exposure_series_dask,
    map_dask,
    map_event_batch,
    map_event_frame,
    theme_intensity,
    theme_intensity_dask,
)

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

# The cluster talks over TCP on the loopback interface only; nothing else is reachable.
pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

KEYS = {"events": [], "impacts": ["ticker"], "themes": ["theme"], "exposures": ["portfolio"]}
FREQS = ["D", "W", "ME", "6h", "5h", "2D"]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def chunks():
    """Partitions: 280 events over eight months with varied market impact, malformed rows, an empty
    partition and a partition with nothing but malformed rows."""
    sample, _ = ex.datasets.load_sample_events()
    base = [*sample, ex.datasets.load_seed_article()]
    start = pd.Timestamp("2025-02-01T06:00:00Z")
    events = [
        event.model_copy(update={
            "id": f"{event.id}-{k}",
            "published_at": (start + pd.Timedelta(hours=21 * k + 5 * i)).to_pydatetime(),
            "market_impact": round(0.05 + 0.07 * ((k + i) % 13), 2),
        })
        for k in range(40) for i, event in enumerate(base)
    ]
    frame = events_to_frame(events)
    bad = frame.iloc[:4].copy()
    bad["id"] = [f"bad-{n}" for n in range(4)]
    bad["market_impact"] = [-0.5, 0.5, -2.0, 0.5]
    bad["entities"] = [(), ("nonsense",), (), ("also bad",)]
    parts = [frame.iloc[:90], pd.concat([frame.iloc[90:150], bad.iloc[:2]]), frame.iloc[:0], frame.iloc[150:230],
             bad.iloc[2:], frame.iloc[230:]]
    return [part.reset_index(drop=True) for part in parts]


@pytest.fixture(scope="module")
def whole(chunks):
    return pd.concat(chunks, ignore_index=True)


@pytest.fixture(scope="module")
def book(graph):
    return PortfolioSet.from_portfolios(
        {"sample": ex.datasets.load_sample_portfolio(), "benchmark": ex.datasets.load_sample_benchmark()},
        graph.compile())


def _ddf(chunks):
    return dd.concat([dd.from_pandas(chunk, npartitions=1) for chunk in chunks])


def _sorted(name, table):
    return table.sort_values(["event_id", *KEYS[name]], kind="stable").reset_index(drop=True)


def _assert_same(mapped, reference, chunks):
    for name in KEYS:
        assert len(getattr(reference, name)) > 0 or name == "exposures"
        pd.testing.assert_frame_equal(_sorted(name, getattr(mapped, name)), _sorted(name, getattr(reference, name)),
                                      check_exact=False, rtol=0, atol=1e-12)
    offsets = np.cumsum([0, *(len(chunk) for chunk in chunks)])
    located = mapped.rejects.assign(line=offsets[mapped.rejects["partition"]] + mapped.rejects["line"])
    pd.testing.assert_frame_equal(located.drop(columns="partition"), reference.rejects)


def test_map_dask_on_a_cluster_equals_the_single_machine_path(client, graph, chunks, whole, book):
    events = _ddf(chunks)
    assert events.npartitions == len(chunks)
    lazy = map_dask(events, graph, top=20, portfolios=book)
    assert isinstance(lazy, DaskMappedEvents)
    mapped = lazy.compute()
    reference = map_event_frame(whole, graph, top=20, portfolios=book)
    _assert_same(mapped, reference, chunks)
    assert len(mapped.events) == 280 and len(mapped.rejects) == 4
    assert set(mapped.rejects["partition"]) == {1, 4}
    batch = map_event_batch(events_from_frame(whole)[0], graph, top=20, portfolios=book)
    pd.testing.assert_frame_equal(mapped.themes, batch.themes, check_exact=False, rtol=0, atol=1e-12)

    persisted = lazy.persist()
    for freq in FREQS:
        pd.testing.assert_frame_equal(theme_intensity_dask(persisted.themes, freq=freq),
                                      theme_intensity(reference.themes, freq=freq), check_exact=False, rtol=0,
                                      atol=1e-12)
        pd.testing.assert_frame_equal(exposure_series_dask(persisted, freq=freq),
                                      exposure_series(reference.exposures, freq=freq), check_exact=False, rtol=0,
                                      atol=1e-12)


def test_map_dask_as_of_equals_the_single_machine_path(client, graph, chunks, whole, book):
    mapped = map_dask(_ddf(chunks), graph, top=5, portfolios=book, as_of=True).persist()
    reference = map_event_frame(whole, graph, top=5, portfolios=book, as_of=True)
    _assert_same(mapped.compute(), reference, chunks)
    assert mapped.events["graph_version"].nunique().compute() > 1
    pd.testing.assert_frame_equal(exposure_series_dask(mapped.exposures, freq="W"),
                                  exposure_series(reference.exposures, freq="W"), check_exact=False, rtol=0, atol=1e-12)


def _count_calls():
    import builtins

    import exposure.graph._graph as graph_module
    import exposure.streams._dask as dask_module

    counts = builtins.__dict__.setdefault("_exposure_test_counts", {"compile": 0, "map": 0, "graphs": []})
    compile_operators, map_event_frame = graph_module.compile_operators, dask_module.map_event_frame
    resident = dask_module._resident

    def seen(graph):
        if not any(graph is other for other in counts["graphs"]):
            counts["graphs"].append(graph)  # kept alive, so no two objects share an id()
        return resident(graph)

    def counted_compile(*args, **kwargs):
        counts["compile"] += 1
        return compile_operators(*args, **kwargs)

    def counted_map(*args, **kwargs):
        counts["map"] += 1
        return map_event_frame(*args, **kwargs)

    graph_module.compile_operators, dask_module.map_event_frame = counted_compile, counted_map
    dask_module._resident = seen


def _counts():
    import builtins

    counts = builtins._exposure_test_counts
    return {"compile": counts["compile"], "map": counts["map"], "graphs": len(counts["graphs"])}


def test_each_worker_compiles_a_graph_once_and_maps_each_partition_once(client, chunks, tmp_path):
    # A graph version no worker has seen, never compiled here: the workers compile it themselves.
    (tmp_path / "fresh.csv").write_text("ticker,theme,weight,source\nNOC,theme:counter-drone,0.66,curated: test\n")
    fresh = ex.KnowledgeGraph.load(tmp_path / "fresh.csv")
    client.run(_count_calls)
    events = _ddf(chunks)
    mapped = map_dask(events, fresh, top=3)
    mapped.compute()
    first = client.run(_counts)
    assert sum(c["map"] for c in first.values()) == events.npartitions
    assert all(c["compile"] <= 1 for c in first.values())
    # one graph object received per worker, whatever the number of partitions it mapped
    assert [c["graphs"] for c in first.values()] == [int(c["map"] > 0) for c in first.values()]
    # every worker that maps compiles at most once; a worker may receive the graph from another
    # worker after that one compiled it (Dask moves task data between workers), and then compiles nothing
    assert 1 <= sum(c["compile"] for c in first.values()) <= sum(c["map"] > 0 for c in first.values())
    theme_intensity_dask(mapped.themes)  # a second computation ships the graph again
    second = client.run(_counts)
    assert sum(c["map"] for c in second.values()) == 2 * events.npartitions
    assert all(c["graphs"] <= 2 for c in second.values())
    assert {w: c["compile"] for w, c in second.items()} == {w: c["compile"] for w, c in first.items()}


def test_the_graph_enters_the_task_graph_once(graph, book, chunks):
    many = _ddf(chunks * 4)
    mapped = map_dask(many, graph, portfolios=book)
    tasks = {}
    for table in mapped.tables().values():
        tasks.update(dict(table.__dask_graph__()))
    one_graph = len(pickle.dumps(graph))
    assert len(pickle.dumps(tasks)) < 1.5 * one_graph
    assert sum(1 for key in tasks if str(key).startswith("exposure-graph-")) == 1


def test_empty_and_malformed_partitions_give_typed_tables(client, graph, chunks):
    mapped = map_dask(_ddf([chunks[2], chunks[4]]), graph).compute()
    reference = ex.streams.MappedEvents.empty()
    for name in KEYS:
        pd.testing.assert_frame_equal(getattr(mapped, name), getattr(reference, name))
    assert mapped.rejects["partition"].tolist() == [1, 1]
    assert mapped.rejects["line"].tolist() == [1, 2]
    assert [reason.split(":")[0] for reason in mapped.rejects["reason"]] == ["market_impact", "entities"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # distributed's size notice for the embedded default graph (about 23 MiB with the screener companies)
        warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
        assert theme_intensity_dask(map_dask(_ddf([chunks[2]]), graph).themes).empty


def test_graph_files_are_loaded_by_each_worker(client, chunks, tmp_path):
    table = tmp_path / "mine.csv"
    table.write_text("ticker,theme,weight,source\nLMT,theme:counter-drone,0.95,curated: test table\n")
    events = _ddf(chunks[:2])
    mapped = map_dask(events, [table], top=10).compute()
    reference = map_event_frame(pd.concat(chunks[:2], ignore_index=True), ex.KnowledgeGraph.load(table), top=10)
    _assert_same(mapped, reference, chunks[:2])
    assert mapped.events["graph_version"].iloc[0] != ex.default_graph().version


def test_a_graph_scattered_to_the_workers_is_used_as_it_is(client, graph, chunks):
    scattered = client.scatter(graph, broadcast=True)
    mapped = map_dask(_ddf(chunks[:2]), scattered, top=5).compute()
    _assert_same(mapped, map_event_frame(pd.concat(chunks[:2], ignore_index=True), graph, top=5), chunks[:2])


def test_an_unknown_column_fails_before_anything_runs(chunks):
    frame = dd.from_pandas(chunks[0].assign(sentiment=0.1), npartitions=2)
    with pytest.raises(EventError, match="sentiment"):
        map_dask(frame)


def test_importing_exposure_does_not_import_dask():
    code = ("import sys, exposure, exposure.streams; "
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.strip() == "[]"
