"""Corruption trials of both caches: random bytes flipped, files truncated or removed.

The compiled-graph cache must always give operators bit-identical to a fresh compile; the price
cache must return the true prices or nothing (with a warning), never a wrong price. Each batch of
trials runs in its own interpreter, so a trial that crashed it (a segfault in a parser) fails the
test with the trial number instead of taking pytest down. ``max(50, FUZZ_EXAMPLES)`` trials each:
``EXPOSURE_FUZZ_EXAMPLES=300 make fuzz`` runs the full 300.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.fuzz.conftest import FUZZ_EXAMPLES

TRIALS = max(50, FUZZ_EXAMPLES)
ROOT = Path(__file__).resolve().parents[2]

GRAPH_TRIALS = textwrap.dedent("""
    import json, os, random, sys, warnings
    from pathlib import Path
    import exposure as ex
    from exposure.errors import CacheWarning
    from exposure.graph._cache import compile_cached, compiled_cache_entry
    from exposure.graph._compile import compile_operators
    from tests.conftest import MINI_GRAPH
    from tests.graph.cache_checks import assert_bit_identical

    folder, trials = Path(sys.argv[1]), int(sys.argv[2])
    os.fsync = lambda fd: None  # durability is not on trial here; syncing 18 files a trial is slow
    graph = ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False)
    reference = compile_operators(graph.version, graph.nodes, graph._edges, graph.exposures, decay=0.5, max_hops=4)
    build = lambda: reference  # a rebuild is a fresh compile; what is on trial is what the cache serves
    compile_cached(folder, graph.version, 0.5, 4, build)
    entry = compiled_cache_entry(folder, graph.version, 0.5, 4)
    pristine = {p.name: p.read_bytes() for p in entry.iterdir()}
    rng = random.Random(20260903)
    counts = {"detected": 0, "undetected_same": 0}
    for trial in range(trials):
        for name, data in pristine.items():
            (entry / name).write_bytes(data)
        name = rng.choice(sorted(pristine))
        data = bytearray(pristine[name])
        action = rng.choice(["flip_bit", "flip_bytes", "truncate", "remove", "zero_block"])
        if action == "flip_bit":
            spot = rng.randrange(len(data))
            data[spot] ^= 1 << rng.randrange(8)
        elif action == "flip_bytes":
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif action == "truncate":
            del data[rng.randrange(len(data)):]
        elif action == "zero_block":
            start = rng.randrange(len(data))
            stop = min(len(data), start + rng.randint(1, 64))
            data[start:stop] = bytes(stop - start)
        print(f"trial {trial}: {action} {name}", file=sys.stderr, flush=True)
        if action == "remove":
            (entry / name).unlink()
        else:
            (entry / name).write_bytes(bytes(data))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = compile_cached(folder, graph.version, 0.5, 4, build)
        assert_bit_identical(reference, result)
        warned = any(issubclass(w.category, CacheWarning) for w in caught)
        counts["detected" if warned else "undetected_same"] += 1
    print(json.dumps(counts))
""")

PRICE_TRIALS = textwrap.dedent("""
    import json, random, sys, warnings
    from pathlib import Path
    import numpy as np, pandas as pd
    from exposure.market import PriceCache, PriceCacheWarning

    folder, trials = Path(sys.argv[1]), int(sys.argv[2])
    cache = PriceCache(folder)
    days = pd.bdate_range("2021-01-04", periods=400)
    truth = pd.Series(np.round(np.linspace(250.0, 310.0, len(days)) + np.sin(np.arange(len(days))), 2), index=days)
    cache.write("LMT", "close", truth, days[0], days[-1], meta={"currency": "USD"})
    path = cache.path("LMT", "close")
    pristine = path.read_bytes()
    expected = (cache.read("LMT", "close"), cache.covered("LMT", "close"), cache.meta("LMT", "close"))
    rng = random.Random(20260903)
    counts = {"true": 0, "dropped_with_warning": 0, "wrong": 0, "dropped_silently": 0}
    for trial in range(trials):
        data = bytearray(pristine)
        bit = rng.randrange(len(data) * 8)
        data[bit // 8] ^= 1 << (bit % 8)
        print(f"trial {trial}: bit {bit}", file=sys.stderr, flush=True)
        path.write_bytes(bytes(data))
        fresh = PriceCache(folder)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = (fresh.read("LMT", "close"), fresh.covered("LMT", "close"), fresh.meta("LMT", "close"))
        warned = any(issubclass(w.category, PriceCacheWarning) for w in caught)
        same = got[0].equals(expected[0]) and got[0].index.equals(expected[0].index) and got[1:] == expected[1:]
        if same:
            counts["true"] += 1
        elif got[0].empty and not got[1] and warned:
            counts["dropped_with_warning"] += 1
        elif got[0].empty and not got[1]:
            counts["dropped_silently"] += 1
        else:
            counts["wrong"] += 1
            print(f"WRONG in trial {trial}: bit {bit}", file=sys.stderr, flush=True)
    print(json.dumps(counts))
""")


def _run(script, folder, trials):
    done = subprocess.run([sys.executable, "-c", script, str(folder), str(trials)], capture_output=True,
                          text=True, timeout=900, cwd=ROOT)
    last = done.stderr.strip().splitlines()[-3:]
    assert done.returncode == 0, f"the interpreter died (code {done.returncode}) after: {last}"
    return json.loads(done.stdout)


def test_a_damaged_compiled_cache_always_gives_a_fresh_compile_s_operators(tmp_path):
    counts = _run(GRAPH_TRIALS, tmp_path / "compiled", TRIALS)
    assert sum(counts.values()) == TRIALS
    assert counts["detected"] >= TRIALS * 0.9, counts  # the rest: damage that changed no byte


def test_single_bit_flips_in_the_price_cache_never_give_a_wrong_price(tmp_path):
    counts = _run(PRICE_TRIALS, tmp_path / "prices", TRIALS)
    assert counts["wrong"] == 0 and counts["dropped_silently"] == 0, counts
    assert counts["dropped_with_warning"] > 0, counts
