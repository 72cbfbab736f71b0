"""Tagging throughput: Gazetteer.find (Aho-Corasick) vs an alias loop, a giant regex and the previous n-gram scan.

    python tests/benchmarks/bench_tagging.py [full|smoke]

A seeded synthetic corpus built in memory each run: 200,000 aliases (company names of 1-4 tokens,
most with a legal suffix; product names; place names; multiword themes of common words; 3% all-caps
acronyms matched case-sensitively) and 100,000 English-like articles of about 2 KB (Zipf word
frequencies, sentences with punctuation, 5-20 alias occurrences each in varied case, plural and
possessive; one article in ten with curly quotes, dashes and accented words). Throughput is MB of
UTF-8 text per second on one core. The peers are far too slow for the whole corpus, so they run
on the first articles (the count is in the size column), each beside ours on the same articles.
The peers only match literal, case-insensitive aliases (no plural or spelling folding), so they do
less work than ours. Full ``tag_event`` runs on the default graph over the bundled articles (the
seed article and the sample events, cycled), over the development set's events (134 distinct
texts: nothing of one text is reused for the next but the words' folded forms) and over one long
generated article of real words and aliases (``tests/tagging/_texts.py``). Its figures are MB per
second of wall time and of the process's CPU time, the best of three passes: on a shared machine
the CPU figure is the one-core speed. The ``tag_event`` rows run in a fresh child process (away
from this process's large heap), and so, side by side, on the package as it was at the commits of
``BEFORE`` (taken out of git into a temporary folder, each version with its own default graph);
without the git history those rows are left out.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

from exposure.tagging import Gazetteer

SIZES = {  # aliases, articles, previous n-gram scan, alias loop, regex, tag_event repetitions, long article words
    "full": (200_000, 100_000, 2_000, 10, 3, 300, 100_000),
    "smoke": (2_000, 200, 200, 5, 20, 5, 10_000),
}
TARGET_MBPS = 20.0
TAG_EVENT_TARGET_MBPS = 3.0  # issue 10: tagging keeps its speed
BEFORE = {  # tag_event as it was: the reader before issue 10's reading rules, and before their speed-up
    "before issue 10": "8f97365",
    "issue 10 before speed-up": "c06366d",
    "before the one-pass engine work": "4c11f79",
    "before the second engine pass": "08b5570",
}
ROOT = Path(__file__).resolve().parents[2]
COMMON = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which but have an "
    "they you were her she there been one all we their has would when more no if out so said what up its about "
    "into than them can only other new some could time these two may then do first any my now such like our over "
    "also did many before must through back years where much your way well down should because each just those "
    "people how too little state good very make world still own see men work long get here between both life "
    "being under never day same another know while last market shares company percent year quarter billion "
    "million sales growth price prices rate rates bank government officials analysts investors demand supply "
    "report week month higher lower rose fell expected according statement chief executive plans deal talks "
    "policy costs energy oil gas power data security defense trade tariffs exports imports production"
).split()
SUFFIXES = ["Inc", "Corp", "Corporation", "Holdings", "Group", "Ltd", "plc", "AG", "SA", "Technologies",
            "Energy", "Bank", "Partners", "Industries", "Systems", "Capital", "Pharmaceuticals", "Motors"]
PLACES = ["Port", "Lake", "New", "San", "North", "South", "Saint", "Mount", "East", "West"]
PRODUCTS = ["Pro", "Max", "One", "Air", "X", "Plus", "Ultra", "Mini", "GT", "Neo"]
ACCENTED = ["café", "Zürich", "São", "naïve", "Bogotá", "Gdańsk", "résumé", "Malmö"]


def _pseudo_words(rng: np.random.Generator, n: int, syllables: tuple[int, int]) -> list[str]:
    onsets = np.array(list("bcdfghjklmnprstvwz") + ["br", "ch", "cl", "dr", "fl", "gr", "pl", "sh", "st", "tr", "th"])
    vowels = np.array(list("aeiou") + ["ai", "ea", "io", "ou"])
    codas = np.array(["", "", "", "n", "r", "s", "l", "t", "x", "m", "nd", "rk"])
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        k = rng.integers(syllables[0], syllables[1] + 1)
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(k)) + rng.choice(codas)
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def corpus(n_aliases: int, n_articles: int, seed: int = 0) -> tuple[list[tuple[str, str, float, bool]], list[str]]:
    """(gazetteer entries, articles), deterministic for a seed."""
    rng = np.random.default_rng(seed)
    vocabulary = COMMON + _pseudo_words(rng, 20_000, (1, 3))
    ranks = np.arange(len(vocabulary))
    zipf = 1.0 / (ranks + 2.7)
    zipf /= zipf.sum()
    names = [w.capitalize() for w in _pseudo_words(rng, max(n_aliases // 3, 500), (2, 3))]
    entries: list[tuple[str, str, float, bool]] = []
    kinds = rng.choice(6, size=n_aliases, p=[0.58, 0.12, 0.12, 0.14, 0.01, 0.03])
    for i, kind in enumerate(kinds):
        if kind == 0:  # company: 1-3 name tokens, a legal suffix most of the time
            tokens = [names[j] for j in rng.integers(0, len(names), rng.integers(1, 4))]
            alias = " ".join(tokens + ([SUFFIXES[rng.integers(len(SUFFIXES))]] if rng.random() < 0.7 else []))
        elif kind == 1:
            alias = f"{names[rng.integers(len(names))]} {PRODUCTS[rng.integers(len(PRODUCTS))]}"
        elif kind == 2:
            alias = f"{PLACES[rng.integers(len(PLACES))]} {names[rng.integers(len(names))]}"
        elif kind == 3:  # multiword theme of common words: these also occur by chance in prose
            alias = " ".join(vocabulary[j] for j in rng.integers(20, 3_000, rng.integers(2, 4)))
        elif kind == 4:  # one rarer word ("inflation")
            alias = vocabulary[rng.integers(5_000, len(vocabulary))]
        else:
            alias = "".join(chr(65 + c) for c in rng.integers(0, 26, rng.integers(2, 5)))
        entries.append((f"c:{i // 2}", alias, round(float(rng.uniform(0.3, 1.0)), 2), bool(kind == 5)))
    aliases = [a for _, a, _, _ in entries]
    words = np.array(vocabulary, dtype=object)
    articles: list[str] = []
    per_article = 300
    stream = rng.choice(len(vocabulary), size=(n_articles, per_article), p=zipf)
    capital, stop, comma = (rng.integers(0, per_article, (n_articles, k)) for k in (12, 20, 15))
    inserted = rng.integers(5, 21, n_articles)
    where = rng.integers(0, per_article, (n_articles, 20))
    which = rng.integers(0, len(aliases), (n_articles, 20))
    styles = np.searchsorted([0.55, 0.65, 0.70, 0.82], rng.random((n_articles, 20)))
    render = [lambda a: a, str.lower, str.upper, lambda a: a + "s", lambda a: a + "'s"]
    for k in range(n_articles):
        tokens = list(words[stream[k]])
        for p in capital[k]:
            tokens[p] = tokens[p].capitalize()
        for p in stop[k]:
            tokens[p] += "."
        for p in comma[k]:
            tokens[p] += ","
        for p, a, style in zip(where[k, :inserted[k]], which[k, :inserted[k]], styles[k, :inserted[k]]):
            tokens[p] = render[style](aliases[a])
        text = " ".join(tokens)
        if k % 10 == 9:  # typeset copy: curly quotes, dashes, accented words
            text = (text.replace("'", "’").replace(", ", " — ", 2)
                    + f" “{ACCENTED[k % len(ACCENTED)]}” said the {ACCENTED[(k + 3) % len(ACCENTED)]} desk.")
        articles.append(text)
    return entries, articles


def _megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def _timed(function, texts: list[str]) -> tuple[float, list]:
    start = time.perf_counter()
    out = [function(t) for t in texts]
    return time.perf_counter() - start, out


def _timed_cpu(function, texts: list[str]) -> tuple[float, float, list]:
    """Wall and CPU seconds of this process: on a shared machine the CPU time is the one-core figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = [function(t) for t in texts]
    return time.perf_counter() - wall, time.process_time() - cpu, out


