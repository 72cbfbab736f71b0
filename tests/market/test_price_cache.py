"""PriceCache: coverage bookkeeping, atomic writes, a killed writer, unreadable files, env vars."""

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from exposure.market import MarketDataWarning, PriceCache, default_cache_dir, offline_mode

DAYS = pd.bdate_range("2022-02-01", "2022-02-28")


def _series(scale=1.0):
    return pd.Series(np.arange(len(DAYS), dtype=float) * scale + 100.0, index=DAYS)


def test_write_read_and_gaps(tmp_path):
    cache = PriceCache(tmp_path)
    assert cache.gaps("LMT", "close", "2022-02-01", "2022-02-28") == [
        (pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-28"))]
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28", meta={"currency": "USD"})
    pd.testing.assert_series_equal(cache.read("LMT", "close"), _series().rename("LMT").rename_axis("date"),
                                   check_freq=False, check_index_type=False)
    assert cache.gaps("LMT", "close", "2022-02-01", "2022-02-28") == []
    assert cache.gaps("LMT", "close", "2022-01-29", "2022-03-04") == [  # Sat 29 - Mon 31 holds a weekday
        (pd.Timestamp("2022-01-29"), pd.Timestamp("2022-01-31")),
        (pd.Timestamp("2022-03-01"), pd.Timestamp("2022-03-04"))]
    assert cache.gaps("LMT", "close", "2022-01-29", "2022-01-30") == []  # a weekend: nothing to fetch
    assert cache.meta("LMT", "close") == {"currency": "USD"}


def test_weekend_only_gaps_are_not_fetched(tmp_path):
    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-25")
    assert cache.gaps("LMT", "close", "2022-02-01", "2022-02-27") == []


def test_disjoint_ranges_merge_and_new_values_win(tmp_path):
    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series().loc[:"2022-02-10"], "2022-02-01", "2022-02-10")
    cache.write("LMT", "close", _series().loc["2022-02-20":], "2022-02-20", "2022-02-28")
    assert cache.covered("LMT", "close") == [
        (pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-10")),
        (pd.Timestamp("2022-02-20"), pd.Timestamp("2022-02-28"))]
    assert cache.gaps("LMT", "close", "2022-02-01", "2022-02-28") == [
        (pd.Timestamp("2022-02-11"), pd.Timestamp("2022-02-19"))]
    cache.write("LMT", "close", _series(2.0), "2022-02-05", "2022-02-22")
    assert cache.covered("LMT", "close") == [(pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-28"))]
    values = cache.read("LMT", "close")
    assert values.loc["2022-02-01"] == 100.0 and values.loc["2022-02-22"] == _series(2.0).loc["2022-02-22"]
    assert values.index.is_unique and values.index.is_monotonic_increasing


def test_symbols_with_odd_characters_get_safe_file_names(tmp_path):
    cache = PriceCache(tmp_path)
    for symbol in ("EURUSD=X", "^GSPC", "BRK-B", "BA.L"):
        cache.write(symbol, "close", _series(), "2022-02-01", "2022-02-28")
    assert sorted(cache.manifest()["symbol"]) == ["BA.L", "BRK-B", "EURUSD=X", "^GSPC"]
    assert cache.path("^GSPC", "close").parent.name == "%5EGSPC"
    assert cache.clear("BA.L") == 1 and len(cache.manifest()) == 3


def test_failure_mid_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    import os

    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")

    def dies_half_way(fd):
        os.ftruncate(fd, 20)  # a torn temporary file, as a crash mid-write leaves
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        cache.write("LMT", "close", _series(3.0), "2022-03-01", "2022-03-31")
    monkeypatch.undo()
    assert cache.read("LMT", "close").iloc[-1] == _series().iloc[-1]
    assert cache.covered("LMT", "close") == [(pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-28"))]
    assert [p.name for p in cache.path("LMT", "close").parent.iterdir() if not p.name.endswith(".lock")] == [
        "close.parquet"]


def test_killed_process_leaves_a_temp_file_that_is_ignored(tmp_path):
    cache = PriceCache(tmp_path)
    cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")
    script = textwrap.dedent(f"""
        import os, pandas as pd
        from exposure.market import PriceCache
        os.replace = lambda *a, **k: os._exit(9)   # the process dies right before the swap
        PriceCache({str(tmp_path)!r}).write(
            "LMT", "close", pd.Series([1.0], index=pd.to_datetime(["2022-03-01"])), "2022-03-01", "2022-03-31")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 9
    leftovers = [p.name for p in cache.path("LMT", "close").parent.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1
    assert cache.covered("LMT", "close") == [(pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-28"))]
    assert len(cache.read("LMT", "close")) == len(DAYS) and len(cache.manifest()) == 1


def test_unreadable_file_is_warned_about_and_refetched(tmp_path):
    cache = PriceCache(tmp_path)
    path = cache.path("LMT", "close")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage")
    with pytest.warns(MarketDataWarning, match="cannot be read"):
        assert cache.gaps("LMT", "close", "2022-02-01", "2022-02-28") == [
            (pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-28"))]
    with pytest.warns(MarketDataWarning):
        cache.write("LMT", "close", _series(), "2022-02-01", "2022-02-28")
    assert len(cache.read("LMT", "close")) == len(DAYS)


def test_environment_moves_the_cache_and_switches_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPOSURE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"
    assert PriceCache().directory == tmp_path / "elsewhere"
    monkeypatch.delenv("EXPOSURE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_cache_dir() == tmp_path / "xdg" / "exposure"
    for value, expected in (("1", True), ("true", True), ("0", False), ("", False)):
        monkeypatch.setenv("EXPOSURE_OFFLINE", value)
        assert offline_mode() is expected
