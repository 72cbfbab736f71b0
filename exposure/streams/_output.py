"""Stream output folders: the manifest that marks them as ours, atomic writes, staging and publishing.

A :func:`~exposure.streams.map_stream` output folder holds ``_manifest.json``: a format marker,
the library and graph versions, the input's size and sha256, the settings, and every file with its
row count and sha256, with ``status`` ``"complete"`` or ``"incomplete"``. A run writes into a
staging folder beside the output (``.OUT.staging``), each file complete under a temporary name
before it is renamed, the manifest rewritten after every batch; the finished folder replaces the
output in one rename. Readers check the manifest and the checksums of what they read.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from exposure.errors import ArgumentError, DataError
from exposure.io._files import atomic_write_bytes, sync_folder

MANIFEST = "_manifest.json"
FORMAT = "exposure-stream-output"
FORMAT_VERSION = 1
PARTS = "parts"
SUMMARY = "summary.json"
REJECTS = "rejects.jsonl"


class StreamOutputError(DataError):
    """A :func:`~exposure.streams.map_stream` output that is incomplete, altered or not one at all."""


def staging_path(folder: Path) -> Path:
    """Where a run into ``folder`` writes before publishing: a hidden sibling on the same file system."""
    return folder.parent / f".{folder.name}.staging"


def sha256_file(path: Path, limit: int | None = None) -> str:
    """Hex sha256 of a file (of its first ``limit`` bytes when given)."""
    digest = hashlib.sha256()
    remaining = limit
    with open(path, "rb") as handle:
        while remaining is None or remaining > 0:
            chunk = handle.read(1 << 20 if remaining is None else min(1 << 20, remaining))
            if not chunk:
                break
            digest.update(chunk)
            if remaining is not None:
                remaining -= len(chunk)
    return digest.hexdigest()


def _replace_durably(temporary: Path, path: Path) -> None:
    os.replace(temporary, path)
    sync_folder(path.parent)


def write_parquet_atomic(path: Path, table: pa.Table) -> None:
    """Write a Parquet file under a temporary name, fsync it, then rename it: no footer-less file
    ever carries the final name. The caller fsyncs the folder once its batch of files is written."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, temporary)
    _fsync_file(temporary)
    os.replace(temporary, path)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def merge_parquet_atomic(path: Path, parts: list[Path], schema: pa.Schema) -> None:
    """Concatenate Parquet files (one row group each, in order) into ``path``, atomically."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    if parts:
        with pq.ParquetWriter(temporary, schema) as writer:
            for part in parts:
                writer.write_table(pq.read_table(part, schema=schema))
    else:
        pq.write_table(schema.empty_table(), temporary)
    _fsync_file(temporary)
    _replace_durably(temporary, path)


def read_manifest(folder: Path) -> dict | None:
    """The manifest of ``folder``, or None when it has none; an error when it is not ours."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StreamOutputError(f"its manifest cannot be read ({exc})", where=str(path),
                                fix="rerun `exposure stream` into a new folder") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise StreamOutputError(f"{MANIFEST} is not the manifest of an `exposure stream` output",
                                where=str(path), fix="choose another folder")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise StreamOutputError(f"written in output format {manifest.get('format_version')}, this library reads "
                                f"format {FORMAT_VERSION}", where=str(folder),
                                fix="rerun `exposure stream` with --overwrite to rewrite it")
    return manifest


def write_manifest(folder: Path, manifest: dict) -> None:
    atomic_write_bytes(folder / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())


def listed_files(manifest: dict) -> set[str]:
    """Every file name the manifest accounts for (besides itself)."""
    names = set(manifest.get("files", {}))
    for batch in manifest.get("parts", []):
        names.update(entry["file"] for entry in batch["tables"].values())
    return names


@contextlib.contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (POSIX ``flock``), refusing if another run holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no second-run protection
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ArgumentError("another `exposure stream` run is writing this output now", where=str(folder),
                                fix="wait for it to finish, or write to another folder") from None
        yield
    finally:
        os.close(descriptor)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