def _best_cpu(function, texts: list[str], runs: int = 3) -> tuple[float, float, list]:
    """``_timed_cpu`` run ``runs`` times, the fastest wall and CPU times kept: on a shared machine a
    single pass measures the neighbours' load as much as the code."""
    timings = [_timed_cpu(function, texts) for _ in range(runs)]
    return min(t[0] for t in timings), min(t[1] for t in timings), timings[-1][2]


def _reference_class():
    path = Path(__file__).resolve().parents[1] / "tagging" / "test_gazetteer_automaton.py"
    spec = importlib.util.spec_from_file_location("reference_gazetteer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ReferenceGazetteer


class AliasLoop:
    """Peer: every alias searched with ``in`` in the lower-cased text, then a word-boundary check."""

    def __init__(self, entries) -> None:
        self.aliases = sorted({a.lower() for _, a, _, _ in entries})

    def find(self, text: str) -> list[tuple[int, str]]:
        lowered = text.lower()
        found = []
        for alias in self.aliases:
            if alias in lowered:
                at = lowered.find(alias)
                while at >= 0:
                    end = at + len(alias)
                    before = at == 0 or not lowered[at - 1].isalnum()
                    if before and (end == len(lowered) or not lowered[end].isalnum()):
                        found.append((at, alias))
                    at = lowered.find(alias, at + 1)
        return sorted(found)


class GiantRegex:
    """Peer: one case-insensitive alternation of every alias (longest first), compiled once."""

    def __init__(self, entries) -> None:
        aliases = sorted({a for _, a, _, _ in entries}, key=lambda a: (-len(a), a))
        self.pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, aliases)) + r")\b", re.IGNORECASE)

    def find(self, text: str) -> list[tuple[int, str]]:
        return [(m.start(), m.group(0)) for m in self.pattern.finditer(text)]


