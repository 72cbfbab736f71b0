"""Word sense from context: every row of the sense list against a real-world sentence."""

import csv
import re
from importlib import resources

import pytest

import exposure as ex
from exposure.errors import DataError
from exposure.tagging import tag_event
from exposure.tagging._sense import SENSE_FILE, SenseList, default_senses


def _concepts(graph, text):
    return [(m.concept, m.text, m.rule) for m in tag_event(ex.Event(headline=text), graph).mentions
            if m.origin == "text"]


def _named(graph, text):
    return {concept for concept, _, _ in _concepts(graph, text)}


# (sentence, concept it must not be read as, concept it is re-targeted to or None when dropped)
OTHER_SENSES = [
    ("The US President announced a baseline 10% tariff on all imports and much higher rates for dozens "
     "of countries.", "theme:interest-rates", None),
    ("The bill cuts corporate tax rates to 21% from 35%.", "theme:interest-rates", None),
    ("The unemployment rate fell to 3.5%, a 50-year low.", "theme:interest-rates", None),
    ("US consumer prices jump 4.2%, the most since 2008.", "theme:consumer-demand", "theme:interest-rates"),
    ("Medicare will negotiate the prices of ten drugs under the Inflation Reduction Act.", "theme:climate-policy",
     "theme:drug-pricing-policy"),
    ("The consumer price index rose 0.1% in August when economists expected a decline.", "tag:consumer", None),
    ("Investigators are looking at whether power lines owned by the utility sparked the wildfire.",
     "theme:grid-infrastructure", "theme:utility-liability"),
    ("The local utility reported an outage on a transmission line near where the fire started.",
     "theme:grid-infrastructure", "theme:utility-liability"),
    ("The utility cut power to 800,000 customers, a planned power outage to keep its lines from igniting "
     "fires in high winds.", "theme:grid-infrastructure", "theme:utility-liability"),
    ("A blackout hit thousands of homes as the blaze spread through the canyon.", "theme:grid-infrastructure",
     "theme:utility-liability"),
    ("United Technologies will spin off its Otis elevator and Carrier air-conditioning businesses.",
     "theme:airlines", None),
    ("The largest US mobile carrier raised its prices for older plans.", "theme:airlines", "theme:telecom"),
    ("The health insurance carrier said medical costs rose faster than expected.", "theme:airlines", None),
    ("Investors worried about deposit flight from regional lenders.", "theme:airlines", None),
    ("Gold and Treasuries rose in a flight to safety.", "theme:airlines", None),
    ("The suit alleges that Apple uses restrictions on its App Store to lock in iPhone users.", "theme:retail",
     None),
    ("The strike was a response to a chemical weapons attack on civilians.", "theme:chemicals", None),
    ("The chief executive resigned after a political storm over the payments.", "theme:extreme-weather", None),
    ("The proposal met a storm of criticism from lawmakers.", "theme:extreme-weather", None),
    ("OPEC members agreed in Vienna to reduce production by about 1.2 million barrels a day.", "country:AT",
     None),
]


@pytest.mark.parametrize(("text", "wrong", "target"), OTHER_SENSES)
def test_other_sense_is_dropped_or_retargeted(graph, text, wrong, target):
    found = _concepts(graph, text)
    assert wrong not in {concept for concept, _, _ in found}
    if target is not None:
        retargeted = [rule for concept, _, rule in found if concept == target]
        assert retargeted and all(rule.startswith(("sense: ", "event: ")) for rule in retargeted)


# sentences where the gazetteer's sense is the right one and must stay
SAME_SENSES = [
    ("The Federal Reserve raised rates by three-quarters of a point.", "theme:interest-rates"),
    ("Mortgage rates climbed to 7%, the highest in two decades.", "theme:interest-rates"),
    ("Traders bet the Fed would cut rates even as tariffs raise prices.", "theme:interest-rates"),
    ("The Senate passed a bill to upgrade the power grid and build new transmission lines.",
     "theme:grid-infrastructure"),
    ("Weak consumer spending hit retailers.", "theme:consumer-demand"),
    ("The carrier cancelled flights to the Middle East.", "theme:airlines"),
    ("Hurricane Ian made landfall as a Category 4 storm.", "theme:extreme-weather"),
    ("OPEC agreed an output cut; Saudi Arabia will carry most of it.", "country:SA"),
]


@pytest.mark.parametrize(("text", "concept"), SAME_SENSES)
def test_own_sense_is_kept(graph, text, concept):
    assert concept in _named(graph, text)


@pytest.mark.parametrize("text", [
    "The war showed the limits of Russian military power.",
    "Inflation has eroded households' purchasing power.",
    "She held power of attorney for her father.",
])
def test_other_senses_of_power_name_no_power_concept(graph, text):
    assert not {c for c in _named(graph, text) if c in ("theme:grid-infrastructure", "theme:utilities",
                                                        "theme:data-center-power")}


def test_every_row_of_the_sense_list_has_a_test_sentence():
    covered = {(wrong, target) for _, wrong, target in OTHER_SENSES}
    for sense in default_senses().senses:
        wrong = sense.concept if not sense.concept.endswith(":*") else "country:AT"
        assert (wrong, sense.target or None) in covered, sense


def test_sense_list_names_no_ticker_or_date(graph):
    tickers = {t.split(":", 1)[1] for t in graph.securities["security_id"]}
    with (resources.files("exposure.tagging") / "data" / SENSE_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        words = set(re.findall(r"[A-Za-z0-9.\-]+", row["context"] + "|" + row["keep_if"]))
        assert not {w for w in words if w.isupper() and w in tickers} - {"CPI", "VAT", "PR", "HVAC"}, row
        assert not re.search(r"\b(19|20)\d\d\b", row["context"] + row["keep_if"]), row


def test_every_concept_and_target_of_the_sense_list_is_in_the_default_graph(graph):
    for sense in default_senses().senses:
        assert sense.concept.endswith(":*") or sense.concept in graph, sense
        assert not sense.target or sense.target in graph, sense


def test_wildfire_lines_score_the_utility_down_not_grid_makers(graph):
    event = ex.Event(headline="Wildfire destroys town; utility reported an outage on a transmission line "
                              "near where the fire started")
    impacts = ex.map_events(event, graph)
    top = impacts.top(n=10)
    utilities = top[top["sector"] == "Utilities"]
    assert len(utilities) >= 8 and (utilities["score"] < 0).all()
    assert not {"PWR", "HUBB", "PRY.MI", "NKT.CO"} & set(top["ticker"])
    why = impacts.explain("PCG")
    assert any("sense: fire" in said for words in why["mentioned_as"] for said in words)


@pytest.mark.parametrize(("change", "field"), [
    ({"side": "left"}, "side"),
    ({"within": "0"}, "within"),
    ({"within": "x"}, "within"),
    ({"context": " | "}, "context"),
    ({"action": "ignore"}, "action"),
    ({"target": ""}, "target"),
    ({"reasoning": ""}, "reasoning"),
    ({"concept": "rates"}, "concept"),
])
def test_a_bad_sense_row_names_its_line_and_field(change, field):
    row = dict(concept="theme:airlines", alias="carrier", side="before", within="2", context="wireless",
               keep_if="", action="retarget", target="theme:telecom", reasoning="telecom operators")
    with pytest.raises(DataError) as caught:
        SenseList.from_rows([{**row, **change}])
    assert caught.value.field == field and "line 2" in caught.value.where


def test_sense_reading_stays_linear_on_a_long_text(graph):
    text = "Tariff rates rose and the Fed held rates. " * 20_000
    tagged = tag_event(ex.Event(headline="x", body=text), graph)
    assert tagged.mentions
