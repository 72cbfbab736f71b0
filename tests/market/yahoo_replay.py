"""A fake HTTP transport for yfinance: Yahoo's replies replayed from files, no network.

The replies under ``data/yahoo`` are hand-written in the format of Yahoo's chart API (see
``data/README.md``). The adapter answers the way Yahoo does: bars filtered to the requested
``period1``/``period2`` window, HTTP 404 with Yahoo's error JSON for an unknown symbol, and
HTTP 429 for the first ``rate_limited[symbol]`` requests of a symbol.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

REPLIES = Path(__file__).parent / "data" / "yahoo"


class YahooReplay(BaseAdapter):
    """Answer yfinance's requests from recorded chart-API files."""

    def __init__(self, folder: Path = REPLIES) -> None:
        super().__init__()
        self.folder = folder
        self.calls: list[str] = []
        self.rate_limited: dict[str, int] = {}
        self.broken: set[str] = set()

    def chart_calls(self, symbol: str | None = None) -> list[str]:
        """Chart requests with a date window (the tz look-ups use ``range=1d``)."""
        return [
            c for c in self.calls
            if "/v8/finance/chart/" in c and "period1" in c
            and (symbol is None or f"/chart/{symbol}?" in unquote(c))
        ]

    def send(self, request, **kwargs):
        self.calls.append(request.url)
        url = urlsplit(request.url)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.hostname == "fc.yahoo.com":
            return _response(request, 404, "")
        if url.path.endswith("/getcrumb"):
            return _response(request, 200, "replay-crumb", "text/plain")
        if "/v8/finance/chart/" in url.path:
            return self._chart(request, unquote(url.path.rsplit("/", 1)[1]), query)
        if "/quoteSummary/" in url.path:
            symbol = unquote(url.path.rsplit("/", 1)[1])
            path = self.folder / f"{symbol}.quoteSummary.json"
            if path.exists():
                return _response(request, 200, path.read_text())
            return _response(request, 404, json.dumps({"quoteSummary": {"result": None, "error": {
                "code": "Not Found", "description": f"Quote not found for symbol: {symbol}"}}}))
        if "/fundamentals-timeseries/" in url.path:
            return _response(request, 200, json.dumps({"timeseries": {"result": [], "error": None}}))
        if url.path.endswith("/v7/finance/quote"):  # Yahoo answers an empty list for unknown symbols
            return _response(request, 200, json.dumps({"quoteResponse": {"result": [], "error": None}}))
        return _response(request, 404, json.dumps({"finance": {"result": None, "error": {
            "code": "Not Found", "description": "HTTP 404 Not Found"}}}))

    def _chart(self, request, symbol: str, query: dict[str, str]):
        if self.rate_limited.get(symbol, 0) > 0 and "period1" in query:
            self.rate_limited[symbol] -= 1
            return _response(request, 429, "Too Many Requests", "text/plain")
        if symbol in self.broken and "period1" in query:
            return _response(request, 200, "{not json", "text/plain")
        path = self.folder / f"{symbol}.json"
        if not path.exists():
            return _response(request, 404, (self.folder / "_unknown.json").read_text())
        data = json.loads(path.read_text())
        body = data["chart"]["result"][0]
        stamps = body.get("timestamp", [])
        if "period1" in query:
            lo, hi = int(query["period1"]), int(query["period2"])
            keep = [i for i, t in enumerate(stamps) if lo <= t < hi]
        else:
            keep = list(range(len(stamps)))[-1:]
        if stamps:
            body["timestamp"] = [stamps[i] for i in keep]
            quote = body["indicators"]["quote"][0]
            for key in quote:
                quote[key] = [quote[key][i] for i in keep]
            if "adjclose" in body["indicators"]:
                adj = body["indicators"]["adjclose"][0]["adjclose"]
                body["indicators"]["adjclose"][0]["adjclose"] = [adj[i] for i in keep]
            if not keep:  # Yahoo drops the arrays when a window holds no bar
                del body["timestamp"]
                body["indicators"] = {"quote": [{}], "adjclose": [{}]}
        return _response(request, 200, json.dumps(data))

    def close(self) -> None:
        pass


def _response(request, status: int, text: str, kind: str = "application/json"):
    response = requests.Response()
    response.status_code = status
    response._content = text.encode()
    response.url = request.url
    response.request = request
    response.encoding = "utf-8"
    response.headers = CaseInsensitiveDict({"Content-Type": kind})
    return response

