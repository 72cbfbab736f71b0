"""Map an event file of any size to Parquet, batch by batch, with rejects written beside it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from exposure.analytics import PortfolioSet
from exposure.errors import DataError
from exposure.events import Event, iter_event_batches, read_rejects, write_rejects
from exposure.graph import KnowledgeGraph, default_graph
from exposure.impact import ImpactSettings
from exposure.streams._mapping import SCHEMAS, MappedEvents, empty_table, map_event_batch, rejects_table
from exposure.streams._progress import progress

TABLES = ("events", "impacts", "themes", "exposures")


@dataclass(frozen=True)
class StreamSummary:
    """What a :func:`map_stream` run read and wrote.

    Attributes
    ----------
    n_events, n_rejects : int
        Events mapped; records refused (each in ``rejects.jsonl`` with its line and reason).
    n_batches : int
    graph_versions : list of str
        Versions of the graphs that scored the events (several with ``as_of=True``).
    files : dict
        Table name -> path written.
    settings : dict
        The impact settings, ``top`` and ``as_of`` used.
    """

    n_events: int
    n_rejects: int
    n_batches: int
    graph_versions: list[str]
    files: dict[str, str]
    settings: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class _ParquetTables:
    """One Parquet writer per table, opened on first use, with the fixed schema of the tables."""

    def __init__(self, folder: Path, names: Iterable[str]) -> None:
        self.paths = {name: folder / f"{name}.parquet" for name in names}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._schemas = {name: pa.Schema.from_pandas(empty_table(name), preserve_index=False) for name in self.paths}

    def write(self, mapped: MappedEvents) -> None:
        for name in self.paths:
            frame = getattr(mapped, name)
            if len(frame) == 0:
                continue
            if name not in self._writers:
                self._writers[name] = pq.ParquetWriter(self.paths[name], self._schemas[name])
            self._writers[name].write_table(pa.Table.from_pandas(frame, schema=self._schemas[name],
                                                                 preserve_index=False))

    def close(self) -> None:
        for name, path in self.paths.items():
            if name in self._writers:
                self._writers[name].close()
            else:
                pq.write_table(self._schemas[name].empty_table(), path)


def _batches(source, batch_size: int, format) -> Iterator[tuple[list[Event], list]]:
    if isinstance(source, (str, os.PathLike)):
        for batch in iter_event_batches(source, format=format, batch_size=batch_size):
            yield batch.events, batch.rejects
        return
    chunk: list[Event] = []
    for event in source:
        chunk.append(event)
        if len(chunk) == batch_size:
            yield chunk, []
            chunk = []
    if chunk:
        yield chunk, []


def map_stream(
    source: str | os.PathLike[str] | Iterable[Event],
    output: str | os.PathLike[str],
    *,
    graph: KnowledgeGraph | None = None,
    settings: ImpactSettings | None = None,
    top: int | None = 20,
    portfolios: PortfolioSet | None = None,
    as_of: bool = False,
    batch_size: int = 10_000,
    format: Literal["jsonl", "csv", "parquet"] | None = None,
    overwrite: bool = False,
    show_progress: bool | None = None,
) -> StreamSummary:
    """Tag and map an event file batch by batch into a folder of Parquet tables.

    Memory is bounded by ``batch_size``: each batch is read, mapped with one sparse product per
    graph and appended to the output before the next is read. Malformed records do not stop the
    run; they are appended to ``rejects.jsonl`` with their line number and reason.

    Parameters
    ----------
    source : path or iterable of Event
        A JSON Lines, CSV or Parquet event file (``.gz`` allowed for text), or events.
    output : path
        Folder to create; it receives ``events.parquet``, ``impacts.parquet``, ``themes.parquet``,
        ``exposures.parquet`` (the tables of :class:`MappedEvents`), ``rejects.jsonl`` and
        ``summary.json``.
    graph, settings, top, portfolios, as_of
        As for :func:`map_event_batch`.
    batch_size : int, default 10_000
    format : {"jsonl", "csv", "parquet"}, optional
        Overrides the file suffix.
    overwrite : bool, default False
        Replace an existing output folder (otherwise a non-empty folder is an error).
    show_progress : bool, optional
        A progress bar per batch; default on when standard error is a terminal.

    Returns
    -------
    StreamSummary

    Raises
    ------
    DataError
        If ``output`` exists, is not empty and ``overwrite`` is False.
    EventError
        If the source cannot be read at all (missing file, unknown format).

    Examples
    --------
    >>> import tempfile, exposure as ex
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     summary = map_stream([ex.datasets.load_seed_article()], folder + "/out", top=5)
    ...     impacts = pd.read_parquet(summary.files["impacts"])
    >>> summary.n_events, len(impacts)
    (1, 5)
    """
    graph = default_graph() if graph is None else graph
    settings = settings or ImpactSettings()
    folder = Path(output)
    if folder.exists() and any(folder.iterdir()):
        if not overwrite:
            raise DataError(f"output folder {folder} is not empty", where=str(folder),
                            fix="choose a new folder or pass overwrite=True")
        shutil.rmtree(folder)
    batches = _batches(source, batch_size, format)
    folder.mkdir(parents=True, exist_ok=True)
    rejects_path = folder / "rejects.jsonl"
    rejects_path.write_text("")
    writer = _ParquetTables(folder, TABLES)
    n_events = n_rejects = n_batches = 0
    versions: set[str] = set()
    try:
        for events, rejects in progress(batches, enabled=show_progress, desc="mapping", unit="batch"):
            mapped = map_event_batch(events, graph, settings=settings, top=top, portfolios=portfolios, as_of=as_of)
            writer.write(mapped)
            n_rejects += write_rejects(rejects, rejects_path)
            n_events += len(events)
            n_batches += 1
            versions.update(mapped.events["graph_version"])
    finally:
        writer.close()
    files = {name: str(path) for name, path in writer.paths.items()} | {"rejects": str(rejects_path)}
    summary = StreamSummary(
        n_events=n_events, n_rejects=n_rejects, n_batches=n_batches,
        graph_versions=sorted(versions) or [graph.version], files=files,
        settings={**settings.model_dump(), "top": top, "as_of": as_of, "batch_size": batch_size},
    )
    (folder / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2) + "\n")
    files["summary"] = str(folder / "summary.json")
    return summary


def read_mapped(output: str | os.PathLike[str]) -> MappedEvents:
    """Read back the tables :func:`map_stream` wrote (whole; for large outputs read single files
    with pandas or pyarrow, or aggregate them with :func:`theme_intensity`)."""
    folder = Path(output)
    tables = {name: (pd.read_parquet(folder / f"{name}.parquet") if (folder / f"{name}.parquet").exists()
                     else empty_table(name)).astype(SCHEMAS[name]) for name in TABLES}
    rejects = read_rejects(folder / "rejects.jsonl") if (folder / "rejects.jsonl").exists() else []
    return MappedEvents(**tables, rejects=rejects_table(rejects))
