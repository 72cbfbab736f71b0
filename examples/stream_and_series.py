"""Map an event file in batches to Parquet, then read theme intensity and portfolio exposure over time.

    python examples/stream_and_series.py [EVENTS.jsonl] [OUTPUT_FOLDER]

Without arguments it builds a feed from the bundled sample events (each repeated on the days
after it was published, with varying market impact) in a temporary folder. Every event is
scored with the graph as of its own day, and two portfolios are scored as one matrix product.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pandas as pd

import exposure as ex
from exposure.analytics import PortfolioSet
from exposure.streams import exposure_series, map_stream, theme_intensity


def sample_feed(path: Path, days: int = 30) -> Path:
    """JSON Lines: every sample event again on each of the next ``days`` days, one malformed line."""
    events, _ = ex.datasets.load_sample_events()
    lines = []
    for day in range(days):
        for event in events:
            record = json.loads(event.model_dump_json(exclude={"id"}))
            record["id"] = f"{event.id}+{day}"
            record["published_at"] = (pd.Timestamp(event.published_at) + pd.Timedelta(days=day)).isoformat()
            record["market_impact"] = round(event.market_impact * 0.9**day, 4)
            lines.append(json.dumps(record))
    lines.insert(17, '{"headline": "a line cut short by a crashed writer"')
    path.write_text("\n".join(lines) + "\n")
    return path


def main(argv: list[str]) -> int:
    work = Path(tempfile.mkdtemp(prefix="exposure-stream-"))
    source = Path(argv[0]) if argv else sample_feed(work / "feed.jsonl")
    output = Path(argv[1]) if len(argv) > 1 else work / "mapped"
    graph = ex.default_graph()
    book = PortfolioSet.from_portfolios(
        {"sample": ex.datasets.load_sample_portfolio(), "benchmark": ex.datasets.load_sample_benchmark()},
        graph.compile())
    print(book)
    print(book.coverage.round(3).to_string(), "\n")

    summary = map_stream(source, output, graph=graph, portfolios=book, as_of=True, batch_size=50, top=10,
                         overwrite=True)
    print(f"{summary.n_events} events mapped in {summary.n_batches} batches, {summary.n_rejects} rejected "
          f"(see {summary.files['rejects']}); graph versions {', '.join(summary.graph_versions)}\n")

    weekly = theme_intensity(output, freq="W")
    strongest = weekly.sum().abs().sort_values(ascending=False).index[:5]
    active_weeks = weekly.index[(weekly[strongest] != 0).any(axis=1)]
    print(f"theme intensity per week (market impact x activation), strongest themes, "
          f"{len(active_weeks)} of {len(weekly)} weeks with news:")
    print(weekly.loc[active_weeks, strongest].round(3).to_string(), "\n")

    exposure = exposure_series(output, freq="W")
    exposure["active"] = exposure["sample"] - exposure["benchmark"]
    print("portfolio event exposure per week (weeks with news):")
    print(exposure.loc[(exposure != 0).any(axis=1)].round(4).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
