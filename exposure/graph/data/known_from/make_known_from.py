"""Fill ``known_from`` (the day a figure became public) on the default graph's exposure rows.

Run by hand from the repository root after any change to the ``exposed_to`` rows (for example
after ``make_screener_companies.py build``, which rewrites ``companies_screener.csv``)::

    python exposure/graph/data/known_from/make_known_from.py

It rewrites the edge files under ``../default/edges/`` in place, adding the ``known_from`` column
after ``as_of`` and filling it on every ``company -exposed_to-> theme`` row by the rule below
(the rule and its sources are in ``../default/README.md``, "Point in time"). It prints the count
per rule. Industry defaults (``gics -exposed_to-> theme``) keep an empty ``known_from``: they are
priors of what a business is, not dated figures. Other relations are left untouched. Running
it twice gives the same files.

The rule, per row, from its ``source`` text and the company's other edges:

- a figure from a US annual report (Form 10-K): ``as_of`` + 60 days when the company is an
  S&P 500 member (a large accelerated filer: SEC Form 10-K, General Instruction A), else + 90
  days (the longest 10-K deadline, for non-accelerated filers);
- a quarterly figure (Form 10-Q, quarterly or interim report): + 40 days;
- a Form 20-F or 40-F, or any other annual report (annual or universal registration document):
  + 120 days (20-F: four months; EU Transparency Directive art. 4 and UK DTR 4.1: four months;
  Canada, Japan, Australia and India have shorter deadlines, so four months bounds them all);
- a ``curated:`` row that names an annual report, or is dated to the fiscal year end of a
  report the company's edges cite (the same ``as_of``), is judged from that report: the report's
  rule, with the report kind taken from the company's cited reports, else its domicile (US:
  10-K, elsewhere: four months);
- any other ``curated:`` row: ``as_of`` (the judgement is dated when it was made).

Using filing deadlines rather than actual filing dates is conservative: a figure is never
treated as known before it could have been filed.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

EDGES = Path(__file__).resolve().parent.parent / "default" / "edges"
LAG_DAYS = {"10-K": 60, "10-K, not S&P 500": 90, "quarterly": 40, "20-F/40-F": 120, "annual report": 120}
_QUARTERLY = re.compile(r"10-Q|quarterly|interim|half-year", re.IGNORECASE)
_REPORT = re.compile(r"annual report|10-K|20-F|40-F|registration document|\bURD\b", re.IGNORECASE)


def report_kind(source: str) -> str | None:
    """Kind of filing a source text names, or None for a curated judgement or a non-report source.

    >>> report_kind("Lockheed Martin Annual Report 2024 (Form 10-K), net sales by segment")
    '10-K'
    >>> report_kind("TotalEnergies Universal Registration Document 2024, revenue by segment")
    'annual report'
    >>> report_kind("curated: approx. share") is None
    True
    """
    if source.startswith("curated"):
        return None
    if _QUARTERLY.search(source):
        return "quarterly"
    if "10-K" in source:
        return "10-K"
    if "20-F" in source or "40-F" in source:
        return "20-F/40-F"
    return "annual report" if _REPORT.search(source) else None


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def main() -> Counter:
    files = {path: _read(path) for path in sorted(EDGES.glob("*.csv"))}
    kinds: dict[str, Counter] = {}
    report_dates: dict[str, set[str]] = {}
    sp500: set[str] = set()
    us: set[str] = set()
    for header, rows in files.values():
        column = {name: i for i, name in enumerate(header)}
        for row in rows:
            record = {name: row[i] if i < len(row) else "" for name, i in column.items()}
            company = record["from_id"]
            if not company.startswith("company:"):
                continue
            if "S&P 500" in record["source"]:
                sp500.add(company)
            if record["relation"] == "located_in" and record["to_id"] == "country:US":
                us.add(company)
            kind = report_kind(record["source"])
            if kind is not None:
                kinds.setdefault(company, Counter())[kind] += 1
                report_dates.setdefault(company, set()).add(record["as_of"])

    def company_kind(company: str) -> str:
        cited = kinds.get(company)
        kind = cited.most_common(1)[0][0] if cited else ("10-K" if company in us else "annual report")
        return "10-K, not S&P 500" if kind == "10-K" and company not in sp500 else kind

    counts: Counter = Counter()
    for path, (header, rows) in files.items():
        column = {name: i for i, name in enumerate(header)}
        if not any(len(row) > column["relation"] and row[column["relation"]] == "exposed_to" for row in rows):
            continue
        if "known_from" not in column:
            at = column["as_of"] + 1
            header = [*header[:at], "known_from", *header[at:]]
            rows = [[*row[:at], "", *row[at:]] for row in rows]
            column = {name: i for i, name in enumerate(header)}
        for row in rows:
            row.extend([""] * (len(header) - len(row)))
            company, source, as_of = row[column["from_id"]], row[column["source"]], row[column["as_of"]]
            if row[column["relation"]] != "exposed_to":
                continue
            if not company.startswith("company:"):
                row[column["known_from"]] = ""
                counts["industry default: undated prior"] += 1
                continue
            kind = report_kind(source)
            if kind == "10-K" and company not in sp500:
                kind = "10-K, not S&P 500"
            rule = kind
            if kind is None and ("annual report" in source.lower() or as_of in report_dates.get(company, ())):
                kind = company_kind(company)
                rule = f"curated, judged from report: {kind}"
            if kind is None:
                row[column["known_from"]] = as_of
                counts["curated: as_of"] += 1
                continue
            row[column["known_from"]] = (date.fromisoformat(as_of) + timedelta(days=LAG_DAYS[kind])).isoformat()
            counts[rule] += 1
        _write(path, header, rows)
    return counts


if __name__ == "__main__":
    for rule, count in sorted(main().items()):
        print(f"{count:6d}  {rule}")
