"""``exposure map | portfolio | graph | stream | series | prices | study | demo``: files in, tables or JSON out.

Exit codes:

- 0: success (rejected records, if any, are reported on stderr and in JSON output);
- 1: nothing usable: every record was rejected, or an input file cannot be read (wrong encoding,
  binary, malformed JSON/CSV/Parquet, a record nested too deeply, a price file too short);
- 2: usage error: a bad option value (``--top 0``, ``--window 5 -1``), a missing file, a folder
  where a file is needed or the reverse, an output path that cannot be written;
- 3: internal error, a bug in ``exposure``: one line ``exposure: internal error: TYPE: MESSAGE``,
  with the traceback only when ``EXPOSURE_DEBUG=1``. Please report it.

Messages go to stderr, name the file (and line, record and field where there is one) and end with
``Fix:`` and what to do. No input file, however broken, produces a Python traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from exposure.cli._common import (
    EXIT_INTERNAL,
    EXIT_NOTHING_USABLE,
    EXIT_OK,
    EXIT_USAGE,
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
from exposure.cli._graph_report import add_report_arguments, run_report
from exposure.errors import ArgumentError, ExposureError

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="exposure", description=__doc__.splitlines()[0])
    parser.add_argument("--graph", action="append", default=[], metavar="PATH",
                        help="your own graph files or folder, loaded over the default (repeatable)")
    commands = parser.add_subparsers(dest="command", required=True)

    fmt = dict(choices=["table", "json", "csv"], default="table", help="output format (default table)")
    map_cmd = commands.add_parser("map", help="map events onto securities")
    map_cmd.add_argument("events", help="article text file, JSON, JSONL, CSV, or - for stdin")
    map_cmd.add_argument("--top", type=int_at_least(1, 10), default=10,
                         help="securities per event, by |score| (default 10)")
    map_cmd.add_argument("--paths", type=int_at_least(1, 3), default=3,
                         help="explanation walks per security (default 3)")
    map_cmd.add_argument("--format", **fmt)
    add_csv_raw(map_cmd)

    port = commands.add_parser("portfolio", help="theme, sector, country exposure and event sensitivity")
    port.add_argument("holdings", help="holdings CSV: ticker plus weight, market_value, or quantity and price")
    port.add_argument("--benchmark", help="benchmark holdings CSV, for active exposure")
    port.add_argument("--events", help="events file, for event sensitivity")
    port.add_argument("--themes", nargs="+", metavar="THEME", help="theme ids to report (default all with exposure)")
    port.add_argument("--fx", nargs="+", metavar="CUR=RATE", default=[],
                      help="rates (base per unit) for a book whose currency column mixes currencies, "
                      "e.g. --fx EUR=1.08 GBP=1.27")
    port.add_argument("--base", default=None, help="currency of the converted values (default USD)")
    port.add_argument("--top", type=int_at_least(1, 5), default=5,
                      help="contributors per theme in table output (default 5)")
    port.add_argument("--format", **fmt)
    add_csv_raw(port)

    graph = commands.add_parser("graph", help="check, summarise, report on or export the knowledge graph")
    graph.add_argument("action", choices=["validate", "stats", "report", "export"])
    graph.add_argument("--output", "-o", help="export: file to write (default stdout for JSON)")
    graph.add_argument("--format", choices=["table", "json", "graphml"], default=None,
                       help="report: table (default) or json; export: json (default) or graphml")
    add_report_arguments(graph)

    commands.add_parser("demo", help="the seed article against the sample portfolio")
    for register in _command_modules():
        _COMMANDS.update(register(commands))
    return parser


def _command_modules() -> list[Callable]:
    """``register`` of every ``exposure/cli/_cmd_*.py``: ``register(subparsers) -> {name: run}``."""
    import exposure.cli

    names = sorted(m.name for m in pkgutil.iter_modules(exposure.cli.__path__) if m.name.startswith("_cmd_"))
    return [importlib.import_module(f"exposure.cli.{name}").register for name in names]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring).

    A bad command line (unknown option, ``--top 0``) exits through argparse with code 2.
    """
    args = _parser().parse_args(argv)
    watch = _Watched(sys.stderr)
    sys.stderr = watch
    try:
        code = _run(args)
        if code == EXIT_NOTHING_USABLE and not watch.fixed:  # exit 1 always ends with the file and a fix
            named = ", ".join(input_paths(args)) or "the input"
            _fail(f"{named}: nothing usable in the input (see any messages above). Fix: check that the file "
                  "holds the records the command expects", code)
        return code
    finally:
        sys.stderr = watch.stream


