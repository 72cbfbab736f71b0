"""Timing for scaling tests: compare ratios of best-of-N times, never absolute seconds."""

import gc
import time


def best_time(function, repeats=3):
    """The fastest of ``repeats`` runs, with the collector off (a collection landing in one run but
    not the other is not the code's time)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            function()
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best
