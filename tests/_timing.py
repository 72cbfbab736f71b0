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


def tag_growth(graph, words: str, repeats: int, headline: str = "x", scale: int = 8) -> float:
    """How many times longer ``tag_event`` takes on ``scale`` times the text: ``words`` repeated
    ``repeats * scale`` times against ``repeats`` times (best of 3 against best of 7)."""
    import exposure as ex
    from exposure.tagging import tag_event

    small = ex.Event(headline=headline, body=words * repeats)
    large = ex.Event(headline=headline, body=words * (repeats * scale))
    tag_event(large, graph)
    return best_time(lambda: tag_event(large, graph)) / best_time(lambda: tag_event(small, graph), 7)
