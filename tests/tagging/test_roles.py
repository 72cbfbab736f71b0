"""Countries as actor, target or buyer: which operated systems a country named beside a theme brings in."""

import csv
import re
from importlib import resources

import pytest

import exposure as ex
from exposure.evaluation._devset import load_dev_set
from exposure.tagging import tag_event, vocabulary_for
from exposure.tagging._gazetteer import Mention
from exposure.tagging._roles import KINDS, ROLES_FILE, default_roles, operated_system_mentions, read_roles

DEFENCES = {"theme:air-missile-defense", "theme:counter-drone"}


def _role(sentence, name, nth=0):
    start = [m.start() for m in re.finditer(re.escape(name), sentence)][nth]
    return read_roles(sentence, 0, len(sentence), default_roles()).role(start, start + len(name))[0]


@pytest.mark.parametrize(
    ("sentence", "name", "role"),
    [
        # actor: the subject of an active attack word, a noun included ("a US drone strike")
        ("Iran launched around 180 ballistic missiles at Israel", "Iran", "actor"),
        ("A US drone strike at Baghdad airport killed an Iranian commander", "US", "actor"),
        ("Ukraine struck Russian refineries with long-range drones", "Ukraine", "actor"),
        # a command to attack is not an order of goods
        ("The United States ordered air strikes on Houthi missile launchers", "United States", "actor"),
        # target: the object, or after a target preposition
        ("Iran launched around 180 ballistic missiles at Israel", "Israel", "target"),
        ("Russian forces attacked Ukraine from the north, east and south", "Ukraine", "target"),
        ("Missile strikes hit military sites near Kyiv", "Kyiv", "target"),
        ("Drone and missile attack knocks out half of Saudi oil output", "Saudi", "target"),
        ("Russian drone strikes in Lithuania prompted calls for air defences", "Lithuania", "target"),
        ("Ukraine struck Russian refineries with long-range drones", "Russian", "target"),
        # passive: the subject is hit, the one after "by" acts
        ("Israel was attacked by Iran with hundreds of drones and missiles", "Israel", "target"),
        ("Israel was attacked by Iran with hundreds of drones and missiles", "Iran", "actor"),
        ("Shayrat air base in Syria was struck by US Tomahawk missiles", "US", "actor"),
        ("Poland was hit by Russian drones overnight", "Poland", "target"),
        # buyer: procurement, request, replenishment
        ("Lithuania asks NATO for more air defences", "Lithuania", "buyer"),
        ("Germany orders more Patriot air defence systems", "Germany", "buyer"),
        ("Poland to buy more air-defence batteries", "Poland", "buyer"),
        ("The State Department approved the sale of interceptors to Poland", "Poland", "buyer"),
        ("Ukraine urged allies to replenish its stocks of interceptors", "Ukraine", "buyer"),
        # no role: "launch" without an aim is no attack
        ("Germany launches a new air defence programme", "Germany", ""),
        ("Israel's air defences were on alert", "Israel", ""),
        # defender: either side of a defence word
        ("Israel, the United States and allies said nearly all were intercepted by air defences", "Israel", "defender"),
        ("Most were intercepted by Israeli and US air defences", "Israeli", "defender"),
        ("Poland shot down Russian drones over its territory", "Poland", "defender"),
    ],
)
def test_role_of_a_country_in_its_clause(sentence, name, role):
    assert _role(sentence, name) == role


def _context(graph, headline):
    return [m for m in tag_event(ex.Event(headline=headline), graph).mentions if m.origin == "context"]


def test_the_actor_of_an_attack_brings_in_none_of_its_systems(graph):
    # before roles, "US" + "warships" brought in Aegis and Standard Missile (and their makers)
    assert _context(graph, "US warships launched 59 Tomahawk cruise missiles at an air base in Syria") == []
    tagged = tag_event(ex.Event(headline="US warships launched 59 Tomahawk cruise missiles at an air base"), graph)
    assert "system:tomahawk" in {m.concept for m in tagged.mentions}, "a system named directly still counts"


def test_a_target_brings_in_its_defences_only(graph):
    found = _context(graph, "Russian drones and missiles struck Ukraine's energy grid overnight, testing its "
                            "air defences")
    assert {m.concept for m in found} >= {"system:nasams", "system:patriot"}
    operated = {s: t for s, _, t in vocabulary_for(graph).operated["country:UA"]}
    assert all(operated[m.concept] & DEFENCES for m in found)
    assert "system:switchblade" not in {m.concept for m in found}, "its own drones are not what it will buy"
    assert {m.rule.split(" -> ")[0] for m in found} == {"operator: Ukraine's (target: struck)"}


def test_actor_and_target_in_one_sentence(graph):
    found = _context(graph, "The United States struck Houthi targets after the group fired ballistic missiles "
                            "at Israel")
    assert found and {m.rule.split(" -> ")[0] for m in found} == {"operator: Israel (target: fired .. at)"}
    assert {m.concept for m in found} == {"system:arrow-3", "system:davids-sling", "system:iron-beam",
                                          "system:iron-dome"}


def test_a_clause_cut_at_on_is_read_with_the_clause_before(graph):
    found = _context(graph, "Iran launched ballistic missile strikes on Israel")
    assert found and all(m.rule.startswith("operator: Israel (target: strikes .. on)") for m in found)


