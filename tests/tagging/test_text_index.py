"""The shared per-text reading of the context rules (``_Sentences``) and the tagging caches stay exact and bounded."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from exposure.tagging import _context, _gazetteer, sentence_spans
from exposure.tagging._context import _CLAUSE_BREAK, _clause_bounds, _Sentences
from exposure.tagging._normalize import TOKEN, normalize_token, token_starts

# The patterns as first written; the package spells them to run faster.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
CLAUSE_BREAK = re.compile(
    r"[,;:]|\b(?:while|as|but|whereas|although|though|amid|despite|after|because|on)\b", re.IGNORECASE
)
PIECES = ["a", "As", "aſ", "while", "WHILE's", "on", "on_", "but", "x1", ".", "!", "?", ",", ";", ":", " ", "  ",
          "\n", "\n\n", "\n \n", "\t", "\r", "\u2028", "\x85", "\xa0", "'", "’", "é", "K", "İ"]


def _reference_sentence_spans(text):
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return tuple((a, b) for a, b in spans if text[a:b].strip())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_fast_patterns_find_what_the_first_ones_found(text):
    assert sentence_spans(text) == _reference_sentence_spans(text)
    assert [m.span() for m in _CLAUSE_BREAK.finditer(text)] == [m.span() for m in CLAUSE_BREAK.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["-", "ü", "—", "“", "_", "\ud800", "Ⅻ", "²"]), max_size=40).map("".join))
def test_tokens_split_in_c_are_the_tokens_of_the_pattern(text):
    words, starts = token_starts(text)
    assert list(zip(words, starts)) == [(m.group(), m.start()) for m in TOKEN.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_clauses_cut_from_one_pass_over_the_text_are_those_of_each_sentence(text):
    sentences = _Sentences(text)
    for number, span in enumerate(sentences.spans):
        assert sentences._sentence_clause_bounds(number) == _clause_bounds(text, *span)
        tokens = sentences.tokens
        assert tokens.within(*span) == sentences.token_range(number)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.data())
def test_words_beside_a_mention_are_those_of_the_window(text, data):
    sentences = _Sentences(text)
    tokens = sentences.tokens
    position = data.draw(st.sampled_from(sorted({0, len(text), *tokens.starts, *tokens.ends})))
    reach, count = data.draw(st.integers(0, 40)), data.draw(st.integers(1, 5))
    before = max(0, position - reach)

    def expected(start, end):
        return [normalize_token(word) for word in TOKEN.findall(text, start, end)]

    assert sentences.first_folded(position, position + reach, count) == expected(position, position + reach)[:count]
    assert sentences.last_folded(before, position, count) == expected(before, position)[-count:]


def test_the_stages_of_one_text_share_one_reading():
    text = "Oil rose. Airlines cancelled routes, but banks rose."
    sentences = _Sentences(text)
    assert _Sentences("".join([text[:5], text[5:]])) is sentences  # an equal string, another object
    assert _Sentences(text + " ") is not sentences
    assert _Sentences(text) is not sentences  # only the last text is kept


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.data())
def test_clause_words_are_the_tokens_of_the_span(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    sentences = _Sentences(text)
    expected = [(m.start() + start, m.end() + start, normalize_token(m.group()))
                for m in TOKEN.finditer(text[start:end])]
    assert sentences.words(start, end) == expected
    assert sentences.folded(start, end) == [w for _, _, w in expected]


def test_word_caches_are_bounded(monkeypatch):
    monkeypatch.setattr(_context, "_FOLDS_LIMIT", 3)
    folds = _context._Folds()
    for word in ["one", "two", "three", "four", "x" * 10_000]:
        assert folds[word] == normalize_token(word)
        assert len(folds) <= 3
    assert "x" * 10_000 not in folds

    monkeypatch.setattr(_gazetteer, "_CACHE_CHARS", 100)
    gazetteer = _gazetteer.Gazetteer([("c:a", "air defence", 1.0, False)])
    for n in range(5):
        found = gazetteer.find(f"{'b' * 60}{n} air defences")
        assert [m.concept for m in found] == ["c:a"]
        assert gazetteer._codes.chars <= 100 + 70
