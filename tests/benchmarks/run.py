"""Run every benchmark in this folder and print one table: ours vs the named peer, with ratios.

    python tests/benchmarks/run.py [--size full|medium|smoke] [NAME ...]

Each ``bench_<name>.py`` has ``main(size) -> list[dict]`` with rows
``benchmark, size, ours_s, peer, peer_s, ratio, target, met`` (optionally ``figure``). A module
with ``CASES`` also takes ``main(size, case)``. Every module, or every case of it, runs in a
fresh child process, and its peak resident memory is read from outside (``wait4``'s
``ru_maxrss`` of that child) into the ``peak MB`` column: that includes the interpreter, the
inputs and the peer when it runs in the same case. Timings are wall-clock seconds on this
machine; ours and the peer run side by side in one process.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases(path: Path) -> list[str | None]:
    """A module's CASES without importing it (no heavy imports in the parent process)."""
    import ast

    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "CASES" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return [None]


def run_child(path: Path, size: str, case: str | None) -> list[dict]:
    """Run one module (or case) in a child process; add its peak memory in MB to its rows."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(path), "--size", size,
               "--out", str(out)] + (["--case", case] if case else [])
    process = subprocess.Popen(command, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    try:
        rows = json.loads(out.read_text()) if process.returncode == 0 else []
    finally:
        out.unlink(missing_ok=True)
    if not rows:
        rows = [{"benchmark": f"{path.stem}{f' [{case}]' if case else ''}", "size": size, "ours_s": None,
                 "peer": None, "peer_s": None, "ratio": None, "target": None,
                 "met": f"failed (exit code {process.returncode})"}]
    for row in rows:
        row["peak_mb"] = peak_mb
    return rows


def run(size: str = "full", names: list[str] | None = None, *, isolate: bool = True) -> list[dict]:
    rows: list[dict] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if names and path.stem.removeprefix("bench_") not in names:
            continue
        if not isolate:
            rows.extend(load(path).main(size))
            continue
        for case in _cases(path):
            done = run_child(path, size, case)
            print(f"finished {path.stem}{f' [{case}]' if case else ''}: peak {done[0]['peak_mb']:.0f} MB",
                  file=sys.stderr, flush=True)
            rows.extend(done)
    return rows


def _number(value, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def render(rows: list[dict]) -> str:
    header = (f"{'benchmark':<44} {'size':<30} {'ours s':>9} {'peer':<30} {'peer s':>9} {'ratio':>8} "
              f"{'peak MB':>8}  {'target':<16} met")
    lines = [header, "-" * len(header)]
    for r in rows:
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.1f}x"
        lines.append(
            f"{r['benchmark']:<44} {str(r['size']):<30} {_number(r.get('ours_s'), 4):>9} "
            f"{str(r.get('peer') or ''):<30} {_number(r.get('peer_s'), 4):>9} {ratio:>8} "
            f"{_number(r.get('peak_mb'), 0):>8}  {str(r.get('target') or ''):<16} {r.get('met')}"
        )
    figures = [f"  {r['benchmark']}: {r['figure']}" for r in rows if r.get("figure")]
    if figures:
        lines += ["", "figures:", *figures]
    return "\n".join(lines)


def _child(path: str, size: str, case: str | None, out: str) -> None:
    module = load(Path(path))
    if size not in getattr(module, "SIZES", {size: None}):
        rows = [{"benchmark": Path(path).stem, "size": size, "ours_s": None, "peer": None, "peer_s": None,
                 "ratio": None, "target": None, "met": f"skipped: no {size!r} size"}]
    else:
        rows = module.main(size, case) if case else module.main(size)
    Path(out).write_text(json.dumps(rows, default=str))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["full", "medium", "smoke"], default="full")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        _child(args.child, args.size, args.case, args.out)
        sys.exit(0)
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.node()}, size {args.size}")
    print(render(run(args.size, args.names)), flush=True)
