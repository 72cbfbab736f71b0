"""Bounded work on hostile input: long texts, long header lines, cyclic user graphs.

    python tests/benchmarks/bench_bounds.py [full|smoke]

Peers are the rules as first written, kept as references in the tests: the sentence context that
scanned a mention's whole sentence once per mention (tagging), difflib's ratio on header lines of
any length (article parser) and the enumeration of every walk from every activated concept
(explanations). They are
quadratic or exponential, so they run on the sizes given in the size column only.

* ``tag_event`` throughput on the default graph (bundled events, repeated), ours vs the peer on
  the same events: must stay at or above 4 MB/s on an idle core (CPU seconds are shown beside wall
  seconds: on a shared machine they are the one-core figure).
* one event of 30 KB (one long sentence that names airlines again and again, the worst case for
  the context rules), of 1 MB, and a 100,000-word article.
* ``parse_article`` on a page whose headline and repeated headline are long lines of CJK text
  (difflib's worst case: few repeated characters).
* a user graph whose themes form a clique: refused at compile time when its cycles multiply
  impact more than 100-fold, and, for a clique with lighter weights that is only warned about,
  the time to explain one security (1,000 largest walks and a remainder) vs every walk.
"""

from __future__ import annotations

import importlib.util
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

SIZES = {  # tag repeat, sentence KB for the peer, big event KB, words, header chars (ours, peer), clique themes
    "full": (200, 30, 1_000, 100_000, (500_000, 32_000), 40),
    "smoke": (2, 4, 60, 5_000, (20_000, 4_000), 16),
}
TESTS = Path(__file__).resolve().parents[1]


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _row(benchmark, size, ours_s, figure, peer=None, peer_s=None, target=None, met=None, **extra):
    ratio = peer_s / ours_s if peer_s is not None and ours_s else None
    return {"benchmark": benchmark, "size": size, "ours_s": ours_s, "peer": peer, "peer_s": peer_s,
            "ratio": ratio, "target": target, "met": met, "figure": figure, **extra}


def _timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    out = function()
    return time.perf_counter() - start, out


