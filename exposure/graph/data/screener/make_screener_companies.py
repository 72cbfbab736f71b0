"""Build the screener companies of the default graph from the NASDAQ stock screener (2024-05).

Run by hand from the repository root; nothing reads the original file at run or test time::

    python exposure/graph/data/screener/make_screener_companies.py extract SCREENER.csv
    python exposure/graph/data/screener/make_screener_companies.py build

``extract`` applies the selection rules to the screener download and writes
``nasdaq_screener_2024-05_extract.csv`` beside this script (with ``selection_counts.csv``, the
rows each rule removed). ``build`` reads that extract, ``nasdaq_industry_gics.csv``,
``overrides.csv``, ``theme_overrides.csv``, ``same_company.csv``, ``countries.csv`` and the
default graph, and writes the ``*_screener.csv`` files under
``../default/`` (nodes, securities, edges, aliases). ``build`` needs ``wordfreq`` (the ``data``
extra) to tell everyday words from coined names; see README.md beside this script.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "default"
EXTRACT = HERE / "nasdaq_screener_2024-05_extract.csv"
SOURCE = "NASDAQ stock screener download 2024-05 (pontino/nasdaq-csvs 804e60d2)"
AS_OF = "2024-05-31"
MIN_MARKET_CAP = 300e6
EXTRACT_COLUMNS = ["symbol", "name", "market_cap", "country", "ipo_year", "sector", "industry"]

# Selection rules, applied in this order to the rows above the market-cap floor, on the Name
# and Industry columns; the first rule that matches removes the row.
_FINANCE_INDUSTRIES = {
    "Finance/Investors Services", "Investment Managers", "Finance Companies",
    "Investment Bankers/Brokers/Service", "Other Consumer Services", "",
}
CLOSED_END_FUNDS = {"CET", "CSQ", "ETO", "GAM", "OXLC", "SOR", "TY", "TYG"}
RULES: list[tuple[str, str]] = [
    ("warrant", "name has Warrant(s)"),
    ("right", "name has Right(s) (capitalised: not 'the right to receive')"),
    ("preferred", "name has Preferred, Preference, Pfd or Perp, or Depositary/Depository Shares that are not "
                  "American or Global depositary shares (a bank's or insurer's preferred), unless the line is an "
                  "American depositary share or ADR"),
    ("debt", "name has Note(s), Debenture(s), Bond(s), ZONES or 'due <year>' (notes, baby bonds, exchangeable debt)"),
    ("unit", "name has Tangible Equity Unit(s), Corporate Units, Capital Trust <roman> or ends in Unit(s), unless "
             "it is a partnership's units (L.P., LP, Partners, Partnership)"),
    ("fund", "a fund or trust that is not an operating company: name has Fund, ETF, Royalty Trust, STRATS or "
             "Trust Certificates; or "
             "industry 'Trusts Except Educational Religious and Charitable'; or a finance industry "
             "(Finance/Investors Services, Investment Managers, Finance Companies, Investment "
             "Bankers/Brokers/Service, Other Consumer Services, none) with Trust, Municipal, Income or "
             "Beneficial Interest in the name"),
    ("blank_check", "industry 'Blank Checks' and name has Acquisition or 'Capital Corp' (SPACs)"),
    ("closed_end_fund", "listed closed-end funds whose names do not say so, found by reading the finance rows: "
                        + " ".join(sorted(CLOSED_END_FUNDS))),
]


def _rule(row: dict[str, str]) -> str | None:
    name, industry = row["name"], row["industry"]
    american = re.search(r"(?:American|Global) Deposit[ao]ry|\bADR\b|\bADS\b", name)
    partnership = re.search(r"\bL\.?P\.?\b|Partners|Partnership", name, re.I)
    if re.search(r"\bWarrants?\b", name, re.I):
        return "warrant"
    if re.search(r"\bRights?\b", name):
        return "right"
    preferred = re.search(r"Preferred|Preference|\bPfd\b|\bPerp\b|Deposit[ao]ry Shares|\bDep Shs\b", name, re.I)
    if preferred and not american:
        return "preferred"
    if re.search(r"\bNotes?\b|\bDebentures?\b|\bBonds?\b|\bdue \d{4}\b|\bZONES\b", name, re.I):
        return "debt"
    if (re.search(r"Tangible Equity Units?|Corporate Units|Capital Trust [IVX]+\b", name, re.I)
            or (re.search(r"\bUnits?\s*$", name, re.I) and not partnership)):
        return "unit"
    if (re.search(r"\bFund\b|\bETF\b|Royalty Trust|STRATS|Trust Certificates", name, re.I)
            or industry == "Trusts Except Educational Religious and Charitable"
            or (industry in _FINANCE_INDUSTRIES
                and re.search(r"\bTrust\b|Municipal|\bIncome\b|Beneficial Interest", name, re.I))):
        return "fund"
    if industry == "Blank Checks" and re.search(r"Acquisition|Capital Corp", name):
        return "blank_check"
    if row["symbol"] in CLOSED_END_FUNDS:
        return "closed_end_fund"
    return None


def extract(screener: Path) -> None:
    """Apply the selection rules to the screener file; write the extract and the rule counts."""
    with screener.open(newline="", encoding="utf-8") as handle:
        rows = [{
            "symbol": r["Symbol"].strip(), "name": re.sub(r"\s+", " ", r["Name"]).strip(),
            "market_cap": r["Market Cap"].strip(), "country": r["Country"].strip(),
            "ipo_year": r["IPO Year"].strip(), "sector": r["Sector"].strip(), "industry": r["Industry"].strip(),
        } for r in csv.DictReader(handle)]
    counts = [("screener rows", "", len(rows))]
    kept = [r for r in rows if _float(r["market_cap"]) > MIN_MARKET_CAP]
    counts.append(("market_cap", f"market cap not above ${MIN_MARKET_CAP / 1e6:.0f}M, or not given",
                   len(rows) - len(kept)))
    rules = {r["symbol"]: _rule(r) for r in kept}
    for code, text in RULES:
        counts.append((code, text, sum(1 for v in rules.values() if v == code)))
    kept = [r for r in kept if rules[r["symbol"]] is None]
    counts.append(("selected", "rows in the extract", len(kept)))
    _write(EXTRACT, EXTRACT_COLUMNS, sorted(kept, key=lambda r: r["symbol"]))
    columns = ["rule", "description", "rows"]
    _write(HERE / "selection_counts.csv", columns, [dict(zip(columns, c)) for c in counts])


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------------------------------------
# Names

_DESCRIPTOR = re.compile(
    r"\s*(?:\bClass [A-Z]\b|\bSeries [A-Z]\b|\bCommon\b|\bOrdinary\b|\bAmerican Deposi|\bGlobal Deposi|\bADS\b|\bADR\b|"
    r"\bSubordinate Voting\b|\bRestricted Voting\b|\bLimited Voting\b|\bVoting\b|\bExchangeable\b|"
    r"\bSponsored\b|\bShares? of Beneficial\b|\bShares\b|\bShare\b|\bUnits?\b|\bLimited Partnership\b|"
    r"\bLTD PARTNERSHIP\b|\bRegistered\b|\(New\)|\(The\)|\(each|\(Canada\)|\(BC\)|\(DE\)|\(REIT\)|"
    r"\(Holding Company\)|\bD/B/A\b).*$",
    re.I,
)
_LEGAL = re.compile(
    r"(?:[\s,]+(?:Inc|Incorporated|Corp|Corporation|Company|Co|Ltd|Limited|plc|PLC|LLC|L\.?P|LP|N\.?V|N\.?A|S\.?A"
    r"|SA|S\.?A\.?B\.? de C\.?V|S\.?A\.? de C\.?V|SAB de CV|de C\.?V|AG|SE|A/S|ASA|AB|Oyj|S\.?p\.?A|"
    r"Holdings?|Group|Bhd|Berhad|Tbk|S\.?A\.?A|S\.?C\.?A|y A|SACIF|S\.?A\.?C\.?I\.?F|Plc)\.?)+\s*$",
    re.I,
)


def legal_name(screener_name: str) -> str:
    """The company's name without the security's description.

    >>> legal_name("Bel Fuse Inc. Class A Common Stock")
    'Bel Fuse Inc.'
    >>> legal_name("Cadeler A/S American Depositary Share (each representing four (4) Ordinary Shares)")
    'Cadeler A/S'
    """
    name = re.sub(r"\s+New$", "", _DESCRIPTOR.sub("", screener_name).strip(" ,-"))
    return re.sub(r"\s+", " ", name) or screener_name.strip()


def short_name(name: str) -> str:
    """A legal name without its legal form and trailing 'Holdings'/'Group'.

    >>> short_name("Target Hospitality Corp.")
    'Target Hospitality'
    >>> short_name("Wintrust Financial Corporation")
    'Wintrust Financial'
    """
    short = _LEGAL.sub("", name).strip(" ,-.")
    if short.lower().startswith("the "):
        short = short[4:]
    return short or name


def _title(name: str) -> str:
    """Upper-case names ("NGL ENERGY PARTNERS") in title case; "Of", "And" inside a name in lower case.

    >>> _title("Bank Of Montreal")
    'Bank of Montreal'
    """
    if name.upper() == name and any(c.isalpha() for c in name):
        name = " ".join(w if len(w) <= 3 else w.capitalize() for w in name.split())
    first, *rest = name.split(" ")
    return " ".join([first, *(w.lower() if w.lower() in {"of", "and", "the", "for"} else w for w in rest)])


def slug(text: str) -> str:
    """Lower-case hyphenated ASCII slug.

    >>> slug("Bank of N.T. Butterfield & Son")
    'bank-of-n-t-butterfield-son'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def yahoo_symbol(symbol: str) -> str:
    """Screener symbol to Yahoo symbol: share classes use '-' ('BRK/B' -> 'BRK-B')."""
    return symbol.replace("/", "-").replace("^", "-P")