def test_a_buyer_brings_in_its_systems_and_says_why(graph):
    found = _context(graph, "Lithuania asks NATO for more air defences")
    assert "operator: Lithuania (buyer: asks) -> system:nasams" in {m.rule for m in found}


def test_explain_names_the_role(graph):
    impacts = ex.map_events(ex.Event(headline="Russian drones struck Lithuania, which asked NATO for more "
                                              "air defences"), graph)
    paths = impacts.explain("KOG.OL")
    said = [words for words in paths["mentioned_as"] for words in words]
    assert any("operator: Lithuania (target: struck) -> system:nasams" in s for s in said)


def test_the_striker_s_systems_do_not_lift_a_prime(graph):
    """Failure class 5: the US named as the striker made a US prime (via Aegis) the story's #2 name."""
    impacts = ex.map_events(ex.Event(headline="The United States struck Iran's nuclear sites with bombs dropped "
                                              "from bombers and missiles fired from submarines"), graph)
    assert "LMT" not in impacts.top(impacts.events[0].id, 5)["ticker"].tolist()


def test_toy_operators_share_one_unit_by_weight():
    text = "Russia strikes Ukraine with drones."
    drones = "theme:counter-drone"
    found = [Mention("country:RU", "Russia", 0, 6, 1.0), Mention("country:UA", "Ukraine", 15, 22, 1.0),
             Mention(drones, "drones", 28, 34, 0.8)]
    operated = {"country:RU": [("system:pantsir", 1.0, frozenset({drones}))],
                "country:UA": [("system:gepard", 0.3, frozenset({drones})),
                               ("system:vampire", 0.1, frozenset({drones})),
                               ("system:bayraktar", 0.5, frozenset({"theme:military-drones"}))]}
    result = operated_system_mentions(text, found, operated)
    assert [(m.concept, round(m.confidence, 6)) for m in result] == [("system:gepard", 0.6), ("system:vampire", 0.2)]


def test_dev_set_systems_brought_in_by_operators(graph):
    """The dev events whose operators bring in systems, and each operator's reading.

    Roles changed two events: in syria-tomahawk-strikes-2017-04-07 ("US warships ... launched 59
    Tomahawk cruise missiles at Shayrat air base") and us-strikes-iran-nuclear-2025-06-22 ("The
    United States struck Iran's nuclear sites ... missiles fired from submarines") the US is the
    actor, and its Aegis and Standard Missile (through "warships", "submarines") are gone; the
    Tomahawk named in both still reaches its maker. The targets (Saudi at Abqaiq, Kyiv, Israel)
    and the defenders ("intercepted by Israeli and US air defences") keep their defences; "Israel"
    alone in a clause of a list ("Israel, the United States and allies said") keeps its reading.
    """
    readings = {}
    for event in load_dev_set().events:
        for mention in tag_event(event, graph).mentions:
            if mention.origin == "context":
                readings.setdefault(event.id, set()).add(mention.rule.split(" -> ")[0])
    assert readings == {
        "abqaiq-attack-2019-09-14": {"operator: Saudi (target: attack)"},
        "russia-invades-ukraine-2022-02-24": {"operator: Kyiv (target: hit .. near)"},
        "iran-drones-israel-2024-04-13": {"operator: Israel (target: fired .. at)", "operator: Israel",
                                          "operator: United States (defender: intercepted)"},
        "iran-missiles-israel-2024-10-01": {"operator: Israel (target: barrage .. at)",
                                            "operator: Israel (target: launched .. at)",
                                            "operator: Israeli (defender: intercepted)",
                                            "operator: US (defender: intercepted)"},
    }


def test_seed_article_still_puts_defences_first(graph, seed_event):
    """Lithuania asks and requests: a buyer; the rankings are checked in tests/impact/test_headlines.py."""
    rules = {m.rule for m in tag_event(seed_event, graph).mentions if m.origin == "context"}
    assert {"operator: Lithuania (buyer: asks) -> system:nasams",
            "operator: Lithuania (buyer: requested) -> system:rbs-70"} <= rules
    assert not any("actor" in rule or "target" in rule for rule in rules)


def test_roles_data_holds_no_tickers_names_or_dates(graph):
    with (resources.files("exposure.tagging") / "data" / ROLES_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["reasoning"].strip() for r in rows)
    assert {r["kind"] for r in rows} <= set(KINDS)
    tickers = set(graph.securities.index)
    named = set(graph.aliases.loc[~graph.aliases["concept"].str.startswith("theme:"), "alias"].str.casefold())
    named |= {str(label).casefold() for label in graph.nodes.loc[graph.nodes["kind"] != "theme", "label"]}
    for row in rows:
        term = row["term"]
        if row["kind"] == "defence_theme":
            assert term in graph.nodes.index and graph.nodes.at[term, "kind"] == "theme", term
            continue
        assert term == term.casefold() and re.fullmatch(r"[a-z]+", term), f"{term}: one plain lower-case word"
        assert term not in tickers and term not in named, term


def test_role_reading_is_linear_in_one_long_clause(graph):
    """Many operators, themes and triggers in one clause: 8x the text in under 20x the time."""
    from tests._timing import tag_growth

    words = "Russia struck Ukraine with drones and Poland asked for air defences and Israel was hit by missiles "
    assert tag_growth(graph, words, 150) < 20