def publish(staging: Path, folder: Path) -> None:
    """Put the finished ``staging`` folder in place of ``folder``.

    Where the system can swap two folders in one step (Linux), ``folder`` always holds either the
    previous output or the new one; elsewhere the previous output is renamed aside first and
    removed once the new one is in place.
    """
    if not folder.exists():
        os.rename(staging, folder)
    elif _exchange(staging, folder):
        sync_folder(folder.parent)
        shutil.rmtree(staging)
    else:
        aside = folder.parent / f".{folder.name}.previous-{os.getpid()}"
        os.rename(folder, aside)
        os.rename(staging, folder)
        shutil.rmtree(aside)
    sync_folder(folder.parent)


def remove_strays(staging: Path, manifest: dict) -> None:
    """Delete temporary files and parts written after the manifest's last update (a killed batch)."""
    keep = listed_files(manifest) | {MANIFEST, REJECTS}
    for path in sorted(staging.rglob("*"), reverse=True):
        relative = path.relative_to(staging).as_posix()
        if path.is_file() and relative not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(size)
        handle.flush()
        os.fsync(handle.fileno())


def verify(folder: Path, name: str, entry: dict) -> Path:
    """The path of a listed file after checking it is there, unchanged (sha256)."""
    path = folder / name
    if not path.is_file():
        raise StreamOutputError(f"{name} is missing", where=str(folder),
                                fix="rerun `exposure stream` with --overwrite to rewrite the output")
    if sha256_file(path, entry.get("bytes")) != entry["sha256"]:
        raise StreamOutputError(f"checksum mismatch: {name} changed since it was written", where=str(path),
                                fix="rerun `exposure stream` with --overwrite to rewrite the output")
    return path


def _incomplete(folder: Path, manifest: dict, staging: Path | None = None) -> StreamOutputError:
    progress = manifest.get("progress", {})
    done = f"{progress.get('batches_done', 0)} batch(es) ({progress.get('n_events', 0)} events)"
    problem = (f"incomplete: a run into it stopped before finishing, after {done}; they are in {staging}"
               if staging else f"incomplete: the run writing it stopped after {done}")
    return StreamOutputError(
        problem, where=str(folder),
        fix="continue it with `exposure stream IN OUT --resume` (map_stream(..., resume=True)) or rerun it "
        "with --overwrite; to read what is there, pass allow_incomplete=True (--allow-incomplete)")


def output_manifest(path: str | os.PathLike[str], allow_incomplete: bool = False) -> tuple[Path, dict]:
    """The folder and manifest of a stream output, refusing what readers must not read silently."""
    folder = Path(path)
    staging = staging_path(folder)
    manifest = read_manifest(folder) if folder.is_dir() else None
    if manifest is None:
        pending = read_manifest(staging) if staging.is_dir() else None
        if pending is not None:
            if not allow_incomplete:
                raise _incomplete(folder, pending, staging)
            return staging, pending
        if not folder.exists():
            raise StreamOutputError("does not exist", where=str(folder), fix="give the folder `exposure stream` wrote")
        raise StreamOutputError(f"not an `exposure stream` output (no {MANIFEST})", where=str(folder),
                                fix="give the folder `exposure stream` wrote, or rerun it into this folder")
    if manifest.get("status") != "complete" and not allow_incomplete:
        raise _incomplete(folder, manifest)
    return folder, manifest


def table_files(path: str | os.PathLike[str], table: str, allow_incomplete: bool = False) -> list[Path]:
    """The verified Parquet files holding ``table`` of a stream output, in row order.

    ``path`` is an output folder, or one of its table files; a Parquet file outside an output
    folder (no manifest beside it) is the caller's own and is returned as it is.
    """
    given = Path(path)
    if given.is_file():
        if not (given.parent / MANIFEST).is_file():
            return [given]
        table = given.name.removesuffix(".parquet")
        given = given.parent
    folder, manifest = output_manifest(given, allow_incomplete)
    if manifest.get("status") == "complete":
        name = f"{table}.parquet"
        if name not in manifest["files"]:
            raise StreamOutputError(f"has no table {table}", where=str(folder), fix="give a table the output has")
        return [verify(folder, name, manifest["files"][name])]
    return [verify(folder, batch["tables"][table]["file"], batch["tables"][table])
            for batch in manifest.get("parts", []) if table in batch["tables"]]
