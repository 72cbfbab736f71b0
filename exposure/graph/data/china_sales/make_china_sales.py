"""Write ``../default/edges/china_sales.csv``: who is exposed to ``theme:china-sales``.

Run by hand from the repository root after any change to the listings (``securities*.csv``)::

    python exposure/graph/data/china_sales/make_china_sales.py

``theme:china-sales`` is the share of a company's revenue earned in Greater China (mainland
China, Hong Kong and Macao, as the companies report it). On trade-war, export-control and
Chinese-demand news the market trades the companies that sell there: retaliation (tariffs on
US goods, boycotts, licences withheld), lost sales of controlled goods and Chinese demand all
fall on that revenue. The file holds

- **sub-industry defaults** for chips and chip equipment, whose US makers ship a quarter to
  two thirds of their revenue to China (see ``INDUSTRIES``); no other industry gets a default:
  most US companies sell little there, and the exceptions are named one by one;
- **company figures** (see ``COMPANIES``): the Greater China share of revenue from the
  company's annual report (Form 10-K, revenue by geography), rounded, with its fiscal year,
  the range the share kept in the reports since (in the note), and ``known_from`` a little
  after the report's filing, so a point-in-time graph uses a figure only once it was public.
  Chipmakers report revenue by ship-to or billing location: phones and computers of every brand
  are assembled in China, so their share overstates Chinese end demand; it is still the revenue
  that tariffs, licences and customs touch.

The figures are approximate (the note says so); they order companies by how much of their
revenue is at stake in China, which is what the graph's propagation uses. Running it twice
gives the same file.
"""

from __future__ import annotations

import csv
from pathlib import Path

from exposure.io import write_csv_rows

DEFAULT = Path(__file__).resolve().parent.parent / "default"
OUT = DEFAULT / "edges" / "china_sales.csv"
THEME = "theme:china-sales"
AS_OF = "2025-06-30"
HEADER = ["from_id", "relation", "to_id", "weight", "source", "as_of", "known_from", "valid_from", "valid_to", "note"]

# GICS sub-industry, name, weight, reasoning
INDUSTRIES = [
    ("45301020", "Semiconductors", 0.3,
     "US chipmakers ship about a quarter to two thirds of their revenue to Greater China (company rows below: "
     "Intel, AMD, Nvidia about 20-25%, Qualcomm, Skyworks, Qorvo, Monolithic Power 50% or more)"),
    ("45301010", "Semiconductor Materials & Equipment", 0.3,
     "the large US chip-equipment makers sold about 25-45% of their tools to China in FY2018-FY2024 (company "
     "rows below)"),
]

