"""Pieces every ``exposure`` sub-command uses: exit codes, usage errors, option types, graph and
event loading, JSON and CSV output."""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

from exposure.errors import Reject
from exposure.io import csv_safe

EXIT_OK, EXIT_NOTHING_USABLE, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """A command line that cannot run as written (exit code 2)."""


def int_at_least(low: int, example: int) -> Callable[[str], int]:
    """An argparse ``type`` taking whole numbers ``>= low``; anything else is a usage error (exit 2).

    >>> int_at_least(1, 10)("5")
    5
    >>> int_at_least(1, 10)("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: -1 is below 1. Fix: give a whole number of 1 or more, such as 10
    """

    def parse(text: str) -> int:
        fix = f"Fix: give a whole number of {low} or more, such as {example}"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number. {fix}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}. {fix}")
        return value

    parse.__name__ = f"whole number >= {low}"
    return parse


def add_csv_raw(parser: argparse.ArgumentParser) -> None:
    """The ``--csv-raw`` switch of every command that writes CSV."""
    parser.add_argument("--csv-raw", action="store_true", dest="csv_raw",
                        help="CSV output: do not prefix text cells starting with = + - @ with a quote "
                        "(spreadsheets would run them as formulas)")


def print_csv(frame, args, **to_csv) -> None:
    """Print ``frame`` as CSV, its text cells made formula-safe unless ``--csv-raw`` was given."""
    buffer = io.StringIO()
    safe = frame if getattr(args, "csv_raw", False) else csv_safe(frame)
    safe.to_csv(buffer, **to_csv)
    print(buffer.getvalue(), end="")


def load_graph(args):
    """The default graph, or the default with the user's ``--graph`` files over it."""
    from exposure.graph import KnowledgeGraph, default_graph

    for path in args.graph:
        if not Path(path).exists():
            raise UsageError(f"--graph {path}: no such file or folder. Fix: give a graph file or folder "
                             "that exists")
        _refuse_empty(path)
    return KnowledgeGraph.load(*args.graph) if args.graph else default_graph()


def require_file(path: str | None) -> None:
    """Usage error unless ``path`` is None, ``-`` or an existing file (its readers check its content)."""
    if not path or path == "-":
        return
    if not Path(path).exists():
        raise UsageError(f"{path}: no such file. Fix: check the path")
    if Path(path).is_dir():
        raise UsageError(f"{path}: is a folder, not a file. Fix: give the file inside it")
    _refuse_empty(path)


def _refuse_empty(path: str) -> None:
    """An empty file named on the command line is a mistake (a failed export, a wrong path), never data."""
    from exposure.errors import InputFormatError

    if Path(path).is_file() and Path(path).stat().st_size == 0:
        raise InputFormatError("the file is empty", where=path, fix="give a file with a header and records")


def read_events(path: str, graph):
    """Events and rejects from a file (or ``-``), splitting tag lines with the graph's taxonomy."""
    from exposure.events import read_events as read

    require_file(path)
    known_tags = graph.nodes.loc[graph.nodes["kind"] == "tag", "label"].tolist()
    return read(path, known_tags=known_tags)


def report_rejects(path: str, rejects: list[Reject]) -> None:
    """One stderr line per reject: ``FILE:LINE: rejected: REASON``."""
    for reject in rejects:
        print(f"{path}:{reject.line}: rejected: {reject.reason}", file=sys.stderr)


def to_json(data) -> str:
    """JSON text with non-finite floats as null."""

    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(data), indent=2, ensure_ascii=False, default=str)
