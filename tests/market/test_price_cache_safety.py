"""PriceCache safety: checksums verified on read, locked read-merge-replace across processes, stale
temporary files removed, an unwritable folder stepped over with the prices kept in memory."""

import errno
import json
import os
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pandas as pd
import pytest

from exposure.errors import CacheWarning
from exposure.market import MarketDataWarning, PriceCache, PriceCacheWarning
from exposure.market import _cache

DAYS = pd.bdate_range("2022-02-01", "2022-02-28")


def _series(scale=1.0):
    return pd.Series(np.arange(len(DAYS), dtype=float) * scale + 100.0, index=DAYS)


def _rewrite(path, edit):
    """Rewrite a cache file with its table or header edited, the stored content checksum kept and the
    outer digest of the bytes recomputed: a well-formed forgery only the content checksum can catch."""
    import hashlib

    import pyarrow as pa
    import pyarrow.parquet as pq

    from exposure.market._cache import _MAGIC

    data = path.read_bytes()
    table = pq.read_table(pa.BufferReader(data[len(_MAGIC) + 65:]))
    header = json.loads(table.schema.metadata[b"exposure.cache"])
    table, header = edit(table, header)
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata({b"exposure.cache": json.dumps(header).encode()}), sink)
    body = sink.getvalue().to_pybytes()
    path.write_bytes(_MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def test_a_price_changed_inside_a_well_formed_file_is_dropped_not_served(tmp_path):
    import pyarrow as pa

    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")

    def change_one_price(table, header):
        values = table.column("value").to_numpy().copy()
        values[5] = 456.03
        return table.set_column(1, "value", pa.array(values)), header

    _rewrite(cache.path("LMT", "close"), change_one_price)
    with pytest.warns(PriceCacheWarning, match="sha256 does not match"):
        assert cache.read("LMT", "close").empty
    with pytest.warns(PriceCacheWarning):
        assert cache.gaps("LMT", "close", "2022-02-01", "2022-02-28") == [
            (pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-28"))]


def test_a_widened_coverage_is_dropped_too(tmp_path):
    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")

    def widen(table, header):
        header["covered"] = [["2020-01-01", "2022-12-31"]]
        return table, header

    _rewrite(cache.path("LMT", "close"), widen)
    with pytest.warns(PriceCacheWarning):
        assert cache.covered("LMT", "close") == []


def test_a_file_of_the_older_format_without_checksum_is_refetched(tmp_path):
    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")

    def older(table, header):
        header.pop("sha256")
        header["version"] = 1
        return table, header

    _rewrite(cache.path("LMT", "close"), older)
    from exposure.market._cache import _MAGIC

    path = cache.path("LMT", "close")
    path.write_bytes(path.read_bytes()[len(_MAGIC) + 65:])  # older files were the bare Parquet
    with pytest.warns(PriceCacheWarning, match="written by an older exposure"):
        assert cache.read("LMT", "close").empty


def test_the_warning_is_both_a_market_data_and_a_cache_warning():
    assert issubclass(PriceCacheWarning, MarketDataWarning) and issubclass(PriceCacheWarning, CacheWarning)


def test_a_fifo_or_a_link_to_a_device_is_never_read(tmp_path):
    cache = PriceCache(tmp_path)
    path = cache.path("LMT", "close")
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    with pytest.warns(PriceCacheWarning, match="not a regular file"):
        assert cache.read("LMT", "close").empty
    path.unlink()
    path.symlink_to("/dev/zero")
    with pytest.warns(PriceCacheWarning):
        assert cache.read("LMT", "close").empty


def test_stale_temporary_files_are_removed_by_the_next_write_fresh_ones_kept(tmp_path):
    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")
    folder = cache.path("LMT", "close").parent
    stale, fresh = folder / ".close.parquet.dead1.tmp", folder / ".close.parquet.busy2.tmp"
    stale.write_bytes(b"torn")
    fresh.write_bytes(b"in progress")
    long_ago = time.time() - _cache.STALE_TEMP_SECONDS - 60
    os.utime(stale, (long_ago, long_ago))
    cache.write("LMT", "close", _series(2.0), "2022-02-01", "2022-02-28")
    assert not stale.exists() and fresh.exists()


def test_a_file_in_place_of_the_cache_folder_keeps_prices_in_memory(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    cache = PriceCache(blocker)
    with pytest.warns(PriceCacheWarning, match="cannot be written"):
        cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once per cache object, reads are quiet
        cache.write("LMT", "close", _series().loc["2022-02-10":], "2022-02-10", "2022-03-04")
        assert cache.read("LMT", "close").tolist() == _series().tolist()
        assert cache.gaps("LMT", "close", "2022-02-01", "2022-03-04") == []
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"),
                                   PermissionError(errno.EACCES, "Permission denied")])
def test_a_full_or_read_only_folder_keeps_prices_in_memory_and_merges_them_later(tmp_path, monkeypatch, error):
    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series().loc[:"2022-02-10"], "2022-02-01", "2022-02-10")

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(_cache, "atomic_write_bytes", refuse)
    with pytest.warns(PriceCacheWarning, match=error.strerror):
        cache.write("LMT", "close", _series().loc["2022-02-11":], "2022-02-11", "2022-02-28")
    assert cache.read("LMT", "close").tolist() == _series().tolist()
    assert PriceCache(tmp_path).read("LMT", "close").tolist() == _series().loc[:"2022-02-10"].tolist()
    monkeypatch.undo()
    cache.write("LMT", "volume", _series(), "2022-02-01", "2022-02-28")
    cache.write("LMT", "close", pd.Series(dtype=float), "2022-03-01", "2022-03-04")
    assert PriceCache(tmp_path).read("LMT", "close").tolist() == _series().tolist()
    assert PriceCache(tmp_path).covered("LMT", "close") == [(pd.Timestamp("2022-02-01"), pd.Timestamp("2022-03-04"))]


def test_a_writer_that_cannot_read_the_existing_file_does_not_replace_it(tmp_path, monkeypatch):
    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")
    before = cache.path("LMT", "close").read_bytes()

    def unreadable(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(_cache, "read_regular_file", unreadable)
    with pytest.warns(PriceCacheWarning):
        cache.write("LMT", "close", _series(2.0).loc["2022-02-20":], "2022-02-20", "2022-03-04")
    monkeypatch.undo()
    assert cache.path("LMT", "close").read_bytes() == before


WRITER = textwrap.dedent("""
    import sys, warnings
    import numpy as np, pandas as pd
    from exposure.market import PriceCache
    warnings.simplefilter("error")
    folder, weeks = sys.argv[1], [int(w) for w in sys.argv[2].split(",")]
    cache = PriceCache(folder)
    first = pd.Timestamp("2020-01-06")
    for week in weeks:
        monday = first + pd.Timedelta(weeks=week)
        days = pd.bdate_range(monday, periods=5)
        values = pd.Series((days - first).days.to_numpy(float) + 0.25, index=days)
        cache.write("LMT", "close", values, monday, monday + pd.Timedelta(days=6))
""")

READER = textwrap.dedent("""
    import os, sys, warnings
    from exposure.market import PriceCache
    warnings.simplefilter("error")
    folder, stop = sys.argv[1], sys.argv[2]
    seen = reads = 0
    while not os.path.exists(stop):
        rows = len(PriceCache(folder).read("LMT", "close"))
        if rows < seen:
            sys.exit(f"a read saw {rows} rows after {seen}: history looked lost")
        seen, reads = rows, reads + 1
    print(reads)
""")


def test_concurrent_writers_of_one_symbol_lose_no_week(tmp_path):
    weeks, writers = 45, 3
    folder = tmp_path / "cache"
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(folder), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder),
                               ",".join(str(w) for w in range(k, weeks, writers))],
                              stderr=subprocess.PIPE, text=True) for k in range(writers)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    stop.write_text("")
    out, reader_error = reader.communicate(timeout=60)
    assert [p.returncode for p in procs] == [0] * writers, errors
    assert reader.returncode == 0, reader_error
    values = PriceCache(folder).read("LMT", "close")
    first = pd.Timestamp("2020-01-06")
    expected = pd.bdate_range(first, periods=weeks * 5)
    assert values.index.equals(pd.DatetimeIndex(expected, name="date"))
    np.testing.assert_array_equal(values.to_numpy(), (expected - first).days.to_numpy(float) + 0.25)
    assert PriceCache(folder).covered("LMT", "close") == [
        (first, first + pd.Timedelta(weeks=weeks - 1, days=6))]
    assert int(out) > 0
