"""The automaton-backed Gazetteer.find returns exactly what the earlier n-gram scan returned."""

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure as ex
from exposure.tagging import Gazetteer, Mention
from exposure.tagging import _gazetteer
from exposure.tagging._normalize import normalize_token, tokenize


def _folded(text: str) -> tuple[str, ...]:
    return tuple(normalize_token(t) for t, _, _ in tokenize(text))


class ReferenceGazetteer:
    """Verbatim copy of the n-gram Gazetteer (``__init__``, ``from_graph``, ``find``) it replaced."""

    def __init__(self, entries) -> None:
        self._folded: dict[tuple[str, ...], dict[str, float]] = {}
        self._exact: dict[tuple[str, ...], dict[str, float]] = {}
        for concept, alias, confidence, case_sensitive in entries:
            key = tuple(t for t, _, _ in tokenize(alias)) if case_sensitive else _folded(alias)
            if not key:
                continue
            table = self._exact if case_sensitive else self._folded
            best = table.setdefault(key, {})
            best[concept] = max(best.get(concept, 0.0), float(confidence))
        self._longest = max((len(k) for k in (*self._folded, *self._exact)), default=0)

    @classmethod
    def from_graph(cls, graph):
        kind = graph.nodes["kind"]
        upper_gics = (kind == "gics") & (graph.nodes.index.str.len() < len("gics:00000000"))
        nodes = graph.nodes[(kind != "security") & (kind != "event") & ~upper_gics]
        aliases = graph.aliases
        alias_rows = list(zip(aliases["concept"], aliases["alias"], aliases["confidence"], aliases["case_sensitive"]))
        spelled = {(concept, _folded(alias)) for concept, alias, _, _ in alias_rows}
        labels = [(i, str(label), 1.0, False) for i, label in zip(nodes.index, nodes["label"])
                  if (i, _folded(str(label))) not in spelled]
        return cls([*labels, *alias_rows, *_gazetteer.company_short_names(graph)])  # rows of today, engine of old

    def __len__(self) -> int:
        return len(self._folded) + len(self._exact)

    def find(self, text: str) -> list[Mention]:
        """All mentions in a text, in order of position."""
        tokens = tokenize(text)
        raw = [t for t, _, _ in tokens]
        folded = [normalize_token(t) for t in raw]
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            for length in range(min(self._longest, len(tokens) - i), 0, -1):
                hits = {**self._folded.get(tuple(folded[i:i + length]), {})}
                for concept, conf in self._exact.get(tuple(raw[i:i + length]), {}).items():
                    hits[concept] = max(hits.get(concept, 0.0), conf)
                if hits:
                    start, end = tokens[i][1], tokens[i + length - 1][2]
                    mentions.extend(
                        Mention(c, text[start:end], start, end, hits[c]) for c in sorted(hits)
                    )
                    i += length
                    break
            else:
                i += 1
        return mentions


WORDS = [
    "air", "defence", "defenses", "integrated", "counter", "drone", "drones", "NATO", "US", "us", "Us",
    "SAM", "sam", "news", "new", "crisis", "batteries", "battery", "centimetre", "analyse", "analyzed",
    "Zürich", "café", "CAFÉ", "straße", "STRASSE", "İstanbul", "naïve", "don't", "rock'n'roll", "O’Neill",
    "o'neill", "2024", "3", "x", "ß", "ﬁnance", "Ωmega", "東京", "a", "of", "the", "Bank", "America",
]
SEPARATORS = [" ", " ", " ", "  ", "-", ", ", ". ", "'", "’", " ' ", "''", " — ", "—", "“", "” ", "_", "\n", "\t",
              "/", "(", ") ", "&", "\u00a0", "\u2009", "…", "'s ", "’s ", "s' ", "s ", "es "]


def _variant(word: str, style: int) -> str:
    return [word, word.upper(), word.lower(), word.title(), word.swapcase(), word + "s", word + "'s",
            word + "’s", word + "s'", word + "es", word + "ies"][style]


CLEAN = [" ", " ", ", ", ". ", "-", "\n", " (", ") ", "/", "_"]


@st.composite
def gazetteer_and_texts(draw):
    """A small gazetteer over a few words, and texts mostly made of those words, so phrases meet."""
    pool = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6, unique=True))
    word = st.sampled_from(pool)
    alias = st.tuples(st.lists(word, min_size=1, max_size=4), st.sampled_from([" ", "-", "  ", "'", "’", ". "]))
    entries = draw(st.lists(
        st.tuples(st.sampled_from(["c:a", "c:b", "c:c", "c:d"]), alias.map(lambda p: p[1].join(p[0])),
                  st.sampled_from([0.25, 0.5, 0.9, 1.0]), st.booleans()),
        max_size=12,
    ))
    texts = []
    for mode in draw(st.lists(st.integers(0, 2), min_size=1, max_size=4)):
        if mode < 2:  # ASCII separators: the offsets come from the pieces, not from a second scan
            piece = st.one_of(st.tuples(word, st.integers(0, 5 if mode == 0 else 10)).map(lambda p: _variant(*p)),
                              st.sampled_from(CLEAN if mode == 0 else [*CLEAN, "'", " '", "' ", "''", "'s' "]))
        else:
            piece = st.one_of(
                st.tuples(word, st.integers(0, 10)).map(lambda p: _variant(*p)),
                st.tuples(st.sampled_from(WORDS), st.integers(0, 10)).map(lambda p: _variant(*p)),
                st.sampled_from(SEPARATORS), st.text(max_size=4), st.text(alphabet="aA'’-_ .é", max_size=5),
            )
        texts.append("".join(draw(st.lists(piece, max_size=40))))
    return entries, texts


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=gazetteer_and_texts())
def test_find_equals_the_ngram_scan(case):
    entries, texts = case
    ours, reference = Gazetteer(entries), ReferenceGazetteer(entries)
    assert len(ours) == len(reference)
    for text in [*texts, *texts]:  # twice: the second pass reads the piece cache
        assert ours.find(text) == reference.find(text), text


