"""Theme exposure of many portfolios: one sparse product vs a pandas merge + groupby.

    python tests/benchmarks/bench_portfolios.py [full|medium|smoke] [ours|peer]

Full: 10,000 portfolios x 5,000 holdings over the 50,000 securities of the synthetic graph, 2,000
themes (holdings from ``exposure.datasets.synthetic_holdings``: ~5% shorts, a few tickers outside
the universe). Ours: ``PortfolioSet.from_long`` (the sparse portfolios x securities weights and
per-portfolio coverage, timed apart) then ``theme_exposures`` (``W @ E`` with ``E`` the
securities x themes ``CompiledGraph.exposure``). Target <= 5 s for both together.

Peer: the long holdings merged with the long exposure table (ticker, theme, weight) and
``groupby([portfolio, theme]).sum()``. The merge has one row per holding and theme of the
security, so it runs on fewer portfolios (stated); ours runs on the same portfolios for the ratio,
and the numbers are checked equal.

The exposure matrix of the synthetic graph is computed once (compiling the graph) and kept in
``$EXPOSURE_BENCH_CACHE`` (default: the temp dir), so this process holds only ``E``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

GRAPH_SIZES = {"full": (50_000, 2_000, 1_000_000), "medium": (10_000, 500, 200_000), "smoke": (1_000, 100, 20_000)}
SIZES = {"full": (10_000, 5_000, 100), "medium": (2_000, 2_000, 100), "smoke": (50, 200, 20)}
CASES = ("ours", "peer")
TARGET_S = 5.0


def bench_cache() -> Path:
    return Path(os.environ.get("EXPOSURE_BENCH_CACHE", tempfile.gettempdir())) / "exposure-bench"


def exposure_operator(size: str):
    """A CompiledGraph carrying only the synthetic graph's securities x themes exposure matrix.

    The full operators (impact, theme activation) are left empty so that this process's peak
    memory is that of the portfolio work; ``theme_exposures`` reads only ``securities``, ``themes``
    and ``exposure``.
    """
    from exposure.graph import CompiledGraph

    path = bench_cache() / f"exposure-{'-'.join(map(str, GRAPH_SIZES[size]))}-seed0.npz"
    if not path.is_file():
        from exposure.datasets import synthetic_graph_tables
        from exposure.graph import KnowledgeGraph

        graph = KnowledgeGraph(*synthetic_graph_tables(*GRAPH_SIZES[size], seed=0))
        compiled = graph.compile(cache_dir=bench_cache())
        path.parent.mkdir(parents=True, exist_ok=True)
        table = compiled.exposure
        np.savez(path, data=table.data, indices=table.indices, indptr=table.indptr,
                 securities=np.asarray(compiled.securities, dtype=str), themes=np.asarray(compiled.themes, dtype=str),
                 version=compiled.version)
    saved = np.load(path)
    securities, themes = pd.Index(saved["securities"], name="security"), pd.Index(saved["themes"], name="theme")
    exposure = sp.csr_array((saved["data"], saved["indices"], saved["indptr"]), shape=(len(securities), len(themes)))
    empty = sp.csr_array((0, 0))
    return CompiledGraph(version=str(saved["version"]), decay=0.5, max_hops=4, concepts=pd.Index([]),
                         securities=securities, themes=themes, steps=pd.DataFrame(), listings=pd.DataFrame(),
                         step_operator=empty, listing=empty, theme_activation=empty, exposure=exposure)


def _inputs(size: str, n_portfolios: int):
    from exposure.datasets import synthetic_holdings

    compiled = exposure_operator(size)
    tickers = pd.Index([s.removeprefix("security:") for s in compiled.securities])
    _, n_holdings, _ = SIZES[size]
    return compiled, tickers, synthetic_holdings(tickers, n_portfolios, n_holdings, seed=0)


def _ours(compiled, tickers, holdings) -> tuple[pd.DataFrame, float, float]:
    from exposure.analytics import PortfolioSet, theme_exposures

    start = time.perf_counter()
    portfolios = PortfolioSet.from_long(holdings, tickers)
    built = time.perf_counter()
    result = theme_exposures(portfolios, compiled)
    return result, built - start, time.perf_counter() - built


def _peer(compiled, holdings) -> tuple[pd.DataFrame, float]:
    coo = compiled.exposure.tocoo()
    long = pd.DataFrame({"ticker": compiled.securities[coo.row].str.removeprefix("security:"),
                         "theme": compiled.themes[coo.col], "exposure": coo.data})
    frame = holdings.assign(ticker=holdings["ticker"].astype(str), portfolio=holdings["portfolio"].astype(str))
    start = time.perf_counter()
    merged = frame.merge(long, on="ticker")
    merged["value"] = merged["weight"] * merged["exposure"]
    result = merged.groupby(["portfolio", "theme"])["value"].sum().unstack(fill_value=0.0)
    return result, time.perf_counter() - start


def _run_ours(size: str) -> list[dict]:
    n_portfolios, n_holdings, _ = SIZES[size]
    compiled, tickers, holdings = _inputs(size, n_portfolios)
    result, build_s, product_s = _ours(compiled, tickers, holdings)
    ours_s = build_s + product_s
    return [{
        "benchmark": "theme exposure of many portfolios", "size": f"{n_portfolios:,} x {n_holdings:,} x "
        f"{len(compiled.themes):,} themes", "ours_s": ours_s, "peer": None, "peer_s": None, "ratio": None,
        "target": f"<= {TARGET_S:.0f} s", "met": ours_s <= TARGET_S,
        "figure": (f"W from long {build_s:.2f} s ({len(holdings):,} rows), W@E {product_s:.2f} s; "
                   f"E nnz {compiled.exposure.nnz:,}; result {result.shape[0]:,}x{result.shape[1]:,}"),
    }]


def _run_peer(size: str) -> list[dict]:
    n_portfolios, n_holdings, n_peer = SIZES[size]
    compiled, tickers, holdings = _inputs(size, n_peer)
    ours, build_s, product_s = _ours(compiled, tickers, holdings)
    peer, peer_s = _peer(compiled, holdings)
    peer = peer.reindex(index=ours.index.astype(str), columns=ours.columns, fill_value=0.0)
    diff = float(np.max(np.abs(peer.to_numpy() - ours.to_numpy())))
    ours_s = build_s + product_s
    merged_rows = len(holdings) * compiled.exposure.nnz / len(tickers) * n_portfolios / n_peer
    return [{
        "benchmark": "portfolio exposure vs pandas merge", "size": f"{n_peer:,} x {n_holdings:,} x "
        f"{len(compiled.themes):,} themes", "ours_s": ours_s, "peer": "pandas merge+groupby", "peer_s": peer_s,
        "ratio": peer_s / ours_s, "target": "-", "met": diff < 1e-9,
        "figure": (f"same {n_peer} portfolios for both (the merge would hold ~{merged_rows:,.0f} rows at "
                   f"{n_portfolios:,}); max |ours - pandas| {diff:.1e}"),
        "max_abs_diff": diff,
    }]


def main(size: str = "full", case: str | None = None) -> list[dict]:
    runners = {"ours": _run_ours, "peer": _run_peer}
    rows: list[dict] = []
    for name in CASES if case is None else (case,):
        rows.extend(runners[name](size))
    return rows


if __name__ == "__main__":
    for r in main(sys.argv[1] if len(sys.argv) > 1 else "full", sys.argv[2] if len(sys.argv) > 2 else None):
        print(f"{r['benchmark']} [{r['size']}]: ours {r['ours_s']:.4f} s; peer {r['peer']} {r['peer_s']}; "
              f"ratio {r['ratio']}; target {r['target']}; met {r['met']}; {r.get('figure', '')}")
