"""Write the hand-made Yahoo chart-API replies under ``yahoo/`` (run once; output is committed).

No network was available to record real replies, so these are written by hand in the format of
Yahoo's ``/v8/finance/chart/{symbol}`` endpoint as yfinance 1.7 parses it. Prices are the real
closes of the bundled sample (exposure/datasets/data/prices); volumes and the FX series are
synthetic placeholders, labelled as such in the README beside them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
PRICES = HERE.parents[2] / "exposure" / "datasets" / "data" / "prices"
START, END = "2021-12-01", "2022-04-29"

US = {
    "LMT": ("Lockheed Martin Corporation", "NYQ", "NYSE"),
    "RTX": ("RTX Corporation", "NYQ", "NYSE"),
    "DAL": ("Delta Air Lines, Inc.", "NYQ", "NYSE"),
    "SPY": ("SPDR S&P 500 ETF Trust", "PCX", "NYSEArca"),
}
EUROPE = {
    "AIR.PA": ("Airbus SE", "PAR", "Paris", "EUR", "Europe/Paris"),
    "BA.L": ("BAE Systems plc", "LSE", "LSE", "GBp", "Europe/London"),
}


def _meta(symbol, name, exchange, full, currency, tz, kind="EQUITY"):
    return {
        "currency": currency, "symbol": symbol, "exchangeName": exchange,
        "fullExchangeName": full, "instrumentType": kind, "firstTradeDate": 1000000000,
        "regularMarketTime": 1651262400, "hasPrePostMarketData": kind != "CURRENCY",
        "gmtoffset": 0, "timezone": "UTC", "exchangeTimezoneName": tz,
        "longName": name, "shortName": name, "chartPreviousClose": 1.0, "priceHint": 2,
        "currentTradingPeriod": {
            p: {"timezone": "UTC", "start": 1651219200, "end": 1651248000, "gmtoffset": 0}
            for p in ("pre", "regular", "post")
        },
        "dataGranularity": "1d", "range": "",
        "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
    }


def _chart(symbol, closes: pd.Series, meta, open_hour_utc: float, adjclose=None):
    closes = closes.dropna()
    stamps = [int((d + pd.Timedelta(hours=open_hour_utc)).timestamp()) for d in closes.index]
    values = [round(float(v), 4) for v in closes]
    volume = [1_000_000 + 1000 * (i % 7) for i in range(len(values))]
    quote = {"open": values, "high": values, "low": values, "close": values, "volume": volume}
    body = {"meta": meta, "timestamp": stamps, "indicators": {"quote": [quote]}}
    if adjclose is not False:
        body["indicators"]["adjclose"] = [{"adjclose": values}]
    return {"chart": {"result": [body], "error": None}}


def main() -> None:
    out = HERE / "yahoo"
    out.mkdir(exist_ok=True)
    us = pd.read_csv(PRICES / "us_close_2019_2026.csv.gz", index_col=0, parse_dates=True)
    eu = pd.read_csv(PRICES / "europe_defense_close_2019_2025.csv.gz", index_col=0, parse_dates=True)
    for sym, (name, exch, full) in US.items():
        meta = _meta(sym, name, exch, full, "USD", "America/New_York",
                     "ETF" if sym == "SPY" else "EQUITY")
        chart = _chart(sym, us.loc[START:END, sym], meta, 14.5)
        if sym == "RTX":  # truncated on purpose: a partial answer
            body = chart["chart"]["result"][0]
            keep = sum(1 for t in body["timestamp"] if t < pd.Timestamp("2022-03-16").timestamp())
            body["timestamp"] = body["timestamp"][:keep]
            for key in list(body["indicators"]["quote"][0]):
                body["indicators"]["quote"][0][key] = body["indicators"]["quote"][0][key][:keep]
            body["indicators"]["adjclose"][0]["adjclose"] = body["indicators"]["adjclose"][0]["adjclose"][:keep]
        (out / f"{sym}.json").write_text(json.dumps(chart))
    for sym, (name, exch, full, cur, tz) in EUROPE.items():
        meta = _meta(sym, name, exch, full, cur, tz)
        (out / f"{sym}.json").write_text(json.dumps(_chart(sym, eu.loc[START:END, sym], meta, 8.0)))
    days = pd.bdate_range(START, END)
    wiggle = np.sin(np.arange(len(days)) / 9.0)
    for sym, level, name in (("EURUSD=X", 1.12, "EUR/USD"), ("GBPUSD=X", 1.34, "GBP/USD")):
        meta = _meta(sym, name, "CCY", "CCY", "USD", "Europe/London", "CURRENCY")
        series = pd.Series(level + 0.02 * wiggle, index=days)
        (out / f"{sym}.json").write_text(json.dumps(_chart(sym, series, meta, 0.0)))
    # A symbol Yahoo knows but that has no bars in the window: quote arrays empty.
    meta = _meta("EMPTY", "Empty Holdings Inc.", "NYQ", "NYSE", "USD", "America/New_York")
    empty = {"chart": {"result": [{"meta": meta, "indicators": {"quote": [{}], "adjclose": [{}]}}],
                       "error": None}}
    (out / "EMPTY.json").write_text(json.dumps(empty))
    # Yahoo's reply for a symbol it does not know (HTTP 404).
    unknown = {"chart": {"result": None, "error": {
        "code": "Not Found", "description": "No data found, symbol may be delisted"}}}
    (out / "_unknown.json").write_text(json.dumps(unknown))
    # Security info (quoteSummary modules yfinance asks for); market cap is a round placeholder.
    info = {"quoteSummary": {"result": [{
        "assetProfile": {"sector": "Industrials", "industry": "Aerospace & Defense",
                         "country": "United States", "maxAge": 86400},
        "quoteType": {"exchange": "NYQ", "quoteType": "EQUITY", "symbol": "LMT",
                      "longName": "Lockheed Martin Corporation", "shortName": "Lockheed Martin Corporation"},
        "summaryDetail": {"currency": "USD", "marketCap": {"raw": 100000000000, "fmt": "100B"}},
    }], "error": None}}
    (out / "LMT.quoteSummary.json").write_text(json.dumps(info))


if __name__ == "__main__":
    main()
