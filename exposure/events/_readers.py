"""Batch readers: events from article pages, JSON, JSONL, CSV, records and DataFrames.

Good records become events; bad ones come back as :class:`~exposure.errors.Reject` rows with
their line (or row) and the reason. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from exposure.errors import EventError, Reject
from exposure.events._article import decode_text, parse_article
from exposure.events._event import Event, event_from_mapping

Format = Literal["auto", "article", "json", "jsonl", "csv"]
Source = str | os.PathLike[str] | IO[str] | IO[bytes] | pd.DataFrame

_FIELDS: tuple[str, ...] = tuple(Event.model_fields)
_EXTENSIONS: dict[str, Format] = {
    ".txt": "article",
    ".md": "article",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
_RECORD_CHARS = 200

Item = tuple[int, Any, str]


def read_events(
    source: Source, *, format: Format = "auto", known_tags: Iterable[str] = ()
) -> tuple[list[Event], list[Reject]]:
    """Read events from a file, stdin, a file-like object or a DataFrame.

    Parameters
    ----------
    source : str, path-like, file-like or pandas.DataFrame
        ``"-"`` reads standard input. A DataFrame is read with :func:`events_from_frame`.
    format : {"auto", "article", "json", "jsonl", "csv"}, default "auto"
        ``"auto"`` goes by the file extension (``.txt``/``.md`` article, ``.json``,
        ``.jsonl``/``.ndjson``, ``.csv``); for stdin, file-like objects and other extensions it
        looks at the content.
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
        If a CSV or DataFrame has a column that is not an event field.

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
    name, text = _read_source(source)
    if not text.strip():
        return [], []
    kind = format
    if kind == "auto":
        kind = _EXTENSIONS.get(Path(name).suffix.lower(), "auto") if name else "auto"
    if kind == "auto":
        kind = _sniff(text)
    if kind == "article":
        return _article(text, known_tags)
    if kind == "json":
        return _json(text)
    if kind == "jsonl":
        return _jsonl(text)
    if kind == "csv":
        return _csv(text)
    raise EventError(
        f"unknown format {format!r}", field="format", fix="use auto, article, json, jsonl or csv"
    )


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


def _read_source(source: str | os.PathLike[str] | IO[str] | IO[bytes]) -> tuple[str | None, str]:
    if isinstance(source, str) and source == "-":
        return None, decode_text(sys.stdin.buffer.read())
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source), decode_text(Path(source).read_bytes())
    name = getattr(source, "name", None)
    return (name if isinstance(name, str) else None), decode_text(source.read())


def _sniff(text: str) -> Format:
    stripped = text.lstrip()
    if stripped[0] in "[{":
        try:
            json.loads(stripped)
        except ValueError:
            first_line = stripped.split("\n", 1)[0]
            return "jsonl" if isinstance(_try_json(first_line), dict) else "json"
        return "json"
    header = stripped.split("\n", 1)[0].lower()
    if "," in header and "headline" in header:
        return "csv"
    return "article"


def _try_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _article(text: str, known_tags: Iterable[str]) -> tuple[list[Event], list[Reject]]:
    try:
        return [parse_article(text, known_tags=known_tags)], []
    except EventError as exc:
        return [], [Reject(1, _reason(exc), _shorten(text))]


def _json(text: str) -> tuple[list[Event], list[Reject]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        bad_line = text.split("\n")[exc.lineno - 1] if exc.lineno <= text.count("\n") + 1 else ""
        reason = (
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}. "
            "Fix: give one JSON object or an array of objects"
        )
        return [], [Reject(exc.lineno, reason, _shorten(bad_line))]
    records = document if isinstance(document, list) else [document]
    items = ((number, record, _shorten(_dumps(record))) for number, record in enumerate(records, 1))
    return _validate(items, unit="item")


def _json_line(line: str) -> Any:
    """The record of one JSON Lines line, or an :class:`_Unreadable` saying why there is none."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return _Unreadable(f"malformed JSON at column {exc.colno}: {exc.msg}. Fix: put one JSON object on each line")


def _jsonl(text: str) -> tuple[list[Event], list[Reject]]:
    def items() -> Iterator[Item]:
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                yield number, _json_line(line), _shorten(line)

    return _validate(items(), unit="line")


def _csv(text: str) -> tuple[list[Event], list[Reject]]:
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(rows)]
    _check_columns(header, where="CSV header")

    def items() -> Iterator[Item]:
        for number, cells in enumerate(rows, 2):
            if not any(cell.strip() for cell in cells):
                continue
            raw = _shorten(_csv_line(cells))
            if len(cells) > len(header):
                yield (
                    number,
                    _Unreadable(
                        f"row has {len(cells)} cells but the header has {len(header)} columns; "
                        "quote cells that contain commas"
                    ),
                    raw,
                )
                continue
            yield number, {k: v for k, v in zip(header, cells, strict=False) if v.strip()}, raw

    return _validate(items(), unit="row")


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A raw record that could not be decoded, and why."""

    reason: str


def _validate(
    items: Iterable[Item], *, unit: str, first_seen: dict[str, int] | None = None
) -> tuple[list[Event], list[Reject]]:
    events: list[Event] = []
    rejects: list[Reject] = []
    # A caller validating a stream batch by batch passes one dict so duplicates span batches.
    first_seen = {} if first_seen is None else first_seen
    for number, record, raw in items:
        if isinstance(record, _Unreadable):
            rejects.append(Reject(number, record.reason, raw))
            continue
        if not isinstance(record, Mapping):
            reason = f"expected a JSON object of event fields, got {type(record).__name__}"
            rejects.append(Reject(number, reason, raw))
            continue
        try:
            event = event_from_mapping(record)
        except EventError as exc:
            rejects.append(Reject(number, _reason(exc), raw))
            continue
        if event.id in first_seen:
            first = first_seen[event.id]
            reason = f"duplicate event id {event.id!r} (first seen on {unit} {first})"
            rejects.append(Reject(number, reason, raw))
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
