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
        if Path(path).is_file():
            check_input_file(path)
    return KnowledgeGraph.load(*args.graph) if args.graph else default_graph()


def require_file(path: str | None) -> None:
    """Usage error unless ``path`` is None, ``-`` or an existing file; then :func:`check_input_file`."""
    if not path or path == "-":
        return
    if not Path(path).exists():
        raise UsageError(f"{path}: no such file. Fix: check the path")
    if Path(path).is_dir():
        raise UsageError(f"{path}: is a folder, not a file. Fix: give the file inside it")
    check_input_file(path)


_SNIFF_BYTES = 1 << 16
_QUOTE_CHECK_BYTES = 5 << 20
_BINARY_SUFFIXES = (".gz", ".parquet", ".pq", ".zip", ".bz2", ".xz", ".zst", ".feather", ".arrow")


def check_input_file(path: str | Path) -> None:
    """Refuse, before any reader runs, an input file no reader can use.

    An empty file; bytes that are not text (NUL bytes without a UTF-16/32 byte-order mark) or not
    UTF-8 (without a byte-order mark); a CSV header naming a column twice; a CSV with an
    unterminated quote (checked in files up to 5 MB). Compressed and Parquet files are left to
    their readers. UTF-8 and UTF-16/32 files with a byte-order mark pass.

    Raises
    ------
    InputFormatError
        Naming the file, the byte offset or column, and the fix (exit code 1).
    """
    import codecs
    import csv

    from exposure.errors import InputFormatError

    path = Path(path)
    where = str(path)
    size = path.stat().st_size
    if size == 0:
        raise InputFormatError("the file is empty", where=where, fix="give a file with a header and records")
    if path.name.lower().endswith(_BINARY_SUFFIXES):
        return
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if head.startswith(boms[1:]):
        return  # UTF-16/32 with a byte-order mark: the readers decode it
    nul = head.find(b"\x00")
    if nul >= 0:
        raise InputFormatError(
            f"holds NUL bytes at byte {nul}: binary data, or UTF-16 without a byte-order mark",
            where=where, field="encoding", fix="save the file as UTF-8 text (in Excel: CSV UTF-8)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) == size)
    except UnicodeDecodeError as exc:
        raise InputFormatError(
            f"is not UTF-8 (byte 0x{head[exc.start]:02x} at offset {exc.start}; Latin-1 or Windows-1252?)",
            where=where, field="encoding", fix="save the file as UTF-8 (in Excel: CSV UTF-8)") from None
    if path.suffix.lower() not in (".csv", ".tsv"):
        return
    text = head.decode("utf-8-sig", errors="replace")
    dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), dialect), [])
    names = [h.strip().lower() for h in header]
    repeated = sorted({h for h in names if h and names.count(h) > 1})
    if repeated:
        raise InputFormatError(f"the header names column(s) {', '.join(repeated)} more than once",
                               where=f"{where} line 1", field=", ".join(repeated),
                               fix="keep one column of each name (headers are case-insensitive)")
    if size <= _QUOTE_CHECK_BYTES:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            reader = csv.reader(handle, dialect, strict=True)
            try:
                for _ in reader:
                    pass
            except csv.Error as exc:
                raise InputFormatError(
                    f"malformed CSV near line {reader.line_num} ({exc}); an unterminated quote swallows the "
                    "rows after it", where=f"{where} line {reader.line_num}",
                    fix="close the quote, or double quotes inside a quoted field (\"\")") from None


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
