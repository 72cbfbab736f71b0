"""Fuzz every file reader: mutated valid files and hostile bytes give results with rejects or an ExposureError.

Seeds are small valid files of each format; hypothesis flips, inserts (including hostile tokens:
deep brackets, 5,000-digit integers, quotes, BOMs, NUL and cp1252 bytes, ambiguous dates) and
deletes bytes, splices seeds together, or draws raw bytes. Any exception that is not an
:class:`~exposure.errors.ExposureError` fails the test (hypothesis then shrinks the input).
"""

import gzip
import io
import json
import shutil
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import exposure as ex
from exposure.errors import ExposureError, Reject
from exposure.events import iter_event_batches, read_events, read_gdelt_events, read_gdelt_gkg
from exposure.market import LocalSource
from exposure.portfolio import read_etf_holdings, read_holdings
from tests.conftest import MINI_GRAPH
from tests.fuzz.conftest import FUZZ

EVENTS_DATA = Path(__file__).parents[1] / "events" / "data"

JSONL = "\n".join(
    json.dumps(record)
    for record in [
        {"headline": "Drones land in Lithuania", "tags": ["Geopolitics & War"], "market_impact": 0.8,
         "published_at": "2025-07-29T08:00:00Z"},
        {"id": "b", "headline": "Oil jumps", "body": "Brent up 4%.", "vendor_tickers": "XOM;CVX"},
        {"headline": "Gold slips", "entities": ["country:LT"], "themes": ["theme:counter-drone"]},
    ]
).encode() + b"\n"
CSV = (b"headline,body,published_at,market_impact,tags\n"
       b'Oil jumps,"Brent, up",2025-07-29T08:00:00Z,0.6,Energy;Commodities\n'
       b"Gold slips,,2025-07-30,1,\n")
ARTICLE = (EVENTS_DATA / "oil_tankers_article.txt").read_bytes()
HOLDINGS = b"Ticker,Name,Weight\nLMT,Lockheed Martin,0.25\nRTX,RTX Corp,0.20\nRHM.DE,Rheinmetall,0.55\n"
QUANTITIES = b"ticker,quantity,price\nLMT,10,400.5\nRTX,-3,90\n"
ETF = b"etf,date,holding,weight_pct\nXAR,2022-01-03,LMT,40\nXAR,2022-01-03,RTX,60\nITA,2022-01-03,BA,100\n"
PRICES = b"date,LMT,RTX\n2022-02-23,400,90\n2022-02-24,410,91\n2022-02-25,,92\n"
LONG_PRICES = b"date,ticker,close\n2022-02-23,LMT,400\n2022-02-24,LMT,410\n2022-02-23,RTX,90\n"
EXPOSURES = (b"ticker,theme,weight,source,as_of,valid_from,valid_to,note\n"
             b"DRO,defense-spending,0.5,v,2025-01-01,,,\nSKY,airlines,0.9,v,2025-01-01,2024-01-01,2024-12-31,x\n")
EDGES = (MINI_GRAPH / "edges.csv").read_bytes()[:3000]
GKG = (EVENTS_DATA / "gkg_sample.tsv").read_bytes()[:6000]
GDELT_EVENTS = (EVENTS_DATA / "gdelt_events_sample.tsv").read_bytes()[:6000]

TOKENS = [
    b'"', b",", b"\n", b"\r\n", b"\t", b"{", b"}", b"[", b"]", b"[" * 200, b"{" * 100 + b"}" * 100,
    b"9" * 5000, b"-" + b"1" * 4400, b"1e999", b"NaN", b"null", b"true", b'"\\ud800"', b"\x00", b"\xff\xfe",
    b"\xef\xbb\xbf", b"\x96", b"\xe9", b"\xc3", b"03/01/2022", b"20250729", b"1753776000", b",,,,,,,,",
    b'"unterminated', b"\x1f\x8b\x08", b"PAR1", b"=cmd|' /C calc'!A0", b"\\", "\u2028".encode(),
]


@st.composite
def mutated(draw, seeds):
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "insert", "insert", "delete", "splice"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(at, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(max_size=8))
        elif op == "delete":
            del data[at: at + draw(st.integers(1, 32))]
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start: start + draw(st.integers(0, 200))]
    return bytes(data)


def inputs(*seeds):
    return mutated(list(seeds)) | st.binary(max_size=300)


