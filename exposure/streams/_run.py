"""Map an event file of any size to Parquet, batch by batch, crash-safe and resumable.

The run writes into a staging folder beside the output; each batch adds complete Parquet parts
and a rewritten manifest (the resume point); the finished folder replaces the output in one rename.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa

from exposure.analytics import PortfolioSet
from exposure.errors import ArgumentError
from exposure.events import Event, iter_event_batches, read_rejects, write_rejects
from exposure.graph import KnowledgeGraph, default_graph, strict_policy
from exposure.impact import ImpactSettings
from exposure.streams._mapping import SCHEMAS, MappedEvents, empty_table, map_event_batch, rejects_table
from exposure.io._files import atomic_write_bytes, sync_folder
from exposure.streams._output import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PARTS,
    REJECTS,
    SUMMARY,
    StreamOutputError,
    listed_files,
    locked_folder,
    merge_parquet_atomic,
    output_manifest,
    publish,
    read_manifest,
    remove_strays,
    sha256_file,
    staging_path,
    table_files,
    truncate,
    verify,
    write_manifest,
    write_parquet_atomic,
)
from exposure.streams._progress import progress

TABLES = ("events", "impacts", "themes", "exposures")


@dataclass(frozen=True)
class StreamSummary:
    """What a :func:`map_stream` run read and wrote.

    Attributes
    ----------
    n_events, n_rejects : int
        Events mapped; records refused (each in ``rejects.jsonl`` with its line and reason).
    n_rejects_omitted : int
        Records refused past the reader's cap on recorded rejects (``EXPOSURE_MAX_REJECTS``):
        counted here, not written to ``rejects.jsonl``, where one ``too_large`` line (counted in
        ``n_rejects``) marks the line they start from.
    n_batches : int
    graph_versions : list of str
        Versions of the graphs that scored the events (several with ``as_of=True``).
    look_ahead_count : int or None
        The largest look-ahead count of those graphs (figures used although published after the
        event's day; 0 with the strict as-of graphs, None when no dated graph was used). Each
        event's own count is in ``events.parquet``.
    files : dict
        Table name -> path written.
    settings : dict
        The impact settings, ``top``, ``as_of`` and ``point_in_time`` used.
    """

    n_events: int
    n_rejects: int
    n_batches: int
    graph_versions: list[str]
    files: dict[str, str]
    settings: dict[str, object] = field(default_factory=dict)
    n_rejects_omitted: int = 0
    look_ahead_count: int | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _batches(source, batch_size: int, format) -> Iterator[tuple[list[Event], list, int]]:
    """(events, rejects, rejects counted but not recorded) per batch."""
    if isinstance(source, (str, os.PathLike)):
        for batch in iter_event_batches(source, format=format, batch_size=batch_size):
            yield batch.events, batch.rejects, batch.rejects_omitted
        return
    chunk: list[Event] = []
    for event in source:
        chunk.append(event)
        if len(chunk) == batch_size:
            yield chunk, [], 0
            chunk = []
    if chunk:
        yield chunk, [], 0


def _library_version() -> str:
    from exposure import __version__

    return __version__


def _portfolios_digest(portfolios: PortfolioSet | None) -> str | None:
    if portfolios is None:
        return None
    digest = hashlib.sha256()
    for labels in (portfolios.names, portfolios.universe):
        digest.update(json.dumps([str(label) for label in labels]).encode())
    matrix = portfolios.by_security
    for array in (matrix.data, matrix.indices, matrix.indptr):
        digest.update(array.tobytes())
    return digest.hexdigest()


def _identity(source, graph: KnowledgeGraph, run_settings: dict[str, object]) -> dict[str, object]:
    """What a resumed run must share with the stopped one: input, library, graph and settings."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        stat = path.stat()
        described: dict[str, object] = {"path": str(path.resolve()), "size": stat.st_size,
                                        "mtime_ns": stat.st_mtime_ns, "sha256": sha256_file(path)}
    else:
        described = {"path": None}
    return {"input": described, "library_version": _library_version(), "graph_version": graph.version,
            "settings": json.loads(json.dumps(run_settings, sort_keys=True, default=str))}


def _differences(manifest: dict, identity: dict) -> list[str]:
    found = []
    before, now = manifest.get("input", {}), identity["input"]
    if now["path"] is None:
        found.append("the input (events passed as objects cannot be checked; a file can)")
    elif (before.get("size"), before.get("sha256")) != (now["size"], now["sha256"]):
        found.append(f"the input ({before.get('path')}: {before.get('size')} bytes then, "
                     f"{now['path']}: {now['size']} bytes now, contents differ)")
    for key, label in (("library_version", "library version"), ("graph_version", "graph version")):
        if manifest.get(key) != identity[key]:
            found.append(f"the {label} ({manifest.get(key)} then, {identity[key]} now)")
    old, new = manifest.get("settings", {}), identity["settings"]
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            found.append(f"setting {key} ({old.get(key)!r} then, {new.get(key)!r} now)")
    return found


def _fresh_manifest(identity: dict) -> dict:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "status": "incomplete", **identity,
            "progress": {"batches_done": 0, "n_events": 0, "n_rejects": 0, "n_rejects_omitted": 0,
                         "graph_versions": [],
                         "rejects": {"bytes": 0, "sha256": hashlib.sha256().hexdigest()}},
            "parts": [], "files": {}}


