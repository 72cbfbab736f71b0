"""A named company takes the sign of what happens to it in its clause (the company-fortune rule)."""

import csv
import re
from importlib import resources

import pytest

import exposure as ex
from exposure.tagging import tag_event
from exposure.tagging._fortune import FORTUNE_FILE


def _signs(graph, headline, concept):
    return [(m.sign, m.confidence, m.rule) for m in tag_event(ex.Event(headline=headline), graph).mentions
            if m.concept == concept and m.origin == "text"]


@pytest.mark.parametrize(
    ("headline", "concept", "sign"),
    [
        ("TSMC shares fell 4% after the chipmaker warned on demand", "company:tsmc", -1),
        ("Shares of Boeing fell after regulators grounded its 737 MAX jets", "company:boeing", -1),
        ("Shares of Boeing fell after regulators grounded its 737 MAX jets", "system:boeing-737-max", -1),
        ("Lockheed Martin won a $15 billion contract from the Pentagon", "company:lockheed-martin", 1),
        ("Apple sues Samsung over smartphone patents", "company:samsung-electronics", -1),
        ("Apple sues Samsung over smartphone patents", "company:apple", 0),
        ("European regulator fines Meta over data transfers", "company:meta-platforms", -1),
        ("Delta Air Lines hit by a global IT outage", "company:delta-air-lines", -1),
        ("Tesla recalls two million cars over its Autopilot software", "company:tesla", -1),
        ("Nvidia beat estimates and raised its full-year guidance", "company:nvidia", 1),
        ("Intel cut its full-year guidance", "company:intel", -1),
        ("Nike missed analyst estimates", "company:nike", -1),
        ("Pfizer's drug was approved by the FDA", "company:pfizer", 1),
        ("Microsoft agreed to acquire Nuance Communications", "company:microsoft", -1),
        # acquirers pay the premium (event type merger-agreed)
        ("Chevron agreed to buy a rival producer", "company:chevron", -1),
        ("United Auto Workers strike at General Motors plants", "company:general-motors", -1),
        ("Facebook warns of slowing growth as user numbers disappoint", "company:meta-platforms", -1),
        ("Meta forecast revenue below estimates", "company:meta-platforms", -1),
        ("Nvidia forecasts sales far above estimates on AI chip demand", "company:nvidia", 1),
        ("Judge declines to force Google to divest its Chrome browser", "company:alphabet", 1),
        ("The FDA rejected Pfizer's application", "company:pfizer", -1),
        ("US adds SMIC to the entity list", "company:smic", -1),
        ("Boeing shares did not fall on the report", "company:boeing", 1),
        ("Intel denied it would cut its guidance", "company:intel", 1),
    ],
)
def test_company_takes_the_sign_of_its_clause(graph, headline, concept, sign):
    found = _signs(graph, headline, concept)
    assert found, f"{concept} not found in {headline!r}"
    assert found[0][0] == sign
    assert found[0][2].startswith("fortune:")


def test_passive_target_of_an_acquisition_is_positive_and_the_acquirer_a_little_negative(graph):
    found = [(m.concept, m.sign, m.confidence) for m in tag_event(ex.Event(
        headline="Spirit AeroSystems to be acquired by Hewlett Packard Enterprise at a premium"), graph).mentions
        if m.concept.startswith("company:")]
    signs = {concept: sign for concept, sign, _ in found}
    assert signs["company:spirit-aerosystems"] == 1
    assert signs["company:hewlett-packard-enterprise"] == -1


def test_threat_weighs_half_an_act(graph):
    act = _signs(graph, "The Justice Department sued Google over search", "company:alphabet")
    threat = _signs(graph, "The Justice Department threatens to sue Google over search", "company:alphabet")
    assert act[0][0] == threat[0][0] == -1
    assert threat[0][1] == pytest.approx(act[0][1] * 0.5)
    assert "threatens" in threat[0][2]


def test_a_negated_act_turns_at_half_weight(graph):
    act = _signs(graph, "Boeing shares fell on the report", "company:boeing")
    denied = _signs(graph, "Boeing shares did not fall on the report", "company:boeing")
    assert (act[0][0], denied[0][0]) == (-1, 1)
    assert denied[0][1] == pytest.approx(act[0][1] * 0.5)
    assert denied[0][2] == "fortune: not fall"


def test_the_nearest_trigger_decides_in_a_shared_clause(graph):
    text = "Boeing shares fell and Airbus rose"
    signs = {m.concept: m.sign for m in tag_event(ex.Event(headline=text), graph).mentions
             if m.concept.startswith("company:")}
    assert (signs["company:boeing"], signs["company:airbus"]) == (-1, 1)


def test_a_physical_drop_does_not_sign_a_product(graph):
    text = "Bombs were dropped from B-2 bombers and Tomahawk missiles fired from submarines"
    signs = [m.sign for m in tag_event(ex.Event(headline=text), graph).mentions if m.concept == "system:tomahawk"]
    assert signs == [1]


def test_a_bare_mention_elsewhere_no_longer_counts_in_favour(graph):
    text = "TSMC shares fell. TSMC is the largest contract chipmaker."
    signs = [m.sign for m in tag_event(ex.Event(headline=text), graph).mentions if m.concept == "company:tsmc"]
    assert signs == [-1, 0]


def test_company_without_trigger_keeps_its_positive_mention(graph):
    assert [s for s, _, _ in _signs(graph, "Lockheed Martin and the Pentagon met in Washington",
                                    "company:lockheed-martin")] == [1]


