"""Files that survive a crash and a neighbour: atomic writes, checksums, locks, stale temp files.

Every cache goes through these helpers: a write lands whole or not at all (temporary file in the
same folder, ``fsync``, ``os.replace``), a read takes the bytes of one open handle (so a file
replaced meanwhile is read entirely old or entirely new), checksums are sha256, and writers that
read, merge and replace one file hold a lock around the three steps.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

__all__ = [
    "TEMP_SUFFIX",
    "atomic_write_bytes",
    "file_lock",
    "read_regular_file",
    "remove_stale_temp_files",
    "sha256_bytes",
    "sha256_file",
    "sync_folder",
]

TEMP_SUFFIX = ".tmp"
"""Every temporary file these helpers create ends so, and starts with a dot."""

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``.

    >>> sha256_bytes(b"abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(data).hexdigest()


def read_regular_file(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> bytes:
    """All bytes of a regular file, read through one handle.

    A symbolic link, a FIFO, a device or a folder at ``path`` is refused (``OSError``) before a
    byte is read, so a planted ``/dev/zero`` link or a pipe cannot hang or flood the reader; a file
    larger than ``max_bytes`` is refused as well.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "a.bin"
    >>> _ = file.write_bytes(b"hello")
    >>> read_regular_file(file)
    b'hello'
    >>> read_regular_file(file, max_bytes=2)
    Traceback (most recent call last):
    ...
    OSError: ... is 5 bytes, more than the 2 allowed
    """
    fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NON_BLOCKING | _BINARY)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise OSError(f"{path} is {info.st_size} bytes, more than the {max_bytes} allowed")
        data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise OSError(f"{path} grew past the {max_bytes} bytes allowed while it was read")
    return data


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a regular file's bytes (see :func:`read_regular_file` for what is refused).

    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "a.bin"
    >>> _ = file.write_bytes(b"abc")
    >>> sha256_file(file) == sha256_bytes(b"abc")
    True
    """
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NON_BLOCKING | _BINARY)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader or a crash sees the old file or the new, whole.

    The bytes go to a temporary file (``.NAME.*.tmp``) in the same folder, are flushed to disk
    (``fsync``), then replace ``path`` in one rename; the folder is synced too where the platform
    allows. On any failure the temporary file is removed and the error raised.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "state.json"
    >>> atomic_write_bytes(file, b"{}")
    >>> file.read_bytes(), sorted(p.name for p in file.parent.iterdir())
    (b'{}', ['state.json'])
    """
    target = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(target.parent)


def write_csv_rows(path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    r"""Write a CSV file (UTF-8, ``\n`` line ends, quoted only where needed) whole or not at all;
    return the number of rows below the header. The graph's generated data files are written so.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "edges.csv"
    >>> write_csv_rows(file, ["from_id", "weight", "note"], [["gics:45", 0.58, "IT, 2018"]])
    1
    >>> file.read_text()
    'from_id,weight,note\ngics:45,0.58,"IT, 2018"\n'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    atomic_write_bytes(path, buffer.getvalue().encode("utf-8"))
    return count


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """``fsync`` a folder, so a rename in it survives a power cut (a no-op where unsupported)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str], *, timeout: float = 60.0) -> Iterator[None]:
    """Hold an exclusive inter-process lock on ``path`` (a lock file, created if absent).

    Raises ``TimeoutError`` when the lock is not free within ``timeout`` seconds, and ``OSError``
    when the lock file cannot be created (read-only or missing folder).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> lock = pathlib.Path(tempfile.mkdtemp()) / ".prices.lock"
    >>> with file_lock(lock):
    ...     pass
    """
    import filelock

    lock = filelock.FileLock(os.fspath(path), timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout as exc:
        raise TimeoutError(f"{path} stayed locked by another process for {timeout:g} s") from exc
    try:
        yield
    finally:
        lock.release()


def remove_stale_temp_files(folder: str | os.PathLike[str], *, older_than: float = 600.0,
                            prefix: str = ".") -> int:
    """Delete temporary files (``PREFIX*.tmp``) in ``folder`` older than ``older_than`` seconds.

    Such files are what a process killed between writing and renaming leaves behind; younger ones
    may belong to a writer still at work and are kept. Returns how many were removed; errors
    (a file another process removed first, a read-only folder) are ignored.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> old, new = folder / ".a.parquet.x1.tmp", folder / ".a.parquet.x2.tmp"
    >>> _ = old.write_bytes(b""); _ = new.write_bytes(b"")
    >>> os.utime(old, (0, 0))
    >>> remove_stale_temp_files(folder), sorted(p.name for p in folder.iterdir())
    (1, ['.a.parquet.x2.tmp'])
    """
    removed = 0
    limit = time.time() - older_than
    try:
        candidates = list(Path(folder).glob(f"{prefix}*{TEMP_SUFFIX}"))
    except OSError:
        return 0
    for candidate in candidates:
        with contextlib.suppress(OSError):
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
                candidate.unlink()
                removed += 1
    return removed