def _check_target(folder: Path, source, overwrite: bool) -> dict | None:
    """Refuse an output folder we must not replace; return its manifest when it holds our output."""
    where = str(folder)
    if folder.is_symlink():
        raise ArgumentError("is a symbolic link; the output folder is replaced as a whole", where=where,
                            field="output", fix="give the folder the link points to, or a new folder")
    if folder.exists() and not folder.is_dir():
        raise ArgumentError("is a file, not a folder", where=where, field="output",
                            fix="give the path of a new folder for the output")
    blocked = next((parent for parent in folder.absolute().parents if parent.exists() and not parent.is_dir()), None)
    if blocked is not None:
        raise ArgumentError(f"cannot be made: {blocked} is a file, not a folder", where=where, field="output",
                            fix="give an output path whose parent folders are folders")
    resolved = folder.resolve()
    here = Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise ArgumentError("is the current folder (or holds it); the output folder is replaced as a whole, "
                            "so it is never the folder you work in (nothing was deleted)", where=where,
                            field="output", fix="give a new folder for the output, such as ./out")
    if isinstance(source, (str, os.PathLike)):
        given = Path(source).resolve()
        if resolved in given.parents:
            raise ArgumentError(f"holds the input file {source}; the output folder is replaced as a whole "
                                "(nothing was deleted)", where=where, field="output",
                                fix="give a new folder for the output, such as ./out")
    if not folder.is_dir() or not any(folder.iterdir()):
        return None
    try:
        manifest = read_manifest(folder)
    except StreamOutputError as exc:  # a foreign or unreadable manifest: not ours to replace
        raise ArgumentError(f"is not empty and is not an output of `exposure stream` ({exc}); nothing was deleted",
                            where=where, field="output", fix="choose a new or empty folder") from None
    if manifest is None:
        raise ArgumentError(f"is not empty and holds no {MANIFEST}, so it is not an output of `exposure stream` "
                            "and is never replaced (nothing was deleted)", where=where, field="output",
                            fix="choose a new or empty folder")
    ours = listed_files(manifest) | {MANIFEST}
    foreign = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                     if p.is_file() and p.relative_to(folder).as_posix() not in ours)
    if foreign:
        raise ArgumentError(f"holds files `exposure stream` did not write ({', '.join(foreign[:5])}"
                            f"{', ...' if len(foreign) > 5 else ''}), so it is not replaced (nothing was deleted)",
                            where=where, field="output", fix="move those files away, or choose a new folder")
    return manifest


