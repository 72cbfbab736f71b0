"""Local news reaches local companies: a disaster in one state is news for the utilities located there."""

import csv
import re
from importlib import resources

import pytest

import exposure as ex
from exposure.tagging import tag_event
from exposure.tagging._local import LOCAL_FILE


@pytest.fixture(scope="module")
def graph():
    return ex.default_graph()


def _signed(graph, headline, body=""):
    """Concepts with a signed mention, and their net sign."""
    net: dict[str, float] = {}
    for m in tag_event(ex.Event(headline=headline, body=body), graph).mentions:
        if m.sign:
            net[m.concept] = net.get(m.concept, 0.0) + m.sign * m.confidence
    return net


def test_a_california_wildfire_hits_californian_utilities_not_every_utility(graph):
    # Camp Fire, 2018-11-08: PG&E and Edison fell while utilities elsewhere rose
    net = _signed(graph, "Deadly wildfire destroys California town of Paradise",
                  "The local utility reported an outage on a transmission line near where the fire started.")
    assert net.get("company:pge", 0) < 0 and net.get("company:edison-international", 0) < 0
    assert "theme:utilities" not in net and "company:american-electric-power" not in net


def test_a_florida_hurricane_hits_the_florida_utility(graph):
    # Hurricane Milton, 2024-10-09
    net = _signed(graph, "Hurricane Milton makes landfall in Florida near Sarasota")
    assert net.get("company:nextera-energy", 0) < 0 and "theme:utilities" not in net


def test_without_a_state_the_reading_stays_national(graph):
    net = _signed(graph, "Hurricane makes landfall as a Category 4 storm")
    assert net.get("theme:utilities", 0) < 0


def test_explain_names_the_place(graph):
    event = ex.Event(id="fire", headline="Deadly wildfire destroys California town of Paradise")
    rules = " ".join(m.rule for m in tag_event(event, graph).mentions if m.concept == "company:pge")
    assert "local: utilities of California" in rules
    steps = ex.map_events([event], graph).explain("PCG", "fire")
    assert any("California" in str(cell) for cell in steps["mentioned_as"])


def test_local_theme_data_names_no_ticker_date_or_company(graph):
    with (resources.files("exposure.tagging") / "data" / LOCAL_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    tickers = set(graph.securities.index)
    for row in rows:
        assert row["theme"] in graph and row["reaches"] in graph, row
        assert row["theme"].startswith("theme:") and row["reaches"].startswith("theme:"), row
        for word in re.findall(r"[A-Z]{2,5}\b", row["reasoning"]):
            assert word not in tickers or word in {"A", "ON"}, (word, row)


def test_every_state_is_a_place_and_utilities_have_a_state(graph):
    states = graph.nodes.index[graph.nodes.index.str.startswith("region:us-")]
    assert len(states) == 51
    located = graph.edges[(graph.edges["relation"] == "located_in") & graph.edges["to_id"].isin(states)]
    for company in ("company:pge", "company:nextera-energy", "company:centerpoint-energy"):
        assert company in set(located["from_id"])


def test_a_large_city_stands_for_its_state(graph):
    # Los Angeles wildfires, 2025-01-07: the story names the city, not the state
    net = _signed(graph, "Wind-driven wildfires destroy homes across Los Angeles")
    assert net.get("company:edison-international", 0) < 0 and "theme:utilities" not in net
