"""Batch readers: events from article pages, JSON, JSONL, CSV, records and DataFrames.

Good records become events; bad ones come back as :class:`~exposure.errors.Reject` rows with
their line (or row) and the reason. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from exposure.errors import EventError, InputFormatError, Reject
from exposure.events._article import decode_text, parse_article
from exposure.events._event import Event, event_from_mapping
from exposure.io import check_input_file, read_text
from exposure.io._text import is_gzip, undecodable_in, undecodable_reason

Format = Literal["auto", "article", "json", "jsonl", "csv", "parquet"]
Source = str | os.PathLike[str] | IO[str] | IO[bytes] | pd.DataFrame

_FIELDS: tuple[str, ...] = tuple(Event.model_fields)
_EXTENSIONS: dict[str, Format] = {
    ".txt": "article",
    ".md": "article",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_RECORD_CHARS = 200
# A record (a JSON Lines line, a JSON value) nested deeper than this is refused before parsing:
# json.loads recurses once per level and would overflow the stack on a few thousand.
MAX_DEPTH = 64
# Longer JSON Lines lines are refused unread: no real news record is a megabyte of text.
MAX_RECORD_CHARS = 1 << 20
# Python refuses to convert longer integer literals (sys.get_int_max_str_digits).
_MAX_INT_DIGITS = 4300
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")

Item = tuple[int, Any, str]


def read_events(
    source: Source, *, format: Format = "auto", known_tags: Iterable[str] = ()
) -> tuple[list[Event], list[Reject]]:
    """Read events from a file, stdin, a file-like object or a DataFrame.

    Parameters
    ----------
    source : str, path-like, file-like or pandas.DataFrame
        ``"-"`` reads standard input. A DataFrame is read with :func:`events_from_frame`.
    format : {"auto", "article", "json", "jsonl", "csv", "parquet"}, default "auto"
        ``"auto"`` goes by the file extension (``.txt``/``.md`` article, ``.json``,
        ``.jsonl``/``.ndjson``, ``.csv``, ``.parquet``; a ``.gz`` after it is skipped); for stdin,
        file-like objects and other extensions it looks at the content. Gzip files (told by
        their content) are decompressed within the bounds of :func:`exposure.io.open_bytes`;
        gzip JSON Lines and CSV, and Parquet, are read by
        :func:`~exposure.events.iter_event_batches`, so their rejects carry physical line numbers.
        At most ``EXPOSURE_MAX_REJECTS`` (10,000) rejects are kept, then one ``too_large``
        reject counts the rest. Text must be UTF-8, or UTF-8/16/32 with a BOM.
    known_tags : iterable of str, optional
        The vendor's tag vocabulary, used to split article tag lines.

    Returns
    -------
    events : list of Event
        The good records, in input order; later records repeating an id are rejected.
    rejects : list of Reject
        The bad records with their 1-based line (text formats), row (CSV, header = row 1;
        DataFrame, first row = 1) or array position (a JSON array), and the reason. A malformed
        JSON document is one reject at the line of the syntax error. An empty input gives
        ``([], [])``.

    Raises
    ------
    EventError
        If a CSV or DataFrame has a column that is not an event field, or a column twice.
    InputFormatError
        If the file is missing, a folder, binary, or not UTF-8 (nor UTF-16/32 with a BOM).

    Examples
    --------
    >>> import io
    >>> lines = '{"headline": "Oil jumps"}\\n{"headline": "Gold", "market_impact": -1}\\n'
    >>> events, rejects = read_events(io.StringIO(lines))
    >>> [event.headline for event in events], [reject.line for reject in rejects]
    (['Oil jumps'], [2])
    """
    if isinstance(source, pd.DataFrame):
        return events_from_frame(source)
    if format not in ("auto", "article", "json", "jsonl", "csv", "parquet"):
        raise EventError(f"unknown format {format!r}", field="format",
                         fix="use auto, article, json, jsonl, csv or parquet")
    name: str | None
    if isinstance(source, (str, os.PathLike)) and not (isinstance(source, str) and source == "-"):
        path = check_input_file(source)
        name = os.fspath(source)
        kind = _kind_of(path, format)
        if kind == "parquet" or (kind in ("jsonl", "csv") and is_gzip(path)):
            return _from_batches(path, kind)
        text = decode_text(read_text(path))
    else:
        name, text = _read_source(source)
        kind = format
        if kind == "auto" and name:
            kind = _EXTENSIONS.get(Path(name).suffix.lower(), "auto")
        if kind == "parquet":
            raise InputFormatError("Parquet cannot be read from a stream", where=name or "standard input",
                                   fix="give the path of the Parquet file")
    if not text.strip():
        return [], []
    if kind == "auto":
        kind = _sniff(text)
    if kind == "article":
        return _article(text, known_tags)
    reader = {"json": _json, "jsonl": _jsonl}.get(kind, _csv)
    events, rejects = reader(text)
    return events, capped_rejects(rejects, name or "input")


def capped_rejects(rejects: list[Reject], where: str, limit: int | None = None) -> list[Reject]:
    """The first ``limit`` rejects (default ``EXPOSURE_MAX_REJECTS`` or 10,000) and one saying how many more."""
    from exposure.events._stream import _max_rejects

    limit = _max_rejects(limit)
    if len(rejects) <= limit:
        return rejects
    more = len(rejects) - limit
    return [*rejects[:limit], Reject(
        rejects[limit].line,
        f"{more:,} more rejects in {where} from this line on, counted, not recorded. "
        "Fix: correct the file, or raise EXPOSURE_MAX_REJECTS",
        code="too_large",
    )]


def events_from_records(records: Iterable[Mapping[str, Any]]) -> tuple[list[Event], list[Reject]]:
    """Validate records (mappings of event fields) into events.

    Parameters
    ----------
    records : iterable of mapping
        One mapping per event; keys are :class:`Event` field names.

    Returns
    -------
    events : list of Event
    rejects : list of Reject
        ``line`` is the record's 1-based position.

    Examples
    --------
    >>> events, rejects = events_from_records([{"headline": "Oil jumps"}, {"colour": "red"}])
    >>> len(events), rejects[0].line, rejects[0].reason.split(".")[0]
    (1, 2, "colour: unknown field 'colour'")
    """
    items = ((number, record, _shorten(repr(record))) for number, record in enumerate(records, 1))
    return _validate(items, unit="record")


def events_from_frame(frame: pd.DataFrame) -> tuple[list[Event], list[Reject]]:
    """Validate the rows of a DataFrame into events, one row per event.

    Columns are :class:`Event` field names; NaN, None and NaT cells count as absent. List fields
    take lists or strings separated by ``";"`` or ``"|"``; ``published_at`` takes timezone-aware
    timestamps or ISO strings with an offset.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    events : list of Event
    rejects : list of Reject
        ``line`` is the row's position plus one (the first row is 1).

    Raises
    ------
    EventError
        If a column is not an event field.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"headline": ["Oil jumps", None], "market_impact": [0.6, 0.2]})
    >>> events, rejects = events_from_frame(frame)
    >>> events[0].market_impact, rejects[0].line
    (0.6, 2)
    """
    columns = [str(column) for column in frame.columns]
    _check_columns(columns, where="DataFrame")
    rows = (
        {column: _cell(value) for column, value in zip(columns, values, strict=True)}
        for values in frame.itertuples(index=False, name=None)
    )
    items = (
        (number, {k: v for k, v in row.items() if v is not None}, _shorten(repr(row)))
        for number, row in enumerate(rows, 1)
    )
    return _validate(items, unit="row")


def events_to_frame(events: Iterable[Event]) -> pd.DataFrame:
    """Return one row per event, with a column per :class:`Event` field.

    ``published_at`` becomes a UTC timestamp column; list fields stay tuples, so
    :func:`events_from_frame` reads the frame back into the same events.

    Parameters
    ----------
    events : iterable of Event

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> frame = events_to_frame([Event(headline="Oil jumps", tags=["Energy"])])
    >>> frame.loc[0, "tags"], str(frame["published_at"].dtype)
    (('Energy',), 'datetime64[us, UTC]')
    """
    frame = pd.DataFrame([event.model_dump() for event in events], columns=list(_FIELDS))
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True).astype(
        "datetime64[us, UTC]"
    )
    return frame


def _read_source(source: str | IO[str] | IO[bytes]) -> tuple[str | None, str]:
    if isinstance(source, str):
        return None, decode_text(sys.stdin.buffer.read(), where="standard input")
    name = getattr(source, "name", None)
    name = name if isinstance(name, str) else None
    return name, decode_text(source.read(), where=name)


def _kind_of(path: Path, format: Format) -> Format:
    if format != "auto":
        return format
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _EXTENSIONS.get(suffixes[-1], "auto") if suffixes else "auto"


def _from_batches(path: Path, kind: Format) -> tuple[list[Event], list[Reject]]:
    from exposure.events._stream import iter_event_batches

    events: list[Event] = []
    rejects: list[Reject] = []
    for batch in iter_event_batches(path, format=kind):  # type: ignore[arg-type]
        events.extend(batch.events)
        rejects.extend(batch.rejects)
    return events, rejects


def _sniff(text: str) -> Format:
    stripped = text.lstrip()
    if stripped[0] in "[{":
        first_line = stripped.split("\n", 1)[0]
        if "\n" in stripped.rstrip() and isinstance(_json_line(first_line), dict):
            return "jsonl"
        return "json"
    header = stripped.split("\n", 1)[0].lower()
    if "," in header and "headline" in header:
        return "csv"
    return "article"


def _article(text: str, known_tags: Iterable[str]) -> tuple[list[Event], list[Reject]]:
    try:
        return [parse_article(text, known_tags=known_tags)], []
    except EventError as exc:
        return [], [Reject(1, _reason(exc), _shorten(text), code="invalid", field=exc.field)]


def _json(text: str) -> tuple[list[Event], list[Reject]]:
    deep = _too_deep(text)
    if deep is not None:
        return [], [Reject(1, deep.reason, _shorten(text), code=deep.code)]
    huge: list[int] = []
    try:
        document = json.loads(text, parse_int=_int_parser(huge))
    except json.JSONDecodeError as exc:
        bad_line = text.split("\n")[exc.lineno - 1] if exc.lineno <= text.count("\n") + 1 else ""
        reason = (
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}. "
            "Fix: give one JSON object or an array of objects"
        )
        return [], [Reject(exc.lineno, reason, _shorten(bad_line), code="malformed")]
    except (ValueError, RecursionError) as exc:
        return [], [Reject(1, f"unreadable JSON ({exc}). Fix: give one JSON object or an array of objects",
                           _shorten(text), code="malformed")]
    records = document if isinstance(document, list) else [document]
    items = (
        (number, _huge_field(record) if huge else record, _shorten(_dumps(record)))
        for number, record in enumerate(records, 1)
    )
    return _validate(items, unit="item")


def _json_line(line: str) -> Any:
    """The record of one JSON Lines line, or an :class:`_Unreadable` saying why there is none.

    Lines over ``MAX_RECORD_CHARS``, nested deeper than ``MAX_DEPTH`` or holding an integer of
    more than 4,300 digits are refused without a traceback (``too_large``), as is a line holding
    bytes that were not UTF-8 (``encoding``).
    """
    if len(line) > MAX_RECORD_CHARS:
        return _Unreadable(f"line of {len(line):,} characters is over the limit of {MAX_RECORD_CHARS:,}. "
                           "Fix: shorten the record", code="too_large")
    bad = undecodable_in(line)
    if bad is not None:
        return _Unreadable(_encoding_reason(line, bad), code="encoding")
    deep = _too_deep(line)
    if deep is not None:
        return deep
    huge: list[int] = []
    try:
        record = json.loads(line, parse_int=_int_parser(huge))
    except json.JSONDecodeError as exc:
        return _Unreadable(f"malformed JSON at column {exc.colno}: {exc.msg}. Fix: put one JSON object on each line")
    except (ValueError, RecursionError) as exc:
        return _Unreadable(f"unreadable JSON ({exc}). Fix: put one JSON object on each line")
    return _huge_field(record) if huge else record


def _encoding_reason(text: str, index: int) -> str:
    raw = text.encode("utf-8", errors="surrogateescape")
    offset = len(text[:index].encode("utf-8", errors="surrogateescape"))
    return (f"{undecodable_reason(raw, offset).replace(' (line 1)', '')} at column {index + 1}. "
            "Fix: save the file as UTF-8")


def _too_deep(text: str) -> _Unreadable | None:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = max(itertools.accumulate(1 if char in "[{" else -1 for char in brackets), default=0)
    if depth <= MAX_DEPTH:
        return None
    return _Unreadable(f"JSON nested {depth} levels deep, over the limit of {MAX_DEPTH}. "
                       "Fix: flatten the record; event fields are text, numbers or lists of text",
                       code="too_large")


class _HugeInteger(int):
    """Stands in for an integer literal too long to convert, so its field can be named."""


def _int_parser(huge: list[int]) -> Any:
    def parse(digits: str) -> int:
        if len(digits.lstrip("-")) > _MAX_INT_DIGITS:
            huge.append(len(digits))
            return _HugeInteger(0)
        return int(digits)

    return parse


def _huge_field(record: Any) -> Any:
    if isinstance(record, dict):
        for key, value in record.items():
            if _holds_huge(value):
                return _Unreadable(f"{key}: integer of more than {_MAX_INT_DIGITS:,} digits. "
                                   "Fix: give a number of ordinary size", code="too_large", field=str(key))
    if _holds_huge(record):
        return _Unreadable(f"integer of more than {_MAX_INT_DIGITS:,} digits. Fix: give a number of ordinary size",
                           code="too_large")
    return record


def _holds_huge(value: Any) -> bool:
    if isinstance(value, _HugeInteger):
        return True
    if isinstance(value, dict):
        return any(_holds_huge(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_huge(item) for item in value)
    return False


def _jsonl(text: str) -> tuple[list[Event], list[Reject]]:
    def items() -> Iterator[Item]:
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                yield number, _json_line(line), _shorten(line)

    return _validate(items(), unit="line")


def _csv(text: str) -> tuple[list[Event], list[Reject]]:
    records = csv_records(io.StringIO(text))
    header: list[str] | None = None
    for _start, _end, cells, _raw in records:
        if isinstance(cells, list) and any(cell.strip() for cell in cells):
            header = [column.strip() for column in cells]
            break
    if header is None:
        return [], []
    _check_columns(header, where="CSV header")
    columns: list[str] = header

    def items() -> Iterator[Item]:
        for number, (_start, _end, cells, raw) in enumerate(records, 2):
            if isinstance(cells, _Unreadable):
                yield number, cells, _shorten(raw)
            elif any(cell.strip() for cell in cells):
                yield number, csv_record(columns, cells), _shorten(_csv_line(cells))

    return _validate(items(), unit="row")


def csv_record(header: list[str], cells: list[str], keep: set[str] | None = None) -> Any:
    """The non-empty cells of a CSV row by column, or an :class:`_Unreadable` saying why not."""
    if len(cells) > len(header):
        return _Unreadable(
            f"row has {len(cells)} cells but the header has {len(header)} columns. "
            "Fix: quote cells that contain commas"
        )
    for column, cell in zip(header, cells, strict=False):
        bad = undecodable_in(cell)
        if bad is not None:
            return _Unreadable(_encoding_reason(cell, bad), code="encoding", field=column)
    return {k: v for k, v in zip(header, cells, strict=False) if v.strip() and (keep is None or k in keep)}


class _Tape:
    """Lines for a csv.reader that remembers the lines of the record being read, to re-read them."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.source = iter(lines)
        self.pending: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Tape:
        return self

    def __next__(self) -> str:
        line = self.pending.popleft() if self.pending else next(self.source)
        self.taken.append(line)
        return line


