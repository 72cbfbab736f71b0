"""On-disk cache of compiled operators, keyed by graph version, so batch jobs compile once.

Nothing in the cache can run code: sparse matrices are plain ``.npy`` arrays (their header is
checked, then the data taken as raw numbers, never unpickled), labels and tables are JSON, and a
JSON manifest records the graph version, the library version, ``decay``, ``max_hops``, the cache
format and the size and sha256 of every file. A file is read once through one handle (a link, a
FIFO or a device is refused), its bytes checked against the manifest before anything is parsed,
and the arrays then checked for dtype, shape, byte count and index bounds. An entry that fails
any check is rebuilt with a :class:`~exposure.errors.CacheWarning` naming the file and the reason;
a folder that cannot be written makes the cache step off with a warning. Old pickle files
(``*.pkl``, cache format 2) are never opened.

The checks catch accidental damage (a torn copy, a flipped bit, another version). Whoever can
write the cache folder can still plant a self-consistent entry with wrong numbers, so keep
``$EXPOSURE_CACHE_DIR`` writable by you alone.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import shutil
import stat
import time
import warnings
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _distribution_version
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from exposure.errors import CacheWarning
from exposure.graph._compile import STEP_COLUMNS, CompiledGraph, check_walk_mass
from exposure.io._files import atomic_write_bytes, read_regular_file, sha256_bytes, sync_folder

CACHE_FORMAT = 3
"""Bumped whenever the stored layout or :class:`CompiledGraph` changes shape (2 was pickle)."""

MANIFEST = "manifest.json"
LABELS = "labels.json"
MATRICES = ("step_operator", "listing", "theme_activation", "exposure", "impact")
_PARTS = ("data", "indices", "indptr")
_MAX_MANIFEST_BYTES = 1 << 20
_LISTING_COLUMNS = ["company", "security"]


class CacheEntryError(Exception):
    """Why one cache entry cannot be trusted: the file at fault and the reason."""

    def __init__(self, file: str | os.PathLike[str], reason: str) -> None:
        self.file = str(file)
        self.reason = reason
        super().__init__(f"{file}: {reason}")


def library_version() -> str:
    """The installed ``exposure`` version (``0.0.0`` when run from an uninstalled tree)."""
    try:
        return _distribution_version("exposure")
    except PackageNotFoundError:
        return "0.0.0"


def default_compiled_cache_dir() -> Path | None:
    """``$EXPOSURE_CACHE_DIR/compiled`` when that variable is set, else None (no disk cache)."""
    chosen = os.environ.get("EXPOSURE_CACHE_DIR", "").strip()
    return Path(chosen).expanduser() / "compiled" if chosen else None


def compiled_cache_entry(folder: str | os.PathLike[str], version: str, decay: float, max_hops: int) -> Path:
    """The folder holding the operators of one graph version, setting, cache format and library version.

    >>> compiled_cache_entry("/tmp/c", "kg-0123456789ab", 0.5, 4).name.startswith('kg-0123456789ab-d0.5-h4-f3-v')
    True
    """
    library = "".join(c if c.isalnum() or c in ".+" else "_" for c in library_version())
    return Path(folder) / f"{version}-d{float(decay)!r}-h{int(max_hops)}-f{CACHE_FORMAT}-v{library}"


def compile_cached(
    folder: str | os.PathLike[str] | None,
    version: str,
    decay: float,
    max_hops: int,
    build: Callable[[], CompiledGraph],
) -> CompiledGraph:
    """The operators from the cache entry in ``folder`` when it passes every check, else ``build()``.

    A built result is stored for next time. A damaged or mismatched entry is reported with a
    :class:`CacheWarning` and replaced; a folder that cannot be written (read-only, full, not a
    folder) is reported once with a :class:`CacheWarning` and the result is returned all the same.
    """
    if folder is None:
        return build()
    entry = compiled_cache_entry(folder, version, decay, max_hops)
    compiled = None
    try:
        compiled = load_compiled(entry, version, decay, max_hops)
    except CacheEntryError as exc:
        warnings.warn(f"compiled-graph cache {exc.file} is not used ({exc.reason}); the graph is compiled "
                      "afresh and the entry rewritten", CacheWarning, stacklevel=3)
    except Exception as exc:  # noqa: BLE001 - a cache never stops a run: anything unforeseen means rebuild
        warnings.warn(f"compiled-graph cache {entry} is not used ({type(exc).__name__}: {str(exc)[:200]}); "
                      "the graph is compiled afresh and the entry rewritten", CacheWarning, stacklevel=3)
    if compiled is not None:
        check_walk_mass(compiled.step_operator, compiled.concepts, decay=decay, max_hops=max_hops)
        return compiled
    compiled = build()
    try:
        save_compiled(compiled, entry)
    except OSError as exc:
        _warn_unwritable(Path(folder), exc)
    return compiled


def load_compiled(entry: Path, version: str, decay: float, max_hops: int) -> CompiledGraph | None:
    """The cached operators of ``entry``; None when there is no entry.

    Raises
    ------
    CacheEntryError
        When the entry exists but a file is missing, damaged, of another version or setting, or
        holds arrays of the wrong dtype, shape or bounds.
    """
    manifest_path = entry / MANIFEST
    try:
        raw = read_regular_file(manifest_path, max_bytes=_MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        if entry.is_dir() and any(entry.iterdir()):
            raise CacheEntryError(manifest_path, "the manifest is missing") from None
        return None
    except NotADirectoryError:
        return None
    except OSError as exc:
        raise CacheEntryError(manifest_path, f"cannot be read ({exc})") from None
    manifest = _parse_manifest(manifest_path, raw, version, decay, max_hops)
    blobs = {name: _checked_bytes(entry / name, spec) for name, spec in manifest["files"].items()}
    labels = _parse_labels(entry / LABELS, blobs[LABELS])
    sizes = {"concepts": len(labels["concepts"]), "securities": len(labels["securities"]),
             "themes": len(labels["themes"])}
    shapes = {
        "step_operator": (sizes["concepts"], sizes["concepts"]),
        "listing": (sizes["concepts"], sizes["securities"]),
        "theme_activation": (sizes["concepts"], sizes["themes"]),
        "exposure": (sizes["securities"], sizes["themes"]),
        "impact": (sizes["concepts"], sizes["securities"]),
    }
    matrices = {}
    for name, spec in manifest["matrices"].items():
        if tuple(spec["shape"]) != shapes[name]:
            raise CacheEntryError(manifest_path, f"{name} is {spec['shape']}, the labels make it {list(shapes[name])}")
        matrices[name] = _matrix(entry, name, blobs, shapes[name], spec["nnz"])
    compiled = CompiledGraph(
        version=version, decay=float(decay), max_hops=int(max_hops),
        concepts=pd.Index(labels["concepts"], name="concept", dtype="str"),
        securities=pd.Index(labels["securities"], name="security", dtype="str"),
        themes=pd.Index(labels["themes"], name="theme", dtype="str"),
        steps=labels["steps"], listings=labels["listings"],
        step_operator=matrices["step_operator"], listing=matrices["listing"],
        theme_activation=matrices["theme_activation"], exposure=matrices["exposure"],
    )
    if "impact" in matrices:
        compiled.__dict__["impact"] = matrices["impact"]  # what the cached_property would hold
    return compiled


def save_compiled(compiled: CompiledGraph, entry: Path) -> None:
    """Write an entry: files in a fresh hidden folder beside it, manifest last, then one rename.

    A killed process leaves at most a hidden ``.tmp-*`` folder (never read, removed by a later
    save once ten minutes old); a damaged entry in the way is moved aside and removed. When
    another process published the same entry first, its copy is kept. Raises ``OSError`` when
    the folder cannot be written.
    """
    parent = entry.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(parent)
    staging = parent / f".tmp-{entry.name}-{secrets.token_hex(6)}"
    staging.mkdir()
    try:
        files = {LABELS: _labels_json(compiled)}
        matrices = {}
        for name in MATRICES:
            if name == "impact" and not compiled.has_impact:
                continue
            matrix = getattr(compiled, name)
            matrices[name] = {"shape": [int(n) for n in matrix.shape], "nnz": int(matrix.nnz)}
            for part in _PARTS:
                buffer = io.BytesIO()
                np.save(buffer, np.ascontiguousarray(getattr(matrix, part)), allow_pickle=False)
                files[f"{name}.{part}.npy"] = buffer.getvalue()
        for name, data in files.items():
            atomic_write_bytes(staging / name, data)
        manifest = {
            "format": "exposure.compiled-graph",
            "cache_format": CACHE_FORMAT,
            "library_version": library_version(),
            "graph_version": compiled.version,
            "decay": float(compiled.decay),
            "max_hops": int(compiled.max_hops),
            "materialized": compiled.has_impact,
            "matrices": matrices,
            "files": {name: {"bytes": len(data), "sha256": sha256_bytes(data)} for name, data in files.items()},
        }
        atomic_write_bytes(staging / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        _publish(staging, entry)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


STALE_STAGING_SECONDS = 600.0
"""Hidden ``.tmp-*`` folders older than this are a killed writer's leftovers and are removed."""


