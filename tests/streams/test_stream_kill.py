"""kill -9 trials: `map_stream` killed at chosen points (and at random) leaves the previous output
intact or an incomplete one the readers refuse, and ``resume=True`` completes it to exactly the
result of an uninterrupted run."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exposure.streams import StreamOutputError, map_stream, read_mapped, theme_intensity

from tests.streams._feeds import data_checksums, write_feed

DRIVER = Path(__file__).with_name("_kill_driver.py")
REPOSITORY = Path(__file__).parents[2]
BATCH = 18


def _stream(feed, out, **options):
    return map_stream(feed, out, batch_size=BATCH, top=5, show_progress=False, **options)


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    return write_feed(tmp_path_factory.mktemp("feed") / "feed.jsonl", 24, bad_every=37)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, feed, graph):
    folder = tmp_path_factory.mktemp("reference") / "out"
    _stream(feed, folder, graph=graph)
    return folder


def _check_killed_then_resume(feed, reference, graph, out, previous, may_be_new=False):
    staging = out.parent / f".{out.name}.staging"
    expected = read_mapped(reference)
    if previous is not None:
        now = _snapshot(out)
        assert now == previous or (may_be_new and data_checksums(out) == data_checksums(reference))
    elif not (may_be_new and out.exists()):
        assert not out.exists()
        with pytest.raises(StreamOutputError, match="incomplete"):
            read_mapped(out)
        with pytest.raises(StreamOutputError, match="incomplete"):
            theme_intensity(out)
    manifest = staging / "_manifest.json"
    if manifest.exists() and json.loads(manifest.read_text())["status"] == "incomplete":
        saved = read_mapped(staging, allow_incomplete=True)
        assert saved.events.equals(expected.events.iloc[:len(saved.events)])
        assert saved.impacts.equals(expected.impacts.iloc[:len(saved.impacts)])
        assert saved.rejects.equals(expected.rejects.iloc[:len(saved.rejects)])
    _stream(feed, out, graph=graph, resume=True)
    assert data_checksums(out) == data_checksums(reference)
    for name, table in read_mapped(out).tables().items():
        assert table.equals(getattr(expected, name)), name
    assert not staging.exists()


# (mode, count, with a previous output in OUT); `make fuzz` (a larger EXPOSURE_FUZZ_EXAMPLES) runs them all
LONG = int(os.environ.get("EXPOSURE_FUZZ_EXAMPLES", "40")) > 40
TRIALS = [
    ("manifest", 5, False),  # four batches saved
    ("torn", 11, True),      # a Parquet part half written
    ("merge", 2, False),     # all batches saved, two tables merged
    ("swapped", 1, True),    # swapped with the previous output, which is not yet removed
    ("random", 0, True),     # killed by another process at a random moment
] + ([
    ("rename", 9, False),    # a file complete under its temporary name
    ("rename", 30, True),
    ("torn", 3, False),
    ("manifest", 1, True),   # staging created, no batch yet
    ("publish", 1, True),    # finished, not yet in place
    ("publish", 1, False),
] + [("random", seed, seed % 2 == 0) for seed in range(1, 12)] if LONG else [])


@pytest.fixture(scope="module")
def killed(tmp_path_factory, feed, graph):
    """Every trial's output folder after its run was killed, with the previous output it held."""
    root = tmp_path_factory.mktemp("killed")
    old_feed = write_feed(root / "old.jsonl", 3)
    random_seed = time.time_ns() if os.environ.get("EXPOSURE_FUZZ_RANDOM") == "1" else 0
    plan, previous = [], {}
    for number, (mode, count, with_previous) in enumerate(TRIALS):
        out = root / f"trial-{number}" / "out"
        out.parent.mkdir()
        if with_previous:
            _stream(old_feed, out, graph=graph)
            previous[number] = _snapshot(out)
        plan.append({"feed": str(feed), "out": str(out), "mode": mode, "count": count,
                     "overwrite": with_previous, "seed": random_seed + count, "batch_size": BATCH})
    (root / "plan.json").write_text(json.dumps(plan))
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "EXPOSURE_CACHE_DIR": str(root / "cache")}
    finished = subprocess.run([sys.executable, str(DRIVER), str(root / "plan.json")], env=env,
                              capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    ended = json.loads(finished.stdout)
    return {number: (Path(trial["out"]), previous.get(number), ended[number]) for number, trial in enumerate(plan)}


@pytest.mark.parametrize("number", range(len(TRIALS)), ids=[f"{m}-{c}-{'previous' if p else 'new'}"
                                                             for m, c, p in TRIALS])
def test_a_killed_run_leaves_the_previous_output_or_an_incomplete_one_then_resumes_exactly(
        killed, number, feed, reference, graph):
    out, previous, ended = killed[number]
    mode = TRIALS[number][0]
    assert ended == -signal.SIGKILL or (mode == "random" and ended == 0)
    _check_killed_then_resume(feed, reference, graph, out, previous, may_be_new=mode in ("swapped", "random"))