def _clear(folder: Path) -> None:
    """Empty a staging folder, its manifest last, so a kill half-way leaves it still marked as ours."""
    for child in sorted(folder.iterdir(), key=lambda path: path.name == MANIFEST):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _remove_leftover(staging: Path) -> None:
    """Remove a staging folder made redundant by a complete output of the same run: the previous
    output swapped out by a run killed before removing it, or a stopped rerun of the same input."""
    if not staging.is_dir():
        return
    with locked_folder(staging):
        if read_manifest(staging) is None and any(staging.iterdir()):
            return
        shutil.rmtree(staging)


def _open_staging(stack: contextlib.ExitStack, staging: Path, folder: Path, identity: dict,
                  overwrite: bool, resume: bool) -> dict:
    """Claim the staging folder (locked for the whole run) and return the manifest to continue from."""
    if staging.exists() and not staging.is_dir():
        raise ArgumentError(f"{staging} is in the way of the staging folder and is a file", where=str(folder),
                            field="output", fix=f"move {staging} away")
    if not staging.exists():
        staging.parent.mkdir(parents=True, exist_ok=True)
        try:
            staging.mkdir()
        except FileExistsError:
            raise ArgumentError("another `exposure stream` run is writing this output now", where=str(folder),
                                fix="wait for it to finish, or write to another folder") from None
        stack.enter_context(locked_folder(staging))
        manifest = _fresh_manifest(identity)
        write_manifest(staging, manifest)
        return manifest
    stack.enter_context(locked_folder(staging))
    pending = read_manifest(staging)
    if pending is None and any(staging.iterdir()):
        raise ArgumentError(f"{staging} holds files but no {MANIFEST}; it is not ours to use or delete",
                            where=str(folder), field="output", fix=f"move {staging} away")
    if pending is None or (overwrite and not resume):
        _clear(staging)
        manifest = _fresh_manifest(identity)
        write_manifest(staging, manifest)
        return manifest
    if not resume:
        raise ArgumentError(f"an earlier run into this folder stopped before finishing; its batches are in {staging}",
                            where=str(folder), field="output",
                            fix="pass resume=True (--resume) to continue it, or overwrite=True (--overwrite) to "
                            "start over")
    differences = _differences(pending, identity)
    if differences:
        raise ArgumentError("cannot resume: " + "; ".join(differences) + " differ from the stopped run",
                            where=str(staging), field="resume",
                            fix="resume with the same input, graph and settings, or pass overwrite=True "
                            "(--overwrite) without resume to start over")
    if pending.get("status") == "complete":
        for name, entry in pending["files"].items():
            verify(staging, name, entry)
        return pending
    for batch in pending["parts"]:
        for entry in batch["tables"].values():
            verify(staging, entry["file"], entry)
    rejects = pending["progress"]["rejects"]
    remove_strays(staging, pending)
    rejects_path = staging / REJECTS
    rejects_path.touch()
    verify(staging, REJECTS, rejects)
    truncate(rejects_path, rejects["bytes"])
    return pending