def _remove_stale_staging(parent: Path) -> None:
    limit = time.time() - STALE_STAGING_SECONDS
    for leftover in parent.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            info = leftover.lstat()
            if stat.S_ISDIR(info.st_mode) and info.st_mtime < limit:
                shutil.rmtree(leftover, ignore_errors=True)


def _publish(staging: Path, entry: Path) -> None:
    if entry.exists() or entry.is_symlink():
        aside = entry.parent / f".tmp-old-{entry.name}-{secrets.token_hex(6)}"
        with contextlib.suppress(FileNotFoundError):
            os.replace(entry, aside)
        if aside.is_dir() and not aside.is_symlink():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                aside.unlink()
    try:
        os.rename(staging, entry)
    except OSError:
        if not (entry / MANIFEST).is_file():  # not another process's finished copy: a real failure
            raise
    sync_folder(entry.parent)


_WARNED_FOLDERS: set[str] = set()


def _warn_unwritable(folder: Path, exc: OSError) -> None:
    key = str(folder)
    if key in _WARNED_FOLDERS:
        return
    _WARNED_FOLDERS.add(key)
    warnings.warn(f"compiled-graph cache folder {folder} cannot be written ({type(exc).__name__}: {exc}); "
                  "running without the disk cache. Fix: point EXPOSURE_CACHE_DIR at a writable folder, or "
                  "unset it", CacheWarning, stacklevel=4)


