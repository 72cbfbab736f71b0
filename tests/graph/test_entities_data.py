"""Countries, regions, memberships, organisations and systems of the default graph."""

import pytest

import exposure as ex
from exposure.tagging._gazetteer import Gazetteer

THREATS = {"system:gerbera", "system:geran-2", "system:shahed-136", "system:lancet",
           "system:orlan-10", "system:iskander", "system:kinzhal"}


def _members(graph, org, day):
    edges = graph.as_of(day).edges
    rows = edges[(edges["relation"] == "member_of") & (edges["to_id"] == org)]
    return set(rows["from_id"].str.removeprefix("country:"))


def test_every_iso_country_is_located_in_a_region(graph):
    countries = graph.ids("country")
    assert len(countries) >= 240
    assert all(len(c) == len("country:XX") and c[8:].isupper() for c in countries)
    edges = graph.edges
    located = edges[(edges["relation"] == "located_in") & edges["from_id"].str.startswith("country:")]
    assert set(located["to_id"]) <= set(graph.ids("region"))
    assert set(countries) <= set(located["from_id"])


def test_nato_membership_follows_accession_dates(graph):
    before, after = _members(graph, "org:nato", "2022-06-01"), _members(graph, "org:nato", "2024-06-01")
    assert not {"FI", "SE"} & before and {"FI", "SE"} <= after
    assert len(before) == 30 and len(after) == 32
    assert "MK" in before and "MK" not in _members(graph, "org:nato", "2019-06-01")


def test_eu_membership_drops_the_uk_after_brexit(graph):
    assert "GB" in _members(graph, "org:eu", "2019-06-01")
    current = _members(graph, "org:eu", "2021-06-01")
    assert "GB" not in current and len(current) == 27


@pytest.mark.parametrize(("org", "day", "inside", "outside"), [
    ("org:opec", "2018-06-01", {"QA", "SA", "EC"}, {"CG"}),
    ("org:opec", "2024-06-01", {"SA", "CG", "GQ"}, {"QA", "EC", "AO"}),
    ("org:opec-plus", "2024-06-01", {"RU", "KZ", "MX", "SA"}, {"AO"}),
    ("org:brics", "2023-06-01", {"BR", "RU", "IN", "CN", "ZA"}, {"EG", "AE", "IR"}),
    ("org:brics", "2024-06-01", {"EG", "ET", "IR", "AE"}, set()),
    ("org:g7", "2025-06-01", {"US", "JP", "DE", "GB", "FR", "IT", "CA"}, {"RU"}),
])
def test_other_memberships_as_of_a_date(graph, org, day, inside, outside):
    members = _members(graph, org, day)
    assert inside <= members and not outside & members


def test_at_least_50_non_threat_systems_have_a_maker(graph):
    makes = graph.edges[graph.edges["relation"] == "makes"]
    made = set(makes["to_id"]) - THREATS
    assert len(made) >= 50
    implies = graph.edges[(graph.edges["relation"] == "implies") & graph.edges["from_id"].str.startswith("system:")]
    assert set(graph.ids("system")) <= set(implies["from_id"])


def test_every_organisation_alias_and_label_resolves(graph):
    gazetteer = Gazetteer.from_graph(graph)
    aliases = graph.aliases
    orgs = aliases[aliases["concept"].str.startswith("org:")]
    assert len(orgs) >= 50
    for concept, alias in zip(orgs["concept"], orgs["alias"]):
        assert concept in {m.concept for m in gazetteer.find(alias)}, alias
    for org in graph.ids("org"):
        assert org in {m.concept for m in gazetteer.find(graph.label(org))}, org


@pytest.mark.parametrize(("text", "concept"), [
    ("The Fed's decision surprised markets", "org:fed"),
    ("Saudi officials met in Riyadh", "country:SA"),
    ("the UK's budget", "country:GB"),
    ("the EU's response", "org:eu"),
    ("Taiwanese chipmakers", "country:TW"),
    ("Northern Ireland protocol", "country:GB"),
])
def test_country_and_org_aliases_in_prose(graph, text, concept):
    assert concept in {m.concept for m in Gazetteer.from_graph(graph).find(text)}


def test_ordinary_country_news_moves_nothing(graph):
    event = ex.Event(headline="Lithuania beats Latvia in EuroBasket thriller",
                     body="Lithuanian and Latvian fans filled the arena in Riga for the basketball game.",
                     market_impact=0.5)
    scores = ex.map_events(event, graph).matrix.iloc[0]
    assert (scores == 0).all()
