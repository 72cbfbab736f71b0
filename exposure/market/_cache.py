"""An on-disk Parquet cache of prices: one file per symbol and field, with the dates it covers.

Each file holds the values and, in its Parquet metadata, the date ranges already asked of the
source (so a holiday or a late listing is not fetched again) and what the source said about the
symbol (currency, exchange). Data and coverage live in the same file and every write goes to a
temporary file in the same folder that then replaces the old one (``os.replace``), so a process
killed mid-write leaves the previous file whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from exposure.market._result import FIELDS
from exposure.errors import ArgumentError, ExposureWarning

__all__ = ["MarketDataWarning", "PriceCache", "default_cache_dir", "offline_mode"]

_KEY = b"exposure.cache"
_VERSION = 1


class MarketDataWarning(ExposureWarning):
    """Market data were usable but something was off: an unreadable cache file, a retry."""


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

        New values win over cached ones on the same date; the covered ranges are merged.
        """
        old, ranges, old_meta = self._load(symbol, field)
        new = pd.Series(values, dtype=np.float64).dropna()
        new.index = pd.DatetimeIndex(new.index).normalize()
        merged = pd.concat([old[~old.index.isin(new.index)], new]).sort_index()
        merged.index.name = "date"
        ranges = _merge([*ranges, (pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize())])
        header = {
            "version": _VERSION,
            "symbol": symbol,
            "field": field,
            "covered": [[a.date().isoformat(), b.date().isoformat()] for a, b in ranges],
            "meta": {**old_meta, **(meta or {})},
        }
        _atomic_write(merged, header, self.path(symbol, field))

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

    def _load(self, symbol: str, field: str) -> tuple[pd.Series, list[Range], dict[str, object]]:
        empty = pd.Series(dtype=np.float64, index=pd.DatetimeIndex([], name="date"), name=symbol)
        path = self.path(symbol, field)
        if not path.is_file():
            return empty, [], {}
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
            header = json.loads((table.schema.metadata or {})[_KEY])
            frame = table.to_pandas()
        except Exception as exc:  # any unreadable file: refetch rather than fail
            warnings.warn(
                f"cache file {path} cannot be read ({type(exc).__name__}: {exc}); ignoring it, the "
                "data will be fetched again. Delete the file to silence this.",
                MarketDataWarning, stacklevel=3,
            )
            return empty, [], {}
        values = frame["value"].astype(np.float64)
        values.index = pd.DatetimeIndex(frame.index, name="date")
        ranges = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in header.get("covered", [])]
        return values.rename(symbol), _merge(ranges), dict(header.get("meta") or {})


def _merge(ranges: list[Range]) -> list[Range]:
    out: list[Range] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + pd.Timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _atomic_write(values: pd.Series, header: dict[str, object], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(values.to_frame("value"), preserve_index=True)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _KEY: json.dumps(header).encode()})
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
