"""An on-disk Parquet cache of prices: one file per symbol and field, with the dates it covers.

Each file holds the values and, in its Parquet metadata, the date ranges already asked of the
source (so a holiday or a late listing is not fetched again), what the source said about the
symbol (currency, exchange) and a sha256 of all of that, dates and values included. Data,
coverage and checksum live in the same file, so one atomic replace (temporary file, ``fsync``,
``os.replace``) updates them together and a process killed mid-write leaves the previous file
whole.

A reader takes the bytes of one open handle (a file replaced meanwhile is read entirely old or
entirely new) and recomputes the checksum: a file that does not match is dropped with a
:class:`PriceCacheWarning` and fetched again, never served. Writers hold a lock file beside the
data around read-merge-replace, so two processes merging into one symbol never lose each other's
history, and remove temporary files that killed writers left more than ten minutes ago. When the
folder cannot be written (read-only, full, not a folder) the cache keeps the merged values in
memory for the rest of the process and says so once.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from pathlib import Path
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, CacheWarning, ExposureWarning
from exposure.io._files import atomic_write_bytes, file_lock, read_regular_file, remove_stale_temp_files
from exposure.market._result import FIELDS

__all__ = ["MarketDataWarning", "PriceCache", "PriceCacheWarning", "default_cache_dir", "offline_mode"]

_KEY = b"exposure.cache"
_VERSION = 3
_MAGIC = b"EXPOSURE-PRICE-CACHE 3\n"
"""A cache file is this line, the sha256 (hex) of the Parquet bytes and a newline, then the Parquet
bytes: the digest is checked before any byte reaches the Parquet parser, so a damaged file is
never parsed (a parser handed garbage may abort the process, not raise)."""
_MAX_FILE_BYTES = 256 << 20
STALE_TEMP_SECONDS = 600.0
"""Temporary files older than this are a killed writer's leftovers and are removed."""
LOCK_TIMEOUT_SECONDS = 60.0


class MarketDataWarning(ExposureWarning):
    """Market data were usable but something was off: an unreadable cache file, a retry."""


class PriceCacheWarning(MarketDataWarning, CacheWarning):
    """A price-cache file was dropped (damaged, unreadable, older format) or the folder cannot be
    written; the prices are fetched again or kept in memory. Both a market-data and a cache warning."""


class _Damaged(Exception):
    """A cache file whose content cannot be trusted: it is dropped and refetched."""