def survives(call):
    """Run a reader; an ExposureError is an allowed outcome, anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call()
        except ExposureError:
            return None


def check_events(result):
    if result is not None:
        events, rejects = result
        assert all(isinstance(event, ex.Event) for event in events)
        assert all(isinstance(reject, Reject) and reject.line >= 1 and len(reject.record) <= 200 for reject in rejects)


def in_file(name, data):
    folder = Path(tempfile.mkdtemp(prefix="exposure-fuzz-"))
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture(autouse=True)
def _clean_temp_files():
    before = set(Path(tempfile.gettempdir()).glob("exposure-fuzz-*"))
    yield
    for folder in set(Path(tempfile.gettempdir()).glob("exposure-fuzz-*")) - before:
        shutil.rmtree(folder, ignore_errors=True)


@FUZZ
@given(data=inputs(JSONL, CSV, ARTICLE), name=st.sampled_from(
    ["feed.jsonl", "feed.json", "feed.csv", "page.txt", "feed.dat", "feed.ndjson"]))
def test_read_events_text_formats(data, name):
    check_events(survives(lambda: read_events(in_file(name, data))))
    check_events(survives(lambda: read_events(io.BytesIO(data))))


@FUZZ
@given(data=inputs(JSONL, CSV), name=st.sampled_from(["feed.jsonl.gz", "feed.csv.gz", "feed.json.gz"]),
       corrupt=st.booleans(), cut=st.integers(0, 200))
def test_read_events_and_batches_on_gzip(data, name, corrupt, cut):
    packed = gzip.compress(data)
    if corrupt:
        packed = packed[: max(len(packed) - cut, 0)] if cut % 2 else packed[:10] + bytes([cut]) + packed[11:]
    path = in_file(name, packed)
    check_events(survives(lambda: read_events(path)))
    if not name.endswith(".json.gz"):
        survives(lambda: [batch for batch in iter_event_batches(path, batch_size=2)])


@FUZZ
@given(data=inputs(JSONL, CSV), name=st.sampled_from(["feed.jsonl", "feed.csv"]),
       batch_size=st.integers(1, 4), columns=st.sampled_from([None, ["headline"], ["headline", "body"]]))
def test_iter_event_batches(data, name, batch_size, columns):
    path = in_file(name, data)

    def read():
        lines = []
        for batch in iter_event_batches(path, batch_size=batch_size, columns=columns):
            assert len(batch.events) + len(batch.rejects) + batch.rejects_omitted <= batch_size
            lines += [reject.line for reject in batch.rejects]
        return lines

    survives(read)


@FUZZ
@given(data=inputs(b"PAR1"), flip=st.integers(0, 10_000))
def test_parquet_events(data, flip):
    frame = pd.DataFrame({"headline": ["Oil jumps", "Gold slips", ""], "market_impact": [0.5, 1.0, -1.0]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    raw = bytearray(buffer.getvalue())
    raw[flip % len(raw)] ^= 0xFF
    for content in (bytes(raw), data):
        path = in_file("feed.parquet", content)
        check_events(survives(lambda path=path: read_events(path)))
        survives(lambda path=path: list(iter_event_batches(path)))


@FUZZ
@given(data=inputs(HOLDINGS, QUANTITIES))
def test_read_holdings(data):
    survives(lambda: read_holdings(in_file("book.csv", data), on_error="reject"))
    survives(lambda: read_holdings(io.BytesIO(data)))


@FUZZ
@given(data=inputs(ETF))
def test_read_etf_holdings(data):
    survives(lambda: read_etf_holdings(in_file("etf.csv", data)))
    survives(lambda: read_etf_holdings(in_file("etf.csv.gz", gzip.compress(data))))


@FUZZ
@given(data=inputs(PRICES, LONG_PRICES), name=st.sampled_from(["prices.csv", "prices.csv.gz"]))
def test_local_prices(data, name):
    content = gzip.compress(data) if name.endswith(".gz") else data
    survives(lambda: LocalSource(in_file(name, content)).prices(allow_partial=True))


@FUZZ
@given(data=inputs(EXPOSURES, EDGES), name=st.sampled_from(["vendor.csv", "edges.csv"]))
def test_graph_tables(data, name):
    folder = Path(tempfile.mkdtemp(prefix="exposure-fuzz-"))
    graph = folder / "graph"
    shutil.copytree(MINI_GRAPH, graph)
    if name == "edges.csv":
        (graph / name).write_bytes(data)
        survives(lambda: ex.KnowledgeGraph.load(graph, include_default=False))
    else:
        table = folder / name
        table.write_bytes(data)
        survives(lambda: ex.KnowledgeGraph.load(graph, table, include_default=False))


@FUZZ
@given(data=inputs(GKG, GDELT_EVENTS), kind=st.sampled_from(["gkg", "events"]), packing=st.sampled_from(
    ["plain", "gz", "zip"]))
def test_gdelt(data, kind, packing):
    if packing == "gz":
        data = gzip.compress(data)
    elif packing == "zip":
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("x.csv", data)
        data = buffer.getvalue()
    reader = read_gdelt_gkg if kind == "gkg" else read_gdelt_events
    check_events(survives(lambda: reader(in_file("gdelt.csv", data))))
