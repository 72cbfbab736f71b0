"""On-disk cache of compiled operators, keyed by graph version, so batch jobs compile once.

A file's name holds everything the operators depend on: the graph's content hash, ``decay``,
``max_hops`` and the cache format. A graph that changed has another version, hence another file:
a stale entry can never be read back for a changed graph.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from exposure.graph._compile import CompiledGraph

CACHE_FORMAT = 2
"""Bumped whenever :class:`CompiledGraph` changes shape, which retires every older file."""


def default_compiled_cache_dir() -> Path | None:
    """``$EXPOSURE_CACHE_DIR/compiled`` when that variable is set, else None (no disk cache)."""
    chosen = os.environ.get("EXPOSURE_CACHE_DIR", "").strip()
    return Path(chosen).expanduser() / "compiled" if chosen else None


def compiled_cache_file(folder: str | os.PathLike[str], version: str, decay: float, max_hops: int) -> Path:
    """Where the operators of one graph version and setting live.

    >>> compiled_cache_file("/tmp/c", "kg-0123456789ab", 0.5, 4).name
    'kg-0123456789ab-d0.5-h4-f2.pkl'
    """
    return Path(folder) / f"{version}-d{float(decay)!r}-h{int(max_hops)}-f{CACHE_FORMAT}.pkl"


def load_compiled(path: Path, version: str) -> CompiledGraph | None:
    """The cached operators, or None when absent, unreadable or of another version."""
    try:
        with open(path, "rb") as handle:
            compiled = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(compiled, CompiledGraph) or compiled.version != version:
        return None
    return compiled


def save_compiled(compiled: CompiledGraph, path: Path) -> None:
    """Write atomically (temporary file, then rename): a killed process never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(compiled, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
