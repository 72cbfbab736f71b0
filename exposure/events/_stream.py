"""Read large event files in batches with bounded memory, and keep the rejects beside the output.

JSON Lines and CSV are read lazily line by line (plain or gzip), Parquet one record batch at a time.
Every record goes through the same validation as :func:`~exposure.events.read_events`, so a
record gives the same event or the same reject reason whichever reader sees it.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from exposure.errors import EventError, InputFormatError, Reject
from exposure.events._event import Event
from exposure.events._readers import (
    MAX_RECORD_CHARS,
    _cell,
    _check_columns,
    _csv_line,
    _json_line,
    _shorten,
    _Unreadable,
    _validate,
    csv_record,
    csv_records,
)
from exposure.io import check_input_file, open_text
from exposure.io._text import iter_lines

StreamFormat = Literal["jsonl", "csv", "parquet"]

_SUFFIXES: dict[str, StreamFormat] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
}
DEFAULT_MAX_REJECTS = 10_000
_FORMAT_FIX = (
    "name the file .jsonl, .ndjson, .csv or .parquet (.jsonl.gz, .ndjson.gz and .csv.gz for gzip), "
    'or pass format="jsonl", "csv" or "parquet"'
)

# (first line, record, raw text, last line): a CSV record with a quoted line break spans lines.
_Item = tuple[int, Any, str, int]


@dataclass(frozen=True, slots=True)
class EventBatch:
    """One batch of a streamed event file: the good events and the rejects, in file order.

    Attributes
    ----------
    events : list of Event
        The records of the batch that validated.
    rejects : list of Reject
        The records of the batch that did not, with their line and reason.
    first_line : int
        Where the batch's first record starts: the physical line (JSON Lines, CSV, header = line
        1) or the row (Parquet, first row = 1).
    last_line : int
        Where the batch's last record ends (a CSV record with a quoted line break ends on a later
        line than it starts).
    source : str
        The file the batch was read from.
    rejects_omitted : int
        Rejects of this batch not kept because the run passed ``max_rejects`` (counted, not
        recorded).

    Examples
    --------
    >>> batch = EventBatch([Event(headline="Oil jumps")], [], first_line=1, last_line=1, source="x")
    >>> len(batch.events), batch.rejects
    (1, [])
    """

    events: list[Event]
    rejects: list[Reject]
    first_line: int
    last_line: int
    source: str
    rejects_omitted: int = 0


def iter_event_batches(
    source: str | os.PathLike[str],
    *,
    format: StreamFormat | None = None,
    batch_size: int = 10_000,
    columns: Sequence[str] | None = None,
    max_rejects: int | None = None,
    max_bytes: int | None = None,
) -> Iterator[EventBatch]:
    """Read an event file batch by batch, holding at most ``batch_size`` records at a time.

    A record that cannot be used becomes a :class:`~exposure.errors.Reject` with its line number
    and reason, and reading goes on. Records are validated exactly as by
    :func:`~exposure.events.read_events`, including the rejection of a record repeating an earlier
    id anywhere in the file.

    Parameters
    ----------
    source : str or path-like
        A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file. JSON Lines and CSV files may be
        gzip-compressed (recognised by their content; a ``.gz`` suffix after the format suffix is
        ignored when guessing the format). Text must be UTF-8, or UTF-8/16/32 with a BOM; a binary
        file or one that is not UTF-8 from its start is refused, and a later record holding bytes
        that are not UTF-8 is a reject (code ``encoding``). Line endings are normalised.
    format : {"jsonl", "csv", "parquet"}, optional
        Overrides the format given by the file suffix.
    batch_size : int, default 10_000
        Records per batch (events plus rejects; blank lines do not count). Every batch but the
        last holds exactly this many.
    columns : sequence of str, optional
        The event fields to read; other columns (CSV, Parquet) or keys (JSON Lines) are ignored.
        Without it, every CSV or Parquet column must be an event field and an unknown JSON key
        rejects its line, as in ``read_events``.
    max_rejects : int, optional
        Rejects kept in full over the whole file (default ``EXPOSURE_MAX_REJECTS`` or 10,000);
        later ones are only counted in ``EventBatch.rejects_omitted``, and the first one past the
        limit is replaced by a ``too_large`` reject saying so. A crafted file of millions of bad
        lines thus cannot write gigabytes of rejects.
    max_bytes : int, optional
        Bound on the decompressed size of a gzip file (default ``EXPOSURE_MAX_DECOMPRESSED_BYTES``
        or 1 GiB); see :func:`exposure.io.open_bytes`. Past it, or past a compression ratio no
        real file reaches, iteration stops with :class:`~exposure.errors.InputFormatError`.

    Returns
    -------
    iterator of EventBatch
        Batches in file order, read as they are asked for. An empty file, or a CSV file with
        only a header, gives no batch.

    Raises
    ------
    InputFormatError
        At the call if the file does not exist, is a folder, is binary or is not UTF-8 from its
        start; while iterating if a gzip file is corrupt or decompresses past its bounds.
    EventError
        At the call (not at the first batch) if its format cannot be
        told, ``batch_size`` is below 1, ``columns`` names something that is not an event field
        or (CSV, Parquet) not a column of the file, or without ``columns`` the file has a column
        that is not an event field.

    Notes
    -----
    Memory is bounded by ``batch_size`` (and the longest line) plus, to find repeated ids across
    batches, one dictionary entry per distinct event id (about 150 bytes each). CSV and JSON Lines
    rejects carry physical line numbers: a CSV record with a quoted line break is reported at the
    line where it starts, where ``read_events`` counts rows (so a repeated id in a CSV file is
    "first seen on line N", not "row N"). Blank lines are skipped, as are blank lines before a
    CSV header. A CSV record the csv module cannot read (a field over its 128 KiB limit) is a
    reject too. A quote that is never closed is a reject at its line, and reading goes on from
    the next line. A JSON Lines line over 1 MiB characters is a ``too_large`` reject, read in
    pieces and dropped, so memory stays bounded whatever the line length.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> lines = ['{"headline": "Oil jumps"}', '{"headline": ', '{"headline": "Gold slips"}']
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "feed.jsonl"
    ...     _ = path.write_text("\\n".join(lines) + "\\n")
    ...     batches = list(iter_event_batches(path, batch_size=2))
    >>> [(b.first_line, b.last_line, len(b.events)) for b in batches]
    [(1, 2, 1), (3, 3, 1)]
    >>> batches[0].rejects[0].line, batches[0].rejects[0].reason.split(":")[0]
    (2, 'malformed JSON at column 14')
    """
    name = os.fspath(source)
    path = Path(name)
    kind = _format(path, format)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise EventError(
            f"batch_size must be a whole number >= 1, got {batch_size!r}",
            field="batch_size",
            fix="pass batch_size=10_000 or another positive integer",
        )
    limit = _max_rejects(max_rejects)
    wanted = _wanted(columns)
    if kind == "parquet":
        names = _parquet_columns(path, wanted)
        items: Generator[_Item, None, None] = _parquet_items(path, names, batch_size)
        unit = "row"
    elif kind == "csv":
        _csv_columns(path, wanted, max_bytes)
        items = _csv_items(path, wanted, max_bytes)
        unit = "line"
    else:
        open_text(path, max_bytes=max_bytes).close()  # refuse binary or non-UTF-8 files at the call
        items = _jsonl_items(path, wanted, max_bytes)
        unit = "line"
    return _batches(items, batch_size=batch_size, unit=unit, source=name, max_rejects=limit)


def write_rejects(rejects: Iterable[Reject], path: str | os.PathLike[str] | IO[str]) -> int:
    """Append rejects to a JSON Lines file, one object ``{"line", "reason", "record"}`` per line.

    Call it once per batch to write rejects as a long run goes; delete the file (or open it with
    ``"w"`` and pass the handle) before a new run, since a path is always appended to.

    Parameters
    ----------
    rejects : iterable of Reject
    path : str, path-like or text file
        A path is opened in append mode, written and closed; an open text file is written to and
        flushed, and stays open.

    Returns
    -------
    int
        The number of rejects written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "rejects.jsonl"
    ...     write_rejects([Reject(2, "malformed JSON", '{"headline": ')], path)
    ...     write_rejects([Reject(9, "no text", "{}")], path)
    ...     [reject.line for reject in read_rejects(path)]
    1
    1
    [2, 9]
    """
    lines = [json.dumps(reject.to_dict(), ensure_ascii=False) + "\n" for reject in rejects]
    if isinstance(path, (str, os.PathLike)):
        with open(path, "a", encoding="utf-8", newline="\n") as handle:
            handle.writelines(lines)
    else:
        path.writelines(lines)
        path.flush()
    return len(lines)


def read_rejects(path: str | os.PathLike[str]) -> list[Reject]:
    """Read a rejects file written by :func:`write_rejects`.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    list of Reject
        In file order; blank lines are skipped.

    Raises
    ------
    EventError
        If a line is not a JSON object with an integer ``line`` and a string ``reason``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "rejects.jsonl"
    ...     _ = path.write_text('{"line": 3, "reason": "no text", "record": "{}"}\\n')
    ...     read_rejects(path)
    [Reject(line=3, reason='no text', record='{}', code='invalid', field=None)]
    """
    rejects: list[Reject] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                reject = Reject(data["line"], data["reason"], data.get("record", ""),
                                data.get("code", "invalid"), data.get("field"))
            except (ValueError, TypeError, KeyError, AttributeError):
                reject = None
            if reject is None or not isinstance(reject.line, int) or not isinstance(reject.reason, str):
                raise EventError(
                    "not a reject record",
                    where=f"{os.fspath(path)} line {number}",
                    fix='give one JSON object {"line": int, "reason": str, "record": str} per line, '
                    "as write_rejects writes",
                )
            rejects.append(reject)
    return rejects


def _format(path: Path, format: str | None) -> StreamFormat:
    if format is not None and format not in ("jsonl", "csv", "parquet"):
        raise EventError(f"unknown format {format!r}", field="format", fix=_FORMAT_FIX)
    check_input_file(path)
    if format is not None:
        return format  # type: ignore[return-value]
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    kind = _SUFFIXES.get(suffixes[-1]) if suffixes else None
    if kind is None:
        raise EventError("cannot tell the event format from the file name", where=str(path), fix=_FORMAT_FIX)
    return kind


def _wanted(columns: Sequence[str] | None) -> list[str] | None:
    if columns is None:
        return None
    wanted = [columns] if isinstance(columns, str) else [str(column) for column in columns]
    _check_columns(wanted, where="columns=")
    return wanted


def _missing(found: Iterable[str], wanted: list[str], where: str) -> None:
    missing = [column for column in wanted if column not in set(found)]
    if missing:
        raise EventError(
            f"no column {missing[0]!r}",
            where=where,
            field=missing[0],
            fix="drop it from columns= or add the column to the file",
        )


def _max_rejects(value: int | None) -> int:
    if value is None:
        text = os.environ.get("EXPOSURE_MAX_REJECTS", "").strip()
        if not text:
            return DEFAULT_MAX_REJECTS
        try:
            value = int(text)
        except ValueError:
            raise InputFormatError(f"must be a whole number >= 0, got {text!r}", where="environment",
                                   field="EXPOSURE_MAX_REJECTS", fix="set it to a number such as 10000, or unset it",
                                   ) from None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise EventError(f"max_rejects must be a whole number >= 0, got {value!r}", field="max_rejects",
                         fix="pass max_rejects=10_000 or another count")
    return value


def _jsonl_items(path: Path, wanted: list[str] | None, max_bytes: int | None) -> Iterator[_Item]:
    keep = set(wanted) if wanted is not None else None
    with open_text(path, max_bytes=max_bytes) as handle:
        for number, (line, complete) in enumerate(iter_lines(handle, MAX_RECORD_CHARS), 1):
            if not complete:
                reason = (f"line over the limit of {MAX_RECORD_CHARS:,} characters. "
                          "Fix: shorten the record")
                yield number, _Unreadable(reason, code="too_large"), "", number
                continue
            text = line.removesuffix("\n")
            if not text.strip():
                continue
            record = _json_line(text)
            if keep is not None and isinstance(record, dict):
                record = {key: value for key, value in record.items() if key in keep}
            yield number, record, _shorten(text), number


def _csv_header(records: Iterator[tuple[int, int, Any, str]]) -> list[str] | None:
    for _start, _end, cells, _raw in records:
        if isinstance(cells, list) and any(cell.strip() for cell in cells):
            return [cell.strip() for cell in cells]
    return None


def _csv_columns(path: Path, wanted: list[str] | None, max_bytes: int | None) -> None:
    with open_text(path, max_bytes=max_bytes) as handle:
        header = _csv_header(csv_records(handle))
    if header is None:
        return
    where = f"CSV header of {path}"
    if wanted is None:
        _check_columns(header, where=where)
    else:
        _missing(header, wanted, where)
        _check_columns([column for column in header if column in wanted], where=where)


def _csv_items(path: Path, wanted: list[str] | None, max_bytes: int | None) -> Iterator[_Item]:
    with open_text(path, max_bytes=max_bytes) as handle:
        records = csv_records(handle)
        header = _csv_header(records)
        if header is None:
            return
        keep = set(header if wanted is None else wanted)
        for start, end, cells, raw in records:
            if isinstance(cells, _Unreadable):
                yield start, cells, _shorten(raw), end
                continue
            if not any(cell.strip() for cell in cells):
                continue
            yield start, csv_record(header, cells, keep), _shorten(_csv_line(cells)), end


def _parquet_columns(path: Path, wanted: list[str] | None) -> list[str]:
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(path) as parquet:
            schema = parquet.schema_arrow
    except (OSError, ValueError, TypeError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputFormatError(
            f"cannot read it as Parquet ({exc})",
            where=str(path),
            fix='give a Parquet file, or pass format="jsonl" or "csv" for a text file',
        ) from None
    metadata = schema.pandas_metadata or {}
    # A DataFrame index saved by pandas is not an event field; read_parquet would make it the index.
    index = {column for column in metadata.get("index_columns", []) if isinstance(column, str)}
    names = [name for name in schema.names if name not in index]
    where = f"Parquet file {path}"
    if wanted is None:
        _check_columns(names, where=where)
        return names
    _missing(names, wanted, where)
    return [name for name in names if name in wanted]


def _parquet_items(path: Path, names: list[str], batch_size: int) -> Iterator[_Item]:
    import pyarrow.parquet as pq

    number = 0
    with pq.ParquetFile(path) as parquet:
        batches = parquet.iter_batches(batch_size=batch_size, columns=names)
        while True:
            try:
                batch = next(batches, None)
                if batch is None:
                    return
                frame = batch.to_pandas()
                rows = list(frame.itertuples(index=False, name=None))
            except (OSError, ValueError, TypeError, ArithmeticError) as exc:  # ArrowInvalid is a ValueError
                raise InputFormatError(f"corrupt Parquet data after row {number} ({exc})", where=str(path),
                                       fix="write the file again") from None
            columns = [str(column) for column in frame.columns]
            for values in rows:
                number += 1
                row = {column: _cell(value) for column, value in zip(columns, values, strict=True)}
                record = {k: v for k, v in row.items() if v is not None}
                yield number, record, _shorten(repr(row)), number


def _batches(
    items: Generator[_Item, None, None], *, batch_size: int, unit: str, source: str, max_rejects: int
) -> Iterator[EventBatch]:
    first_seen: dict[str, int] = {}
    kept = 0
    try:
        while chunk := list(itertools.islice(items, batch_size)):
            first_line, last_line = chunk[0][0], chunk[-1][3]
            events, rejects = _validate(_drain(chunk), unit=unit, first_seen=first_seen)
            omitted = 0
            if kept + len(rejects) > max_rejects:
                room = max(max_rejects - kept, 0)
                omitted = len(rejects) - room
                if kept <= max_rejects:
                    first_omitted = rejects[room]
                    rejects = [*rejects[:room], Reject(
                        first_omitted.line,
                        f"more than {max_rejects:,} rejects in {source}: from this line on they are counted, "
                        "not recorded. Fix: correct the file, or raise max_rejects (EXPOSURE_MAX_REJECTS)",
                        code="too_large",
                    )]
                    kept = max_rejects + 1
                else:
                    rejects = []
            else:
                kept += len(rejects)
            yield EventBatch(events, rejects, first_line=first_line, last_line=last_line, source=source,
                             rejects_omitted=omitted)
    finally:
        items.close()  # a caller stopping early closes the file now


def _drain(chunk: list[_Item]) -> Iterator[tuple[int, Any, str]]:
    # Popping frees each raw record as soon as it is validated, so a batch is not held twice.
    chunk.reverse()
    while chunk:
        number, record, raw, _ = chunk.pop()
        yield number, record, raw
