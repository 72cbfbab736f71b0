"""Blend results kept by graph version, price-data hash and settings: in memory, and on disk when asked.

A disk entry is two files named by the key: ``<key>.parquet`` (the table) and ``<key>.json``
(everything else, with the table's sha256). An entry that fails its check is rebuilt with a
:class:`~exposure.errors.CacheWarning`; a folder that cannot be written is skipped the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pandas as pd

from exposure.errors import CacheWarning

MEMORY_ENTRIES = 64
_MEMORY: OrderedDict[str, tuple[pd.DataFrame, dict]] = OrderedDict()


def frame_hash(frame: pd.DataFrame | None) -> str:
    """Content hash of a date x column frame of numbers (index, columns and values).

    >>> a = pd.DataFrame({"X": [0.1, np.nan]}, index=pd.to_datetime(["2024-01-02", "2024-01-03"]))
    >>> frame_hash(a) == frame_hash(a.copy()), frame_hash(a) == frame_hash(a * 2)
    (True, False)
    >>> b = a.set_axis(["x", "y"])
    >>> frame_hash(b) == frame_hash(b.set_axis(["x", "y"])), frame_hash(b) == frame_hash(a)
    (True, False)
    """
    if frame is None:
        return "none"
    digest = hashlib.sha256()
    digest.update(json.dumps([str(c) for c in frame.columns]).encode())
    # by content, as the graph version is: an object index's raw bytes would be its pointers
    digest.update(pd.util.hash_pandas_object(frame.index.to_series(), index=False).to_numpy().tobytes())
    digest.update(np.ascontiguousarray(frame.to_numpy(dtype=float)).tobytes())
    return digest.hexdigest()[:20]


def cache_key(**parts: object) -> str:
    """Key of one blend: the hash of its inputs' identities (graph version, data hashes, settings)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


def default_blend_cache_dir() -> Path | None:
    """``$EXPOSURE_CACHE_DIR/blend`` when that variable is set, else None (memory only)."""
    chosen = os.environ.get("EXPOSURE_CACHE_DIR", "").strip()
    return Path(chosen).expanduser() / "blend" if chosen else None


def load(key: str, folder: Path | None) -> tuple[pd.DataFrame, dict] | None:
    """The cached table and metadata of ``key``, or None."""
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        table, meta = _MEMORY[key]
        return table.copy(), dict(meta)
    if folder is None:
        return None
    table_file, meta_file = folder / f"{key}.parquet", folder / f"{key}.json"
    if not (table_file.is_file() and meta_file.is_file()):
        return None
    try:
        meta = json.loads(meta_file.read_text())
        if hashlib.sha256(table_file.read_bytes()).hexdigest() != meta.get("sha256"):
            raise ValueError("the table does not match its checksum")
        table = pd.read_parquet(table_file)
    except Exception as exc:  # noqa: BLE001 - a cache never stops a run: anything unforeseen means rebuild
        warnings.warn(f"blend cache entry {table_file} is not used ({type(exc).__name__}: {str(exc)[:200]}); "
                      "it is estimated afresh and rewritten", CacheWarning, stacklevel=3)
        return None
    _remember(key, table, meta)
    return table.copy(), dict(meta)


def save(key: str, folder: Path | None, table: pd.DataFrame, meta: dict) -> None:
    """Keep the entry in memory, and on disk when a folder is given (atomically)."""
    _remember(key, table, meta)
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as handle:
            table.to_parquet(handle.name)
        data = Path(handle.name).read_bytes()
        text = json.dumps({**meta, "sha256": hashlib.sha256(data).hexdigest()})
        os.replace(handle.name, folder / f"{key}.parquet")
        with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tmp", delete=False) as handle:
            handle.write(text)
        os.replace(handle.name, folder / f"{key}.json")
    except OSError as exc:
        warnings.warn(f"blend cache folder {folder} cannot be written ({exc}); results are not kept on disk",
                      CacheWarning, stacklevel=3)


def _remember(key: str, table: pd.DataFrame, meta: dict) -> None:
    _MEMORY[key] = (table.copy(), dict(meta))
    _MEMORY.move_to_end(key)
    while len(_MEMORY) > MEMORY_ENTRIES:
        _MEMORY.popitem(last=False)
