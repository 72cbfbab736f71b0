"""Write ``../default/edges/foreign_sales.csv``: who is exposed to ``theme:foreign-sales``.

Run by hand from the repository root after any change to the listings (``securities*.csv``)::

    python exposure/graph/data/foreign_sales/make_foreign_sales.py

``theme:foreign-sales`` is the share of a company's revenue earned outside the United States, as
a holder who counts in dollars sees it: a stronger dollar shrinks its dollar value
(``theme:us-dollar -implies-> theme:foreign-sales``, negative). The file holds

- **sector defaults** (``gics:<sector> -exposed_to-> theme:foreign-sales``): the S&P 500
  foreign-sales share of the sector where S&P Dow Jones Indices (or another named publisher)
  published one, else a reasoned default; the ``source`` says which, the ``note`` gives the
  figures (see ``SECTORS``);
- **sub-industry defaults** for businesses that are domestic by nature (regional banks, mortgage
  lenders, homebuilders), which would otherwise inherit their sector's multinational figure;
- **explicit zeros** for companies none of whose listings is quoted in dollars (or in a currency
  pegged to it, ``DOLLAR_LIKE``): priced in euros,
  pence or yen, such a company gains from a stronger dollar on its US sales rather than losing
  on its foreign ones, so the US-company default must not reach it. Their ``as_of`` and
  ``known_from`` are 2015-01-01, the start of the bundled prices: a listing's quote currency is
  public from its first trade (assumed unchanged since; not checked listing by listing).

Running it twice gives the same file.
"""

from __future__ import annotations

import csv
from pathlib import Path

from exposure.io import write_csv_rows

DEFAULT = Path(__file__).resolve().parent.parent / "default"
OUT = DEFAULT / "edges" / "foreign_sales.csv"
THEME = "theme:foreign-sales"
AS_OF = "2025-06-30"
ZERO_AS_OF = "2015-01-01"
SPDJI_2018 = "S&P Dow Jones Indices, S&P 500 2018: Global Sales (H. Silverblatt, 2019)"

# sector code, name, weight, sourced?, reasoning or figures
SECTORS = [
    ("10", "Energy", 0.51, True,
     f"S&P 500 Energy foreign sales 51.28% in 2018, 54.06% in 2017, 58.88% in 2016 ({SPDJI_2018})"),
    ("15", "Materials", 0.45, False,
     "no published S&P 500 figure found; Bespoke (2008) ranks Materials second after Technology by average foreign "
     "revenue share, and commodities and chemicals sell worldwide: below Technology's 0.58, above Industrials"),
    ("20", "Industrials", 0.35, False,
     "no published S&P 500 figure found; Bespoke (2008) ranks Industrials third: capital goods exporters "
     "(aerospace, machinery) sell half abroad, transport, construction and business services at home"),
    ("25", "Consumer Discretionary", 0.25, False,
     "no published S&P 500 figure found; Bespoke (in WSJ, Dec 2008): consumer discretionary stocks earn less than "
     "30% of revenue overseas; US retailers and homebuilders sell at home, car makers and brands abroad"),
    ("30", "Consumer Staples", 0.35, False,
     "no published S&P 500 figure found; Bespoke (2008) ranks Consumer Staples fourth: global brands (beverages, "
     "household products, tobacco) sell about half abroad, grocers and distributors at home"),
    ("35", "Health Care", 0.25, False,
     "no published S&P 500 figure found; Bespoke (in WSJ, Dec 2008): health care stocks earn less than 30% of "
     "revenue overseas; drug and device makers sell abroad, insurers and providers at home"),
    ("40", "Financials", 0.30, True,
     "S&P 500 Financials 34.7% of declared sales foreign in 2011, 37.1% in 2010 (S&P Dow Jones Indices press "
     "release, 9 Aug 2012); 30.9% in 2006 (S&P, in BusinessWeek, Jul 2007). Sales-weighted, so led by global banks "
     "and insurers; rounded down to 0.30, and regional banks and mortgage lenders carry their own default"),
    ("45", "Information Technology", 0.58, True,
     f"S&P 500 Information Technology foreign sales 58.19% in 2018, 56.95% in 2017, 57.15% in 2016 ({SPDJI_2018}); "
     "61% in a 2022 sector chart of revenue from outside the US"),
    ("50", "Communication Services", 0.45, True,
     f"S&P 500 Communication Services foreign sales 44.74% in 2018, pro forma for the 2018 sector ({SPDJI_2018})"),
    ("55", "Utilities", 0.05, True,
     "S&P 500 Utilities 5% of revenue from outside the US in a 2022 sector chart (Relatable Finance, chart of the "
     "week, 29 Aug 2022; a revenue-exposure measure on which the whole S&P 500 is about 30%, below S&P DJI's 43%)"),
    ("60", "Real Estate", 0.05, False,
     "no published figure found; US REITs and developers own, rent and sell US property; set as utilities' 5%"),
]
DOMESTIC = [
    ("40101015", "Regional Banks", "lend and take deposits in their US regions"),
    ("40201050", "Commercial & Residential Mortgage Finance", "lend against US property"),
    ("25201030", "Homebuilding", "build and sell homes in the US"),
]
DOLLAR_LIKE = {"USD", "HKD", "SAR"}
"""Quote currencies that move with the dollar: HKD (linked rate 7.75-7.85 since 1983), SAR (3.75 since 1986)."""
HEADER = ["from_id", "relation", "to_id", "weight", "source", "as_of", "known_from", "valid_from", "valid_to", "note"]


def _read(name: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((DEFAULT / "nodes").glob(f"{name}*.csv")):
        rows += csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return rows


def _listings() -> dict[str, set[str]]:
    """company id -> quote currencies of its listings."""
    currency = {row["id"]: row.get("currency", "") for row in _read("securities")}
    out: dict[str, set[str]] = {}
    for path in sorted((DEFAULT / "edges").glob("*.csv")):
        for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
            if row.get("relation") == "listed_as":
                out.setdefault(row["from_id"], set()).add(currency.get(row["to_id"], ""))
    return out


def rows() -> list[list[str]]:
    """Every row of the file, in a fixed order."""
    out = []
    for code, name, weight, sourced, why in SECTORS:
        basis = "published S&P 500 sector figure" if sourced else "reasoned; no published sector figure"
        out.append([f"gics:{code}", "exposed_to", THEME, f"{weight:g}",
                    f"curated: industry default for {name} (sector), {basis}; overridden by company figures",
                    AS_OF, "", "", "", why])
    for code, name, why in DOMESTIC:
        out.append([f"gics:{code}", "exposed_to", THEME, "0.02",
                    f"curated: industry default for {name}, reasoned: domestic business; overridden by company figures",
                    AS_OF, "", "", "", f"{name}: companies that {why}; a token 0.02 for the odd foreign branch"])
    for company, currencies in sorted(_listings().items()):
        quoted = sorted(c for c in currencies if c)
        if quoted and not DOLLAR_LIKE & set(quoted):
            out.append([company, "exposed_to", THEME, "0",
                        f"curated: none; quoted only in {'/'.join(quoted)}, so a stronger dollar raises the value of "
                        "its dollar sales in its own currency instead of shrinking its foreign ones; explicit 0 "
                        "overrides the industry default", ZERO_AS_OF, ZERO_AS_OF, "", "",
                        "listing currency from securities.csv"])
    return out


def main() -> None:
    print(f"wrote {OUT} ({write_csv_rows(OUT, HEADER, rows())} rows)")


if __name__ == "__main__":
    main()