def _tagging_rows(repeat: int, sentence_kb: int, big_kb: int, words: int) -> list[dict]:
    import exposure as ex
    from exposure.tagging import _tagger, tag_event

    reference = _load("tagging/test_tagging_linear.py", "reference_tagging").reference_sign_by_sentence
    graph = ex.default_graph()
    events = [ex.datasets.load_seed_article(), *ex.datasets.load_sample_events()[0]] * repeat
    tag_event(events[0], graph)
    mb = sum(len(e.text.encode()) for e in events) / 1e6

    def with_peer(function):
        ours = _tagger.sign_by_sentence
        _tagger.sign_by_sentence = reference
        try:
            return function()
        finally:
            _tagger.sign_by_sentence = ours

    def tag_all():
        cpu = time.process_time()
        out = [tag_event(e, graph).mentions for e in events]
        return time.process_time() - cpu, out

    tag_all()
    ours, peer = [], []
    for _ in range(3):  # alternated, best of three: the load of a shared machine drifts
        ours.append(_timed(tag_all))
        peer.append(with_peer(lambda: _timed(tag_all)))
    ours_s, ours_cpu, ours_out = min(t for t, _ in ours), min(c for _, (c, _) in ours), ours[0][1][1]
    peer_s, peer_cpu, peer_out = min(t for t, _ in peer), min(c for _, (c, _) in peer), peer[0][1][1]
    rows = [_row("tag_event throughput, default graph", f"{len(events)} events ({mb:.2f} MB)", ours_s,
                 f"{mb / ours_s:.2f} MB/s wall, {mb / ours_cpu:.2f} MB/s CPU vs per-mention rule "
                 f"{mb / peer_s:.2f} wall, {mb / peer_cpu:.2f} CPU", "per-mention rule", peer_s, ">= 4 MB/s",
                 bool(mb / min(ours_s, ours_cpu) >= 4), same_output=ours_out == peer_out, cpu_s=ours_cpu,
                 peer_cpu_s=peer_cpu)]

    sentence = "Airlines cancelled routes and banks rose "  # no clause break: one clause of 30 KB
    body = (sentence * (sentence_kb * 1024 // len(sentence) + 1))[: sentence_kb * 1024]
    one = ex.Event(headline="Airlines", body=body)
    ours_s, ours_out = min((_timed(lambda: tag_event(one, graph).mentions) for _ in range(3)), key=lambda r: r[0])
    peer_s, peer_out = with_peer(lambda: _timed(lambda: tag_event(one, graph).mentions))
    rows.append(_row(f"tag_event, one {sentence_kb} KB event", "one sentence, worst case", ours_s,
                     f"{ours_s * 1000:.0f} ms vs {peer_s:.1f} s", "per-mention rule", peer_s, "milliseconds",
                     bool(ours_s < 1.0), same_output=ours_out == peer_out))

    prose = " ".join(e.text for e in events[:7])
    big = ex.Event(headline="x", body=(prose * (big_kb * 1024 // len(prose) + 1))[: big_kb * 1024])
    ours_s, found = _timed(lambda: tag_event(big, graph))
    rows.append(_row(f"tag_event, one {big_kb:,} KB event", f"{len(found.mentions):,} mentions", ours_s,
                     f"{ours_s:.2f} s", target="seconds", met=bool(ours_s < 10)))
    pool = prose.split()
    rng = random.Random(0)
    article = ex.Event(headline="x", body=" ".join(rng.choice(pool) for _ in range(words)))
    ours_s, found = _timed(lambda: tag_event(article, graph))
    rows.append(_row(f"tag_event, {words:,}-word article", f"{len(article.text) / 1e6:.2f} MB", ours_s,
                     f"{ours_s:.2f} s", target="seconds", met=bool(ours_s < 10)))
    return rows


def _header_page(chars: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 20_000)]
    headline = "".join(rng.choice(alphabet) for _ in range(chars))
    repeat = headline[: chars // 2] + "".join(rng.choice(alphabet) for _ in range(chars - chars // 2))
    return f"Market Impact: 0.3\n{headline}\nGeopolitics & WarEnergy & Commodities\n{repeat}\nBody."


def _article_rows(ours_chars: int, peer_chars: int) -> list[dict]:
    from exposure.events import _article, parse_article

    reference = _load("events/test_article_bounds.py", "reference_article").reference_is_repeat
    rows = []
    small = _header_page(peer_chars)
    ours_s, ours_out = _timed(lambda: parse_article(small))
    kept = _article._is_repeat
    _article._is_repeat = reference
    try:
        peer_s, peer_out = _timed(lambda: parse_article(small))
    finally:
        _article._is_repeat = kept
    rows.append(_row("parse_article, long header lines", f"2 lines of {peer_chars:,} chars", ours_s,
                     f"{ours_s * 1000:.0f} ms vs {peer_s:.1f} s difflib", "difflib on any length", peer_s))
    page = _header_page(ours_chars)
    ours_s, _ = _timed(lambda: parse_article(page))
    rows.append(_row("parse_article, long header lines", f"2 lines of {ours_chars:,} chars "
                     f"({len(page.encode()) / 1e6:.1f} MB)", ours_s, f"{ours_s:.2f} s", target="seconds",
                     met=bool(ours_s < 10)))
    return rows


def _clique(folder: Path, themes: list[str], weight: float):
    import exposure as ex

    rows = ["from_id,relation,to_id,weight,source,as_of,valid_from,valid_to,note"]
    rows += [f"{a},implies,{b},{weight},user: clique,2025-01-01,,," for a in themes for b in themes if a != b]
    (folder / "edges.csv").write_text("\n".join(rows) + "\n")
    return ex.KnowledgeGraph.load(folder)


def _clique_rows(n_themes: int) -> list[dict]:
    import exposure as ex
    from exposure.errors import GraphError
    reference_walks = _load("graph/test_compile_walk_mass.py", "reference_walks").reference_walks
    event = ex.datasets.load_seed_article()
    themes = sorted(ex.default_graph().ids("theme"))[:n_themes]
    rows = []
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        heavy = _clique(Path(folder), themes, 0.95)
        start = time.perf_counter()
        try:
            ex.map_events(event, heavy)
            outcome = "mapped"
        except GraphError:
            outcome = "refused with GraphError"
        ours_s = time.perf_counter() - start
        rows.append(_row(f"map on a {n_themes}-theme clique (weight 0.95)", outcome, ours_s,
                         f"{ours_s:.2f} s to {outcome} (was 274 s, scores ~1,400)", target="refused",
                         met=outcome != "mapped"))
        light = _clique(Path(folder), themes, 0.15)
        map_s, impacts = _timed(lambda: ex.map_events(event, light))
        row = impacts.matrix.iloc[0]
        ticker = row.abs().idxmax()
        security = f"security:{ticker}"
        ours_s, paths = _timed(lambda: impacts.explain(ticker))
        activations = impacts._activations[0]
        peer_s, every = _timed(lambda: reference_walks(impacts._compiled, activations, [security]))
        gap = abs(paths["contribution"].sum() - row[ticker])
        capped = paths["path"].iloc[-1].startswith("other walks:")
        listed = f"{len(paths) - 1:,} walks + remainder" if capped else f"all {len(paths):,} walks"
        rows.append(_row(f"explain on a {n_themes}-theme clique (weight 0.15)",
                         f"{len(every.get(security, [])):,} walks", ours_s,
                         f"{listed} in {ours_s:.2f} s vs all in {peer_s:.1f} s; "
                         f"sum - score = {gap:.1e}; map {map_s:.2f} s", "every walk", peer_s,
                         "adds up (1e-12)", bool(gap <= 1e-12)))
    return rows


def main(size: str = "full") -> list[dict]:
    repeat, sentence_kb, big_kb, words, (ours_chars, peer_chars), n_themes = SIZES[size]
    return [*_tagging_rows(repeat, sentence_kb, big_kb, words), *_article_rows(ours_chars, peer_chars),
            *_clique_rows(n_themes)]


if __name__ == "__main__":
    for r in main(sys.argv[1] if len(sys.argv) > 1 else "full"):
        print(f"{r['benchmark']:<46} [{r['size']}]: {r['figure']}")
