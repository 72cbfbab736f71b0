"""The article parser takes time linear in the page, and reads normal pages as before."""

import random
import time
from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure.errors import EventError
from exposure.events import parse_article
from exposure.events._article import _ELLIPSIS, _LONGEST_HEADLINE, _is_repeat, _normalised, split_tags

from tests._timing import best_time


def reference_is_repeat(line, headline):
    """The test as first written: difflib's ratio on any lengths."""
    a, b = _normalised(line), _normalised(headline)
    if SequenceMatcher(None, a, b).ratio() >= 0.8:
        return True
    shorter, longer = sorted((line, headline), key=len)
    return bool(_ELLIPSIS.search(shorter)) and _normalised(longer).startswith(_normalised(shorter))


HEADLINE_WORDS = st.sampled_from("Oil jumps as Russia strikes refinery NATO drones Lithuania ... … ,".split())
lines = st.lists(HEADLINE_WORDS, max_size=30).map(" ".join) | st.text(max_size=80)


@settings(max_examples=200, deadline=None)
@given(lines, lines)
def test_repeat_test_is_unchanged_for_headline_lengths(line, headline):
    assert _is_repeat(line, headline) == reference_is_repeat(line, headline)


def test_repeat_of_a_long_headline_must_be_equal():
    long = "Oil jumps as Russia strikes a refinery " * 60
    assert len(long) > _LONGEST_HEADLINE
    assert _is_repeat(long.upper(), long)
    assert not _is_repeat(long + "again", long)


def _page(length, seed=0):
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 20_000)]
    headline = "".join(rng.choice(alphabet) for _ in range(length))
    second = headline[: length // 2] + "".join(rng.choice(alphabet) for _ in range(length - length // 2))
    return f"Market Impact: 0.3\n{headline}\nGeopolitics & WarEnergy & Commodities\n{second}\nBody text."


def test_parse_time_grows_linearly_with_long_header_lines():
    """8x longer header lines in under 20x the time (difflib on them took 64x)."""
    small, large = _page(80_000), _page(640_000)
    parse_article(large)
    ratio = best_time(lambda: parse_article(large)) / best_time(lambda: parse_article(small), 7)
    assert ratio < 20


def test_long_tag_line_splits_in_linear_time():
    known = ["Geopolitics & War", "Energy & Commodities"]
    small = "Geopolitics & WarEnergy & Commodities" * 4_000
    large = small * 8
    split_tags(large, known)
    ratio = best_time(lambda: split_tags(large, known)) / best_time(lambda: split_tags(small, known), 7)
    assert ratio < 20
    assert split_tags(large, known) == known


@pytest.mark.parametrize(
    "page",
    [
        "!" * 1_000_000,
        "a" * 1_000_000,
        " ".join(["drones", "over", "Lithuania"] * 33_000),
        "& " * 500_000,
        "Market Impact: 0.1\n" + "XOM " * 250_000,
    ],
    ids=["punctuation", "one token", "100k words", "ampersands", "chips"],
)
def test_megabyte_pages_parse_in_bounded_time(page):
    start = time.perf_counter()
    event = parse_article(page)
    assert time.perf_counter() - start < 30
    assert event.headline or event.body


@pytest.mark.parametrize("page", ["", "\n" * 1_000_000, "Back to News\nAllMind AI Terminal\n"])
def test_pages_without_text_are_refused_in_bounded_time(page):
    start = time.perf_counter()
    with pytest.raises(EventError, match="no headline or body"):
        parse_article(page)
    assert time.perf_counter() - start < 30
