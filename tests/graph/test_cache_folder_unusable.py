"""A cache folder that is not a folder, read-only or full never makes a command fail: the cache
steps off with a warning and `map`, `stream`, `study`, `prices --source local` run as usual."""

import errno
import json
from pathlib import Path

import pytest

from exposure import datasets
from exposure.cli import main
from exposure.graph import _cache

ARTICLE = str(datasets.sample_path("lithuania_drones_article.txt"))
PRICES = str(Path(__file__).parents[2] / "exposure" / "datasets" / "data" / "prices" / "us_close_2019_2026.csv.gz")
EVENTS = "\n".join(json.dumps(e) for e in [
    {"id": "invasion", "headline": "Russia invades Ukraine; NATO allies pledge more defence spending",
     "published_at": "2022-02-24T03:00:00+00:00", "tags": ["Geopolitics & War"]},
]) + "\n"


def _commands(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text(EVENTS)
    return {
        "map": ["map", ARTICLE, "--top", "3"],
        "stream": ["stream", str(datasets.sample_path("sample_events.jsonl")), str(tmp_path / "out"),
                   "--top", "3", "--no-progress"],
        "study": ["study", "--events", str(events), "--prices", PRICES, "--tickers", "LMT", "NOC", "DAL",
                  "--window", "0", "3", "--top", "1"],
        "prices --source local": ["prices", "LMT", "--source", "local", PRICES, "--start", "2022-02-01",
                                  "--end", "2022-02-28"],
    }


@pytest.fixture
def fresh_compile(monkeypatch, graph):
    """Forget the default graph's in-memory operators, so each command consults the disk cache."""
    monkeypatch.setattr(graph, "_compiled", {})
    monkeypatch.setattr(_cache, "_WARNED_FOLDERS", set())


def _refuse_with(error):
    def refuse(*args, **kwargs):
        raise error
    return refuse


SETUPS = {
    "a file in place of the folder": None,
    "read-only": PermissionError(errno.EACCES, "Permission denied"),
    "full": OSError(errno.ENOSPC, "No space left on device"),
}


CASES = [("a file in place of the folder", command) for command in ("map", "stream", "study", "prices --source local")]
CASES += [("read-only", "map"), ("full", "map"), ("full", "stream")]


@pytest.mark.parametrize(("setup", "command"), CASES)
def test_commands_run_whatever_state_the_cache_folder_is_in(tmp_path, monkeypatch, capsys, fresh_compile,
                                                             command, setup):
    cache = tmp_path / "cache"
    if SETUPS[setup] is None:
        cache.write_text("a file, not a folder")
    else:  # root ignores chmod, so the refusal is simulated where every cache write lands
        monkeypatch.setattr(_cache, "atomic_write_bytes", _refuse_with(SETUPS[setup]))
    monkeypatch.setenv("EXPOSURE_CACHE_DIR", str(cache))
    code = main(_commands(tmp_path)[command])
    err = capsys.readouterr().err
    assert code == 0, err
    if command in ("map", "study", "stream"):
        assert "compiled-graph cache folder" in err and "cannot be written" in err, err
    assert "Traceback" not in err
