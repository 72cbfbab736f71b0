"""File helpers: atomic writes, one-handle reads that refuse what is not a regular file, the
inter-process lock, and removal of stale temporary files."""

import os
import subprocess
import sys
import textwrap
import time

import pytest

from exposure.io._files import (
    atomic_write_bytes,
    file_lock,
    read_regular_file,
    remove_stale_temp_files,
    sha256_bytes,
    sha256_file,
)


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "state.json"
    atomic_write_bytes(target, b"old")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_reads_refuse_fifos_links_and_folders_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "zero"
    link.symlink_to("/dev/zero")
    for path in (fifo, link, tmp_path):
        with pytest.raises(OSError):
            read_regular_file(path, max_bytes=10)
        with pytest.raises(OSError):
            sha256_file(path)


def test_checksums_agree():
    assert sha256_bytes(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_the_lock_excludes_another_process(tmp_path):
    lock = tmp_path / ".lock"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from exposure.io._files import file_lock
        with file_lock({str(lock)!r}):
            print("held", flush=True)
            time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(TimeoutError, match="stayed locked"), file_lock(lock, timeout=0.3):
            pass
        assert time.monotonic() - started >= 0.3
    finally:
        holder.kill()
        holder.wait()
    with file_lock(lock, timeout=5):  # the dead holder's lock is released by the kernel
        pass


def test_a_lock_in_a_missing_or_non_folder_raises_oserror(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError), file_lock(blocker / ".lock", timeout=0.1):
        pass


def test_only_old_temporary_files_with_the_prefix_are_removed(tmp_path):
    names = [".a.parquet.1.tmp", ".a.parquet.2.tmp", ".b.parquet.3.tmp", "a.parquet"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    for name in names[1:]:
        os.utime(tmp_path / name, (0, 0))
    assert remove_stale_temp_files(tmp_path, older_than=600, prefix=".a.parquet.") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.parquet.1.tmp", ".b.parquet.3.tmp", "a.parquet"]
    assert remove_stale_temp_files(tmp_path / "missing") == 0