def _row(benchmark, size, ours_s, figure, peer=None, peer_s=None, ratio=None, target=None, met=None, **extra):
    return {"benchmark": benchmark, "size": size, "ours_s": ours_s, "peer": peer, "peer_s": peer_s,
            "ratio": ratio, "target": target, "met": met, "figure": figure, **extra}


def _versus(name, peer, ours, texts, build_s=None) -> dict:
    ours_s, _ = _timed(ours.find, texts)
    peer_s, _ = _timed(peer.find, texts)
    mb = _megabytes(texts)
    extra = {} if build_s is None else {"peer_build_s": build_s}
    return _row(f"tag vs {name}", f"{len(texts)} articles", ours_s,
                f"{mb / ours_s:.1f} vs {mb / peer_s:.3f} MB/s", name, peer_s, peer_s / ours_s, **extra)


def _tag_event_rows(repeat: int, article_words: int) -> list[dict]:
    import exposure as ex
    from exposure.evaluation import load_dev_set
    from exposure.tagging import tag_event

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.tagging._texts import long_article

    graph = ex.default_graph()
    events = [ex.datasets.load_seed_article(), *ex.datasets.load_sample_events()[0]] * repeat
    tag_event(events[0], graph)  # builds the vocabulary of this graph version once
    gazetteer = Gazetteer.from_graph(graph)
    texts = [e.text for e in events]
    mb = _megabytes(texts)
    tag_s, tag_cpu_s, _ = _best_cpu(lambda e: tag_event(e, graph), events)
    find_s, _ = _timed(gazetteer.find, texts)
    rows = [_row("tag_event, default graph", f"{len(events)} events ({mb:.1f} MB)", tag_s,
                 f"{mb / tag_s:.2f} MB/s wall, {mb / tag_cpu_s:.2f} MB/s CPU (find alone {mb / find_s:.1f} MB/s)",
                 target=f">= {TAG_EVENT_TARGET_MBPS:.0f} MB/s",
                 met=bool(max(mb / tag_s, mb / tag_cpu_s) >= TAG_EVENT_TARGET_MBPS),
                 gazetteer_only_s=find_s, mbps=mb / tag_s, cpu_mbps=mb / tag_cpu_s, load_average=os.getloadavg()[0])]

    dev = load_dev_set().events * max(1, repeat // 15)
    mb = _megabytes([e.text for e in dev])
    dev_s, dev_cpu_s, _ = _best_cpu(lambda e: tag_event(e, graph), dev)
    rows.append(_row("tag_event, development set", f"{len(dev)} events ({mb:.1f} MB)", dev_s,
                     f"{mb / dev_s:.2f} MB/s wall, {mb / dev_cpu_s:.2f} MB/s CPU", mbps=mb / dev_s,
                     cpu_mbps=mb / dev_cpu_s))

    article = ex.Event(headline="A long article", body=long_article(article_words))
    mb = _megabytes([article.text])
    long_s, long_cpu_s, (tagged,) = _best_cpu(lambda e: tag_event(e, graph), [article])
    rows.append(_row(f"tag_event, {article_words:,}-word article", f"1 event ({mb:.1f} MB)", long_s,
                     f"{mb / long_s:.2f} MB/s wall, {mb / long_cpu_s:.2f} MB/s CPU", mbps=mb / long_s,
                     cpu_mbps=mb / long_cpu_s, mentions=len(tagged.mentions)))
    return rows


def _rows_in_child(package: str | None, repeat: int, article_words: int) -> list[dict] | None:
    """``_tag_event_rows`` in a fresh child process, on the package in folder ``package`` (this
    checkout's when None): every version is timed alike, away from this process's large heap."""
    folders = [package, str(ROOT)] if package else [str(ROOT)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(folders)}
    child = subprocess.run([sys.executable, __file__, "--tag-event-rows", str(repeat), str(article_words)],
                           env=env, capture_output=True, text=True)
    if child.returncode != 0:
        return None
    return json.loads(child.stdout.splitlines()[-1])


def _rows_at(commit: str, repeat: int, article_words: int) -> list[dict] | None:
    """``_tag_event_rows`` run on the package as it was at ``commit`` (None without git history)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "exposure"], capture_output=True)
    if archive.returncode != 0:
        return None
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder)
        return _rows_in_child(folder, repeat, article_words)


def _side_by_side(repeat: int, article_words: int) -> list[dict]:
    """The tag_event rows of this checkout, each with the same row of every ``BEFORE`` commit beside it."""
    rows = _rows_in_child(None, repeat, article_words) or _tag_event_rows(repeat, article_words)
    before = {label: _rows_at(commit, repeat, article_words) for label, commit in BEFORE.items()}
    out = []
    for n, row in enumerate(rows):
        then = [(label, found[n]) for label, found in before.items() if found]
        if then:
            row = {**row, "figure": row["figure"] + "; before: " + ", ".join(
                f"{r['cpu_mbps']:.2f} MB/s CPU {label} ({BEFORE[label]})" for label, r in then)}
            row.update({f"cpu_mbps {label}": r["cpu_mbps"] for label, r in then})
        out.append(row)
    for label, found in before.items():
        out.extend({**r, "benchmark": f"{r['benchmark']} [{label}, {BEFORE[label]}]", "target": None, "met": None}
                   for r in found or ())
    return out


def main(size: str = "full") -> list[dict]:
    n_aliases, n_articles, n_previous, n_loop, n_regex, repeat, article_words = SIZES[size]
    entries, articles = corpus(n_aliases, n_articles)
    mb = _megabytes(articles)
    start = time.perf_counter()
    gazetteer = Gazetteer(entries)
    build_s = time.perf_counter() - start
    Reference = _reference_class()
    start = time.perf_counter()
    previous = Reference(entries)
    previous_build_s = time.perf_counter() - start
    rows = [_row(f"gazetteer build ({n_aliases:,} aliases)", f"{len(gazetteer):,} phrases", build_s,
                 f"{build_s:.2f} s", "previous n-gram", previous_build_s, previous_build_s / build_s)]

    ours_s, cpu_s, found = _timed_cpu(gazetteer.find, articles)
    mbps, cpu_mbps = mb / ours_s, mb / cpu_s
    rows.append(_row("tag: Gazetteer.find, one core", f"{n_articles:,} articles ({mb:.0f} MB)", ours_s,
                     f"{mbps:.1f} MB/s wall, {cpu_mbps:.1f} MB/s CPU", target=f">= {TARGET_MBPS:.0f} MB/s",
                     met=bool(max(mbps, cpu_mbps) >= TARGET_MBPS), mbps=mbps, cpu_mbps=cpu_mbps,
                     mentions=sum(map(len, found)), load_average=os.getloadavg()[0]))

    sample = articles[:n_previous]
    row = _versus("previous n-gram find", previous, gazetteer, sample)
    row["same_output"] = all(gazetteer.find(t) == previous.find(t) for t in sample)
    rows.append(row)
    rows.append(_versus("Python alias loop", AliasLoop(entries), gazetteer, articles[:n_loop]))
    start = time.perf_counter()
    regex = GiantRegex(entries)
    regex_build_s = time.perf_counter() - start
    rows.append(_versus("giant regex", regex, gazetteer, articles[:n_regex], build_s=regex_build_s))
    rows.extend(_side_by_side(repeat, article_words))
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--tag-event-rows"]:  # a child of _rows_in_child
        print(json.dumps(_tag_event_rows(int(sys.argv[2]), int(sys.argv[3]))))
        sys.exit(0)
    for r in main(sys.argv[1] if len(sys.argv) > 1 else "full"):
        peer = "" if r["peer"] is None else f" | {r['peer']} {r['peer_s']:.3f}s, ratio {r['ratio']:.1f}x"
        target = "" if r["target"] is None else f" | target {r['target']}, met {r['met']}"
        notes = "".join(f" | {k} {v:.2f}" if isinstance(v, float) else f" | {k} {v}" for k, v in r.items()
                        if k not in {"benchmark", "size", "ours_s", "peer", "peer_s", "ratio", "target", "met",
                                     "figure", "mbps"})
        print(f"{r['benchmark']:<34} [{r['size']}]: {r['figure']:<30} ours {r['ours_s']:.3f}s{peer}{target}{notes}")
