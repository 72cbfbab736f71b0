"""``exposure map | portfolio | graph | demo``: files in, tables or JSON out.

Exit codes: 0 success (rejects are reported in the output), 1 nothing usable in the input,
2 usage error. Messages go to stderr and name the file, line and field.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from exposure.errors import ExposureError, Reject

EXIT_OK, EXIT_NOTHING_USABLE, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="exposure", description=__doc__.splitlines()[0])
    parser.add_argument("--graph", action="append", default=[], metavar="PATH",
                        help="your own graph files or folder, loaded over the default (repeatable)")
    commands = parser.add_subparsers(dest="command", required=True)

    fmt = dict(choices=["table", "json", "csv"], default="table", help="output format (default table)")
    map_cmd = commands.add_parser("map", help="map events onto securities")
    map_cmd.add_argument("events", help="article text file, JSON, JSONL, CSV, or - for stdin")
    map_cmd.add_argument("--top", type=int, default=10, help="securities per event, by |score| (default 10)")
    map_cmd.add_argument("--paths", type=int, default=3, help="explanation walks per security (default 3)")
    map_cmd.add_argument("--format", **fmt)

    port = commands.add_parser("portfolio", help="theme, sector, country exposure and event sensitivity")
    port.add_argument("holdings", help="holdings CSV: ticker plus weight, market_value, or quantity and price")
    port.add_argument("--benchmark", help="benchmark holdings CSV, for active exposure")
    port.add_argument("--events", help="events file, for event sensitivity")
    port.add_argument("--themes", nargs="+", metavar="THEME", help="theme ids to report (default all with exposure)")
    port.add_argument("--top", type=int, default=5, help="contributors per theme in table output (default 5)")
    port.add_argument("--format", **fmt)

    graph = commands.add_parser("graph", help="check, summarise or export the knowledge graph")
    graph.add_argument("action", choices=["validate", "stats", "export"])
    graph.add_argument("--output", "-o", help="export: file to write (default stdout for JSON)")
    graph.add_argument("--format", choices=["json", "graphml"], default="json", help="export format")

    commands.add_parser("demo", help="the seed article against the sample portfolio")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = _COMMANDS[args.command](args)
        for warning in caught:
            print(f"warning: {warning.message}", file=sys.stderr)
        return code
    except _UsageError as exc:
        print(f"exposure: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ExposureError as exc:
        print(f"exposure: error: {exc}", file=sys.stderr)
        return EXIT_NOTHING_USABLE


def _graph(args):
    from exposure.graph import KnowledgeGraph, default_graph

    for path in args.graph:
        if not Path(path).exists():
            raise _UsageError(f"--graph {path}: no such file or folder")
    return KnowledgeGraph.load(*args.graph) if args.graph else default_graph()


def _read_events(path: str, graph):
    from exposure.events import read_events

    if path != "-" and not Path(path).exists():
        raise _UsageError(f"{path}: no such file")
    known_tags = graph.nodes.loc[graph.nodes["kind"] == "tag", "label"].tolist()
    return read_events(path, known_tags=known_tags)


def _report_rejects(path: str, rejects: list[Reject]) -> None:
    for reject in rejects:
        print(f"{path}:{reject.line}: rejected: {reject.reason}", file=sys.stderr)


def _json(data) -> str:
    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(data), indent=2, ensure_ascii=False, default=str)


def _cmd_map(args) -> int:
    from exposure.impact import map_events

    graph = _graph(args)
    events, rejects = _read_events(args.events, graph)
    _report_rejects(args.events, rejects)
    if not events:
        print(f"exposure: {args.events}: no usable event ({len(rejects)} rejected)", file=sys.stderr)
        if args.format == "json":
            print(_json({"graph_version": graph.version, "events": [],
                         "rejects": [r.to_dict() for r in rejects]}))
        return EXIT_NOTHING_USABLE
    impacts = map_events(events, graph)
    if args.format == "json":
        data = impacts.to_dict(top=args.top, paths=args.paths)
        data["rejects"] = [r.to_dict() for r in rejects]
        print(_json(data))
    elif args.format == "csv":
        frames = []
        for event in events:
            top = impacts.top(event.id, args.top, paths=1)
            top.insert(0, "rank", range(1, len(top) + 1))
            top.insert(0, "event_id", event.id)
            top["top_path"] = top.pop("paths").map(lambda p: p[0] if p else "")
            frames.append(top)
        buffer = io.StringIO()
        pd.concat(frames, ignore_index=True).to_csv(buffer, index=False, float_format="%.6g")
        print(buffer.getvalue(), end="")
    else:
        print(render_impacts(impacts, top=args.top, paths=args.paths))
    return EXIT_OK


def render_impacts(impacts, *, top: int = 10, paths: int = 2) -> str:
    """Plain-text report of mapped events: themes, then securities with their largest walks."""
    out = [f"graph {impacts.graph_version}"]
    for event in impacts.events:
        out.append("")
        out.append(f"== {event.headline}  [{event.id}, market impact {event.market_impact:g}]")
        themes = impacts.themes(event.id, 6)
        named = zip(themes["label"], themes["score"])
        out.append("themes: " + ", ".join(f"{label} {score:+.4f}" for label, score in named))
        table = impacts.top(event.id, top, paths=paths)
        shown = table.drop(columns="paths").assign(score=table["score"].map(lambda s: f"{s:+.5f}"))
        out.append(shown.to_string(index=False))
        out.append("why (largest walks):")
        for row in table.head(5).itertuples(index=False):
            for path in row.paths:
                out.append(f"  {row.ticker:<10} {path}")
        missing = {k: v for k, v in impacts.unresolved(event.id).items() if v}
        if missing:
            out.append(f"not in the graph: {missing}")
    return "\n".join(out)


def _cmd_portfolio(args) -> int:
    from exposure.analytics import portfolio_report
    from exposure.portfolio import read_holdings

    graph = _graph(args)
    for path in (args.holdings, args.benchmark, args.events):
        if path and path != "-" and not Path(path).exists():
            raise _UsageError(f"{path}: no such file")
    portfolio = read_holdings(args.holdings)
    benchmark = read_holdings(args.benchmark) if args.benchmark else None
    events, rejects = _read_events(args.events, graph) if args.events else ([], [])
    if args.events:
        _report_rejects(args.events, rejects)
    report = portfolio_report(portfolio, graph, benchmark=benchmark, events=events, themes=args.themes)
    if args.format == "json":
        data = report.to_dict()
        data["rejects"] = [r.to_dict() for r in rejects]
        print(_json(data))
    elif args.format == "csv":
        buffer = io.StringIO()
        report.themes_frame().to_csv(buffer, float_format="%.6g")
        print(buffer.getvalue(), end="")
    else:
        print(report.render(top=args.top))
    return EXIT_OK


def _cmd_graph(args) -> int:
    graph = _graph(args)
    if args.action == "validate":
        print(f"ok: {graph!r}")
        if graph.overrides:
            print(f"{len(graph.overrides)} override(s):")
            for line in graph.overrides:
                print(f"  {line}")
    elif args.action == "stats":
        print(_json(graph.stats()))
    else:
        if args.format == "graphml" and not args.output:
            raise _UsageError("graph export --format graphml needs --output FILE")
        text = graph.export(args.output, format=args.format)
        if args.output is None:
            print(text)
        else:
            print(f"wrote {args.output} ({graph.version})", file=sys.stderr)
    return EXIT_OK


def _cmd_demo(args) -> int:
    from exposure import datasets
    from exposure.analytics import portfolio_report
    from exposure.impact import map_events

    graph = _graph(args)
    event = datasets.load_seed_article()
    impacts = map_events(event, graph)
    print("The seed article (bundled terminal page), mapped through the default graph")
    print(render_impacts(impacts, top=15, paths=2))
    events, _ = datasets.load_sample_events()
    report = portfolio_report(
        datasets.load_sample_portfolio(), graph, benchmark=datasets.load_sample_benchmark(),
        events=[event, *events],
    )
    print()
    print(report.render(top=3))
    return EXIT_OK


_COMMANDS = {"map": _cmd_map, "portfolio": _cmd_portfolio, "graph": _cmd_graph, "demo": _cmd_demo}