# ---------------------------------------------------------------------------------------------
# Which labels may match loose text

COMMON_ZIPF = 3.0  # a word seen at least once per million words of English counts as common
_SMALL = {"of", "and", "the", "for", "de", "&", "a", "an", "in", "on", "at", "to"}


def label_rule(short: str, zipf) -> str:
    """How the tagger may match a company's short name; see README.md ("Labels").

    ``distinct``: several words, at least one of them rare in English ("Wintrust Financial"): the
    short name is the label, matched like any label. ``single``: one rare word ("Okta"): matched
    only as written (case-sensitive). ``plain``: every word is common English or a common name
    ("Target Hospitality", "Community Bank"): the label keeps the legal form and is matched only
    as written, at low confidence.
    """
    words = re.findall(r"[^\W_]+", short)
    content = [w for w in words if w.lower() not in _SMALL]
    if not content or all(zipf(w.lower(), "en") >= COMMON_ZIPF or len(w) <= 2 for w in content):
        return "plain"
    if len(content) == 1:
        return "single"
    return "distinct"


# ---------------------------------------------------------------------------------------------
# Build


def build() -> None:
    from wordfreq import zipf_frequency  # build-time only: the "data" extra

    rows = _read(EXTRACT)
    mapping = {r["nasdaq_industry"]: r["gics"] for r in _read(HERE / "nasdaq_industry_gics.csv")}
    overrides = {r["symbol"]: r for r in _read(HERE / "overrides.csv")}
    countries = {r["screener_country"]: r["country_id"] for r in _read(HERE / "countries.csv")}
    themes: dict[str, list[dict[str, str]]] = {}
    for r in _read(HERE / "theme_overrides.csv"):
        themes.setdefault(r["symbol"], []).append(r)
    known_symbols, known_ids, taken_labels = _default_graph()
    same = {r["symbol"]: r for r in _read(HERE / "same_company.csv")}

    by_company: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_company.setdefault(legal_name(row["name"]).casefold(), []).append(row)

    nodes, securities, edges, aliases = [], [], [], []
    used_ids = set(known_ids)
    for group in by_company.values():
        symbols = [yahoo_symbol(r["symbol"]) for r in group]
        owners = {known_symbols[s] for s in symbols if s in known_symbols}
        owners |= {same[r["symbol"]]["company"] for r in group if r["symbol"] in same}
        first = group[0]
        name = _title(legal_name(first["name"]))
        if owners:
            company = sorted(owners)[0]
            new = [r for r in group if yahoo_symbol(r["symbol"]) not in known_symbols]
            for row in new:
                security = yahoo_symbol(row["symbol"])
                why = (same[row["symbol"]]["reason"] if row["symbol"] in same
                       else "another share class of a company already in the graph")
                securities.append(_security(security, name, row))
                edges.append(_edge(company, "listed_as", f"security:{security}",
                                   f"Yahoo Finance symbol (screener symbol {row['symbol']}); {why}"))
            continue
        short = short_name(name)
        company = f"company:{slug(short)}"
        if company in used_ids:
            company = f"company:{slug(name)}"
        if company in used_ids:
            company = f"company:{slug(name)}-{slug(symbols[0])}"
        used_ids.add(company)
        rule = label_rule(short, zipf_frequency)
        label = name if rule == "plain" else short
        if label.casefold() in taken_labels:
            label, rule = name, "plain"
        if rule == "plain" and len(re.findall(r"[^\W_]+", label)) == 1:
            label = f"{label} ({symbols[0]})"  # "Orange (ORAN)": a bare everyday word must not match
        taken_labels.add(label.casefold())
        industry = first["industry"]
        override = overrides.get(first["symbol"])
        gics = override["gics"] if override else mapping[industry]
        nodes.append({
            "id": company, "label": label,
            "description": f"NASDAQ screener 2024-05: {first['sector'] or 'no sector'} / {industry or 'no industry'}; "
                           f"market cap ${_float(first['market_cap']) / 1e9:.2f}bn; "
                           f"{first['country'] or 'country not given'}",
        })
        if rule == "plain":
            aliases.append({"concept": company, "alias": label, "confidence": "0.5", "case_sensitive": "true"})
        elif rule == "single":
            aliases.append({"concept": company, "alias": label, "confidence": "0.9", "case_sensitive": "true"})
        for row in group:
            security = yahoo_symbol(row["symbol"])
            if f"security:{security}" in known_ids:
                continue  # a reused symbol (ACIC): a security has one issuer in the graph, see README.md
            securities.append(_security(security, name, row))
            edges.append(_edge(company, "listed_as", f"security:{security}", f"Yahoo Finance symbol (screener symbol "
                               f"{row['symbol']})"))
        country = countries.get(first["country"])
        if country:
            edges.append(_edge(company, "located_in", country, f"{SOURCE}, Country column",
                               note=f"screener country: {first['country']}"))
        if override:
            edges.append(_edge(company, "classified_as", f"gics:{gics}",
                               f"curated: GICS sub-industry judged from the business ({override['reason']}); "
                               f"{SOURCE} gives no usable industry", note="approx."))
        else:
            edges.append(_edge(company, "classified_as", f"gics:{gics}",
                               f"{SOURCE}, Industry '{industry}' via nasdaq_industry_gics.csv",
                               note="approx.: NASDAQ industry mapped to a GICS sub-industry"))
        for row in group:
            for figure in themes.get(row["symbol"], []):
                edges.append({**_edge(company, "exposed_to", f"theme:{figure['theme']}",
                                      f"curated: {figure['reason']} (theme_overrides.csv)", note="approx."),
                              "weight": figure["weight"]})

    _write(DEFAULT / "nodes" / "companies_screener.csv", ["id", "label", "description"], nodes)
    _write(DEFAULT / "nodes" / "securities_screener.csv", ["id", "label", "description", "exchange", "currency"],
           securities)
    _write(DEFAULT / "edges" / "companies_screener.csv",
           ["from_id", "relation", "to_id", "weight", "source", "as_of", "valid_from", "valid_to", "note"], edges)
    _write(DEFAULT / "aliases" / "companies_screener.csv", ["concept", "alias", "confidence", "case_sensitive"],
           aliases)


