"""The NASDAQ screener extract (2024-05): every selected US-listed stock above $300M resolves to a
company with a GICS sub-industry and default exposures, and the new names do not tag loose text."""

import csv
import re

import pytest

import exposure as ex
from exposure.datasets import sample_path
from exposure.evaluation import load_dev_set
from exposure.events import Event, read_events
from exposure.graph._io import default_graph_dir
from exposure.tagging import tag_event

SCREENER = default_graph_dir().parent / "screener"


def _rows(name: str) -> list[dict[str, str]]:
    with (SCREENER / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _screener_companies() -> set[str]:
    with (default_graph_dir() / "nodes" / "companies_screener.csv").open(newline="", encoding="utf-8") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def graph():
    return ex.default_graph()


@pytest.fixture(scope="module")
def screener_companies() -> set[str]:
    return _screener_companies()


# The graph lists ACIC as Archer Aviation's SPAC (to 2021); a security has one issuer, so American
# Coastal Insurance (ACIC in 2024) is a company without a listing. See screener/README.md.
REUSED_SYMBOLS = {"ACIC"}


def test_every_selected_row_resolves_to_a_classified_company_with_exposures(graph):
    """Listings that ended after the screener date (ANSS, HA, SAVE) still resolve to their company."""
    rows = _rows("nasdaq_screener_2024-05_extract.csv")
    assert len(rows) > 3000
    history = graph.edge_history
    listed = history[history["relation"] == "listed_as"].sort_values("valid_from", na_position="first")
    owner = dict(zip(listed["to_id"], listed["from_id"]))
    edges = graph.edges
    classified = dict(edges.loc[edges["relation"] == "classified_as", ["from_id", "to_id"]].itertuples(index=False))
    exposed = set(graph.exposures.loc[graph.exposures["weight"] > 0, "company"])
    missing = []
    for row in rows:
        if row["symbol"] in REUSED_SYMBOLS:
            continue
        security = graph.resolve_ticker(row["symbol"].replace("/", "-"))
        company = owner.get(security)
        if company is None:
            missing.append((row["symbol"], "no company"))
        elif len(classified.get(company, "")) != len("gics:00000000"):
            missing.append((row["symbol"], f"no GICS sub-industry: {classified.get(company)}"))
        elif company not in exposed:
            missing.append((row["symbol"], "no nonzero exposure"))
    assert missing == []


def test_selected_rows_meet_the_selection_rule():
    for row in _rows("nasdaq_screener_2024-05_extract.csv"):
        assert float(row["market_cap"]) > 300e6, row["symbol"]
        assert not re.search(r"Warrant|\bNotes?\b|Debenture|\bFund\b", row["name"], re.I), row["name"]
        assert "Preferred" not in row["name"] or re.search(r"\bADR\b|American Deposit", row["name"]), row["name"]


def test_mapping_covers_every_industry_of_the_extract():
    mapping = {row["nasdaq_industry"]: row for row in _rows("nasdaq_industry_gics.csv")}
    overrides = {row["symbol"] for row in _rows("overrides.csv")}
    gics = {row["id"] for row in csv.DictReader((default_graph_dir() / "nodes" / "gics.csv").open(encoding="utf-8"))}
    owners = ex.default_graph().securities["company_id"]
    screener_companies = _screener_companies()
    uncovered = [(r["symbol"], r["industry"]) for r in _rows("nasdaq_screener_2024-05_extract.csv")
                 if r["industry"] not in mapping and r["symbol"] not in overrides
                 and owners.get(r["symbol"].replace("/", "-")) in screener_companies]
    assert uncovered == []
    for industry, row in mapping.items():
        assert f"gics:{row['gics']}" in gics and len(row["gics"]) == 8, industry
        assert row["reasoning"].strip(), industry
    assert {f"gics:{row['gics']}" for row in _rows("overrides.csv")} <= gics


def test_every_screener_country_maps_to_a_country_node(graph):
    for row in _rows("countries.csv"):
        assert row["country_id"] in graph and row["country_id"].startswith("country:"), row


def test_share_classes_are_one_company(graph):
    securities = graph.securities
    assert securities.loc["BELFA", "company_id"] == securities.loc["BELFB", "company_id"]
    assert securities.loc["BRK-A", "company_id"] == securities.loc["BRK-B", "company_id"]


def test_coverage_named_in_the_issue(graph):
    """Regional banks, solar inverter makers and drone small caps are in."""
    securities = graph.securities
    assert securities.loc["WAL", "industry"] == "Regional Banks"
    assert securities.loc["ZION", "industry"] == "Regional Banks"
    assert securities.loc["AVAV", "industry"] == "Aerospace & Defense"
    exposures = graph.security_exposures(["theme:renewables", "theme:semiconductors"])
    assert exposures.loc["SEDG", "theme:renewables"] >= 0.8 and exposures.loc["SEDG", "theme:semiconductors"] == 0
    assert exposures.loc["ENPH", "theme:renewables"] >= 0.8 and exposures.loc["ENPH", "theme:semiconductors"] == 0


# Every company mention the screener companies add to the development set and the sample events,
# read and checked by hand: each names that company.
EXPECTED_NEW_MENTIONS = {
    ("wannacry-ransomware-2017-05-12", "company:telefonica", "Telefonica"),
    ("solarwinds-hack-2020-12-13", "company:solarwinds", "SolarWinds"),
    ("chevron-hess-2023-10-23", "company:hess", "Hess"),                           # by its short name
    ("cambridge-analytica-2018-03-17", "company:new-york-times", "New York Times"),  # the source (sign 0)
}


def test_screener_companies_add_no_false_mentions_to_the_bundled_events(graph, screener_companies):
    events = list(load_dev_set().events)
    sample, rejects = read_events(sample_path("sample_events.jsonl"))[:2]
    assert not rejects
    events += list(sample)
    found = {(e.id, m.concept, m.text) for e in events for m in tag_event(e, graph).mentions
             if m.concept in screener_companies and m.origin == "text"}
    assert found == EXPECTED_NEW_MENTIONS


@pytest.mark.parametrize("text", [
    "Target said holiday sales fell as shoppers pulled back.",
    "Global industrial output slowed in May, and community bank lending tightened.",
    "The fund invests with natural resource partners across Latin America.",
    "Universal basic income returns to the debate; the premier said no.",
    "A premier league club was sold. Viking raids are the subject of a new film.",
    "Western alliance members met in Brussels to discuss air defence.",
])
def test_everyday_words_do_not_name_screener_companies(graph, screener_companies, text):
    event = Event(id="loose", headline=text)
    assert [m.concept for m in tag_event(event, graph).mentions if m.concept in screener_companies] == []


@pytest.mark.parametrize("text, company", [
    ("Enphase Energy shares fell after the solar inverter maker cut its outlook.", "company:enphase-energy"),
    ("Wintrust Financial raised its deposit forecast.", "company:wintrust-financial"),
    ("AeroVironment won an Army contract for Switchblade drones.", "company:aerovironment"),
    ("Target Hospitality Corp. extended its lease.", "company:target-hospitality"),
])
def test_screener_companies_are_found_by_name(graph, text, company):
    event = Event(id="named", headline=text)
    assert company in {m.concept for m in tag_event(event, graph).mentions}


def test_symbols_of_companies_already_in_the_graph_join_that_company(graph):
    """Former symbols and ADRs (same_company.csv) are more securities of the company, not new companies."""
    rows = _rows("same_company.csv")
    assert rows
    owners = graph.securities["company_id"]
    for row in rows:
        assert owners[row["symbol"]] == row["company"], row