def _finish(staging: Path, folder: Path, manifest: dict) -> StreamSummary:
    """Merge the parts into one file per table, write the summary and the complete manifest."""
    files: dict[str, dict] = {}
    for name in TABLES:
        parts = [staging / batch["tables"][name]["file"] for batch in manifest["parts"] if name in batch["tables"]]
        merge_parquet_atomic(staging / f"{name}.parquet", parts, _schema(name))
        files[f"{name}.parquet"] = {"rows": sum(b["tables"][name]["rows"] for b in manifest["parts"]
                                                if name in b["tables"]),
                                    "sha256": sha256_file(staging / f"{name}.parquet")}
    progress_done = manifest["progress"]
    files[REJECTS] = {"rows": progress_done["n_rejects"], "sha256": progress_done["rejects"]["sha256"]}
    settings = manifest["settings"]
    summary = StreamSummary(
        n_events=progress_done["n_events"], n_rejects=progress_done["n_rejects"],
        n_rejects_omitted=progress_done.get("n_rejects_omitted", 0), n_batches=progress_done["batches_done"],
        graph_versions=progress_done["graph_versions"] or [manifest["graph_version"]],
        look_ahead_count=progress_done.get("look_ahead_count"),
        files={name: str(folder / f"{name}.parquet") for name in TABLES}
        | {"rejects": str(folder / REJECTS), "summary": str(folder / SUMMARY), "manifest": str(folder / MANIFEST)},
        settings={key: value for key, value in settings.items() if key not in ("format", "portfolios")},
    )
    summary_bytes = (json.dumps(summary.to_dict(), indent=2) + "\n").encode()
    atomic_write_bytes(staging / SUMMARY, summary_bytes)
    files[SUMMARY] = {"rows": None, "sha256": sha256_file(staging / SUMMARY)}
    finished = {**manifest, "status": "complete", "parts": [], "files": files}
    write_manifest(staging, finished)
    remove_strays(staging, finished)
    return summary


def _schema(name: str) -> pa.Schema:
    return pa.Schema.from_pandas(empty_table(name), preserve_index=False)


def _summary_of(folder: Path, manifest: dict) -> StreamSummary:
    saved = json.loads(verify(folder, SUMMARY, manifest["files"][SUMMARY]).read_text(encoding="utf-8"))
    return StreamSummary(**saved)


