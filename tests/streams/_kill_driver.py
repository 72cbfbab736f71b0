"""Run `map_stream` trials that die by SIGKILL: ``python _kill_driver.py PLAN.json``.

PLAN is a list of ``{"feed", "out", "mode", "count", "overwrite", "seed", "batch_size"}``. The driver loads the
library and the graph once, then forks one child per trial (a fresh process image each time would
cost seconds of imports) and prints the signal that ended each child as a JSON list. Modes:
``manifest`` (killed after the count-th manifest write), ``rename`` (a file complete under its
temporary name, before the count-th rename), ``torn`` (the count-th Parquet file half written),
``merge`` (after count tables merged), ``publish`` (finished, before publishing), ``swapped``
(after the swap with the previous output, before removing it), ``random`` (the driver kills the
child at a random moment once it has saved a random number of batches).
"""

import json
import os
import random
import signal
import sys
import time
import traceback
import types
from pathlib import Path

import pyarrow.parquet as pq

import exposure as ex
from exposure.io import _files
from exposure.streams import _output, _run, map_stream


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def _after(function, count):
    calls = []

    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        calls.append(1)
        if len(calls) == count:
            _die()
        return result
    return wrapped


def _before(function, count):
    calls = []

    def wrapped(*args, **kwargs):
        calls.append(1)
        if len(calls) == count:
            _die()
        return function(*args, **kwargs)
    return wrapped


def _torn(count):
    write_table, calls = pq.write_table, []

    def torn(table, where, **kwargs):
        write_table(table, where, **kwargs)
        calls.append(1)
        if len(calls) == count:
            with open(where, "r+b") as handle:
                handle.truncate(os.path.getsize(where) // 2)
            _die()
    return types.SimpleNamespace(write_table=torn, ParquetWriter=pq.ParquetWriter, read_table=pq.read_table)


def _install(mode, count):
    if mode == "manifest":
        _run.write_manifest = _after(_run.write_manifest, count)
    elif mode == "rename":
        replace = _before(os.replace, count)  # one counter over every rename of a run, wherever it is made
        for module in (_output, _files):
            module.os = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os)
                                                 if not name.startswith("__")})
            module.os.replace = replace
    elif mode == "torn":
        _output.pq = _torn(count)
    elif mode == "merge":
        _run.merge_parquet_atomic = _after(_run.merge_parquet_atomic, count)
    elif mode == "publish":
        _run.publish = _before(_run.publish, count)
    elif mode == "swapped":
        _output.shutil = types.SimpleNamespace(rmtree=_before(lambda path: None, count))


def _kill_at_random(pid, out, seed):
    rng = random.Random(seed)
    target = rng.randrange(1, 8)
    manifest = out.parent / f".{out.name}.staging" / "_manifest.json"
    while True:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished:
            return
        try:
            done = json.loads(manifest.read_text())["progress"]["batches_done"]
        except (OSError, ValueError, KeyError):
            done = 0
        if done >= target:
            time.sleep(rng.uniform(0, 0.05))
            break
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)


def main(plan_path):
    graph = ex.default_graph()
    graph.compile()
    ended = []
    for trial in json.loads(Path(plan_path).read_text()):
        pid = os.fork()
        if pid == 0:
            try:
                _install(trial["mode"], trial["count"])
                map_stream(trial["feed"], trial["out"], graph=graph, batch_size=trial["batch_size"], top=5,
                           overwrite=trial["overwrite"], show_progress=False)
            except BaseException:
                traceback.print_exc()
                os._exit(1)
            os._exit(0)
        if trial["mode"] == "random":
            _kill_at_random(pid, Path(trial["out"]), trial["seed"])
        _, status = os.waitpid(pid, 0)
        ended.append(-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
    print(json.dumps(ended))


if __name__ == "__main__":
    main(sys.argv[1])
