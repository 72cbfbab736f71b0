"""Run every benchmark in this folder and print one table: ours vs the named peer, with ratios.

    python tests/benchmarks/run.py [--size full|smoke] [NAME ...]

Each ``bench_<name>.py`` has ``main(size) -> list[dict]`` with rows
``benchmark, size, ours_s, peer, peer_s, ratio, target, met``. Timings are wall-clock seconds on
this machine, ours and the peer run side by side in one process.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(size: str = "full", names: list[str] | None = None) -> list[dict]:
    rows: list[dict] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if names and path.stem.removeprefix("bench_") not in names:
            continue
        rows.extend(load(path).main(size))
    return rows


def render(rows: list[dict]) -> str:
    header = f"{'benchmark':<44} {'size':<26} {'ours s':>9} {'peer':<22} {'peer s':>9} {'ratio':>8}  target        met"
    lines = [header, "-" * len(header)]
    for r in rows:
        peer_s = "" if r.get("peer_s") is None else f"{r['peer_s']:.4f}"
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.1f}x"
        lines.append(
            f"{r['benchmark']:<44} {str(r['size']):<26} {r['ours_s']:>9.4f} {str(r.get('peer') or ''):<22} "
            f"{peer_s:>9} {ratio:>8}  {str(r.get('target') or ''):<13} {r.get('met')}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["full", "smoke"], default="full")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parents[1]))
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.node()}")
    print(render(run(args.size, args.names)))
