"""``exposure study``: an event study of news events on prices, with mapped vs unmapped names."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from exposure.cli._common import (
    EXIT_NOTHING_USABLE,
    EXIT_OK,
    UsageError,
    add_csv_raw,
    int_at_least,
    load_graph,
    print_csv,
    read_events,
    report_rejects,
    require_file,
    to_json,
)

_RESULT_COLUMNS = ["event_id", "ticker", "event_day", "after_close", "shift_days", "car", "car_se", "car_t",
                   "beta", "mapped", "score"]


def register(commands) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the ``study`` sub-command."""
    study = commands.add_parser("study", help="event study: abnormal returns of securities around events")
    study.add_argument("--events", required=True, help="events file (JSON, JSONL, CSV, article text) with published_at")
    source = study.add_mutually_exclusive_group(required=True)
    source.add_argument("--prices", metavar="FILE", help="prices CSV or Parquet, wide (date x tickers) or long")
    source.add_argument("--source", choices=["yahoo"], help="fetch prices through exposure.market")
    study.add_argument("--market", default="SPY", help="market proxy ticker among the prices (default SPY)")
    study.add_argument("--model", choices=["market", "market_adjusted", "constant_mean"], default="market",
                       help="normal-return model (default market)")
    study.add_argument("--window", nargs=2, type=int, default=[-1, 5], metavar=("START", "END"),
                       help="event window in sessions around day 0 (default -1 5)")
    study.add_argument("--estimation", type=int_at_least(3, 250), default=250,
                       help="estimation window, sessions, 3 or more (default 250)")
    study.add_argument("--gap", type=int_at_least(0, 10), default=10,
                       help="sessions between estimation and event window, 0 or more (default 10)")
    study.add_argument("--tickers", nargs="+", metavar="TICKER", help="securities to study (default every priced one)")
    study.add_argument("--top", type=int_at_least(1, 10),
                       help="compare the graph's top N mapped securities with the rest")
    study.add_argument("--point-in-time", choices=["strict", "look-ahead", "current"], default="strict",
                       help="with --top, map each event with the graph as of its day: 'strict' (default) without "
                            "exposure figures published later, 'look-ahead' with them, 'current': today's graph")
    study.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format")
    add_csv_raw(study)
    return {"study": _run}


def _prices(args, events):
    from exposure.studies import read_prices

    if args.prices:
        require_file(args.prices)
        return read_prices(args.prices)
    if not args.tickers:
        raise UsageError("--source yahoo needs --tickers (the securities to fetch). Fix: add --tickers LMT RTX")
    dates = [e.published_at for e in events if e.published_at is not None]
    if not dates:
        raise UsageError("no event has published_at, so there is no date range to fetch. Fix: give each "
                         "event a published_at date")
    import pandas as pd

    span = int((args.estimation + args.gap + max(0, -args.window[0])) * 1.6) + 30
    start = (min(dates) - pd.Timedelta(days=span)).date()
    end = (max(dates) + pd.Timedelta(days=int(max(args.window[1], 0) * 1.6) + 10)).date()
    result = yahoo_source().prices([*args.tickers, args.market], start, end, allow_partial=True)
    for miss in result.missing:
        print(f"exposure: study: {miss.symbol}: missing: {miss.reason}", file=sys.stderr)
    for part in result.partial:
        print(f"exposure: study: {part.symbol}: partial: {part.reason}", file=sys.stderr)
    return result.frame


def yahoo_source():
    """The Yahoo source the command uses (through the on-disk cache); tests replace it."""
    from exposure.market import YahooSource

    return YahooSource()


