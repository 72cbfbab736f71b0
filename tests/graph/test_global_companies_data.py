"""The non-US companies file set: real listings with symbol, country, GICS and themes."""

import csv
import re

import pytest

from exposure.graph._io import default_graph_dir

DATA = default_graph_dir()
YAHOO = re.compile(r"^[A-Z0-9][A-Z0-9&\-]*(\.[A-Z]{1,3})?$")
# Yahoo suffix -> (exchange code, quote currencies) for the exchanges the file set uses.
SUFFIX = {
    ".DE": ("GER", {"EUR"}), ".PA": ("PAR", {"EUR"}), ".AS": ("AMS", {"EUR"}),
    ".MI": ("MIL", {"EUR"}), ".MC": ("MCE", {"EUR"}), ".BR": ("BRU", {"EUR"}),
    ".LS": ("LIS", {"EUR"}), ".VI": ("VIE", {"EUR"}), ".HE": ("HEL", {"EUR"}),
    ".L": ("LSE", {"GBp", "USD"}), ".SW": ("EBS", {"CHF"}), ".CO": ("CPH", {"DKK"}),
    ".OL": ("OSL", {"NOK"}), ".ST": ("STO", {"SEK"}), ".WA": ("WSE", {"PLN"}),
    ".IS": ("IST", {"TRY"}), ".T": ("JPX", {"JPY"}), ".KS": ("KSC", {"KRW"}),
    ".TW": ("TAI", {"TWD"}), ".HK": ("HKG", {"HKD"}), ".SS": ("SHH", {"CNY"}),
    ".SZ": ("SHZ", {"CNY"}), ".NS": ("NSI", {"INR"}), ".SI": ("SES", {"SGD"}),
    ".AX": ("ASX", {"AUD"}), ".NZ": ("NZE", {"NZD"}), ".TO": ("TOR", {"CAD"}),
    ".SA": ("SAO", {"BRL"}), ".SN": ("SGO", {"CLP"}), ".SR": ("SAU", {"SAR"}),
    ".JO": ("JNB", {"ZAc"}),
}


def _rows(relative: str) -> list[dict[str, str]]:
    with open(DATA / relative, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def own_ids() -> tuple[set[str], set[str]]:
    companies = {r["id"] for r in _rows("nodes/companies_global.csv")}
    securities = {r["id"] for r in _rows("nodes/securities_global.csv")}
    return companies, securities


def test_at_least_150_non_us_companies_with_security_country_gics_and_theme(graph, own_ids):
    companies, _ = own_ids
    info = graph.securities[graph.securities["company_id"].isin(companies)]
    complete = info[info["gics"].str.len().eq(len("gics:00000000")) & info["country"].notna()
                    & info["industry"].notna()]
    themed = set(graph.exposures.loc[graph.exposures["weight"] > 0, "company"])
    non_us = set(complete.loc[complete["country"] != "US", "company_id"]) & themed
    assert len(non_us) >= 150
    assert companies - set(info["company_id"]) == set(), "every company has a listing"


def test_symbols_are_yahoo_style_with_matching_exchange_and_currency(own_ids):
    for row in _rows("nodes/securities_global.csv"):
        symbol = row["id"].removeprefix("security:")
        assert YAHOO.match(symbol), symbol
        assert row["exchange"] and row["currency"], symbol
        suffix = "." + symbol.rsplit(".", 1)[1] if "." in symbol else ""
        if suffix:
            exchange, currencies = SUFFIX[suffix]
            assert row["exchange"] == exchange and row["currency"] in currencies, symbol
        else:
            assert row["exchange"] in {"NYQ", "NMS", "NGM", "NCM", "ASE"} and row["currency"] == "USD", symbol


def test_no_id_is_defined_twice_across_company_files(own_ids):
    companies, securities = own_ids
    others: set[str] = set()
    for path in sorted(DATA.glob("nodes/*.csv")):
        if not path.name.endswith("_global.csv"):
            others |= {r["id"] for r in _rows(f"nodes/{path.name}")}
    assert not (companies | securities) & others
    assert len(_rows("nodes/companies_global.csv")) == len(companies)


def test_figures_are_sourced_and_well_known_listings_resolve(graph):
    edges = [r for r in _rows("edges/companies_global.csv") if r["relation"] == "exposed_to"]
    assert all(r["source"] and r["as_of"] for r in edges)
    assert all(r["source"].startswith("curated: ") or "Report" in r["source"]
               or "Form" in r["source"] or "Document" in r["source"] or "prospectus" in r["source"]
               for r in edges)
    for ticker, company in [("2330.TW", "company:tsmc"), ("ASML.AS", "company:asml"),
                            ("MAERSK-B.CO", "company:maersk"), ("NOVO-B.CO", "company:novo-nordisk"),
                            ("SHEL.L", "company:shell"), ("0700.HK", "company:tencent"),
                            ("005930.KS", "company:samsung-electronics"), ("8035.T", "company:tokyo-electron")]:
        assert graph.securities.loc[ticker, "company_id"] == company
    assert graph.securities.loc["SHEL.L", "currency"] == "GBp"


def test_defining_themes_reach_the_right_companies(graph):
    exposures = graph.exposures.set_index(["company", "theme"])["weight"]
    assert exposures["company:maersk", "theme:container-shipping"] >= 0.5
    assert exposures["company:frontline", "theme:container-shipping"] == 0
    assert exposures["company:frontline", "theme:tankers"] >= 0.9
    # drivers that hurt a company carry 0: the sign comes through the driver's implications
    assert exposures["company:asml", "theme:export-controls"] == 0
    assert exposures["company:asml", "theme:semiconductor-equipment"] >= 0.9
    assert exposures["company:munich-re", "theme:insurance-catastrophe"] == 0
    assert exposures["company:munich-re", "theme:insurers"] >= 0.5
    assert exposures["company:lig-nex1", "theme:commercial-aerospace"] == 0
    assert exposures["company:longi", "theme:semiconductors"] == 0