def test_explain_shows_the_trigger(graph):
    impacts = ex.map_events(ex.Event(headline="TSMC shares fell after a power outage at its fabs"), graph)
    security = impacts.graph.securities.query("company_id == 'company:tsmc'")["security_id"].iloc[0]
    paths = impacts.explain(security.removeprefix("security:"))
    assert any("fortune: fell" in said for words in paths["mentioned_as"] for said in words)
    assert impacts.matrix.iloc[0][security.removeprefix("security:")] < 0


def test_fortune_data_holds_no_tickers_dates_or_companies(graph):
    with (resources.files("exposure.tagging") / "data" / FORTUNE_FILE).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["reasoning"].strip() for r in rows)
    assert {r["kind"] for r in rows} <= {"act", "harm", "negation", "hedge"}
    assert {r["applies_to"] for r in rows} <= {"company", "any"}
    tickers = set(graph.securities.index)
    companies = set(graph.aliases.loc[graph.aliases["concept"].str.startswith("company:"), "alias"].str.casefold())
    companies |= {str(label).casefold() for label in graph.nodes.loc[graph.nodes["kind"] == "company", "label"]}
    for row in rows:
        phrase = row["phrase"]
        assert phrase == phrase.casefold(), f"{phrase}: phrases are plain lower-case words"
        assert not re.search(r"\d", phrase), phrase
        assert not set(phrase.replace("..", " ").split()) & tickers, phrase
        assert phrase not in companies, phrase


def test_fortune_reading_is_linear_in_one_long_clause(graph):
    """Many companies and triggers in one clause: 8x the text in under 20x the time."""
    from tests._timing import tag_growth

    words = "Boeing shares fell and Airbus rose and Apple sues Samsung and Intel may cut its guidance "
    assert tag_growth(graph, words, 200) < 20


@pytest.mark.parametrize(
    ("headline", "body", "concept"),
    [
        # the maker of the crashed plane's engines (Air India 787, 2025-06-12)
        ("Air India Boeing 787 crashes after take-off in Ahmedabad", "The engines were made by GE Aerospace.",
         "company:ge-aerospace"),
        # the airline whose plane lost a door plug (Alaska Airlines 737 MAX 9, 2024-01-06)
        ("FAA grounds some Boeing 737 MAX 9 jets after cabin panel blows out in flight",
         "A door plug blew off an Alaska Airlines Boeing 737 MAX 9 shortly after take-off.",
         "company:alaska-air-group"),
    ],
)
def test_a_company_named_in_an_incident_story_shares_the_incident(graph, headline, body, concept):
    read = [m for m in tag_event(ex.Event(headline=headline, body=body), graph).mentions
            if m.concept == concept and m.origin == "text"]
    assert read and all(m.sign == -1 and "named in a story of" in m.rule for m in read), read


def test_an_incident_story_read_both_ways_leaves_bare_companies_alone(graph):
    text = "Boeing 737 MAX grounded. Airbus posted record profit. Delta flies Airbus jets."
    read = [m for m in tag_event(ex.Event(headline=text), graph).mentions if m.concept == "company:delta-air-lines"]
    assert read and all(m.sign == 1 and not m.rule for m in read), read


@pytest.mark.parametrize(
    ("headline", "concept", "sign"),
    [
        # a company never strikes: named with a strike, it is the employer struck (Boeing, 2024-09-13)
        ("Boeing machinists vote to strike, halting jet production", "company:boeing", -1),
        # a rival reporting the same cost pressures (Walmart, 2022-05-18)
        ("Walmart reported similar cost pressures a day earlier", "company:walmart", -1),
    ],
)
def test_strikes_and_cost_pressures_are_bad_news_for_the_company(graph, headline, concept, sign):
    assert {s for s, _, _ in _signs(graph, headline, concept)} == {sign}


def test_companies_listed_together_share_the_reading(graph):
    # UAW strike, 2023-09-15: a comma cuts the clause, but the list is one object of the strike
    headline = "United Auto Workers strike at GM, Ford and Stellantis plants"
    for concept in ("company:general-motors", "company:ford-motor", "company:stellantis"):
        assert {s for s, _, _ in _signs(graph, headline, concept)} == {-1}, concept
    listed = [r for _, _, r in _signs(graph, headline, "company:ford-motor")]
    assert any("listed with" in r for r in listed)


def test_a_denied_incident_is_no_gain(graph):
    text = "CrowdStrike said the issue was not a cyberattack and a fix had been deployed"
    assert _signs(graph, text, "company:crowdstrike") == [(0, 1.0, "fortune: not cyberattack (neutral)")]
    # a denied act still turns the other way at half weight
    assert _signs(graph, "Boeing shares did not fall after the report", "company:boeing")[0][:2] == (1, 0.5)


def test_theme_words_that_describe_a_company_carry_nothing(graph):
    text = ("A defective software update from cybersecurity company CrowdStrike caused millions of "
            "Microsoft Windows computers to crash")
    described = [(m.sign, m.rule) for m in tag_event(ex.Event(headline=text), graph).mentions
                 if m.concept == "theme:cybersecurity"]
    assert described == [(0, "description of CrowdStrike")]
    assert _signs(graph, text, "company:crowdstrike")[0][0] == -1
    rose = ex.Event(headline="Cybersecurity stocks such as CrowdStrike rose")
    said = [m.sign for m in tag_event(rose, graph).mentions if m.concept == "theme:cybersecurity"]
    assert said == [1]                                            # not a description: the theme is the news
