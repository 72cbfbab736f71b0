"""Bounded work on hostile compressed input: a gzip bomb, and a small gzip of malformed lines.

    python tests/benchmarks/bench_gzip.py [full|smoke]

* ``bomb``: ``read_events`` on a ~1 MB ``.jsonl.gz`` that inflates to 1 GB of one line. The reader
  stops at the decompression-ratio guard (200:1 past 16 MiB) and refuses the file; the peer is
  what an unbounded reader does, ``gzip.open(path).read()``, in its own case (own process) so the
  peak memory of each is read apart by ``run.py``.
* ``rejects``: ``map_stream`` on a few-KB ``.jsonl.gz`` of malformed lines. Rejects past the cap
  (``EXPOSURE_MAX_REJECTS``, 10,000) are counted, not written, so the rejects file stays small
  (before the cap, 1M such lines wrote a 128 MB file).
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from pathlib import Path

CASES = ("bomb", "bomb-unbounded", "rejects")
SIZES = {"full": (1 << 30, 400_000), "smoke": (32 << 20, 20_000)}  # bomb bytes inflated, malformed lines


def _bomb(folder: Path, inflated: int) -> Path:
    path = folder / "bomb.jsonl.gz"
    block = b"a" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as out:
        for _ in range(inflated // len(block)):
            out.write(block)
    return path


def _row(benchmark, size, ours_s, figure, peer=None, peer_s=None, target=None, met=None):
    ratio = peer_s / ours_s if peer_s is not None and ours_s else None
    return {"benchmark": benchmark, "size": size, "ours_s": ours_s, "peer": peer, "peer_s": peer_s,
            "ratio": ratio, "target": target, "met": met, "figure": figure}


def _bomb_rows(folder: Path, size: str, inflated: int, unbounded: bool) -> list[dict]:
    from exposure.errors import InputFormatError
    from exposure.events import read_events

    path = _bomb(folder, inflated)
    label = f"{path.stat().st_size / 1e6:.1f} MB gz -> {inflated / 2**20:,.0f} MiB"
    start = time.perf_counter()
    if unbounded:
        with gzip.open(path, "rb") as handle:
            data = handle.read()
        return [_row("gzip bomb, unbounded gzip.open().read() (peer, own process)", label,
                     time.perf_counter() - start, f"{len(data) / 2**20:,.0f} MiB held in memory")]
    try:
        read_events(path)
        outcome = "read (no guard tripped)"
    except InputFormatError as exc:
        outcome = f"refused: {exc.problem[:60]}"
    return [_row("gzip bomb, read_events (ours)", label, time.perf_counter() - start, outcome,
                 target="refused with bounded memory", met=outcome.startswith("refused"))]


def _rejects_rows(folder: Path, lines: int) -> list[dict]:
    from exposure.streams import map_stream

    path = folder / "bad.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"{not json\n" * lines)
    start = time.perf_counter()
    summary = map_stream(path, folder / "out", show_progress=False)
    seconds = time.perf_counter() - start
    written = (folder / "out" / "rejects.jsonl").stat().st_size
    label = f"{path.stat().st_size / 1e3:.1f} KB gz, {lines:,} malformed lines"
    figure = (f"rejects.jsonl {written / 1e6:.2f} MB: {summary.n_rejects:,} recorded, "
              f"{summary.n_rejects_omitted:,} counted past the cap")
    return [_row("gzip of malformed lines, map_stream rejects", label, seconds, figure,
                 target="rejects file bounded (< 10 MB)", met=written < 10e6)]


def main(size: str = "full", case: str | None = None) -> list[dict]:
    inflated, lines = SIZES[size]
    rows: list[dict] = []
    for name in CASES if case is None else (case,):
        with tempfile.TemporaryDirectory() as folder:
            if name == "rejects":
                rows += _rejects_rows(Path(folder), lines)
            else:
                rows += _bomb_rows(Path(folder), size, inflated, unbounded=name == "bomb-unbounded")
    return rows


if __name__ == "__main__":
    for row in main(sys.argv[1] if len(sys.argv) > 1 else "full"):
        print(row)