# ticker, share, fiscal year end, known from, note
COMPANIES = [
    ("AAPL", 0.20, "2017-09-30", "2017-12-01", "Greater China segment net sales about 19.5% of the total; 16-25% "
     "in FY2014-FY2024"),
    ("QCOM", 0.65, "2017-09-30", "2017-12-01", "China (incl. Hong Kong) by customer ship-to location about 65%; "
     "46-67% in FY2015-FY2024"),
    ("AVGO", 0.40, "2018-10-31", "2019-01-01", "China (incl. Hong Kong) by ship-to location; about 35-50% in "
     "FY2018-FY2024"),
    ("NVDA", 0.20, "2018-01-31", "2018-04-01", "China (incl. Hong Kong) by billing location about 19-21% in "
     "FY2018-FY2023, 13-17% after the 2023 export controls"),
    ("AMD", 0.25, "2018-12-31", "2019-03-01", "China (incl. Hong Kong) by billing location about 25% in 2018-2021, "
     "about 15% later"),
    ("INTC", 0.25, "2017-12-31", "2018-03-01", "China (incl. Hong Kong) about 24% in 2017, 26-27% in 2018-2023"),
    ("MU", 0.40, "2018-08-31", "2018-11-01", "mainland China and Hong Kong by ship-to location above half in "
     "FY2018; about 10-16% by customer headquarters from FY2023; a middle figure"),
    ("TXN", 0.30, "2018-12-31", "2019-03-01", "China by ship-to location above 40% in 2018; about 20% by customer "
     "headquarters since 2021; a middle figure"),
    ("ADI", 0.22, "2018-11-03", "2019-01-01", "China about 20-24% in FY2018-FY2024"),
    ("AMAT", 0.27, "2018-10-28", "2019-01-01", "China about 27% in FY2018; 29-45% in FY2019-FY2024"),
    ("LRCX", 0.30, "2018-06-24", "2018-09-01", "China about 25-42% in FY2018-FY2024"),
    ("KLAC", 0.30, "2018-06-30", "2018-09-01", "China about 24-43% in FY2018-FY2024"),
    ("SWKS", 0.50, "2018-09-28", "2018-12-01", "most revenue ships to assemblers in China (incl. handsets of "
     "non-Chinese brands); China about half or more"),
    ("QRVO", 0.50, "2018-03-31", "2018-06-01", "China by ship-to location about half or more"),
    ("NXPI", 0.35, "2018-12-31", "2019-03-01", "China (incl. Hong Kong) by ship-to location about 35-40%"),
    ("ON", 0.25, "2018-12-31", "2019-03-01", "China by ship-to location about a quarter"),
    ("MCHP", 0.25, "2018-03-31", "2018-06-01", "China about a quarter; Asia about half"),
    ("MPWR", 0.50, "2018-12-31", "2019-03-01", "China about half or more"),
    ("MRVL", 0.45, "2019-02-02", "2019-04-01", "China by ship-to location about 40-50%"),
    ("GLW", 0.23, "2018-12-31", "2019-03-01", "China about a quarter (display glass for panel makers there)"),
    ("TEL", 0.20, "2018-09-28", "2018-12-01", "China about 20%"),
    ("APH", 0.20, "2018-12-31", "2019-03-01", "China about 20-25%"),
    ("TSLA", 0.20, "2020-12-31", "2021-03-01", "China about 21% of revenue in 2020, 22-26% in 2021-2023 "
     "(8% in 2018, 12% in 2019)"),
    ("NKE", 0.15, "2018-05-31", "2018-08-01", "Greater China segment about 14% in FY2018, 15-19% in FY2019-FY2024"),
    ("SBUX", 0.10, "2018-09-30", "2018-12-01", "China segment about 10%"),
    ("EL", 0.20, "2018-06-30", "2018-09-01", "Asia/Pacific about 30% of net sales, mainland China its largest "
     "part; travel retail sold largely to Chinese travellers on top"),
    ("LVS", 0.65, "2017-12-31", "2018-03-01", "Macao operations about two thirds of net revenue (Singapore most of "
     "the rest)"),
    ("WYNN", 0.70, "2017-12-31", "2018-03-01", "Macau operations about 70% of operating revenue"),
    ("MGM", 0.20, "2017-12-31", "2018-03-01", "MGM China about 20% of net revenue"),
    ("OTIS", 0.17, "2019-12-31", "2020-04-01", "China about 17% of net sales (Form 10 and first annual report)"),
]


def _companies_by_ticker() -> dict[str, str]:
    """Yahoo symbol -> company id, from the graph's ``listed_as`` edges."""
    out: dict[str, str] = {}
    for path in sorted((DEFAULT / "edges").glob("*.csv")):
        for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
            if row.get("relation") == "listed_as":
                out.setdefault(row["to_id"].removeprefix("security:"), row["from_id"])
    return out


def rows() -> list[list[str]]:
    """Every row of the file, in a fixed order."""
    out = []
    for code, name, weight, why in INDUSTRIES:
        out.append([f"gics:{code}", "exposed_to", THEME, f"{weight:g}",
                    f"curated: industry default for {name}, reasoned; overridden by company figures",
                    AS_OF, "", "", "", why])
    company_of = _companies_by_ticker()
    missing = [ticker for ticker, *_ in COMPANIES if ticker not in company_of]
    if missing:
        raise SystemExit(f"no company is listed as {', '.join(missing)}: fix COMPANIES or the listings")
    for ticker, share, year_end, known_from, note in COMPANIES:
        out.append([company_of[ticker], "exposed_to", THEME, f"{share:g}",
                    f"annual report (Form 10-K or 20-F) for the fiscal year ended {year_end}, revenue by geography",
                    year_end, known_from, "", "", f"approx.: {note}"])
    return out


def main() -> None:
    print(f"wrote {OUT} ({write_csv_rows(OUT, HEADER, rows())} rows)")


if __name__ == "__main__":
    main()