def _security(security: str, name: str, row: dict[str, str]) -> dict[str, str]:
    return {"id": f"security:{security}", "label": f"{name} ({security})",
            "description": f"{row['name']}; Yahoo Finance symbol {security}", "exchange": "", "currency": "USD"}


def _edge(from_id: str, relation: str, to_id: str, source: str, note: str = "",
          valid_from: str = "") -> dict[str, str]:
    return {"from_id": from_id, "relation": relation, "to_id": to_id, "weight": "1", "source": source,
            "as_of": AS_OF, "valid_from": valid_from, "valid_to": "", "note": note}


def _default_graph() -> tuple[dict[str, str], set[str], set[str]]:
    """Symbols -> company, node ids and folded labels/aliases of the default graph without this builder's files.

    A symbol whose listing ended before the screener date is not taken: the symbol was reused
    (ACIC was Archer Aviation's SPAC until 2021, American Coastal Insurance in 2024). The graph
    gives a security one issuer, so such a row gets a company node but no listing.
    """
    symbols: dict[str, str] = {}
    ids: set[str] = set()
    labels: set[str] = set()
    for path in sorted(DEFAULT.rglob("*.csv")):
        if path.stem.endswith("_screener"):
            continue
        rows = _read(path)
        if not rows:
            continue
        if "from_id" in rows[0]:
            for r in rows:
                if r["relation"] == "listed_as" and not (r["valid_to"] and r["valid_to"] < AS_OF):
                    symbols[r["to_id"].removeprefix("security:").upper()] = r["from_id"]
        elif "alias" in rows[0]:
            labels.update(r["alias"].casefold() for r in rows)
        elif "id" in rows[0]:
            ids.update(r["id"] for r in rows)
            labels.update(r["label"].casefold() for r in rows if not r["id"].startswith("security:"))
    return symbols, ids, labels


if __name__ == "__main__":
    if sys.argv[1:2] == ["extract"] and len(sys.argv) == 3:
        extract(Path(sys.argv[2]))
    elif sys.argv[1:] == ["build"]:
        build()
    else:
        sys.exit(__doc__)
