"""Event types: what happens in a clause, read from its trigger and the concept it acts on."""

import csv
import re
from importlib import resources

import pytest

import exposure as ex
from exposure.tagging import tag_event
from exposure.tagging._event_types import EventTypes

NODES = resources.files("exposure.graph") / "data" / "default" / "nodes" / "event_types.csv"
EDGES = resources.files("exposure.graph") / "data" / "default" / "edges" / "event_types.csv"


@pytest.fixture(scope="module")
def graph():
    return ex.default_graph()


def _rows(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _effects(graph, headline, body=""):
    """Net sign of each theme the text's event types move, and the rules that moved it."""
    found: dict[str, list] = {}
    for m in tag_event(ex.Event(headline=headline, body=body), graph).mentions:
        if m.origin == "event":
            found.setdefault(m.concept, []).append((m.sign * m.confidence, m.rule))
    return {theme: (sum(v for v, _ in values), [r for _, r in values]) for theme, values in found.items()}


def _sign(graph, headline, theme, body=""):
    total = _effects(graph, headline, body).get(theme, (0.0, []))[0]
    return (total > 0) - (total < 0)


# --- the data ---------------------------------------------------------------------------------

def test_taxonomy_is_broad_and_every_type_is_documented(graph):
    rows = _rows(NODES)
    assert len(rows) >= 80
    families = {row["family"] for row in rows}
    assert families == {"corporate", "macro", "policy", "geopolitical", "disaster", "health"}
    for row in rows:
        assert row["triggers"].strip() and row["description"].strip(), row["id"]
        assert row["id"] in graph and graph.nodes.at[row["id"], "kind"] == "event"


def test_event_type_data_names_no_ticker_date_or_listed_company(graph):
    """Rules are general: no ticker, no date, no company or security in any event-type file.

    Triggers are lower-case words (a symbol such as ``ROLL`` or ``CUT`` would be written in capitals),
    no rule field holds a symbol, and no trigger is the name of a company in the graph (the
    reasoning is prose and may say "AI").
    """
    tickers = set(graph.securities.index.str.removeprefix("security:"))
    companies = {str(label).casefold() for label in graph.nodes.loc[graph.nodes["kind"] == "company", "label"]}
    date = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b|\b(19|20)\d\d\b")
    for path in (NODES, EDGES):
        for row in _rows(path):
            text = " ".join(v for k, v in row.items() if k != "as_of")
            assert "company:" not in text and "security:" not in text, row
            assert not date.search(text), (path.name, row)
            rule = " ".join(row.get(k, "") for k in ("triggers", "requires", "reverses", "to_id", "from_id"))
            assert not set(re.findall(r"\b[A-Z0-9][A-Z0-9.\-]+\b", rule)) & tickers, (path.name, row)
    for row in _rows(NODES):
        for phrase in row["triggers"].split("|"):
            assert phrase.replace("China", "china") == phrase.lower(), (row["id"], phrase)
            assert phrase.strip().casefold() not in companies, (row["id"], phrase)


def test_required_concepts_and_reversed_types_exist(graph):
    for row in _rows(NODES):
        for field in ("requires", "reverses"):
            for concept in filter(None, row[field].split("|")):
                assert concept in graph, (row["id"], field, concept)


def test_effects_are_signed_implies_edges_to_themes(graph):
    types = EventTypes.from_graph(graph)
    with_effects = [t for t in types.types.values() if t.effects]
    assert len(with_effects) >= 50
    for kind in with_effects:
        assert all(theme.startswith("theme:") and -1 <= w <= 1 and w for theme, w in kind.effects), kind.id


# --- the rules, on real-world sentences --------------------------------------------------------

@pytest.mark.parametrize(
    ("headline", "theme", "sign"),
    [
        # reversal: a pause, truce or cut is the opposite of imposing
        ("Trump says US will impose 25% tariff on steel and 10% on aluminum", "theme:tariffs-trade-war", 1),
        ("Trump pauses higher reciprocal tariffs for 90 days", "theme:tariffs-trade-war", -1),
        ("US and China agree 90-day truce in trade war", "theme:us-china-trade-war", -1),
        ("The President said he would hold off on new tariffs on Chinese goods", "theme:us-china-trade-war", -1),
        ("US and China agree to slash tariffs for 90 days after Geneva talks", "theme:us-china-trade-war", -1),
        ("The rates would lift the average US tariff to its highest in a century", "theme:tariffs-trade-war", 1),
        ("US to end sanctions waivers for buyers of Iranian oil", "theme:sanctions", 1),
        ("EU agrees to lift sanctions on Syria's banks", "theme:sanctions", -1),
        # a tariff on goods acts on their industry: costs for importers, protection for producers
        ("Trump imposes 25% tariff on imported cars and auto parts", "theme:autos", -1),
        ("Trump says US will impose 25% tariff on steel and 10% on aluminum", "theme:steel", 1),
        # one trigger acting on two goods of two types reads both
        ("Trump says US will impose 25% tariff on steel and 10% on aluminum", "theme:aluminium", 1),
        ("Trump announces 50% tariff on copper imports, citing national security", "theme:copper", 1),
        ("Trump pauses tariffs on cars for a month", "theme:autos", 0),
        # rates: the central bank's name says nothing, the decision does
        ("Fed raises rates by 0.75 point, its biggest increase since 1994", "theme:interest-rates", 1),
        ("Fed cuts rates to near zero and launches bond buying", "theme:interest-rates", -1),
        ("Powell says Fed will be patient and flexible on rates", "theme:interest-rates", -1),
        ("US inflation cools more than forecast in October", "theme:interest-rates", -1),
        ("US consumer prices jump 4.2%, the most since 2008", "theme:interest-rates", 1),
        # oil: a cut of output lifts prices; a cut refused or a price war lowers them
        ("OPEC agrees first oil output cut since 2008", "theme:oil-prices", 1),
        ("OPEC+ agrees another large oil output increase for June", "theme:oil-prices", -1),
        ("Saudi Arabia slashes oil prices and plans output surge, starting a price war", "theme:oil-prices", -1),
        ("OPEC+ talks collapse as Russia refuses deeper cuts", "theme:oil-prices", -1),
        # resolution vs shock
        ("Pfizer and BioNTech say Covid vaccine more than 90% effective", "theme:airlines", 1),
        ("Pfizer and BioNTech say Covid vaccine more than 90% effective", "theme:cruise-lodging", 1),
        ("WHO declares coronavirus outbreak a pandemic as cases surge", "theme:vaccines-pandemic", 1),
        ("Israel and Hezbollah agree US-brokered ceasefire in Lebanon", "theme:defense-spending", -1),
        ("Russia launches full-scale invasion of Ukraine", "theme:european-defense-spending", 1),
        ("Saudi Arabia agreed to cut oil output", "theme:oil-prices", 1),
        ("Dockworkers to end port strike after tentative wage deal", "theme:shipping-disruption", -1),
        ("Dockworkers strike at US East and Gulf Coast ports", "theme:shipping-disruption", 1),
        # export controls act on the goods named
        ("US restricts exports of advanced chips and chipmaking tools to China", "theme:export-controls", 1),
        ("Chinese start-up's cheap AI model rattles chip and power stocks", "theme:ai-compute", -1),
        ("Hurricane Ian makes landfall in southwest Florida", "theme:extreme-weather", 1),
    ],
)
def test_event_type_sets_the_sign(graph, headline, theme, sign):
    assert _sign(graph, headline, theme) == sign, _effects(graph, headline)


def test_a_threat_weighs_less_than_an_act(graph):
    act = _effects(graph, "Trump imposes tariffs on Mexico")["theme:tariffs-trade-war"][0]
    threat = _effects(graph, "Trump threatens to impose tariffs on Mexico")["theme:tariffs-trade-war"][0]
    assert 0 < threat < act


def test_a_negated_act_counts_the_other_way_at_half_weight(graph):
    cut = _effects(graph, "Saudi Arabia agreed to cut oil output")["theme:oil-gas-supply"][0]
    refused = _effects(graph, "Russia refused to cut oil output")["theme:oil-gas-supply"][0]
    assert refused == pytest.approx(-0.5 * cut)


def test_the_mention_acted_on_carries_nothing_itself(graph):
    mentions = tag_event(ex.Event(headline="Fed cuts rates by half a point"), graph).mentions
    fed = [m for m in mentions if m.concept == "org:fed"]
    assert fed and all(m.sign == 0 and m.rule.startswith("event: Rate cut") for m in fed)


def test_a_vendor_tag_the_text_contradicts_is_silenced(graph):
    event = ex.Event(headline="Israel and Hamas agree ceasefire and hostage release deal", tags=["Geopolitics & War"])
    tag = [m for m in tag_event(event, graph).mentions if m.origin == "tag"]
    assert tag and tag[0].sign == 0 and "against the tag" in tag[0].rule


def test_explain_names_the_event_type(graph):
    event = ex.Event(id="cut", headline="OPEC+ agrees deepest oil output cut since 2020",
                     tags=["Energy & Commodities"], market_impact=0.8)
    impacts = ex.map_events(event, graph)
    ticker = impacts.top("cut", 1, paths=0)["ticker"].iloc[0]
    table = impacts.explain(ticker, "cut")
    said = [words for cell in table["mentioned_as"] for words in cell]
    assert any("[event: Oil supply cut" in words for words in said), said
    assert table["contribution"].sum() == pytest.approx(impacts.matrix.loc["cut", ticker])


def test_subject_polarity_of_event_types_reaches_companies(graph):
    mentions = tag_event(ex.Event(headline="Moderna says its Covid vaccine is 94.5% effective"), graph).mentions
    moderna = [m for m in mentions if m.concept == "company:moderna" and m.origin == "text"]
    assert moderna and moderna[0].sign == 1


@pytest.mark.parametrize(("headline", "sign"), [
    ("US consumer prices rose 7.7% in the year to October, below forecasts", -1),
    ("Consumer prices rose less than expected in May", -1),
    ("US consumer prices rose more than expected in May", 1),
])
def test_a_shortfall_after_the_act_is_the_surprise_that_counts(graph, headline, sign):
    assert _sign(graph, headline, "theme:interest-rates") == sign, _effects(graph, headline)


def test_drugs_named_for_price_negotiation_are_drug_price_policy(graph):
    assert _sign(graph, "Medicare names first ten drugs for price negotiation", "theme:drug-pricing-policy") == 1


# --- status quo, pace and expectations (real headlines and sentences) ------------------------------

@pytest.mark.parametrize(
    ("headline", "body", "theme", "sign"),
    [
        # a tariff left in place is not a new one: the pause is the news (2025-04-09)
        ("Trump pauses higher reciprocal tariffs for 90 days",
         "The US President announced a 90-day pause of the higher country-specific tariffs for most trading "
         "partners, leaving a 10% baseline in place.", "theme:tariffs-trade-war", -1),
        # ... nor across a comma into the next clause ("in place, while raising tariffs on")
        ("Trump pauses higher reciprocal tariffs for 90 days",
         "The President announced a pause, leaving a 10% baseline in place, while raising tariffs on China.",
         "theme:tariffs-trade-war", -1),
        # "placing 25% tariffs on" still imposes them (2025-03-26)
        ("Proclamation on car imports", "The US President signed a proclamation placing 25% tariffs on imported "
         "passenger vehicles from April 3.", "theme:tariffs-trade-war", 1),
        # a slower pace of hikes, or hikes priced out, is a step back from hiking (2022-11-10, 2023-11-14)
        ("Treasury yields plunged", "Traders bet the Federal Reserve will slow its rate increases.",
         "theme:interest-rates", -1),
        ("Treasury yields tumbled", "Traders priced out further rate increases.", "theme:interest-rates", -1),
        # the smallest increase in months is a cooler reading (2022-11-10)
        ("US inflation data", "Consumer inflation posted the smallest increase since January.",
         "theme:interest-rates", -1),
    ],
)
def test_status_quo_pace_and_expectations_set_the_sign(graph, headline, body, theme, sign):
    assert _sign(graph, headline, theme, body) == sign, _effects(graph, headline, body)


def test_a_vendor_tag_adds_nothing_once_the_text_reads_an_event(graph):
    # DOJ v. Google, 2020-10-20: the "Technology & Innovation" chip lifted data-centre and cyber names
    event = ex.Event(headline="Justice Department sues Google over search monopoly",
                     tags=["Technology & Innovation", "Regulation & Policy"])
    tags = [m for m in tag_event(event, graph).mentions if m.origin == "tag"]
    assert tags and all(m.sign == 0 and "beside the tag" in m.rule for m in tags)
    scores = ex.map_events([event], graph).matrix.iloc[0]
    assert scores[scores != 0].index.tolist() and set(scores[scores != 0].index) <= {"GOOGL", "GOOG"}


def test_a_vendor_tag_still_counts_when_the_text_reads_no_event(graph):
    event = ex.Event(headline="Lithuania asks NATO for more air defences", tags=["Geopolitics & War"])
    tags = [m for m in tag_event(event, graph).mentions if m.origin == "tag"]
    assert tags and all(m.sign == 1 and not m.rule for m in tags)


def test_a_category_word_adds_nothing_once_the_text_reads_an_event(graph):
    # "... the biggest case against a technology company in two decades" (DOJ v. Google, 2020-10-20)
    event = ex.Event(headline="Justice Department sues Google over search monopoly",
                     body="It is the biggest antitrust case against a technology company in two decades.")
    words = [m for m in tag_event(event, graph).mentions if m.concept.startswith("tag:") and m.origin == "text"]
    assert words and all(m.sign == 0 and "beside the category word" in m.rule for m in words)


def test_the_technology_category_does_not_mean_defence(graph):
    # Google remedies ruling, 2025-09-02: the chip put Mercury Systems and drone makers in the top 10
    event = ex.Event(id="ruling", headline="Judge declines to force Google to sell Chrome in search case",
                     tags=["Technology & Innovation"])
    scores = ex.map_events([event], graph).matrix.iloc[0]
    defence = {"LMT", "NOC", "MRCY", "AVAV", "KTOS", "RCAT"}
    assert not defence & set(scores[scores != 0].index)


@pytest.mark.parametrize(
    ("headline", "body", "theme", "sign"),
    [
        # the Fed's "hawkish cut" (2024-12-18): after "but", the guidance is the news
        ("Fed cuts rates but signals fewer reductions next year", "", "theme:interest-rates", 1),
        ("Fed cuts rates by half a point", "", "theme:interest-rates", -1),
        # reluctance to act is a step back from the act (same meeting)
        ("Fed chair speaks", "The Chair said the Fed could be more cautious about further cuts.",
         "theme:interest-rates", 1),
    ],
)
def test_contrast_and_caution_turn_the_reading(graph, headline, body, theme, sign):
    assert _sign(graph, headline, theme, body) == sign, _effects(graph, headline, body)


def test_a_trigger_that_names_its_theme_counts_once(graph):
    mentions = tag_event(ex.Event(headline="Dockworkers to end port strike after tentative wage deal"), graph).mentions
    disruption = [(m.origin, m.sign) for m in mentions if m.concept == "theme:shipping-disruption"]
    assert disruption == [("text", 0), ("event", -1)]            # the words "port strike" are the trigger's
    attack = [(m.origin, m.sign) for m in tag_event(
        ex.Event(headline="Cyberattack forces shutdown of largest US fuel pipeline"), graph).mentions
        if m.concept == "theme:cybersecurity"]
    assert attack == [("text", 0), ("event", 1)]


def test_a_denied_harm_moves_nothing_but_a_refused_act_turns(graph):
    denied = _effects(graph, "CrowdStrike said the issue was not a cyberattack and a fix had been deployed")
    assert "theme:cybersecurity" not in denied
    assert _sign(graph, "Russia refused to cut oil output", "theme:oil-gas-supply") == -1


def test_a_foreign_tariff_on_us_goods_is_a_loss_for_the_goods_it_names(graph):
    def signs(text):
        return {(m.concept, m.sign) for m in tag_event(ex.Event(headline=text), graph).mentions if m.origin == "text"}

    china = signs("China announced new tariffs on $75 billion of US products, including soybeans, crude oil and cars")
    assert ("theme:agriculture-food-security", -1) in china and ("theme:oil-prices", -1) in china
    canada = signs("Canada imposed 25% tariffs on C$30 billion of US goods including orange juice, beer and appliances")
    assert ("theme:consumer-staples", -1) in canada
    # US goods named by the goods themselves, right after the country (September 2019)
    levies = signs("Duties of 15% began on clothing and footwear; China retaliated with levies on US crude and "
                   "soybeans")
    assert ("theme:agriculture-food-security", -1) in levies and ("theme:oil-prices", -1) in levies
    # a US tariff on imports is read by the event types: it protects US steel
    assert _sign(graph, "Trump says US will impose 25% tariff on steel and 10% on aluminum", "theme:steel") == 1
    # and a foreign tariff that names no US goods leaves the goods alone
    assert ("theme:agriculture-food-security", -1) not in signs("China raised tariffs on imports of soybeans")