def default_cache_dir() -> Path:
    """``$EXPOSURE_CACHE_DIR``, else the platform's user cache folder plus ``exposure``.

    Examples
    --------
    >>> import os
    >>> os.environ["EXPOSURE_CACHE_DIR"] = "/tmp/exposure-cache"
    >>> str(default_cache_dir())
    '/tmp/exposure-cache'
    >>> del os.environ["EXPOSURE_CACHE_DIR"]
    """
    chosen = os.environ.get("EXPOSURE_CACHE_DIR", "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "exposure" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "exposure"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "exposure"


def offline_mode() -> bool:
    """True when ``EXPOSURE_OFFLINE`` is ``1``, ``true``, ``yes`` or ``on``: use the cache only."""
    return os.environ.get("EXPOSURE_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


Range = tuple[pd.Timestamp, pd.Timestamp]


class PriceCache:
    """Prices on disk, per symbol and field, with the date ranges they cover.

    Parameters
    ----------
    directory : str or os.PathLike, optional
        Default :func:`default_cache_dir` (``$EXPOSURE_CACHE_DIR`` moves it).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> cache = PriceCache(tempfile.mkdtemp())
    >>> days = pd.to_datetime(["2022-02-23", "2022-02-24"])
    >>> cache.write("LMT", "close", pd.Series([390.1, 402.0], index=days), "2022-02-21", "2022-02-25")
    >>> cache.gaps("LMT", "close", "2022-02-21", "2022-03-04")
    [(Timestamp('2022-02-26 00:00:00'), Timestamp('2022-03-04 00:00:00'))]
    >>> cache.read("LMT", "close").tolist()
    [390.1, 402.0]
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self._memory: dict[tuple[str, str], _State] = {}
        self._warned_unwritable = False

    def __repr__(self) -> str:
        return f"PriceCache({str(self.directory)!r})"

    def path(self, symbol: str, field: str) -> Path:
        """The file of one symbol and field (the symbol is percent-encoded: ``^GSPC`` -> ``%5EGSPC``)."""
        if field not in FIELDS:
            raise ArgumentError(f"field must be one of {FIELDS}, not {field!r}")
        return self.directory / "prices" / quote(symbol, safe="") / f"{field}.parquet"

    def read(self, symbol: str, field: str) -> pd.Series:
        """The cached values (index ``date``); empty when nothing is cached."""
        return self._load(symbol, field)[0]

    def covered(self, symbol: str, field: str) -> list[Range]:
        """The date ranges already fetched (inclusive), merged and sorted."""
        return self._load(symbol, field)[1]

    def meta(self, symbol: str, field: str) -> dict[str, object]:
        """What the source said about the symbol when it was cached (currency, exchange, ...)."""
        return self._load(symbol, field)[2]

    def gaps(self, symbol: str, field: str, start: object, end: object) -> list[Range]:
        """The parts of ``start..end`` (inclusive) not covered yet that hold at least one weekday."""
        lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
        out: list[Range] = []
        cursor = lo
        for a, b in self.covered(symbol, field):
            if b < cursor:
                continue
            if a > hi:
                break
            if a > cursor:
                out.append((cursor, min(a - pd.Timedelta(days=1), hi)))
            cursor = max(cursor, b + pd.Timedelta(days=1))
        if cursor <= hi:
            out.append((cursor, hi))
        return [(a, b) for a, b in out if len(pd.bdate_range(a, b))]

    def write(
        self,
        symbol: str,
        field: str,
        values: pd.Series,
        start: object,
        end: object,
        *,
        meta: dict[str, object] | None = None,
    ) -> None:
        """Merge ``values`` fetched for ``start..end`` into the cache, atomically.

        New values win over cached ones on the same date; the covered ranges are merged. The
        read-merge-replace runs under a lock file, so concurrent writers never lose history.
        When the folder cannot be written, the merged values stay in memory for this cache
        object (a :class:`PriceCacheWarning` says so once).
        """
        new = pd.Series(values, dtype=np.float64).dropna()
        new.index = pd.DatetimeIndex(new.index).normalize()
        added = (new, [(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize())], dict(meta or {}))
        path = self.path(symbol, field)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with file_lock(path.parent / f".{field}.lock", timeout=LOCK_TIMEOUT_SECONDS):
                remove_stale_temp_files(path.parent, older_than=STALE_TEMP_SECONDS, prefix=f".{path.name}.")
                state = self._load(symbol, field, strict=True)
                held = self._memory.get((symbol, field))
                if held is not None:  # what an earlier failed write kept, over what is on disk now
                    state = _combine(state, *held)
                state = _combine(state, *added)
                atomic_write_bytes(path, _encode(state, symbol, field))
            self._memory.pop((symbol, field), None)
        except (OSError, TimeoutError) as exc:
            self._memory[(symbol, field)] = _combine(self._load(symbol, field), *added)
            if not self._warned_unwritable:
                self._warned_unwritable = True
                warnings.warn(
                    f"price cache {self.directory} cannot be written ({type(exc).__name__}: {exc}); prices "
                    "are kept in memory for this run only. Fix: point EXPOSURE_CACHE_DIR at a writable "
                    "folder", PriceCacheWarning, stacklevel=2)

    def manifest(self) -> pd.DataFrame:
        """One row per cached symbol and field: ``symbol, field, first, last, rows, covered, path``."""
        rows = []
        for path in sorted((self.directory / "prices").glob("*/*.parquet")):
            symbol, field = unquote(path.parent.name), path.stem
            values, ranges, _ = self._load(symbol, field)
            rows.append({
                "symbol": symbol, "field": field,
                "first": values.index.min() if len(values) else pd.NaT,
                "last": values.index.max() if len(values) else pd.NaT,
                "rows": len(values),
                "covered": "; ".join(f"{a.date()}..{b.date()}" for a, b in ranges),
                "path": str(path),
            })
        return pd.DataFrame(rows, columns=["symbol", "field", "first", "last", "rows", "covered", "path"])

    def clear(self, symbol: str | None = None) -> int:
        """Delete the cached files of ``symbol`` (or all); returns how many were removed."""
        root = self.directory / "prices"
        pattern = f"{quote(symbol, safe='')}/*.parquet" if symbol else "*/*.parquet"
        removed = 0
        for path in root.glob(pattern):
            path.unlink()
            removed += 1
        return removed

    def _load(self, symbol: str, field: str, *, strict: bool = False) -> _State:
        """Values, covered ranges and meta of one file; empty when absent or dropped as damaged.

        ``strict`` (writers, under the lock): what is on disk only, and an error reading an
        existing file (not its content) is raised, so a merge never replaces history it could
        not read.
        """
        if not strict and (symbol, field) in self._memory:
            return self._memory[(symbol, field)]
        empty = pd.Series(dtype=np.float64, index=pd.DatetimeIndex([], name="date"), name=symbol)
        path = self.path(symbol, field)
        try:
            data = read_regular_file(path, max_bytes=_MAX_FILE_BYTES)
        except (FileNotFoundError, NotADirectoryError):
            return empty, [], {}
        except OSError as exc:
            if strict:
                raise
            reason = f"{type(exc).__name__}: {exc}"
        else:
            try:
                values, ranges, meta = _decode(data, symbol, field)
                return values.rename(symbol), ranges, meta
            except _Damaged as exc:
                reason = str(exc)
            except Exception as exc:  # noqa: BLE001 - any parser failure means a damaged file
                reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        warnings.warn(
            f"cache file {path} cannot be read ({reason}); ignoring it, the data will be fetched again. "
            "Delete the file to silence this.",
            PriceCacheWarning, stacklevel=3,
        )
        return empty, [], {}


_State = tuple[pd.Series, list[Range], dict[str, object]]


def _merge(ranges: list[Range]) -> list[Range]:
    out: list[Range] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + pd.Timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _combine(state: _State, new: pd.Series, covered: list[Range], meta: dict[str, object]) -> _State:
    """``state`` with ``new`` values (winning on shared dates), ``covered`` ranges and ``meta`` merged in."""
    old, ranges, old_meta = state
    merged = pd.concat([old[~old.index.isin(new.index)], new]).sort_index()
    merged.index = pd.DatetimeIndex(merged.index, name="date")
    return merged.rename(old.name), _merge([*ranges, *covered]), {**old_meta, **meta}


def _checksum(header: dict[str, object], dates: np.ndarray, values: np.ndarray) -> str:
    """sha256 of the header (without its checksum), dates (int64 ns) and values (float64), in that order."""
    digest = hashlib.sha256(json.dumps(header, sort_keys=True, separators=(",", ":")).encode())
    digest.update(np.ascontiguousarray(dates, dtype="<i8").tobytes())
    digest.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    return digest.hexdigest()


def _encode(state: _State, symbol: str, field: str) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    values, ranges, meta = state
    dates = pd.DatetimeIndex(values.index).as_unit("ns").asi8
    numbers = values.to_numpy(np.float64)
    header = {
        "version": _VERSION,
        "symbol": symbol,
        "field": field,
        "covered": [[a.date().isoformat(), b.date().isoformat()] for a, b in ranges],
        "meta": meta,
    }
    header["sha256"] = _checksum(header, dates, numbers)
    table = pa.table({"date": pa.array(dates, type=pa.timestamp("ns")), "value": pa.array(numbers, pa.float64())})
    table = table.replace_schema_metadata({_KEY: json.dumps(header).encode()})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    body = sink.getvalue().to_pybytes()
    return _MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def _decode(data: bytes, symbol: str, field: str) -> _State:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not data.startswith(_MAGIC):
        raise _Damaged("not a cache file of this version (written by an older exposure, or damaged)")
    digest, body = data[len(_MAGIC):len(_MAGIC) + 64], data[len(_MAGIC) + 65:]
    if data[len(_MAGIC) + 64:len(_MAGIC) + 65] != b"\n" or hashlib.sha256(body).hexdigest().encode() != digest:
        raise _Damaged("its sha256 does not match its bytes: a damaged file")
    table = pq.read_table(pa.BufferReader(body), use_threads=False)
    header = json.loads((table.schema.metadata or {})[_KEY])
    if not isinstance(header, dict) or header.get("version") != _VERSION:
        raise _Damaged("unknown cache format")
    if table.schema.names != ["date", "value"] or table.schema.field("date").type != pa.timestamp("ns") \
            or table.schema.field("value").type != pa.float64():
        raise _Damaged("unexpected columns")
    dates = table.column("date").to_numpy().astype("datetime64[ns]").view("int64")
    numbers = table.column("value").to_numpy().astype(np.float64)
    stored = header.pop("sha256", None)
    if stored != _checksum(header, dates, numbers):
        raise _Damaged("its sha256 does not match the content: a damaged file")
    if header.get("symbol") != symbol or header.get("field") != field:
        raise _Damaged(f"it holds {header.get('symbol')!r} {header.get('field')!r}")
    values = pd.Series(numbers, index=pd.DatetimeIndex(dates.view("datetime64[ns]"), name="date"), name=symbol)
    ranges = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in header.get("covered", [])]
    return values, _merge(ranges), dict(header.get("meta") or {})
