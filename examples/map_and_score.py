"""Map a file of events onto securities and score a holdings file against themes and events.

Usage:
    python examples/map_and_score.py [EVENTS] [HOLDINGS] [BENCHMARK]

Without arguments it uses the samples bundled with the package.
"""

from __future__ import annotations

import sys

import exposure as ex
from exposure.analytics import portfolio_report
from exposure.portfolio import read_holdings


def main(argv: list[str]) -> int:
    events_path = argv[0] if argv else ex.datasets.sample_path("sample_events.jsonl")
    holdings_path = argv[1] if len(argv) > 1 else ex.datasets.sample_path("sample_portfolio.csv")
    benchmark_path = argv[2] if len(argv) > 2 else ex.datasets.sample_path("sample_benchmark.csv")

    graph = ex.default_graph()
    events, rejects = ex.read_events(events_path)
    for reject in rejects:
        print(f"{events_path}:{reject.line}: rejected: {reject.reason}", file=sys.stderr)

    impacts = ex.map_events(events, graph)
    for event in events:
        print(f"\n{event.headline}")
        print(impacts.top(event.id, n=5)[["ticker", "company", "score"]].to_string(index=False))

    report = portfolio_report(
        read_holdings(holdings_path), graph, benchmark=read_holdings(benchmark_path), events=events
    )
    print()
    print(report.render(top=3))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