class _Watched:
    """stderr, remembering whether a fix was written (so exit 1 never comes without one)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.fixed = False

    def write(self, text: str) -> int:
        self.fixed = self.fixed or "fix:" in text.lower()
        return self.stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _run(args: argparse.Namespace) -> int:
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return _COMMANDS[args.command](args)
    except UsageError as exc:
        return _fail(_with_fix(str(exc), args), EXIT_USAGE)
    except ArgumentError as exc:
        return _fail(_with_fix(_naming(str(exc), args), args), EXIT_USAGE)
    except ExposureError as exc:
        return _fail(_with_fix(_naming(str(exc), args), args), EXIT_NOTHING_USABLE)
    except Exception as exc:  # the CLI boundary: no traceback for a user's file, one line for a bug
        mapped = input_failure(exc, args)
        if mapped is not None:
            return _fail(*mapped)
        if os.environ.get("EXPOSURE_DEBUG", "").strip() == "1":
            traceback.print_exc()
        return _fail(f"internal error: {type(exc).__name__}: {_one_line(exc)} — please report this "
                     "(set EXPOSURE_DEBUG=1 for the traceback)", EXIT_INTERNAL)
    finally:
        for warning in caught:
            print(f"warning: {warning.message}", file=sys.stderr)


def _with_fix(message: str, args: argparse.Namespace) -> str:
    """``message`` with a pointer to the command's help when it carries no fix of its own."""
    if "fix:" in message.lower():
        return message
    return f"{message.rstrip('. ')}. Fix: see `exposure {args.command} --help`"


def _naming(message: str, args: argparse.Namespace) -> str:
    """``message``, led by the input file(s) of the command line when it names none of them."""
    paths = input_paths(args)
    if not paths or any(path in message for path in paths):
        return message
    return f"{paths[0] if len(paths) == 1 else 'one of ' + ', '.join(paths)}: {message}"


def _fail(message: str, code: int) -> int:
    print(f"exposure: error: {message}", file=sys.stderr)
    return code


def _one_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


_PATH_OPTIONS = ("events", "holdings", "benchmark", "prices", "portfolios", "portfolio", "graph", "output",
                 "source")


