"""Arbitrary text: the article parser and the tagger finish and raise nothing but ExposureError."""

from hypothesis import given, settings
from hypothesis import strategies as st

import exposure as ex
from exposure.errors import ExposureError
from exposure.events import parse_article, split_tags
from exposure.tagging import tag_event

from .conftest import FUZZ

HEADER_LINES = st.sampled_from([
    "Back to News", "Market Impact: 0.4", "Market Impact:", "Market Impact: lots", "XOM CVX", "TRI",
    "Geopolitics & WarInfrastructure & Defense", "Energy; Financials | Macro", "Analysis", "Analysis:",
    "AllMind AI Terminal", "AI-powered research, real-time alerts", "Oil jumps...", "Oil jumps", "", " ",
])
TEXT = st.text(st.characters(codec="utf-8"), max_size=400)
PAGES = st.lists(HEADER_LINES | TEXT, max_size=12).map("\n".join) | TEXT
WORDS = st.sampled_from(
    "airlines cancelled rose fell Lithuania air defence drones NATO Poland Rheinmetall export controls "
    "banks while but as , ; . ! ? \n\n ’s - & …".split(" ")
)
PROSE = st.lists(WORDS | TEXT, max_size=60).map(" ".join)


def _parse(page):
    try:
        return parse_article(page, known_tags=["Geopolitics & War", "Energy & Commodities"])
    except ExposureError:
        return None


@settings(parent=FUZZ)
@given(PAGES)
def test_article_parser_reads_any_text_or_says_why(page):
    event = _parse(page)
    assert event is None or event.headline or event.body


@settings(parent=FUZZ)
@given(st.binary(max_size=600))
def test_article_parser_reads_any_bytes_or_says_why(page):
    _parse(page)


@settings(parent=FUZZ)
@given(TEXT, st.lists(TEXT, max_size=4))
def test_tag_splitting_never_fails(line, known):
    tags = split_tags(line, known)
    assert all(tag and tag == tag.strip() for tag in tags)


@settings(parent=FUZZ)
@given(PROSE, PROSE)
def test_tagger_reads_any_text(headline, body):
    graph = ex.default_graph()
    try:
        event = ex.Event(headline=headline, body=body, tags=["Geopolitics & War"])
    except (ExposureError, ValueError):
        return
    tagged = tag_event(event, graph)
    for mention in tagged.mentions:
        if mention.origin == "text":
            assert event.text[mention.start:mention.end] == mention.text
        assert mention.sign in (-1, 0, 1)
