"""Market-model event study: ours (vectorised over pairs) vs the PyPI package ``eventstudy``.

    python tests/benchmarks/bench_event_study.py [full|smoke]

Synthetic returns for 100 securities and a market over 3,000 business days; full = 1,000
event-security pairs (10 event dates x 100 securities), smoke = 50 pairs. Window (-1, +5),
estimation 250, gap (``buffer_size``) 10. The same returns go to both (``eventstudy`` is given
returns, not prices). The largest CAR difference is reported.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from exposure.studies import event_study

SIZES = {"full": (10, 100), "smoke": (5, 10)}
WINDOW, ESTIMATION, GAP, TARGET = (-1, 5), 250, 10, 100.0


def data(n_series: int, n_days: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2012-01-02", periods=n_days)
    market = rng.normal(0.0003, 0.01, n_days)
    values = 0.0001 + np.outer(market, rng.normal(1, 0.3, n_series)) + rng.normal(0, 0.015, (n_days, n_series))
    frame = pd.DataFrame(values, index=days, columns=[f"S{i:03d}" for i in range(n_series)])
    frame["MKT"] = market
    return frame


def main(size: str = "full") -> list[dict]:
    n_events, n_series = SIZES[size]
    returns = data(n_series)
    dates = returns.index[np.linspace(400, len(returns) - 20, n_events).astype(int)]
    events = {f"e{i}": d for i, d in enumerate(dates)}
    tickers = [c for c in returns.columns if c != "MKT"]
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        ours = event_study(returns, events, market="MKT", window=WINDOW, estimation=ESTIMATION, gap=GAP)
        timings.append(time.perf_counter() - start)
    ours_s = min(timings)
    row = {"benchmark": "event study, market model", "size": f"{n_events * n_series} event-security pairs",
           "ours_s": ours_s, "peer": None, "peer_s": None, "ratio": None, "target": f">= {TARGET:.0f}x",
           "met": None, "ours_first_call_s": timings[0]}
    try:
        import eventstudy as es
    except ImportError:
        row["met"] = "peer missing"
        return [row]
    es.Single._parameters["returns"] = {"date": returns.index.to_numpy("datetime64[D]"),
                                        **{c: returns[c].to_numpy() for c in returns.columns}}
    start = time.perf_counter()
    peer = {(e, t): es.Single.market_model(t, "MKT", np.datetime64(d.date()), event_window=WINDOW,
                                           estimation_size=ESTIMATION, buffer_size=GAP).CAR[-1]
            for e, d in events.items() for t in tickers}
    peer_s = time.perf_counter() - start
    mine = ours.results.set_index(["event_id", "ticker"])["car"]
    diff = float(max(abs(mine[key] - value) for key, value in peer.items()))
    row.update(peer="eventstudy 0.1a12", peer_s=peer_s, ratio=peer_s / ours_s,
               met=bool(peer_s / ours_s >= TARGET and diff < 1e-8), max_abs_diff=diff)
    return [row]


if __name__ == "__main__":
    for r in main(sys.argv[1] if len(sys.argv) > 1 else "full"):
        print(f"{r['benchmark']} [{r['size']}]: ours {r['ours_s']:.4f}s, {r['peer']} {r['peer_s']:.4f}s, "
              f"ratio {r['ratio']:.1f}x (target {r['target']}; ours on a first call {r['ours_first_call_s']:.4f}s), "
              f"max |CAR diff| {r.get('max_abs_diff'):.2e}, met {r['met']}")