def csv_records(lines: Iterable[str]) -> Iterator[tuple[int, int, list[str] | _Unreadable, str]]:
    """Yield ``(first line, last line, cells, raw text)`` per CSV record, blank records included.

    A record the csv module cannot read, or whose quote is never closed (which would swallow every
    later line), comes back as an :class:`_Unreadable` at its first line, and reading restarts on
    the line after it, so later rows are still read.
    """
    tape = _Tape(lines)
    done = 0
    while True:
        reader = csv.reader(tape)
        problem: _Unreadable | None = None
        while problem is None:
            tape.taken = []
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                code = "too_large" if "field larger" in str(exc) else "malformed"
                problem = _Unreadable(f"unreadable CSV record: {exc}. Fix: check the quoting on this line",
                                      code=code)
                break
            if _unterminated(tape.taken):
                problem = _Unreadable('a quote (") opened here is never closed, so it would swallow every '
                                      'later line. Fix: close the quote, or double quotes inside a quoted cell ("")')
                break
            yield done + 1, done + len(tape.taken), cells, "".join(tape.taken)
            done += len(tape.taken)
        taken = tape.taken
        yield done + 1, done + 1, problem, taken[0] if taken else ""
        done += 1
        tape.pending.extendleft(reversed(taken[1:]))


def _unterminated(lines: list[str]) -> bool:
    if len(lines) < 2 and (not lines or lines[-1].endswith("\n")):
        return False
    try:
        for _ in csv.reader(lines, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A raw record that could not be decoded, and why."""

    reason: str
    code: str = "malformed"
    field: str | None = None


def _validate(
    items: Iterable[Item], *, unit: str, first_seen: dict[str, int] | None = None
) -> tuple[list[Event], list[Reject]]:
    events: list[Event] = []
    rejects: list[Reject] = []
    # A caller validating a stream batch by batch passes one dict so duplicates span batches.
    first_seen = {} if first_seen is None else first_seen
    for number, record, raw in items:
        if isinstance(record, _Unreadable):
            rejects.append(Reject(number, record.reason, raw, code=record.code, field=record.field))
            continue
        if not isinstance(record, Mapping):
            reason = f"expected a JSON object of event fields, got {type(record).__name__}"
            rejects.append(Reject(number, reason, raw, code="malformed"))
            continue
        try:
            event = event_from_mapping(record)
        except EventError as exc:
            rejects.append(Reject(number, _reason(exc), raw, code="invalid", field=exc.field))
            continue
        if event.id in first_seen:
            first = first_seen[event.id]
            reason = f"duplicate event id {event.id!r} (first seen on {unit} {first})"
            rejects.append(Reject(number, reason, raw, code="duplicate", field="id"))
            continue
        first_seen[event.id] = number
        events.append(event)
    return events, rejects


def _check_columns(columns: list[str], *, where: str) -> None:
    unknown = [column for column in columns if column not in _FIELDS]
    if unknown:
        raise EventError(
            f"unknown column {unknown[0]!r}",
            where=where,
            field=unknown[0],
            fix=f"use only these columns: {', '.join(_FIELDS)}",
        )
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    if duplicated:
        raise EventError(
            f"column {duplicated[0]!r} appears more than once",
            where=where,
            field=duplicated[0],
            fix="keep one column per field",
        )


def _cell(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _reason(exc: EventError) -> str:
    return str(EventError(exc.problem, field=exc.field, fix=exc.fix))


def _shorten(text: str) -> str:
    return text if len(text) <= _RECORD_CHARS else text[: _RECORD_CHARS - 1] + "…"


def _dumps(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()