def map_stream(
    source: str | os.PathLike[str] | Iterable[Event],
    output: str | os.PathLike[str],
    *,
    graph: KnowledgeGraph | None = None,
    settings: ImpactSettings | None = None,
    top: int | None = 20,
    portfolios: PortfolioSet | None = None,
    as_of: bool = False,
    point_in_time: str = "strict",
    batch_size: int = 10_000,
    format: Literal["jsonl", "csv", "parquet"] | None = None,
    overwrite: bool = False,
    resume: bool = False,
    show_progress: bool | None = None,
) -> StreamSummary:
    """Tag and map an event file batch by batch into a folder of Parquet tables, crash-safe.

    Memory is bounded by ``batch_size``: each batch is read, mapped with one sparse product per
    graph and saved before the next is read. Malformed records do not stop the run; they are
    written to ``rejects.jsonl`` with their line number and reason.

    Parameters
    ----------
    source : path or iterable of Event
        A JSON Lines, CSV or Parquet event file (``.gz`` allowed for text), or events.
    output : path
        Folder to create; it receives ``events.parquet``, ``impacts.parquet``, ``themes.parquet``,
        ``exposures.parquet`` (the tables of :class:`MappedEvents`), ``rejects.jsonl``,
        ``summary.json`` and ``_manifest.json`` (versions, input size and sha256, settings, each
        file's rows and sha256, ``status``).
    graph, settings, top, portfolios, as_of, point_in_time
        As for :func:`map_event_batch`.
    batch_size : int, default 10_000
    format : {"jsonl", "csv", "parquet"}, optional
        Overrides the file suffix.
    overwrite : bool, default False
        Replace ``output`` when it holds a previous output of this function (recognised by its
        manifest, with no other files in it), and discard a stopped run's staging folder.
    resume : bool, default False
        Continue a stopped run of the same input, library version, graph and settings from the
        last batch it saved, then replace ``output`` as that run would have; when ``output``
        already holds the complete result of this same run, return its summary without work.
    show_progress : bool, optional
        A progress bar per batch; default on when standard error is a terminal.

    Returns
    -------
    StreamSummary

    Raises
    ------
    ArgumentError
        If ``output`` is a file, the current folder (or holds it), holds the input, or is not
        empty without being an output of this function (nothing is deleted then); if it holds a
        previous output and ``overwrite`` is False; if a stopped run is waiting in the staging
        folder and neither ``resume`` nor ``overwrite`` is given; if ``resume`` finds a different
        input, version or setting (named); if another run is writing the same output.
    EventError
        If the source cannot be read at all (missing file, unknown format).

    Notes
    -----
    What survives a crash: the run writes into ``.OUT.staging`` beside ``OUT`` (same file
    system). Each batch adds complete Parquet parts (written under a temporary name, fsynced and
    renamed, so no file without its footer ever carries a final name), appends its rejects, then
    rewrites the manifest atomically with the batches done: the resume point. At the end the parts
    are merged into one file per table (the same tables, schemas and row order as ever) and the
    folder replaces ``OUT`` in one step (on Linux an atomic swap, so ``OUT`` always holds the
    previous complete output or the new one; elsewhere the previous output is renamed aside just
    before). A run killed at any point (SIGKILL included) or stopped by an exception leaves the
    previous output as it was and the staging folder with ``status: "incomplete"``, which
    :func:`read_mapped`, :func:`theme_intensity` and :func:`exposure_series` refuse unless told
    ``allow_incomplete=True``. ``resume=True`` re-reads the input up to the resume point (to
    rebuild the duplicate-id check) without mapping it and writes every row exactly once: the
    result is identical to an uninterrupted run. A rerun of the same input with ``overwrite=True``
    writes the same bytes. The staging folder needs as much free space again as the output while
    the parts are merged.

    Examples
    --------
    >>> import tempfile, exposure as ex
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     summary = map_stream([ex.datasets.load_seed_article()], folder + "/out", top=5)
    ...     impacts = pd.read_parquet(summary.files["impacts"])
    ...     status = json.loads(Path(folder, "out", "_manifest.json").read_text())["status"]
    >>> summary.n_events, len(impacts), status
    (1, 5, 'complete')
    """
    graph = default_graph() if graph is None else graph
    settings = settings or ImpactSettings()
    folder = Path(output)
    if isinstance(source, (str, os.PathLike)):
        iter_event_batches(source, format=format, batch_size=batch_size)  # an unreadable input fails here
    elif resume:
        raise ArgumentError("resume needs an event file; events passed as objects cannot be checked against "
                            "the stopped run", field="resume", fix="pass the events as a file, or run without resume")
    previous = _check_target(folder, source, overwrite)
    strict_policy(point_in_time)
    run_settings = {**settings.model_dump(), "top": top, "as_of": as_of, "point_in_time": point_in_time,
                    "batch_size": batch_size,
                    "format": format, "portfolios": _portfolios_digest(portfolios)}
    identity = _identity(source, graph, run_settings)
    staging = staging_path(folder)
    if previous is not None and resume and previous.get("status") == "complete" \
            and not _differences(previous, identity):
        _remove_leftover(staging)
        return _summary_of(folder, previous)
    if previous is not None and not overwrite and not (resume and staging.exists()):
        raise ArgumentError("holds the output of an earlier `exposure stream` run", where=str(folder),
                            field="output", fix="pass overwrite=True (--overwrite) to replace it, or choose a "
                            "new folder")
    with contextlib.ExitStack() as stack:
        manifest = _open_staging(stack, staging, folder, identity, overwrite, resume)
        if manifest["status"] != "complete":
            _run_batches(source, staging, manifest, graph, settings, top, portfolios, as_of, point_in_time,
                         batch_size, format, show_progress)
            _finish(staging, folder, manifest)
        publish(staging, folder)
    return _summary_of(folder, read_manifest(folder))


