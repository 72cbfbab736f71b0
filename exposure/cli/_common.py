"""Pieces every ``exposure`` sub-command uses: exit codes, usage errors, graph and event loading, JSON."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from exposure.errors import Reject

EXIT_OK, EXIT_NOTHING_USABLE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that cannot run as written (exit code 2)."""


def load_graph(args):
    """The default graph, or the default with the user's ``--graph`` files over it."""
    from exposure.graph import KnowledgeGraph, default_graph

    for path in args.graph:
        if not Path(path).exists():
            raise UsageError(f"--graph {path}: no such file or folder")
    return KnowledgeGraph.load(*args.graph) if args.graph else default_graph()


def require_file(path: str | None) -> None:
    """Usage error unless ``path`` is None, ``-`` or an existing file."""
    if path and path != "-" and not Path(path).exists():
        raise UsageError(f"{path}: no such file")


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
