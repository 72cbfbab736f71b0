"""``exposure blend``: exposures blended from the graph's prior and returns, explained or validated."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from exposure.cli._common import EXIT_OK, UsageError, load_graph, require_file, to_json


def register(commands) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the ``blend`` sub-command."""
    cmd = commands.add_parser(
        "blend", help="blend graph exposures with returns-based betas (as of a date), explain one, or validate "
                      "out of sample")
    cmd.add_argument("--as-of", metavar="DATE", help="estimate with sessions before this date (e.g. 2024-01-02)")
    cmd.add_argument("--prices", metavar="FILE",
                     help="prices or daily returns, CSV or Parquet (default: the bundled 2015-2026 returns)")
    cmd.add_argument("--market", default="SPY", help="market column held fixed (default SPY)")
    cmd.add_argument("--window", type=int, default=756, help="sessions before the date (default 756)")
    cmd.add_argument("--theme", nargs="+", default=None, metavar="THEME", help="themes to estimate (default all)")
    cmd.add_argument("--explain", nargs=2, metavar=("TICKER", "THEME"), help="how one blended number came about")
    cmd.add_argument("--explicit", choices=["keep", "blend"], default="keep",
                     help="keep explicit company figures (default) or blend them too")
    cmd.add_argument("--point-in-time", choices=["strict", "look-ahead", "current"], default="strict",
                     help="prior from the graph as of the date without later figures (strict, default), with them "
                          "(look-ahead), or today's graph (current)")
    cmd.add_argument("--validate", action="store_true",
                     help="out-of-sample check: prior, past beta and blend against each next year's betas")
    cmd.add_argument("--years", nargs=2, type=int, default=[2017, 2026], metavar=("FIRST", "LAST"),
                     help="years predicted by --validate (default 2017 2026)")
    cmd.add_argument("--format", choices=["table", "json"], default="table", help="output format (default table)")
    return {"blend": _run}


def _run(args) -> int:
    from exposure.datasets import load_dev_returns
    from exposure.estimate import blend_exposures, validate_blend

    if not args.validate and not args.as_of:
        raise UsageError("give --as-of DATE, or --validate")
    graph = load_graph(args)
    if args.prices:
        require_file(args.prices)
        from exposure.studies import as_returns, read_prices

        returns = as_returns(read_prices(args.prices))
    else:
        returns = load_dev_returns()
    if args.validate:
        result = validate_blend(graph, returns, years=range(args.years[0], args.years[1] + 1), market=args.market,
                                window=args.window, themes=args.theme, point_in_time=args.point_in_time)
        print(to_json(result.to_dict()) if args.format == "json" else result.summary())
        return EXIT_OK
    blended = blend_exposures(graph, returns, as_of=args.as_of, market=args.market, window=args.window,
                              themes=args.theme, explicit=args.explicit, point_in_time=args.point_in_time)
    if args.explain:
        print(blended.explain(*args.explain))
    elif args.format == "json":
        print(to_json(blended.to_dict()))
    else:
        print(blended.summary())
    return EXIT_OK
