import pytest

from exposure.tagging import Gazetteer, normalize_token


@pytest.mark.parametrize(
    ("variants", "same"),
    [
        (["defences", "defenses", "Defence", "defense"], True),
        (["centimetre", "centimeters"], True),
        (["NATO's", "NATO"], True),
        (["batteries", "battery"], True),
        (["organisations", "organization"], True),
        (["news", "new"], False),
        (["crisis", "crisi"], False),
    ],
)
def test_spelling_and_plural_variants_meet(variants, same):
    forms = {normalize_token(v) for v in variants}
    assert (len(forms) == 1) is same


def _gaz():
    return Gazetteer([
        ("theme:air-missile-defense", "air defence", 0.9, False),
        ("theme:air-missile-defense", "integrated air defence", 0.95, False),
        ("theme:counter-drone", "counter-drone", 1.0, False),
        ("country:US", "US", 0.9, True),
        ("org:nato", "NATO", 1.0, False),
    ])


def test_word_boundaries_case_and_spelling():
    found = _gaz().find("Lithuania wants more AIR DEFENSES; NATO's counter drone plans. Airdefence no.")
    assert [(m.concept, m.text) for m in found] == [
        ("theme:air-missile-defense", "AIR DEFENSES"),
        ("org:nato", "NATO's"),
        ("theme:counter-drone", "counter drone"),
    ]
    assert found[0].start == 21 and found[0].confidence == 0.9


def test_longest_match_wins():
    found = _gaz().find("an integrated air defence network")
    assert [(m.concept, m.confidence, m.text) for m in found] == [
        ("theme:air-missile-defense", 0.95, "integrated air defence")
    ]


def test_case_sensitive_acronym_does_not_match_common_word():
    assert [m.concept for m in _gaz().find("the US told us")] == ["country:US"]


def test_alias_row_spelling_the_label_sets_its_confidence(mini_graph):
    import pandas as pd

    from exposure.graph import KnowledgeGraph

    aliases = pd.concat([mini_graph.aliases, pd.DataFrame([{
        "concept": "theme:airlines", "alias": "airlines", "confidence": 0.4,
        "case_sensitive": False, "origin": "test:1"}])], ignore_index=True)
    graph = KnowledgeGraph(mini_graph.nodes, mini_graph.edges, aliases)
    (mention,) = Gazetteer.from_graph(graph).find("Airlines cut flights")
    assert mention.concept == "theme:airlines" and mention.confidence == 0.4
