"""Tagging takes time linear in the text, and gives the same mentions as the per-mention rules did."""

import re
import time
from bisect import bisect_right
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure as ex
from exposure.events import read_article
from exposure.tagging import sentence_direction, sentence_spans, tag_event
from exposure.tagging import _context, _tagger

from tests._timing import tag_growth

OIL_ARTICLE = Path(__file__).parents[1] / "events" / "data" / "oil_tankers_article.txt"
_CLAUSE_BREAK = re.compile(  # as first written (the package spells it to run faster)
    r"[,;:]|\b(?:while|as|but|whereas|although|though|amid|despite|after|because|on)\b", re.IGNORECASE
)


def _reference_sentence_of(spans, position):
    number = bisect_right(spans, (position, float("inf"))) - 1
    if 0 <= number < len(spans) and spans[number][0] <= position < spans[number][1]:
        return number
    for number, (start, end) in enumerate(spans):
        if start <= position < end:
            return number
    return len(spans) - 1


def _reference_clause_direction(text, start, end, position):
    bounds = [start, *(start + m.end() for m in _CLAUSE_BREAK.finditer(text[start:end])), end]
    for left, right in zip(bounds, bounds[1:]):
        if left <= position < right:
            return sentence_direction(text[left:right])
    return 0


def reference_sign_by_sentence(text, mentions, concepts, drivers_of=None):
    """The rule as first written: one scan of the mention's whole sentence per mention."""
    drivers_of = drivers_of or {}
    spans = sentence_spans(text)
    named = {}
    for mention in mentions:
        named.setdefault(_reference_sentence_of(spans, mention.start), set()).add(mention.concept)
    signed = []
    for mention in mentions:
        if mention.concept in concepts and mention.start >= 0:
            number = _reference_sentence_of(spans, mention.start)
            if drivers_of.get(mention.concept, frozenset()) & named[number]:
                direction, why = 0, "clause: its driver is named in the sentence"
            else:
                direction = _reference_clause_direction(text, *spans[number], mention.start)
                why = {1: "clause: words of rise", -1: "clause: words of fall", 0: ""}[direction]
            rule = f"{mention.rule}; {why}" if mention.rule and why else mention.rule or why
            mention = replace(mention, sign=direction, rule=rule)
        signed.append(mention)
    return signed


@pytest.fixture(scope="module")
def events():
    found, _ = ex.datasets.load_sample_events()
    return [*found, ex.datasets.load_seed_article(), read_article(OIL_ARTICLE)]


def _reference_tag(event, graph, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(_tagger, "sign_by_sentence", reference_sign_by_sentence)
        return tag_event(event, graph)


def test_same_mentions_as_the_per_mention_rule_on_sample_events(events, graph, monkeypatch):
    for event in events:
        assert tag_event(event, graph).mentions == _reference_tag(event, graph, monkeypatch).mentions


WORDS = ("airlines cancelled rose fell banks homebuilders slid while but as on Lithuania air defence "
         "drones NATO oil tankers shares export controls chip equipment makers Poland , ; : . ! ? \n\n").split(" ")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=120))
def test_same_signs_as_the_per_mention_rule_on_mixed_texts(graph, words):
    text = " ".join(words)
    vocab = _tagger.vocabulary_for(graph)
    found = vocab.gazetteer.find(text)
    assert (_context.sign_by_sentence(text, found, vocab.sentence_signed, vocab.drivers_of)
            == reference_sign_by_sentence(text, found, vocab.sentence_signed, vocab.drivers_of))


def test_tagging_time_grows_linearly_with_one_long_sentence(graph):
    """8x the text in under 20x the time (the per-mention rule took 64x: 16 KB in 13 s)."""
    assert tag_growth(graph, "airlines cancelled routes and banks rose ", 400, headline="Airlines") < 20


def test_each_clause_is_read_once(graph, monkeypatch):
    """The stages read the words of a clause from one shared reading: the text's tokens are found
    once, and clauses that cut a token ("while's") add no more reading than the text."""
    read: dict[str, list[int]] = {"findall": [], "finditer": [], "token_spans": []}
    tokens = _context.TOKEN
    token_spans = _context.token_spans

    def counted_token_spans(text):
        read["token_spans"].append(len(text))
        return token_spans(text)

    class CountingTokens:
        def __getattr__(self, name):
            def counted(text, start=0, end=None):
                end = len(text) if end is None else min(end, len(text))
                read[name].append(end - start)
                return getattr(tokens, name)(text, start, end)
            return counted

    text = "airlines cancelled routes, and Boeing shares rose while homebuilders slid " * 2_000
    event = ex.Event(headline="x", body=text)
    with monkeypatch.context() as patch:
        patch.setattr(_context, "TOKEN", CountingTokens())
        patch.setattr(_context, "token_spans", counted_token_spans)
        tagged = tag_event(event, graph)
    assert read["token_spans"] == [len(event.text)]
    assert sum(read["findall"]) + sum(read["finditer"]) <= len(text) + 1
    assert {m.rule for m in tagged.mentions if m.concept == "company:boeing"} == {"fortune: rose"}


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("punctuation", ".,;:!?-()[]'\"" * 20_000),
        ("one token", "a" * 250_000),
        ("words without stops", "airlines cancelled Lithuania air defence banks rose " * 5_000),
        ("newlines", "\n" * 250_000),
    ],
)
def test_bad_text_is_tagged_in_bounded_time(graph, name, body):
    event = ex.Event(headline="x", body=body)
    start = time.perf_counter()
    tagged = tag_event(event, graph)
    assert time.perf_counter() - start < 30
    assert all(0 <= m.start <= m.end <= len(event.text) for m in tagged.mentions if m.origin == "text")


def test_event_without_text_keeps_its_tags(graph):
    tagged = tag_event(ex.Event(headline="", body="", tags=["Geopolitics & War"]), graph)
    assert [m.origin for m in tagged.mentions] == ["tag"]
