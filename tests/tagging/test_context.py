import pytest

from exposure.tagging import Mention, sentence_direction, sentence_spans
from exposure.tagging._context import sign_by_sentence
from exposure.tagging._roles import operated_system_mentions


def test_sentences_split_on_stops_and_paragraphs():
    text = "Drones landed. NATO met!\n\nAnalysis follows"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["Drones landed.", "NATO met!", "Analysis follows"]


@pytest.mark.parametrize(
    ("sentence", "direction"),
    [
        ("European airlines cancelled routes and grounded flights", -1),
        ("Airline shares rallied as bookings surged", 1),
        ("Airlines said they were watching the situation", 0),
    ],
)
def test_sentence_direction(sentence, direction):
    assert sentence_direction(sentence) == direction


def test_only_sentence_signed_mentions_take_the_sentence_direction():
    text = "Airlines cancelled flights. Defense spending was cut."
    mentions = [
        Mention("theme:airlines", "Airlines", 0, 8, 0.9),
        Mention("theme:defense-spending", "Defense spending", 28, 44, 1.0),
    ]
    signed = sign_by_sentence(text, mentions, frozenset({"theme:airlines"}))
    assert [m.sign for m in signed] == [-1, 1]


def test_operator_and_theme_in_one_sentence_activate_its_systems():
    text = "Lithuania asks for more air defences. Lithuania won at basketball."
    mentions = [
        Mention("country:LT", "Lithuania", 0, 9, 1.0),
        Mention("theme:air-missile-defense", "air defences", 24, 36, 0.9),
        Mention("country:LT", "Lithuania", 38, 47, 1.0),
    ]
    operated = {"country:LT": [
        ("system:nasams", 0.3, frozenset({"theme:air-missile-defense"})),
        ("system:rbs-70", 0.1, frozenset({"theme:air-missile-defense"})),
        ("system:himars", 0.2, frozenset({"theme:munitions"})),
    ]}
    found = operated_system_mentions(text, mentions, operated)
    assert [(m.concept, round(m.confidence, 6), m.origin) for m in found] == [
        ("system:nasams", 0.675, "context"), ("system:rbs-70", 0.225, "context")
    ]
