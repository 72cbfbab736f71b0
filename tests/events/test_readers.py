import io
import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

import exposure.errors
from exposure.errors import EventError, Reject
from exposure.events import (
    Event,
    events_from_frame,
    events_from_records,
    events_to_frame,
    read_events,
)

DATA = Path(__file__).parent / "data"
SEED = Path(exposure.errors.__file__).parent / "datasets" / "data" / "lithuania_drones_article.txt"

GOOD = {"headline": "Oil jumps", "market_impact": 0.6, "tags": ["Energy & Commodities"]}
OTHER = {"headline": "Gold slips", "published_at": "2025-07-29T08:00:00Z"}


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_json_object_and_array(tmp_path):
    events, rejects = read_events(write(tmp_path, "one.json", json.dumps(GOOD)))
    assert [e.headline for e in events] == ["Oil jumps"] and rejects == []
    events, rejects = read_events(write(tmp_path, "many.json", json.dumps([GOOD, OTHER])))
    assert [e.headline for e in events] == ["Oil jumps", "Gold slips"] and rejects == []


def test_malformed_json_is_one_reject_with_line_and_column(tmp_path):
    path = write(tmp_path, "bad.json", '[\n  {"headline": "Oil jumps"},\n  {"headline": }\n]')
    events, rejects = read_events(path)
    assert events == []
    assert len(rejects) == 1
    assert rejects[0].line == 3
    assert "line 3 column 16" in rejects[0].reason
    assert rejects[0].record == '  {"headline": }'


def test_json_array_elements_rejected_by_position(tmp_path):
    records = [
        GOOD,
        "not an object",
        {"headline": "x", "market_impact": -1},
        {"headline": "y", "colour": 1},
    ]
    events, rejects = read_events(write(tmp_path, "mixed.json", json.dumps(records)))
    assert [e.headline for e in events] == ["Oil jumps"]
    assert [r.line for r in rejects] == [2, 3, 4]
    assert "got str" in rejects[0].reason
    assert rejects[1].reason.startswith("market_impact: ") and "0.1" in rejects[1].reason
    assert "unknown field 'colour'" in rejects[2].reason and "headline" in rejects[2].reason


def test_jsonl_bad_line_in_the_middle(tmp_path):
    lines = [json.dumps(GOOD), "", '{"headline": "broken"', "[1, 2]", json.dumps(OTHER), ""]
    events, rejects = read_events(write(tmp_path, "feed.jsonl", "\n".join(lines)))
    assert [e.headline for e in events] == ["Oil jumps", "Gold slips"]
    assert [r.line for r in rejects] == [3, 4]
    assert "malformed JSON" in rejects[0].reason
    assert rejects[0].record == '{"headline": "broken"'
    assert "got list" in rejects[1].reason


@pytest.mark.parametrize(
    ("record", "field", "needle"),
    [
        ({"source": "Wire"}, None, "event has no text and no tags"),
        ({"headline": "x", "market_impact": -1}, "market_impact", "0.1"),
        ({"headline": "x", "market_impact": "high"}, "market_impact", "0.1"),
        ({"headline": "x", "market_impact": math.nan}, "market_impact", "0.1"),
        ({"headline": "x", "published_at": "2025-07-29T08:00:00"}, "published_at", '"Z"'),
        ({"headline": "x", "colour": "red"}, "colour", "market_impact"),
    ],
)
def test_jsonl_rejects_name_field_and_fix(record, field, needle):
    text = json.dumps(GOOD) + "\n" + json.dumps(record) + "\n"
    events, rejects = read_events(io.StringIO(text), format="jsonl")
    assert len(events) == 1 and [r.line for r in rejects] == [2]
    if field:
        assert rejects[0].reason.startswith(f"{field}: ")
    assert needle in rejects[0].reason


def test_csv_with_a_bad_row(tmp_path):
    content = (
        "headline,market_impact,tags,vendor_tickers,published_at\n"
        'Oil jumps,0.6,"Energy & Commodities; Geopolitics & War",XOM;CVX,2025-07-29T08:00:00Z\n'
        "Gold slips,high,,,\n"
        "\n"
        "Copper rallies,,Metals,,\n"
        "Too,many,cells,here,x,y\n"
    )
    events, rejects = read_events(write(tmp_path, "events.csv", content))
    assert [e.headline for e in events] == ["Oil jumps", "Copper rallies"]
    assert events[0].tags == ("Energy & Commodities", "Geopolitics & War")
    assert events[0].vendor_tickers == ("XOM", "CVX")
    assert events[0].published_at == datetime(2025, 7, 29, 8, tzinfo=UTC)
    assert events[1].market_impact == 1.0
    assert [r.line for r in rejects] == [3, 6]
    assert rejects[0].reason.startswith("market_impact: ")
    assert rejects[0].record == "Gold slips,high,,,"
    assert "6 cells" in rejects[1].reason


def test_csv_unknown_column_is_an_error_for_the_file(tmp_path):
    path = write(tmp_path, "events.csv", "headline,colour\nOil jumps,red\n")
    with pytest.raises(EventError, match="unknown column 'colour'") as info:
        read_events(path)
    assert info.value.field == "colour"
    assert "market_impact" in info.value.fix


@pytest.mark.parametrize(
    "name", ["empty.json", "empty.jsonl", "empty.csv", "empty.txt", "empty.dat"]
)
@pytest.mark.parametrize("content", ["", " \n\r\n", "\ufeff"])
def test_empty_file(tmp_path, name, content):
    assert read_events(write(tmp_path, name, content)) == ([], [])


