"""``exposure graph report``: coverage of the knowledge graph and agreement with real ETF holdings."""

from __future__ import annotations

import argparse
from exposure.cli._common import EXIT_OK, UsageError, load_graph, report_rejects, require_file, to_json


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``exposure graph report`` (``--format`` is left to the ``graph`` parser)."""
    parser.add_argument("--threshold", type=float, default=0.2,
                        help="report: minimum theme exposure of a theme member (default 0.2)")
    parser.add_argument("--min-weight", type=float, default=0.5, dest="min_weight",
                        help="report: minimum ETF weight in percent of a holding (default 0.5)")
    parser.add_argument("--holdings", metavar="CSV",
                        help="report: ETF holdings table etf,date,holding,weight_pct (default the bundled extract)")


def run_report(args: argparse.Namespace) -> int:
    """Print the graph report as a table (default) or JSON (``args.format == "json"``)."""
    from exposure.datasets import load_etf_holdings
    from exposure.graph import graph_report
    from exposure.portfolio import read_etf_holdings

    fmt = getattr(args, "format", None) or "table"
    if fmt not in ("table", "json"):
        raise UsageError(f"graph report --format {fmt}: not available. Fix: use table or json (--format table)")
    threshold = getattr(args, "threshold", 0.2)
    min_weight = getattr(args, "min_weight", 0.5)
    if not 0 <= threshold <= 1:
        raise UsageError(f"--threshold {threshold}: out of range. Fix: give a number in [0, 1] such as 0.2")
    if min_weight < 0:
        raise UsageError(f"--min-weight {min_weight}: below zero. Fix: give a percentage >= 0 such as 0.5")
    holdings_path = getattr(args, "holdings", None)
    require_file(holdings_path)
    if not hasattr(args, "graph"):
        args.graph = []
    graph = load_graph(args)
    if holdings_path is None:
        holdings = load_etf_holdings()
    else:  # a user's file goes through the checked reader: encoding, repeated columns, bad rows as rejects
        holdings, rejects = read_etf_holdings(holdings_path)
        report_rejects(holdings_path, rejects)
        holdings = holdings.drop(columns="line")
    report = graph_report(graph, holdings, threshold=threshold, min_weight_pct=min_weight)
    print(to_json(report.to_dict()) if fmt == "json" else report.render())
    return EXIT_OK