def input_paths(args: argparse.Namespace) -> list[str]:
    """The file and folder names given on the command line, in the order of ``_PATH_OPTIONS``."""
    found: list[str] = []
    for name in _PATH_OPTIONS:
        value = getattr(args, name, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item not in ("-", "yahoo", "local") and item not in found:
                found.append(item)
    return found


_PARSE_FAILURES = ("Invalid isoformat string", "Unknown datetime string format", "time data ",
                   "doesn't match format", "could not convert string to float", "invalid literal for int()",
                   "Out of bounds nanosecond timestamp", "out of range")
"""Messages of ValueErrors that only a value read from a file raises (dates and numbers that do not parse)."""


def input_failure(exc: BaseException, args: argparse.Namespace) -> tuple[str, int] | None:
    """A message and exit code for an exception only a bad input file or path can cause, else None.

    The reader layers turn most bad files into ``ExposureError`` with the line and field; this is
    the net under them, so that a file they do not yet catch still ends in one clear line.
    """
    import pydantic

    filename = getattr(exc, "filename", None)
    paths = [str(filename)] if filename else input_paths(args)
    named = paths[0] if len(paths) == 1 else ("one of " + ", ".join(paths) if paths else "the input")
    detail = _one_line(exc)
    if isinstance(exc, FileNotFoundError):
        return f"{named}: no such file or folder. Fix: check the path", EXIT_USAGE
    if isinstance(exc, IsADirectoryError):
        return f"{named}: is a folder where a file is needed. Fix: give a file", EXIT_USAGE
    if isinstance(exc, NotADirectoryError):
        return (f"{named}: a file stands where a folder is needed ({detail}). Fix: give a folder path, "
                "or remove the file"), EXIT_USAGE
    if isinstance(exc, PermissionError):
        return f"{named}: permission denied ({detail}). Fix: give a path you may read or write", EXIT_USAGE
    if isinstance(exc, UnicodeError):
        return (f"{named}: not UTF-8 text ({detail}). Fix: save the file as UTF-8 "
                "(in Excel: CSV UTF-8)"), EXIT_NOTHING_USABLE
    if isinstance(exc, RecursionError):
        return (f"{named}: a record is nested too deeply to read. Fix: remove or flatten that record"),  \
            EXIT_NOTHING_USABLE
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return (f"{named}: a number has too many digits ({detail}). Fix: correct that number"),  \
            EXIT_NOTHING_USABLE
    if isinstance(exc, ValueError) and "Invalid frequency" in str(exc):
        return f"--freq: {detail}. Fix: give a pandas frequency such as D, W, ME or QE", EXIT_USAGE
    if isinstance(exc, ValueError) and any(marker in str(exc) for marker in _PARSE_FAILURES):
        return (f"{named}: a value cannot be read ({detail}). Fix: write dates as YYYY-MM-DD and numbers "
                "with a dot for decimals"), EXIT_NOTHING_USABLE
    if isinstance(exc, json.JSONDecodeError):
        return (f"{named}: line {exc.lineno} column {exc.colno}: malformed JSON ({exc.msg}). "
                "Fix: correct the JSON"), EXIT_NOTHING_USABLE
    if isinstance(exc, (pd.errors.ParserError, pd.errors.EmptyDataError, pd.errors.ParserWarning)):
        return f"{named}: cannot be read as CSV ({detail}). Fix: correct or re-export the file", \
            EXIT_NOTHING_USABLE
    if isinstance(exc, pydantic.ValidationError):
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "record" for e in exc.errors()[:5])
        return (f"{named}: field {fields}: {exc.errors()[0]['msg'] if exc.errors() else detail}. "
                "Fix: correct the field"), EXIT_NOTHING_USABLE
    if type(exc).__module__.startswith("pyarrow"):
        return (f"{named}: cannot be read as Parquet/Arrow ({type(exc).__name__}: {detail}). "
                "Fix: give a valid Parquet file"), EXIT_NOTHING_USABLE
    if isinstance(exc, OSError):
        return f"{named}: {detail}. Fix: check the path, its permissions and the free disk space", \
            EXIT_NOTHING_USABLE
    return None


def _cmd_map(args) -> int:
    from exposure.impact import map_events

    graph = load_graph(args)
    events, rejects = read_events(args.events, graph)
    report_rejects(args.events, rejects)
    if not events:
        print(f"exposure: error: {args.events}: no usable event ({len(rejects)} rejected). Fix: give at least "
              "one event with a headline (see the rejects above)", file=sys.stderr)
        if args.format == "json":
            print(to_json({"graph_version": graph.version, "look_ahead_count": graph.look_ahead_count, "events": [],
                         "rejects": [r.to_dict() for r in rejects]}))
        return EXIT_NOTHING_USABLE
    impacts = map_events(events, graph)
    if args.format == "json":
        data = impacts.to_dict(top=args.top, paths=args.paths)
        data["rejects"] = [r.to_dict() for r in rejects]
        print(to_json(data))
    elif args.format == "csv":
        frames = []
        for event in events:
            top = impacts.top(event.id, args.top, paths=1)
            top.insert(0, "rank", range(1, len(top) + 1))
            top.insert(0, "event_id", event.id)
            top["top_path"] = top.pop("paths").map(lambda p: p[0] if p else "")
            frames.append(top)
        print_csv(pd.concat(frames, ignore_index=True), args, index=False, float_format="%.6g")
    else:
        print(render_impacts(impacts, top=args.top, paths=args.paths))
    return EXIT_OK