def _run_batches(source, staging: Path, manifest: dict, graph, settings, top, portfolios, as_of, point_in_time,
                 batch_size, format, show_progress) -> None:
    """Map the batches after the resume point, saving each (parts, rejects, manifest) before the next."""
    done = manifest["progress"]
    schemas = {name: _schema(name) for name in TABLES}
    (staging / PARTS).mkdir(exist_ok=True)
    rejects_path = staging / REJECTS
    digest = hashlib.sha256(rejects_path.read_bytes()) if rejects_path.exists() else hashlib.sha256()
    versions = set(done["graph_versions"])
    looked_ahead = done.get("look_ahead_count")
    batches = _batches(source, batch_size, format)
    with open(rejects_path, "a", encoding="utf-8", newline="\n") as rejects_file:
        for index, (events, rejects, omitted) in enumerate(progress(batches, enabled=show_progress, desc="mapping",
                                                           unit="batch")):
            if index < done["batches_done"]:
                continue
            mapped = map_event_batch(events, graph, settings=settings, top=top, portfolios=portfolios, as_of=as_of,
                                     point_in_time=point_in_time)
            counts = mapped.events["look_ahead_count"].dropna()
            if len(counts):
                looked_ahead = max(int(counts.max()), looked_ahead or 0)
            entry: dict[str, dict] = {}
            for name in TABLES:
                frame = getattr(mapped, name)
                if len(frame) == 0:
                    continue
                relative = f"{PARTS}/{name}-{index:06d}.parquet"
                write_parquet_atomic(staging / relative, pa.Table.from_pandas(frame, schema=schemas[name],
                                                                             preserve_index=False))
                entry[name] = {"file": relative, "rows": len(frame), "sha256": sha256_file(staging / relative)}
            sync_folder(staging / PARTS)
            start = os.fstat(rejects_file.fileno()).st_size
            n_rejects = write_rejects(rejects, rejects_file)
            rejects_file.flush()
            os.fsync(rejects_file.fileno())
            with open(rejects_path, "rb") as written:
                written.seek(start)
                digest.update(written.read())
            versions.update(mapped.events["graph_version"])
            manifest["parts"].append({"batch": index, "tables": entry})
            done.update(batches_done=index + 1, n_events=done["n_events"] + len(events),
                        n_rejects=done["n_rejects"] + n_rejects,
                        n_rejects_omitted=done.get("n_rejects_omitted", 0) + omitted, graph_versions=sorted(versions),
                        look_ahead_count=looked_ahead,
                        rejects={"bytes": os.fstat(rejects_file.fileno()).st_size, "sha256": digest.hexdigest()})
            write_manifest(staging, manifest)


def read_mapped(output: str | os.PathLike[str], *, allow_incomplete: bool = False) -> MappedEvents:
    """Read back the tables :func:`map_stream` wrote (whole; for large outputs read single files
    with pandas or pyarrow, or aggregate them with :func:`theme_intensity`).

    Parameters
    ----------
    output : path
        The output folder.
    allow_incomplete : bool, default False
        Read what a stopped run saved (the batches in its staging folder, up to its resume point).

    Raises
    ------
    StreamOutputError
        If the folder is not an output of :func:`map_stream` (no manifest), is incomplete (a
        run stopped before finishing; unless ``allow_incomplete``), or a file is missing or
        changed since it was written (its sha256 differs; the file is named).
    """
    folder, manifest = output_manifest(output, allow_incomplete)
    tables = {}
    for name in TABLES:
        paths = table_files(folder, name, allow_incomplete)
        frames = [pd.read_parquet(path) for path in paths]
        frames = [frame for frame in frames if len(frame)]
        tables[name] = (pd.concat(frames, ignore_index=True) if frames else empty_table(name)).astype(SCHEMAS[name])
    if manifest.get("status") == "complete":
        rejects = read_rejects(verify(folder, REJECTS, manifest["files"][REJECTS]))
    else:
        rejects = _read_rejects_prefix(folder / REJECTS, manifest["progress"]["rejects"])
    return MappedEvents(**tables, rejects=rejects_table(rejects))


def _read_rejects_prefix(path: Path, entry: dict) -> list:
    if entry["bytes"] == 0:
        return []
    verify(path.parent, path.name, entry)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / REJECTS
        with open(path, "rb") as handle:
            copy.write_bytes(handle.read(entry["bytes"]))
        return read_rejects(copy)
