"""Build the US-state places and the headquarters state of S&P 500 companies (run by hand; output committed).

    python exposure/graph/data/locations/make_us_states.py SP500_CONSTITUENTS_CSV

Writes ``default/nodes/us_states.csv``, ``default/aliases/us_states.csv`` and
``default/edges/us_headquarters.csv``.

Source: the S&P 500 constituents list of github.com/datasets/s-and-p-500-companies (ODC-PDDL-1.0),
commit 56509dd80619e4d8e1410c2260d68ddd3eab6068, column "Headquarters Location" ("City, State").
Only companies the default graph lists under the same ticker get an edge. A headquarters state is
where a company is domiciled; for a regulated utility it is, in most cases, the core of the
territory it serves (the rule that reads local news, see ``exposure/tagging/_local.py``).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "default"
STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida",
    "GA": "Georgia (US state)", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska",
    "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York State",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington State",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}
# The 50 most populous US cities (US Census Bureau, 2020 census), as other names of their state,
# leaving out names shared by cities of two states (Columbus, Portland, Kansas City, Arlington) or
# with the federal capital (Washington). A storm over Houston is a storm in Texas.
CITIES = {
    "New York City": "NY", "Los Angeles": "CA", "Chicago": "IL", "Houston": "TX", "Phoenix": "AZ",
    "Philadelphia": "PA", "San Antonio": "TX", "San Diego": "CA", "Dallas": "TX", "San Jose": "CA",
    "Austin": "TX", "Jacksonville": "FL", "Fort Worth": "TX", "Indianapolis": "IN", "Charlotte": "NC",
    "San Francisco": "CA", "Seattle": "WA", "Denver": "CO", "Nashville": "TN", "Oklahoma City": "OK",
    "El Paso": "TX", "Boston": "MA", "Las Vegas": "NV", "Detroit": "MI", "Memphis": "TN", "Louisville": "KY",
    "Baltimore": "MD", "Milwaukee": "WI", "Albuquerque": "NM", "Tucson": "AZ", "Fresno": "CA",
    "Sacramento": "CA", "Mesa": "AZ", "Atlanta": "GA", "Omaha": "NE", "Colorado Springs": "CO",
    "Raleigh": "NC", "Long Beach": "CA", "Virginia Beach": "VA", "Miami": "FL", "Oakland": "CA",
    "Minneapolis": "MN", "Tulsa": "OK", "Bakersfield": "CA", "Wichita": "KS", "Tampa": "FL",
    "Aurora": "CO", "New Orleans": "LA", "Cleveland": "OH", "Honolulu": "HI",
}
# Names that are also something else keep a label that is not an alias ("Georgia" is a country in the
# graph, "Washington" the US government); these aliases stand for them where they are unambiguous.
EXTRA_ALIASES = {"NY": ["New York"], "DC": ["Washington, D.C."]}
AS_OF = "2026-08-05"


def state_id(code: str) -> str:
    return f"region:us-{code.lower()}"


def main(constituents: str) -> None:
    by_name = {name.split(" (")[0].removesuffix(" State"): code for code, name in STATES.items()}
    by_name["New York"], by_name["Washington"], by_name["District of Columbia"] = "NY", "WA", "DC"
    with open(DEFAULT / "edges" / "companies_us.csv", encoding="utf-8") as handle:
        company_of = {row["to_id"].removeprefix("security:"): row["from_id"]
                      for row in csv.DictReader(handle) if row["relation"] == "listed_as"}
    with open(constituents, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    edges, unknown = [], []
    for row in rows:
        company = company_of.get(row["Symbol"].replace(".", "-"))
        where = re.sub(r"\[\d+\]", "", row["Headquarters Location"]).strip()
        state = "District of Columbia" if where.endswith("D.C.") else where.rsplit(",", 1)[-1].strip()
        if company is None:
            continue
        if state not in by_name:
            unknown.append((row["Symbol"], row["Headquarters Location"]))
            continue
        edges.append((company, state_id(by_name[state]), where))
    with open(DEFAULT / "nodes" / "us_states.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "label", "description"])
        for code, name in STATES.items():
            kind = "US federal district" if code == "DC" else "US state"
            writer.writerow([state_id(code), name, f"{kind} ({code})"])
    with open(DEFAULT / "aliases" / "us_states.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["concept", "alias", "confidence", "case_sensitive"])
        for code, aliases in EXTRA_ALIASES.items():
            for alias in aliases:
                writer.writerow([state_id(code), alias, 0.9, "true"])
        for city, code in CITIES.items():
            writer.writerow([state_id(code), city, 0.8, "true"])
    with open(DEFAULT / "edges" / "us_headquarters.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["from_id", "relation", "to_id", "weight", "source", "as_of", "valid_from", "valid_to", "note"])
        for company, state, where in sorted({(c, st): (c, st, w) for c, st, w in sorted(edges)}.values()):
            writer.writerow([company, "located_in", state, 1,
                             "S&P 500 constituents (datasets/s-and-p-500-companies 56509dd): headquarters",
                             AS_OF, "", "", where])
    print(f"{len(STATES)} states, {len(edges)} headquarters edges, {len(unknown)} outside the states: {unknown}")


if __name__ == "__main__":
    main(sys.argv[1])
