"""Planted-cache proofs: a malicious pickle at every name the old and the new compiled-graph cache
could look at never runs, through ``exposure map`` in a subprocess and through Python; the run
succeeds with the right scores and a warning names the planted file."""

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import exposure as ex
from exposure import datasets
from exposure.cli import main
from exposure.errors import CacheWarning
from exposure.graph._cache import MANIFEST, compiled_cache_entry
from tests.conftest import MINI_GRAPH
from tests.graph.cache_checks import Planted, assert_bit_identical, planted_pickle, refresh_checksums

ARTICLE = str(datasets.sample_path("lithuania_drones_article.txt"))
ENTRY_NAME = re.compile(r"^(?P<version>.+)-d(?P<decay>[^-]+)-h(?P<hops>\d+)-f\d+-v.+$")


def _payload(marker) -> bytes:
    return planted_pickle(marker)


def _plant_everywhere(compiled_dir: Path, marker: Path) -> list[Path]:
    """The pickle at every file of every entry, and at the names cache formats 1 and 2 used."""
    planted = []
    for entry in [p for p in compiled_dir.iterdir() if p.is_dir()]:
        for file in entry.iterdir():
            file.write_bytes(_payload(marker))
            planted.append(file)
        key = ENTRY_NAME.match(entry.name)
        for old_format in (1, 2):
            old = compiled_dir / f"{key['version']}-d{key['decay']}-h{key['hops']}-f{old_format}.pkl"
            old.write_bytes(_payload(marker))
            planted.append(old)
    return planted


def _command() -> list[str]:
    script = Path(sys.executable).with_name("exposure")
    return [str(script)] if script.exists() else [sys.executable, "-c",
                                                   "import sys; from exposure.cli import main; sys.exit(main())"]


def test_planted_pickles_never_run_through_exposure_map(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EXPOSURE_CACHE_DIR", raising=False)
    assert main(["map", ARTICLE, "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    cache, marker = tmp_path / "cache", tmp_path / "planted-pickle-ran"
    ex.KnowledgeGraph.load().compile(cache_dir=cache / "compiled")  # the entry `map` will look for
    planted = _plant_everywhere(cache / "compiled", marker)
    assert len(planted) >= 17
    env = {**os.environ, "EXPOSURE_CACHE_DIR": str(cache)}
    done = subprocess.run([*_command(), "map", ARTICLE, "--format", "json"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert not marker.exists(), "a planted pickle ran"
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"warning: compiled-graph cache \S+manifest\.json is not used", done.stderr), done.stderr
    assert json.loads(done.stdout) == expected
    assert not marker.exists()


def _object_npy(marker) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.array([Planted(marker), None], dtype=object), allow_pickle=True)
    return buffer.getvalue()


PLANTS = {
    "raw pickles as arrays": (lambda name, marker: _payload(marker) if name.endswith(".npy") else None,
                              "not a plain .npy"),
    "pickled object arrays in .npy": (lambda name, marker: _object_npy(marker) if name.endswith(".npy") else None,
                                      "dtype object"),
    "a pickle as labels.json": (lambda name, marker: _payload(marker) if name == "labels.json" else None,
                                "labels.json"),
}


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_planted_pickles_with_a_matching_manifest_never_run_in_python(tmp_path, plant, monkeypatch):
    """The worst case: the attacker also rewrites the manifest so every checksum matches."""
    monkeypatch.setenv("EXPOSURE_CACHE_DIR", str(tmp_path))
    marker = tmp_path / "planted-pickle-ran"
    reference = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False).compile()
    entry = compiled_cache_entry(tmp_path / "compiled", reference.version, 0.5, 4)
    make, reason = PLANTS[plant]
    for file in sorted(entry.iterdir()):
        data = make(file.name, marker) if file.name != MANIFEST else None
        if data is not None:
            file.write_bytes(data)
    refresh_checksums(entry)
    with pytest.warns(CacheWarning, match=re.escape(reason)):
        compiled = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False).compile()
    assert not marker.exists(), "a planted pickle ran"
    assert_bit_identical(reference, compiled)
    shutil.rmtree(tmp_path / "compiled")
