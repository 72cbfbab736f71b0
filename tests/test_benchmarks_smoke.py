"""Every benchmark runs at its smoke size, so a broken benchmark is caught by CI (figures come from `make bench`)."""

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).parent / "benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.stem)
def test_benchmark_smoke(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.main("smoke")
    assert rows
    for row in rows:
        assert {"benchmark", "size", "ours_s", "peer", "peer_s", "ratio", "target", "met"} <= set(row)
        assert row["ours_s"] >= 0
