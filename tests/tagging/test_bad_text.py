"""Bad input gets a clear result in bounded time: tag_event and map_events on empty, huge and odd texts.

"Bounded" is checked by counting operations (Python and C function calls, with ``sys.setprofile``)
on inputs of two sizes, not by timing: ten times the input must cost at most about ten times the
calls. The long-article throughput is a row of ``tests/benchmarks/bench_tagging.py``.
"""

import sys

import numpy as np
import pytest

import exposure as ex
from exposure.errors import EventError
from exposure.tagging import tag_event
from tests.tagging._texts import BAD_BODIES, long_article

LONG = long_article(100_000)


def _operations(function) -> int:
    """Function calls (Python and C) made while ``function()`` runs: a count of work, not of time."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        function()
    finally:
        sys.setprofile(None)
    return calls


def _text_mentions_are_in_place(event, tagged):
    text = event.text
    return all(text[m.start:m.end] == m.text for m in tagged.mentions if m.origin == "text")


def test_an_event_without_any_text_is_a_clear_error():
    with pytest.raises(EventError) as info:
        ex.Event(headline=" ", body="\n\n")
    assert info.value.field == "headline"
    assert "headline, body or tags" in info.value.fix


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_bad_text_gets_a_clear_result(graph, name):
    event = ex.Event(headline="Markets", body=BAD_BODIES[name])
    tagged = tag_event(event, graph)
    assert [m for m in tagged.mentions if m.start >= len("Markets")] == []
    impacts = ex.map_events(event, graph)
    assert np.isfinite(impacts.scores.data).all()
    assert len(impacts.top(n=5)) <= 5


def test_a_100k_word_article_is_tagged_and_mapped(graph):
    event = ex.Event(headline="A long article", body=LONG)
    tagged = tag_event(event, graph)
    assert len(tagged.mentions) > 5_000
    assert _text_mentions_are_in_place(event, tagged)
    assert {m.sign for m in tagged.mentions} == {-1, 0, 1}
    impacts = ex.map_events(event, graph)
    top = impacts.top(n=10)
    assert len(top) == 10 and np.isfinite(top["score"]).all()


def test_a_megabyte_word_of_aliases_without_spaces_finds_nothing(graph):
    event = ex.Event(headline="x", body="airdefencedronesNATO" * 50_000)
    assert [m for m in tag_event(event, graph).mentions if m.origin == "text"] == []


@pytest.mark.parametrize(
    ("body_of", "small"),
    [
        (long_article, 10_000),  # words
        (lambda n: "x. " * n, 10_000),  # sentence breaks
        (lambda n: ".,;:!?-'’" * n, 10_000),
        (lambda n: "a" * n, 100_000),  # one word
        (lambda n: "airlines cancelled routes, but Boeing shares rose while banks slid " * n, 100),
    ],
    ids=["article", "sentence breaks", "punctuation", "one word", "clauses"],
)
def test_work_grows_linearly(graph, body_of, small):
    def work(n):
        event = ex.Event(headline="Markets", body=body_of(n))
        return _operations(lambda: (tag_event(event, graph), ex.map_events(event, graph)))

    work(small // 10)  # the words' caches are warm for both sizes
    calls_small, calls_large = work(small), work(10 * small)
    assert calls_large <= 12 * calls_small, (calls_small, calls_large)