@settings(max_examples=100, deadline=None)
@given(case=gazetteer_and_texts())
def test_alias_text_finds_its_own_phrase(case):
    entries, texts = case
    ours, reference = Gazetteer(entries), ReferenceGazetteer(entries)
    for _, alias, _, _ in entries:
        for sample in (alias, f"{texts[0]} {alias}. {alias.upper()}", alias.lower() + texts[0]):
            assert ours.find(sample) == reference.find(sample)


def test_shared_nested_and_case_sensitive_phrases():
    rows = [("c:a", "air defence", 0.5, False), ("c:b", "air defences", 0.9, False),
            ("c:c", "AIR", 1.0, True), ("c:c", "air defense", 0.7, False), ("c:d", "AIR defence", 0.95, True),
            ("c:a", "integrated air", 0.3, False), ("c:b", "US", 1.0, True), ("c:a", "us air", 0.2, False)]
    ours, reference = Gazetteer(rows), ReferenceGazetteer(rows)
    text = "The integrated AIR defence of the US; US air, us AIR defences and AIR-Defence."
    assert ours.find(text) == reference.find(text)
    assert [(m.concept, m.text, m.confidence) for m in ours.find("AIR defence")] == [
        ("c:a", "AIR defence", 0.5), ("c:b", "AIR defence", 0.9), ("c:c", "AIR defence", 0.7),
        ("c:d", "AIR defence", 0.95)]


def test_spans_are_character_offsets_in_non_ascii_text():
    gaz = Gazetteer([("c:z", "Zürich", 1.0, False), ("c:d", "air defence", 1.0, False)])
    text = "Über “Zürich’s” air—defences — naïve café Zürich"
    found = gaz.find(text)
    assert [text[m.start:m.end] for m in found] == ["Zürich’s", "air—defences", "Zürich"]
    assert found == ReferenceGazetteer([("c:z", "Zürich", 1.0, False),
                                        ("c:d", "air defence", 1.0, False)]).find(text)


def test_empty_gazetteer_and_empty_text():
    assert Gazetteer([]).find("anything at all") == []
    assert Gazetteer([("c:a", "air", 1.0, False)]).find("") == []
    assert len(Gazetteer([("c:a", "--", 1.0, False)])) == 0


def test_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(_gazetteer, "_CACHE_LIMIT", 3)
    rows = [("c:a", "air defence", 1.0, False), ("c:b", "US", 1.0, True)]
    ours, reference = Gazetteer(rows), ReferenceGazetteer(rows)
    for text in ["one two three four five air defences", "US air defence", "six seven eight nine US"] * 3:
        assert ours.find(text) == reference.find(text)
        assert len(ours._codes) <= 3 + len(text.split()) + 1


@pytest.fixture(scope="module")
def default_pair(graph):
    return Gazetteer.from_graph(graph), ReferenceGazetteer.from_graph(graph)


def _bundled_texts(graph) -> list[str]:
    events = [ex.datasets.load_seed_article(), *ex.datasets.load_sample_events()[0]]
    texts = [t for e in events for t in (e.text, e.headline, e.body or "")]
    names = [str(a) for a in graph.aliases["alias"]] + [str(label) for label in graph.nodes["label"]]
    texts.append(" ".join(names))
    texts.append(", ".join(n.upper() for n in names))
    texts.append("; ".join(n.lower() + "'s" for n in names))
    texts.append(" — ".join(f"“{n}”" for n in names))
    return texts


def test_default_graph_equals_the_ngram_scan(default_pair, graph):
    ours, reference = default_pair
    assert len(ours) == len(reference)
    for text in _bundled_texts(graph):
        found = ours.find(text)
        assert found == reference.find(text)
        assert all(text[m.start:m.end] == m.text for m in found)
    assert len(ours.find(_bundled_texts(graph)[0])) > 5


def test_pickle_round_trip(default_pair, graph):
    ours, _ = default_pair
    text = ex.datasets.load_seed_article().text
    before = ours.find(text)
    copy = pickle.loads(pickle.dumps(ours))
    assert len(copy) == len(ours)
    assert copy.find(text) == before
    assert pickle.loads(pickle.dumps(Gazetteer([]))).find(text) == []