def _parse_manifest(path: Path, raw: bytes, version: str, decay: float, max_hops: int) -> dict:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CacheEntryError(path, f"not valid JSON ({type(exc).__name__})") from None
    if not isinstance(manifest, dict):
        raise CacheEntryError(path, "not a JSON object")
    expected = {
        "format": "exposure.compiled-graph", "cache_format": CACHE_FORMAT, "library_version": library_version(),
        "graph_version": version, "decay": float(decay), "max_hops": int(max_hops),
    }
    for key, value in expected.items():
        found = manifest.get(key)
        if type(found) is not type(value) or found != value:
            raise CacheEntryError(path, f"{key} is {found!r}, expected {value!r}")
    materialized = manifest.get("materialized")
    if not isinstance(materialized, bool):
        raise CacheEntryError(path, "materialized is not true or false")
    wanted = {LABELS} | {f"{m}.{p}.npy" for m in MATRICES if m != "impact" or materialized for p in _PARTS}
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != wanted:
        raise CacheEntryError(path, "the list of files is not the expected one")
    for name, spec in files.items():
        if not (isinstance(spec, dict) and type(spec.get("bytes")) is int and spec["bytes"] >= 0
                and isinstance(spec.get("sha256"), str) and len(spec["sha256"]) == 64):
            raise CacheEntryError(path, f"the entry of {name} lacks a size or sha256")
    matrices = manifest.get("matrices")
    names = {m for m in MATRICES if m != "impact" or materialized}
    if not isinstance(matrices, dict) or set(matrices) != names:
        raise CacheEntryError(path, "the list of matrices is not the expected one")
    for name, spec in matrices.items():
        shape = spec.get("shape") if isinstance(spec, dict) else None
        if not (isinstance(shape, list) and len(shape) == 2 and all(type(n) is int and n >= 0 for n in shape)
                and type(spec.get("nnz")) is int and spec["nnz"] >= 0):
            raise CacheEntryError(path, f"the shape or nnz of {name} is malformed")
    return manifest


def _checked_bytes(path: Path, spec: dict) -> bytes:
    try:
        data = read_regular_file(path, max_bytes=spec["bytes"])
    except FileNotFoundError:
        raise CacheEntryError(path, "the file is missing") from None
    except OSError as exc:
        raise CacheEntryError(path, f"cannot be read ({exc})") from None
    if len(data) != spec["bytes"]:
        raise CacheEntryError(path, f"is {len(data)} bytes, the manifest says {spec['bytes']}")
    if sha256_bytes(data) != spec["sha256"]:
        raise CacheEntryError(path, "its sha256 differs from the manifest (a damaged or replaced file)")
    return data


