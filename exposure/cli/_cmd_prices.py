"""``exposure prices``: fetch or read daily prices, fill the cache, report every missing symbol."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pandas as pd

from exposure.cli._common import (
    EXIT_NOTHING_USABLE,
    EXIT_OK,
    UsageError,
    add_csv_raw,
    print_csv,
    report_rejects,
    require_file,
    to_json,
)


def register(commands) -> dict[str, Callable]:
    cmd = commands.add_parser(
        "prices", help="daily prices from Yahoo (cached) or a local file, with missing symbols reported",
        description="Fetch (Yahoo, through the on-disk cache: EXPOSURE_CACHE_DIR, EXPOSURE_OFFLINE=1) "
        "or read (CSV/Parquet, wide or long) daily prices. Missing or partial symbols go to stderr "
        "and into the JSON; exit 1 when no symbol is usable.",
    )
    cmd.add_argument("tickers", nargs="*", metavar="TICKER",
                     help="Yahoo symbols such as LMT RHM.DE BA.L EURUSD=X (local: default all in the file)")
    cmd.add_argument("--start", help="first date, YYYY-MM-DD (required for yahoo)")
    cmd.add_argument("--end", help="last date, inclusive (default: yesterday / end of file)")
    cmd.add_argument("--source", nargs="+", default=["yahoo"], metavar="yahoo|local PATH",
                     help="'yahoo' (default) or 'local PATH' (a bare PATH also works)")
    cmd.add_argument("--field", choices=["adjclose", "close", "volume"], default="adjclose",
                     help="what to return; for a wide local file, what it holds (default adjclose)")
    cmd.add_argument("--format", choices=["table", "json", "csv"], default="table",
                     help="table: one line per symbol; csv: the prices; json: both (default table)")
    add_csv_raw(cmd)
    return {"prices": run}


def _source(args):
    from exposure.market import LocalSource, YahooSource

    spec = list(args.source)
    if spec == ["yahoo"]:
        if not args.tickers or not args.start:
            raise UsageError("prices --source yahoo needs TICKERS and --start. Fix: e.g. exposure prices LMT "
                             "--start 2024-01-02")
        return YahooSource()
    if spec[0] == "local":
        spec = spec[1:]
    if len(spec) != 1:
        raise UsageError("--source takes 'yahoo' or 'local PATH'. Fix: e.g. --source local prices.csv")
    require_file(spec[0])
    return LocalSource(spec[0], field=args.field)


def run(args) -> int:
    from exposure.io import parse_date

    start = parse_date(args.start, where="exposure prices", field="--start")
    end = parse_date(args.end, where="exposure prices", field="--end")
    source = _source(args)
    result = source.prices(args.tickers or None, start, end, field=args.field, allow_partial=True)
    where = getattr(source, "name", "prices")
    report_rejects(where, list(result.rejects))
    for miss in result.missing:
        print(f"exposure: prices: {miss.symbol}: missing: {miss.reason}", file=sys.stderr)
    for part in result.partial:
        print(f"exposure: prices: {part.symbol}: partial: {part.reason}", file=sys.stderr)
    for note in result.notes:
        print(f"exposure: prices: note: {note}", file=sys.stderr)
    frame = result.frame
    if args.format == "json":
        data = result.to_dict()
        data["prices"] = {
            "dates": [d.date().isoformat() for d in frame.index],
            "values": {str(c): [None if pd.isna(v) else float(v) for v in frame[c]] for c in frame.columns},
        }
        print(to_json(data))
    elif args.format == "csv":
        print_csv(frame, args, float_format="%.6g", date_format="%Y-%m-%d")
    else:
        print(_table(result))
    if frame.empty or not result.symbols:
        print(f"exposure: prices: no usable symbol from {where}", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    return EXIT_OK


def _table(result) -> str:
    rows = []
    for ticker in result.symbols:
        series = result.frame[ticker].dropna()
        rows.append({"ticker": ticker, "first": series.index[0].date(), "last": series.index[-1].date(),
                     "rows": len(series), f"last {result.field}": f"{series.iloc[-1]:.6g}",
                     "currency": result.currencies.get(ticker, "")})
    partial = {p.symbol: p.reason for p in result.partial}
    for row in rows:
        row["status"] = "partial" if row["ticker"] in partial else "ok"
    for miss in result.missing:
        rows.append({"ticker": miss.symbol, "status": "missing"})
    head = f"{result.field} from {result.source}: {len(result.symbols)} usable, {len(result.missing)} missing"
    body = pd.DataFrame(rows).astype(object).fillna("").to_string(index=False) if rows else "(no symbols)"
    return f"{head}\n{body}"
