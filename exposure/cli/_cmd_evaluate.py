"""``exposure evaluate``: graph scores of dated events against realised abnormal returns."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from exposure.cli._common import (
    EXIT_NOTHING_USABLE,
    EXIT_OK,
    UsageError,
    load_graph,
    report_rejects,
    require_file,
    to_json,
)


def register(commands) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the ``evaluate`` sub-command."""
    cmd = commands.add_parser(
        "evaluate", help="check graph scores of dated events against abnormal returns (sign hit, rank, long-short)")
    cmd.add_argument("events", nargs="?", help="events file (JSONL/JSON may carry category and holdout); "
                                               "default with --dev: the bundled development set")
    cmd.add_argument("--prices", metavar="FILE", help="prices or daily returns, CSV or Parquet, wide or long")
    cmd.add_argument("--dev", action="store_true",
                     help="use the bundled development set and returns (funds left out of the universe)")
    cmd.add_argument("--market", default="SPY", help="market column for the market model (default SPY)")
    cmd.add_argument("--window", nargs=2, type=int, default=[0, 5], metavar=("START", "END"),
                     help="CAR window in sessions around day 0 (default 0 5)")
    cmd.add_argument("--estimation", type=int, default=250, help="estimation window, sessions (default 250)")
    cmd.add_argument("--gap", type=int, default=10, help="sessions between estimation and window (default 10)")
    cmd.add_argument("--permutations", type=int, default=200, help="random permutations per event (default 200)")
    cmd.add_argument("--seed", type=int, default=0, help="seed of the permutations (default 0)")
    cmd.add_argument("--kind", choices=["auto", "returns", "prices"], default="auto",
                     help="what --prices holds (default auto: prices if all positive with median > 0.5)")
    cmd.add_argument("--exclude", nargs="+", default=[], metavar="TICKER", help="tickers to leave out (e.g. funds)")
    cmd.add_argument("--events-table", action="store_true", help="also print one line per event (table format)")
    cmd.add_argument("--by-category", action="store_true", help="also print mean figures per category (table format)")
    cmd.add_argument("--exposures", choices=["prior", "blend"], default="prior",
                     help="graph exposures (prior, default) or exposures blended with the returns before each "
                          "event's month (blend; see exposure blend)")
    cmd.add_argument("--format", choices=["table", "json"], default="table", help="output format (default table)")
    cmd.add_argument("--point-in-time", choices=["strict", "look-ahead", "current"], default="strict",
                     help="score each event with the graph as of its day: 'strict' (default) without exposure "
                          "figures published later, 'look-ahead' with them (counted); 'current': today's graph")
    return {"evaluate": _run}


def _run(args) -> int:
    from exposure.evaluation import evaluate, load_dev_set, read_labelled_events

    if args.window[1] < args.window[0]:
        raise UsageError(f"--window {args.window[0]} {args.window[1]}: the end comes before the start")
    if args.estimation < 3 or args.gap < 0 or args.permutations < 0:
        raise UsageError("--estimation must be 3 or more, --gap and --permutations 0 or more")
    if not args.dev and (not args.events or not args.prices):
        raise UsageError("give EVENTS and --prices FILE, or --dev for the bundled development set")
    graph = load_graph(args)
    universe = None
    dev = load_dev_set() if args.dev else None
    if args.events:
        require_file(args.events)
        events, labels, rejects = read_labelled_events(args.events)
        report_rejects(args.events, rejects)
        if not events:
            print(f"exposure: {args.events}: no usable event ({len(rejects)} rejected)", file=sys.stderr)
            return EXIT_NOTHING_USABLE
    else:
        events, labels, rejects = dev.events, dev.labels, []
    if args.prices:
        require_file(args.prices)
        from exposure.studies import read_prices

        data = read_prices(args.prices)
    else:
        data = dev.returns
        universe = dev.universe
    if args.exclude:
        universe = [t for t in (universe or data.columns) if t not in set(args.exclude)]
    result = evaluate(events, data, market=args.market, window=tuple(args.window), estimation=args.estimation,
                      gap=args.gap, graph=graph, permutations=args.permutations, seed=args.seed, kind=args.kind,
                      universe=universe, labels=labels, point_in_time=args.point_in_time,
                      exposures=args.exposures)
    parts = result.parts()
    if args.format == "json":
        data = {name: part.to_dict() for name, part in parts.items()}
        data["rejects"] = [r.to_dict() for r in rejects]
        print(to_json(data))
    else:
        for name, part in parts.items():
            print(part.summary(name))
            print()
        if args.events_table:
            columns = ["event_id", "category", "holdout", "n_scored", "hit10_model", "hit10_keyword",
                       "spearman_all_model", "long_short_bp_model", "long_short_bp_keyword"]
            print(result.per_event[columns].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        if args.by_category and not result.by_category().empty:
            print(result.by_category().to_string(float_format=lambda v: f"{v:.2f}"))
    return EXIT_OK if len(result.per_event) else EXIT_NOTHING_USABLE
