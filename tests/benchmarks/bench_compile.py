"""Compiling a knowledge graph into sparse operators, at the scale of a global equity universe.

    python tests/benchmarks/bench_compile.py [full|medium|smoke] [compile|load|default]

Cases (``run.py`` starts one process per case, so each gets its own peak memory):

- ``compile``: a synthetic graph (``exposure.datasets.synthetic_graph_tables``; full = 50,000
  securities, 2,000 themes, 1,000,000 edge rows) handed to ``KnowledgeGraph`` as in-memory tables;
  timed: the version hash, the effective exposures (``graph.exposures``) and ``graph.compile()``.
  Target <= 10 s and <= 4 GB peak (peak measured from outside by run.py).
- ``load``: the same graph written as CSV files and read back by the loader (reading + validating
  every row); no target, reported on its own.
- ``default``: the real default graph shipped with the package, from its CSV files to operators.

Peer: networkx building a MultiDiGraph of the same edge rows (``KnowledgeGraph.nx``), as a reference
for what merely holding the graph in networkx costs; it computes no operator.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"full": (50_000, 2_000, 1_000_000), "medium": (10_000, 500, 200_000), "smoke": (1_000, 100, 20_000)}
CASES = ("compile", "load", "default")
TARGET_S = 10.0


def _size_text(size: str) -> str:
    n_sec, n_themes, n_edges = SIZES[size]
    return f"{n_sec:,} sec, {n_themes:,} themes, {n_edges:,} edges"


def _compile_synthetic(size: str) -> list[dict]:
    from exposure.datasets import synthetic_graph_tables
    from exposure.graph import KnowledgeGraph

    n_sec, n_themes, n_edges = SIZES[size]
    nodes, edges, aliases = synthetic_graph_tables(n_sec, n_themes, n_edges, seed=0)
    start = time.perf_counter()
    graph = KnowledgeGraph(nodes, edges, aliases)
    version = graph.version
    hashed = time.perf_counter()
    exposures = graph.exposures
    resolved = time.perf_counter()
    compiled = graph.compile(cache_dir=None)
    done = time.perf_counter()
    ours_s = done - start
    row = {
        "benchmark": "compile graph (exposures + operators)", "size": _size_text(size), "ours_s": ours_s,
        "peer": None, "peer_s": None, "ratio": None, "target": f"<= {TARGET_S:.0f} s, <= 4 GB",
        "met": ours_s <= TARGET_S,
        "figure": (f"hash {hashed - start:.1f} s, exposures {resolved - hashed:.1f} s "
                   f"({len(exposures):,} rows), operators {done - resolved:.1f} s; steps nnz "
                   f"{compiled.step_operator.nnz:,}, exposure nnz {compiled.exposure.nnz:,}, theme_activation nnz "
                   f"{compiled.theme_activation.nnz:,}; "
                   f"M {'built' if compiled.has_impact else 'not built (applied lazily)'}"),
        "version": version,
    }
    _keep_for_other_benchmarks(compiled)
    if size != "full":  # at full size networkx holds 1M edge dicts; measured at medium instead
        start = time.perf_counter()
        graph.nx  # noqa: B018 - building it is what is timed
        row.update(peer="networkx MultiDiGraph", peer_s=time.perf_counter() - start)
        row["ratio"] = row["peer_s"] / ours_s
    return [row]


def _keep_for_other_benchmarks(compiled) -> None:
    """Save the operators where bench_mapping and bench_portfolios look, so they skip compiling."""
    from exposure.graph._cache import MANIFEST, compiled_cache_entry, save_compiled

    folder = Path(os.environ.get("EXPOSURE_BENCH_CACHE", tempfile.gettempdir())) / "exposure-bench"
    entry = compiled_cache_entry(folder, compiled.version, compiled.decay, compiled.max_hops)
    if not (entry / MANIFEST).is_file():
        save_compiled(compiled, entry)


def _load_csv(size: str) -> list[dict]:
    from exposure.datasets import write_synthetic_graph
    from exposure.graph import KnowledgeGraph

    n_sec, n_themes, n_edges = SIZES[size]
    with tempfile.TemporaryDirectory() as folder:
        write_synthetic_graph(folder, n_securities=n_sec, n_themes=n_themes, n_edges=n_edges, seed=0)
        megabytes = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)) / 1e6
        start = time.perf_counter()
        graph = KnowledgeGraph.load(folder, include_default=False)
        ours_s = time.perf_counter() - start
    return [{
        "benchmark": "load + validate graph CSV files", "size": _size_text(size), "ours_s": ours_s,
        "peer": None, "peer_s": None, "ratio": None, "target": "-", "met": None,
        "figure": f"{megabytes:.0f} MB of CSV, {len(graph.edge_history):,} edge rows, {len(graph):,} nodes",
    }]


def _default_graph(size: str) -> list[dict]:
    from exposure.graph import KnowledgeGraph

    start = time.perf_counter()
    graph = KnowledgeGraph.load()
    loaded = time.perf_counter()
    compiled = graph.compile(cache_dir=None)
    done = time.perf_counter()
    start_nx = time.perf_counter()
    graph.nx  # noqa: B018
    peer_s = time.perf_counter() - start_nx
    return [{
        "benchmark": "default graph: load + compile", "size": f"{len(graph):,} nodes, {len(graph.edges):,} edges",
        "ours_s": done - start, "peer": "networkx MultiDiGraph", "peer_s": peer_s, "ratio": peer_s / (done - start),
        "target": "-", "met": None,
        "figure": f"load {loaded - start:.2f} s, compile {done - loaded:.2f} s, impact nnz {compiled.impact.nnz:,}",
    }]


def main(size: str = "full", case: str | None = None) -> list[dict]:
    os.environ.pop("EXPOSURE_CACHE_DIR", None)  # time compiling, not reading a cached result
    runners = {"compile": _compile_synthetic, "load": _load_csv, "default": _default_graph}
    rows: list[dict] = []
    for name in CASES if case is None else (case,):
        rows.extend(runners[name](size))
    return rows


if __name__ == "__main__":
    for r in main(sys.argv[1] if len(sys.argv) > 1 else "full", sys.argv[2] if len(sys.argv) > 2 else None):
        print(f"{r['benchmark']} [{r['size']}]: ours {r['ours_s']:.3f} s; {r['figure']}; "
              f"peer {r['peer']} {r['peer_s']}; target {r['target']}; met {r['met']}")