def _labels_json(compiled: CompiledGraph) -> bytes:
    table = {
        "concepts": compiled.concepts.tolist(),
        "securities": compiled.securities.tolist(),
        "themes": compiled.themes.tolist(),
        "steps": {column: compiled.steps[column].tolist() for column in STEP_COLUMNS},
        "listings": {column: compiled.listings[column].tolist() for column in _LISTING_COLUMNS},
    }
    return json.dumps(table, allow_nan=False, separators=(",", ":")).encode()


def _parse_labels(path: Path, raw: bytes) -> dict:
    try:
        table = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CacheEntryError(path, f"not valid JSON ({type(exc).__name__})") from None

    def strings(value, what: str, unique: bool = False) -> list[str]:
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise CacheEntryError(path, f"{what} is not a list of strings")
        if unique and len(set(value)) != len(value):
            raise CacheEntryError(path, f"{what} repeats a label")
        return value

    if not isinstance(table, dict):
        raise CacheEntryError(path, "not a JSON object")
    out = {key: strings(table.get(key), key, unique=True) for key in ("concepts", "securities", "themes")}
    for key, columns in (("steps", STEP_COLUMNS), ("listings", _LISTING_COLUMNS)):
        frame = table.get(key)
        if not isinstance(frame, dict) or list(frame) != columns:
            raise CacheEntryError(path, f"{key} does not hold the columns {columns}")
        lengths = {len(v) if isinstance(v, list) else -1 for v in frame.values()}
        if len(lengths) != 1:
            raise CacheEntryError(path, f"the columns of {key} differ in length")
        data = {}
        for column, values in frame.items():
            if column == "weight":
                if not all(type(v) is float for v in values):
                    raise CacheEntryError(path, f"{key}.{column} holds a value that is not a number")
                data[column] = np.array(values, dtype=np.float64)
            else:
                data[column] = pd.array(strings(values, f"{key}.{column}"), dtype="str")
        out[key] = pd.DataFrame(data)
    return out


def _array(path: Path, blob: bytes, length: int, dtypes: tuple[np.dtype, ...]) -> np.ndarray:
    """A 1-D ``.npy`` array of ``length`` items of one of ``dtypes``, its header checked before any
    memory is allocated (a header may not promise more data than the file holds); never unpickles."""
    buffer = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(buffer)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(buffer)
        elif version == (2, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(buffer)
        else:
            raise ValueError(f"format version {version}")
    except Exception as exc:  # noqa: BLE001 - whatever the header parser meets, the file is not ours
        raise CacheEntryError(path, f"not a plain .npy array ({type(exc).__name__}: {str(exc)[:120]})") from None
    if dtype not in dtypes or dtype.hasobject:
        raise CacheEntryError(path, f"dtype {dtype} is not one of {', '.join(str(d) for d in dtypes)}")
    if shape != (length,):
        raise CacheEntryError(path, f"shape {shape} is not ({length},)")
    if len(blob) - buffer.tell() != length * dtype.itemsize:
        raise CacheEntryError(path, "the data do not fill the shape the header gives")
    return np.frombuffer(blob, dtype=dtype, count=length, offset=buffer.tell()).copy()


_FLOAT = (np.dtype(np.float64),)
_INDEX = (np.dtype(np.int32), np.dtype(np.int64))


def _matrix(entry: Path, name: str, blobs: dict[str, bytes], shape: tuple[int, int], nnz: int) -> sp.csr_array:
    def part(which: str, length: int, dtypes) -> np.ndarray:
        file = f"{name}.{which}.npy"
        return _array(entry / file, blobs[file], length, dtypes)

    data = part("data", nnz, _FLOAT)
    indices = part("indices", nnz, _INDEX)
    indptr = part("indptr", shape[0] + 1, (indices.dtype,))
    where = entry / f"{name}.*.npy"
    if indptr[0] != 0 or indptr[-1] != nnz or (np.diff(indptr) < 0).any() or (
            nnz and (indices.min() < 0 or indices.max() >= shape[1])):
        raise CacheEntryError(where, "row pointers or column indices are out of bounds")
    matrix = sp.csr_array((data, indices, indptr), shape=shape, copy=False)
    matrix.indices, matrix.indptr = indices, indptr  # keep the stored index dtype: bit-identical operators
    return matrix