def render_impacts(impacts, *, top: int = 10, paths: int = 2) -> str:
    """Plain-text report of mapped events: themes, then securities with their largest walks."""
    dated = "" if impacts.look_ahead_count is None else f" ({impacts.look_ahead_count} figures looked ahead)"
    out = [f"graph {impacts.graph_version}{dated}"]
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

    graph = load_graph(args)
    for path in (args.holdings, args.benchmark):
        require_file(path)
    fx = _fx_rates(args.fx)
    portfolio = read_holdings(args.holdings, fx=fx, base=args.base)
    benchmark = read_holdings(args.benchmark, fx=fx, base=args.base) if args.benchmark else None
    events, rejects = read_events(args.events, graph) if args.events else ([], [])
    if args.events:
        report_rejects(args.events, rejects)
    report = portfolio_report(portfolio, graph, benchmark=benchmark, events=events, themes=args.themes)
    if args.format == "json":
        data = report.to_dict()
        data["rejects"] = [r.to_dict() for r in rejects]
        print(to_json(data))
    elif args.format == "csv":
        print_csv(report.themes_frame(), args, float_format="%.6g")
    else:
        print(report.render(top=args.top))
    return EXIT_OK


def _fx_rates(pairs: list[str]) -> dict[str, float] | None:
    """``["EUR=1.08", ...]`` as ``{"EUR": 1.08}``; None when no ``--fx`` was given."""
    rates = {}
    for pair in pairs:
        code, _, rate = pair.partition("=")
        try:
            value = float(rate)
        except ValueError:
            value = float("nan")
        if not code.strip() or not value > 0 or value == float("inf"):
            raise UsageError(f"--fx {pair}: not CUR=RATE with a positive rate. Fix: e.g. --fx EUR=1.08")
        rates[code.strip()] = value
    return rates or None


def _cmd_graph(args) -> int:
    if args.action == "report":
        return run_report(args)
    graph = load_graph(args)
    if args.action == "validate":
        print(f"ok: {graph!r}")
        if graph.overrides:
            print(f"{len(graph.overrides)} override(s):")
            for line in graph.overrides:
                print(f"  {line}")
    elif args.action == "stats":
        print(to_json(graph.stats()))
    else:
        fmt = args.format or "json"
        if fmt not in ("json", "graphml"):
            raise UsageError("graph export writes json or graphml. Fix: pass --format json or --format graphml")
        if fmt == "graphml" and not args.output:
            raise UsageError("graph export --format graphml needs --output FILE. Fix: add --output graph.graphml")
        if args.output is not None:
            _check_output_file(args.output)
        text = graph.export(args.output, format=fmt)
        if args.output is None:
            print(text)
        else:
            print(f"wrote {args.output} ({graph.version})", file=sys.stderr)
    return EXIT_OK


def _check_output_file(path: str) -> None:
    """Usage error unless ``path`` can be a file: not a folder, and under folders (not under a file)."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"--output {path}: is a folder. Fix: give a file name, such as {target / 'graph.json'}")
    blocked = next((parent for parent in target.absolute().parents if parent.exists() and not parent.is_dir()), None)
    if blocked is not None:
        raise UsageError(f"--output {path}: {blocked} is a file, not a folder. Fix: give a path under a folder")


def _cmd_demo(args) -> int:
    from exposure import datasets
    from exposure.analytics import portfolio_report
    from exposure.impact import map_events

    graph = load_graph(args)
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