def test_duplicate_id_keeps_the_first(tmp_path):
    lines = [
        json.dumps({"id": "a", "headline": "Oil jumps"}),
        json.dumps({"id": "a", "headline": "Oil jumps again"}),
        json.dumps(OTHER),
        json.dumps(OTHER),
    ]
    events, rejects = read_events(write(tmp_path, "dupes.jsonl", "\n".join(lines)))
    assert [e.headline for e in events] == ["Oil jumps", "Gold slips"]
    assert [r.line for r in rejects] == [2, 4]
    assert rejects[0].reason == "duplicate event id 'a' (first seen on line 1)"
    assert "(first seen on line 3)" in rejects[1].reason


def test_article_files_by_extension(tmp_path):
    events, rejects = read_events(SEED)
    assert rejects == [] and events[0].tags[0] == "Geopolitics & War"
    path = write(tmp_path, "page.md", SEED.read_bytes())
    assert read_events(path)[0] == events


def test_unparseable_article_is_a_reject(tmp_path):
    events, rejects = read_events(write(tmp_path, "page.txt", "Market Impact: high\nOil jumps\n"))
    assert events == [] and rejects[0].line == 1 and "market_impact" in rejects[0].reason


@pytest.mark.parametrize(
    ("content", "headlines"),
    [
        (json.dumps([GOOD, OTHER]), ["Oil jumps", "Gold slips"]),
        (json.dumps(GOOD) + "\n" + json.dumps(OTHER) + "\n", ["Oil jumps", "Gold slips"]),
        ("id,headline\nx1,Oil jumps\nx2,Gold slips\n", ["Oil jumps", "Gold slips"]),
        ("Market Impact: 0.3\nOil jumps\nBrent rose.", ["Oil jumps"]),
    ],
    ids=["json", "jsonl", "csv", "article"],
)
def test_stdin_and_unknown_extensions_are_sniffed(tmp_path, monkeypatch, content, headlines):
    events, rejects = read_events(write(tmp_path, "feed.dat", content))
    assert [e.headline for e in events] == headlines and rejects == []
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(content.encode())))
    assert read_events("-") == (events, rejects)
    assert read_events(io.BytesIO(content.encode())) == (events, rejects)


def test_sniffed_jsonl_with_a_bad_line_still_reports_it():
    content = json.dumps(GOOD) + "\n{broken\n" + json.dumps(OTHER)
    events, rejects = read_events(io.StringIO(content))
    assert len(events) == 2 and [r.line for r in rejects] == [2]


def test_explicit_format_wins_over_extension(tmp_path):
    path = write(tmp_path, "feed.txt", json.dumps(GOOD) + "\n")
    events, _ = read_events(path, format="jsonl")
    assert events[0].market_impact == 0.6


def test_known_tags_reach_the_article_parser(tmp_path):
    path = write(tmp_path, "page.txt", "Banks rally\nFinancialsMacroeconomics\nBanks rally\nText.")
    events, _ = read_events(path, known_tags=["Financials", "Macroeconomics"])
    assert events[0].tags == ("Financials", "Macroeconomics")


def test_reject_record_is_shortened(tmp_path):
    line = json.dumps({"headline": "x" * 500, "market_impact": -1})
    _, rejects = read_events(io.StringIO(line + "\n"), format="jsonl")
    assert len(rejects[0].record) == 200 and rejects[0].record.endswith("…")
    assert isinstance(rejects[0], Reject)


def test_frame_rows():
    frame = pd.DataFrame(
        {
            "headline": ["Oil jumps", "Gold slips", None, "Copper rallies"],
            "market_impact": [0.6, -2.0, 0.1, math.nan],
            "published_at": pd.to_datetime(
                ["2025-07-29 08:00", None, "2025-07-29 09:00", "2025-07-29 10:00"]
            ).tz_localize("UTC"),
            "tags": [["Energy"], "Metals; Macro", None, None],
        },
        index=[10, 20, 30, 40],
    )
    events, rejects = events_from_frame(frame)
    assert [e.headline for e in events] == ["Oil jumps", "Copper rallies"]
    assert events[0].published_at == datetime(2025, 7, 29, 8, tzinfo=UTC)
    assert type(events[0].published_at) is datetime
    assert events[1].market_impact == 1.0
    assert [r.line for r in rejects] == [2, 3]
    assert rejects[0].reason.startswith("market_impact: ")
    assert "no text and no tags" in rejects[1].reason
    assert read_events(frame) == (events, rejects)


def test_frame_naive_timestamp_is_rejected():
    frame = pd.DataFrame({"headline": ["x"], "published_at": [pd.Timestamp("2025-07-29 08:00")]})
    _, rejects = events_from_frame(frame)
    assert rejects[0].line == 1 and rejects[0].reason.startswith("published_at: ")


def test_frame_unknown_column_is_an_error():
    with pytest.raises(EventError, match="DataFrame: colour: unknown column"):
        events_from_frame(pd.DataFrame({"headline": ["x"], "colour": ["red"]}))


def test_frame_round_trip():
    events = [
        Event(
            headline="Oil jumps",
            tags=["Energy"],
            published_at="2025-07-29T10:00:00+02:00",
            market_impact=0.6,
        ),
        Event(
            headline="Gold slips",
            entities=["country:CH"],
            themes=["theme:safe-haven"],
            vendor_tickers=["GLD"],
        ),
    ]
    frame = events_to_frame(events)
    assert list(frame.columns) == list(Event.model_fields)
    assert str(frame["published_at"].dtype) == "datetime64[us, UTC]"
    assert events_from_frame(frame) == (events, [])
    assert events_to_frame([]).empty


def test_records():
    events, rejects = events_from_records([GOOD, 3, {"headline": "x", "market_impact": "high"}])
    assert len(events) == 1 and [r.line for r in rejects] == [2, 3]
