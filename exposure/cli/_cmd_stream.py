"""``exposure stream`` and ``exposure series``: map an event file of any size, then aggregate over time."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from pandas.tseries.frequencies import to_offset

from exposure.cli._common import (
    EXIT_NOTHING_USABLE,
    EXIT_OK,
    UsageError,
    int_at_least,
    load_graph,
    require_file,
    to_json,
)


def register(commands) -> dict[str, Callable]:
    stream = commands.add_parser(
        "stream", help="map a large event file (JSONL, CSV, Parquet) in batches into Parquet tables",
        description="Read EVENTS batch by batch (bounded memory), tag and score each batch with one sparse "
        "product, and write OUT/{events,impacts,themes,exposures}.parquet, OUT/rejects.jsonl (malformed "
        "records with line and reason; the run goes on), OUT/summary.json and OUT/_manifest.json. The run "
        "writes into .OUT.staging beside OUT and replaces OUT only when it has finished, so a crash leaves "
        "the previous output as it was; --resume continues a stopped run. Exit 1 when no event was usable.",
    )
    stream.add_argument("events", help="event file: .jsonl/.ndjson, .csv (optionally .gz) or .parquet")
    stream.add_argument("output", help="folder to create for the tables")
    stream.add_argument("--top", type=int_at_least(1, 20), default=20, help="securities kept per event (default 20)")
    stream.add_argument("--all", action="store_true", help="keep every non-zero security score (overrides --top)")
    stream.add_argument("--portfolios", metavar="CSV",
                        help="holdings of many portfolios: columns portfolio,ticker,weight")
    stream.add_argument("--portfolio", action="append", default=[], metavar="FILE",
                        help="one portfolio's holdings (named after the file; repeatable)")
    stream.add_argument("--as-of", action="store_true",
                        help="score each event with the graph as of its publication day")
    stream.add_argument("--point-in-time", choices=["strict", "look-ahead"], default="strict",
                        help="with --as-of: 'strict' (default) drops exposure figures published after the "
                             "event's day, so the company falls back to its industry default; 'look-ahead' "
                             "keeps them and counts them (look_ahead_count in events.parquet and summary.json)")
    stream.add_argument("--batch-size", type=int_at_least(1, 10_000), default=10_000)
    stream.add_argument("--format", choices=["jsonl", "csv", "parquet"], help="override the file suffix")
    stream.add_argument("--overwrite", action="store_true",
                        help="replace OUT when it holds an earlier `exposure stream` output (any other non-empty "
                        "folder is refused, nothing is deleted), and discard a stopped run")
    stream.add_argument("--resume", action="store_true",
                        help="continue a stopped run of the same input, graph and settings where it left off")
    stream.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar (default: when stderr is a terminal)")

    series = commands.add_parser(
        "series", help="theme intensity or portfolio event exposure per period, from `exposure stream` output",
        description="Sum, per period, the theme activations (market impact x activation) or the portfolio "
        "exposures written by `exposure stream`; every period from first to last, 0 where nothing happened.",
    )
    series.add_argument("output", help="folder written by `exposure stream`")
    series.add_argument("--of", choices=["themes", "portfolios"], default="themes")
    series.add_argument("--freq", default="D", help="pandas frequency: h, D, W, ME, QE (default D)")
    series.add_argument("--columns", nargs="+", metavar="ID", help="themes or portfolios to keep")
    series.add_argument("--format", choices=["csv", "json"], default="csv")
    series.add_argument("--allow-incomplete", action="store_true",
                        help="read the batches a stopped run saved (otherwise an incomplete output is refused)")
    return {"stream": run_stream, "series": run_series}


def _portfolios(args, graph):
    from exposure.analytics import PortfolioSet
    from exposure.portfolio import read_holdings

    if not args.portfolios and not args.portfolio:
        return None
    compiled = graph.compile()
    if args.portfolios:
        require_file(args.portfolios)
        if args.portfolio:
            raise UsageError("give --portfolios or --portfolio, not both")
        return PortfolioSet.from_long(pd.read_csv(args.portfolios), compiled)
    named = {}
    for path in args.portfolio:
        require_file(path)
        named[Path(path).stem] = read_holdings(path)
    return PortfolioSet.from_portfolios(named, compiled)


def run_stream(args) -> int:
    from exposure.streams import map_stream

    require_file(args.events)
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    graph = load_graph(args)
    portfolios = _portfolios(args, graph)
    if portfolios is not None:
        for name, part in portfolios.unmapped.groupby("portfolio", sort=True):
            share = 1 - portfolios.coverage.at[name, "mapped_weight_share"]
            print(f"exposure: stream: portfolio {name}: {len(part)} holding(s) not in the graph "
                  f"({share:.1%} of gross weight): {', '.join(part['ticker'])}", file=sys.stderr)
    summary = map_stream(
        args.events, args.output, graph=graph, top=None if args.all else args.top, portfolios=portfolios,
        as_of=args.as_of, point_in_time=args.point_in_time, batch_size=args.batch_size, format=args.format,
        overwrite=args.overwrite,
        resume=args.resume, show_progress=args.progress,
    )
    if summary.n_rejects:
        beyond = (f" (and {summary.n_rejects_omitted} more counted past the cap, not recorded)"
                  if summary.n_rejects_omitted else "")
        print(f"exposure: stream: {args.events}: {summary.n_rejects} record(s) rejected{beyond}, "
              f"see {summary.files['rejects']}", file=sys.stderr)
    print(to_json(summary.to_dict()))
    return EXIT_OK if summary.n_events else EXIT_NOTHING_USABLE


def run_series(args) -> int:
    from exposure.streams import exposure_series, theme_intensity
    from exposure.streams._output import MANIFEST, staging_path

    folder = Path(args.output)
    if not (folder / MANIFEST).is_file() and not staging_path(folder).is_dir():
        raise UsageError(f"{folder}: not a folder written by `exposure stream` (no {MANIFEST})")
    aggregate = theme_intensity if args.of == "themes" else exposure_series
    try:
        to_offset(args.freq)
    except ValueError:
        raise UsageError(f"--freq {args.freq}: not a pandas frequency. Fix: give one such as h, D, W, ME or QE") \
            from None
    table = aggregate(folder, freq=args.freq, allow_incomplete=args.allow_incomplete)
    if args.columns:
        missing = [c for c in args.columns if c not in table.columns]
        if missing:
            raise UsageError(f"--columns: {', '.join(missing)} not in the series")
        table = table[args.columns]
    if args.format == "json":
        print(to_json({"freq": args.freq, "periods": [p.isoformat() for p in table.index],
                       "values": {str(c): table[c].tolist() for c in table.columns}}))
    else:
        buffer = io.StringIO()
        table.to_csv(buffer, float_format="%.10g")
        print(buffer.getvalue(), end="")
    return EXIT_OK if not table.empty else EXIT_NOTHING_USABLE