def _run(args) -> int:
    from exposure.studies import event_study, mapped_vs_unmapped, prices_to_returns

    if args.window[1] < args.window[0]:
        raise UsageError(f"--window {args.window[0]} {args.window[1]}: the end comes before the start. "
                         f"Fix: --window {args.window[1]} {args.window[0]}")
    graph = load_graph(args)
    events, rejects = read_events(args.events, graph)
    report_rejects(args.events, rejects)
    if not events:
        print(f"exposure: error: {args.events}: no usable event ({len(rejects)} rejected). Fix: give at least "
              "one event with a headline and published_at (see the rejects above)", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    prices = _prices(args, events)
    converted = prices_to_returns(prices)
    returns = converted.returns
    market = None if args.model == "constant_mean" else args.market
    if market is not None and market not in returns.columns:
        raise UsageError(f"--market {market} is not among the prices. Fix: add its prices, pick another "
                         "--market, or use --model constant_mean")
    tickers = args.tickers or [c for c in returns.columns if c != args.market]
    settings = dict(market=market, model=args.model, window=tuple(args.window), estimation=args.estimation,
                    gap=args.gap)
    study = event_study(returns, events, tickers=tickers, **settings)
    results = study.results.copy()
    results["mapped"] = False
    results["score"] = 0.0
    comparisons = []
    if args.top:
        from exposure.impact import map_events
        from exposure.studies import graph_of_day

        dated = [e for e in events if e.published_at is not None]
        for event in dated:
            impacts = map_events(event, graph_of_day(graph, event, args.point_in_time))
            comparison = mapped_vs_unmapped(event, returns, impacts=impacts, top=args.top, universe=tickers,
                                            **settings)
            comparisons.append(comparison)
            scores = impacts.matrix.loc[event.id]
            mine = results["event_id"] == event.id
            results.loc[mine, "score"] = results.loc[mine, "ticker"].map(scores).fillna(0.0).to_numpy()
            results.loc[mine & results["ticker"].isin(comparison.mapped["ticker"]), "mapped"] = True

    by_event = {e: study.subset(event_ids=[e]).aggregate for e in results["event_id"].unique()}
    if args.format == "json":
        data = study.to_dict()
        for row, (mapped, score) in zip(data["results"], zip(results["mapped"], results["score"])):
            row["mapped"], row["score"] = bool(mapped), float(score)
        data.update({"market": market, "by_event": by_event,
                     "returns": converted.to_dict(),
                     "mapped_vs_unmapped": [c.to_dict() for c in comparisons],
                     "rejects": [r.to_dict() for r in rejects]})
        print(to_json(data))
    elif args.format == "csv":
        table = results.reindex(columns=_RESULT_COLUMNS)
        table["event_day"] = table["event_day"].dt.strftime("%Y-%m-%d")
        print_csv(table, args, index=False, float_format="%.6g")
    else:
        print(study.summary())
        for fix in converted.fixes:
            print(f"  prices: {fix}")
        for event_id, agg in by_event.items():
            print(f"  {event_id}: n={agg['n']} CAAR {agg['caar']:+.3%} t_cs {agg['t_cs']:.2f} "
                  f"BMP-KP t {agg['t_bmp_kp']:.2f}")
        for comparison in comparisons:
            print("  " + comparison.summary())
        if len(results):
            shown = results.reindex(columns=_RESULT_COLUMNS).copy()
            shown["event_day"] = shown["event_day"].dt.strftime("%Y-%m-%d")
            shown = shown.sort_values(["event_id", "car"], ascending=[True, False])
            print(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.format != "table":
        for row in study.dropped.itertuples(index=False):
            print(f"exposure: study: dropped {row.event_id} {row.ticker}: {row.reason}", file=sys.stderr)
    if not len(results):
        source = args.prices or "the fetched prices"
        print(f"exposure: error: {args.events} with {source}: no event-security pair could be studied "
              f"({len(study.dropped)} dropped, each with its reason). Fix: give prices that cover the estimation "
              "window, the gap and the event window "
              f"({args.estimation} + {args.gap} + {args.window[1] - args.window[0] + 1} sessions), or a shorter "
              "--estimation", file=sys.stderr)
    return EXIT_OK if len(results) else EXIT_NOTHING_USABLE
