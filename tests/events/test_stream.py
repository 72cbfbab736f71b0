import gzip
import io
import json
import time
import tracemalloc

import pandas as pd
import pytest

from exposure.errors import EventError, InputFormatError, Reject
from exposure.events import (
    Event,
    EventBatch,
    events_from_frame,
    events_to_frame,
    iter_event_batches,
    read_events,
    read_rejects,
    write_rejects,
)

GOOD = {"headline": "Oil jumps", "market_impact": 0.6, "tags": ["Energy & Commodities"]}
OTHER = {"headline": "Gold slips", "published_at": "2025-07-29T08:00:00Z"}

# One of each kind of reject read_events knows, with blank lines, a non-ASCII character and CRLF endings.
JSONL = (
    "\r\n".join(
        [
            json.dumps(GOOD),
            "",
            '{"headline": "broken"',
            "[1, 2]",
            json.dumps(OTHER),
            '{"headline": "x", "market_impact": -1}',
            '{"headline": "y", "colour": "red"}',
            '{"source": "Wire"}',
            "   ",
            json.dumps(GOOD),
            json.dumps({"id": "a", "headline": "first"}),
            json.dumps({"id": "a", "headline": "again"}),
        ]
    ).encode()
    + '\r\n{"headline": "Prices \u2013 up"}\n'.encode()
)

CSV = (
    "headline,market_impact,tags,published_at\n"
    "Oil jumps,0.6,Energy;Commodities,2025-07-29T08:00:00Z\n"
    ",0.2,,\n"
    "\n"
    "Gold slips,-1,,\n"
    "Copper,0.3,Metals,2025-07-29\n"
    "Too,many,cells,here,now\n"
    '"Quoted, with comma",0.1,,\n'
)


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def stream(path, **options):
    events, rejects = [], []
    for batch in iter_event_batches(path, **options):
        events += batch.events
        rejects += batch.rejects
    return events, rejects


@pytest.mark.parametrize("batch_size", [1, 2, 3, 10_000])
def test_jsonl_equals_read_events(tmp_path, batch_size):
    path = write(tmp_path, "feed.jsonl", JSONL)
    expected = read_events(path)
    assert len(expected[0]) == 4 and [r.line for r in expected[1]] == [3, 4, 6, 7, 8, 10, 12]
    assert expected[0][-1].headline == "Prices \u2013 up"
    assert stream(path, batch_size=batch_size) == expected


@pytest.mark.parametrize("batch_size", [1, 4, 10_000])
def test_csv_equals_read_events(tmp_path, batch_size):
    path = write(tmp_path, "feed.csv", CSV)
    expected = read_events(path)
    assert len(expected[0]) == 2 and [r.line for r in expected[1]] == [3, 5, 6, 7]
    assert stream(path, batch_size=batch_size) == expected


def test_parquet_round_trip_equals_events_from_frame(tmp_path):
    events = [Event(headline=f"Event {i}", tags=["Energy"], entities=["country:LT"]) for i in range(12)]
    frame = events_to_frame(events)
    frame.loc[3, "market_impact"] = -1.0
    frame.loc[7, ["headline", "tags", "entities"]] = [None, [], []]
    path = tmp_path / "feed.parquet"
    frame.to_parquet(path, row_group_size=5)
    got_events, got_rejects = stream(path, batch_size=4)
    assert (got_events, got_rejects) == events_from_frame(pd.read_parquet(path))
    assert got_events == [event for i, event in enumerate(events) if i not in (3, 7)]
    assert [r.line for r in got_rejects] == [4, 8]
    assert got_rejects[0].reason.startswith("market_impact: ")


def test_parquet_rows_and_saved_index(tmp_path):
    frame = pd.DataFrame({"headline": [f"h{i}" for i in range(10)]}, index=list("abcdefghij"))
    path = tmp_path / "indexed.parquet"
    frame.to_parquet(path)
    batches = list(iter_event_batches(path, batch_size=4))
    assert [(b.first_line, b.last_line) for b in batches] == [(1, 4), (5, 8), (9, 10)]
    assert [e.headline for b in batches for e in b.events] == list(frame["headline"])


def test_large_jsonl_bad_lines_in_the_middle(tmp_path):
    bad = {
        12_345: '{"headline": "cut off',
        23_456: json.dumps({"body": "", "market_impact": 0.5}),
        34_567: json.dumps({"headline": "negative", "market_impact": -0.5}),
        49_999: "not json at all",
    }
    path = tmp_path / "big.jsonl"
    with open(path, "w") as handle:
        for line in range(1, 50_001):
            handle.write(bad.get(line, json.dumps({"headline": f"Event {line}", "market_impact": 0.1})) + "\n")
    batches = list(iter_event_batches(path, batch_size=1_000))
    rejects = [reject for batch in batches for reject in batch.rejects]
    assert [reject.line for reject in rejects] == sorted(bad)
    assert "malformed JSON" in rejects[0].reason and "no text" in rejects[1].reason
    assert rejects[2].reason.startswith("market_impact: ") and "malformed JSON" in rejects[3].reason
    assert sum(len(batch.events) for batch in batches) == 50_000 - len(bad)
    assert batches[-1].events[-1].headline == "Event 50000"
    assert [(b.first_line, b.last_line) for b in batches[:2]] == [(1, 1_000), (1_001, 2_000)]


def test_csv_multiline_quoted_field_reports_the_starting_line(tmp_path):
    content = (
        "headline,body,market_impact\n"  # line 1
        'Oil jumps,"First paragraph.\n'  # 2
        "\n"  # 3
        'Second, with a ""quote"".",0.6\n'  # 4
        "Gold slips,,-1\n"  # 5
        'Copper,"one\r\ntwo",0.2\n'  # 6-7
        ",,0.3\n"  # 8
    )
    path = write(tmp_path, "multi.csv", content)
    batches = list(iter_event_batches(path, batch_size=2))
    assert [(b.first_line, b.last_line) for b in batches] == [(2, 5), (6, 8)]
    events = [event for batch in batches for event in batch.events]
    rejects = [reject for batch in batches for reject in batch.rejects]
    assert events[0].body == 'First paragraph.\n\nSecond, with a "quote".'
    assert events[1].body == "one\ntwo"
    assert [r.line for r in rejects] == [5, 8]
    assert rejects[0].reason.startswith("market_impact: ") and rejects[0].record == "Gold slips,,-1"
    # read_events counts rows instead of lines: the same records, rows 3 and 5.
    assert [r.line for r in read_events(path)[1]] == [3, 5]


def test_unreadable_csv_record_is_a_reject_and_reading_goes_on(tmp_path):
    content = 'headline,body\nA,short\nB,"' + "x" * 200_000 + '"\nC,fine\n'
    batches = list(iter_event_batches(write(tmp_path, "huge.csv", content)))
    assert [e.headline for e in batches[0].events] == ["A", "C"]
    assert [r.line for r in batches[0].rejects] == [3]
    assert "field larger than field limit" in batches[0].rejects[0].reason


def test_csv_columns_selects_and_ignores_the_rest(tmp_path):
    path = write(tmp_path, "wide.csv", "headline,sentiment,market_impact\nOil,0.9,0.5\nGold,0.1,-1\n")
    with pytest.raises(EventError, match="unknown column 'sentiment'"):
        iter_event_batches(path)
    events, rejects = stream(path, columns=["headline"])
    assert [(e.headline, e.market_impact) for e in events] == [("Oil", 1.0), ("Gold", 1.0)] and rejects == []
    with pytest.raises(EventError, match=r"wide.csv.*no column 'body'.*Fix: drop it from columns="):
        iter_event_batches(path, columns=["headline", "body"])
    with pytest.raises(EventError, match="unknown column 'sentiment'.*Fix: use only these columns"):
        iter_event_batches(path, columns=["sentiment"])


def test_jsonl_and_parquet_columns(tmp_path):
    path = write(tmp_path, "feed.ndjson", '{"headline": "Oil", "sentiment": 0.9}\n{"headline": "Gold"}\n')
    assert [r.line for r in stream(path)[1]] == [1]
    assert [e.headline for e in stream(path, columns=["headline"])[0]] == ["Oil", "Gold"]
    frame = pd.DataFrame({"headline": ["Oil"], "sentiment": [0.9]})
    frame.to_parquet(tmp_path / "feed.parquet")
    with pytest.raises(EventError, match="feed.parquet.*unknown column 'sentiment'"):
        iter_event_batches(tmp_path / "feed.parquet")
    assert stream(tmp_path / "feed.parquet", columns=["headline"]) == ([Event(headline="Oil")], [])
    with pytest.raises(EventError, match="no column 'body'"):
        iter_event_batches(tmp_path / "feed.parquet", columns=["body"])


def test_duplicate_ids_are_rejected_across_batches(tmp_path):
    lines = [json.dumps(GOOD), json.dumps(OTHER), json.dumps(GOOD)]
    path = write(tmp_path, "dup.jsonl", "\n".join(lines))
    events, rejects = stream(path, batch_size=1)
    assert len(events) == 2 and [r.line for r in rejects] == [3]
    assert "first seen on line 1" in rejects[0].reason


@pytest.mark.parametrize(("name", "content"), [("feed.jsonl", JSONL), ("feed.csv", CSV.encode())])
def test_gzip(tmp_path, name, content):
    plain = write(tmp_path, name, content)
    packed = write(tmp_path, name + ".gz", gzip.compress(content))
    assert stream(packed, batch_size=2) == stream(plain, batch_size=2)
    renamed = write(tmp_path, "download.gz", gzip.compress(content))
    assert stream(renamed, format=name.split(".")[1]) == read_events(plain)


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.jsonl", ""), ("blank.jsonl", "\n  \n\n"), ("empty.csv", ""), ("header.csv", "headline,body\n")],
)
def test_empty_file_yields_no_batch(tmp_path, name, content):
    assert list(iter_event_batches(write(tmp_path, name, content))) == []


def test_empty_parquet_yields_no_batch(tmp_path):
    path = tmp_path / "empty.parquet"
    pd.DataFrame({"headline": pd.Series([], dtype="str")}).to_parquet(path)
    assert list(iter_event_batches(path)) == []


def test_batch_boundaries(tmp_path):
    records = [json.dumps({"headline": f"Event {i}"}) for i in range(50)]
    records[20] = "{bad"
    path = write(tmp_path, "fifty.jsonl", "\n".join(records) + "\n")
    batches = list(iter_event_batches(path, batch_size=7))
    assert all(isinstance(batch, EventBatch) and batch.source == str(path) for batch in batches)
    assert [len(b.events) + len(b.rejects) for b in batches] == [7] * 7 + [1]
    assert [(b.first_line, b.last_line) for b in batches] == [(7 * i + 1, min(7 * i + 7, 50)) for i in range(8)]
    whole = read_events(path)
    assert stream(path, batch_size=7) == whole and [r.line for r in whole[1]] == [21]


def test_errors_name_the_path_and_the_fix(tmp_path):
    with pytest.raises(InputFormatError, match=r"nowhere\.jsonl: no such file\. Fix: check the path"):
        iter_event_batches(tmp_path / "nowhere.jsonl")
    odd = write(tmp_path, "feed.xml", "<feed/>")
    with pytest.raises(EventError, match=r"feed\.xml: cannot tell .*Fix: name the file .jsonl.*format="):
        iter_event_batches(odd)
    with pytest.raises(EventError, match="unknown format 'xml'"):
        iter_event_batches(odd, format="xml")
    with pytest.raises(InputFormatError, match=r"fake\.parquet: cannot read it as Parquet"):
        iter_event_batches(write(tmp_path, "fake.parquet", "headline\nOil\n"))
    with pytest.raises(InputFormatError, match="is a folder, not a file"):
        iter_event_batches(tmp_path)
    good = write(tmp_path, "feed.jsonl", json.dumps(GOOD))
    for size in (0, -1, 2.5, True):
        with pytest.raises(EventError, match="batch_size"):
            iter_event_batches(good, batch_size=size)
    assert stream(odd.rename(tmp_path / "feed.txt"), format="jsonl")[1][0].line == 1


def test_stopping_early_closes_the_file(tmp_path):
    path = write(tmp_path, "feed.jsonl", "\n".join(json.dumps({"headline": f"h{i}"}) for i in range(10)))
    batches = iter_event_batches(path, batch_size=3)
    assert len(next(batches).events) == 3
    batches.close()
    assert list(batches) == []


def test_write_and_read_rejects(tmp_path):
    path = tmp_path / "out" / "rejects.jsonl"
    path.parent.mkdir()
    first = [Reject(3, "malformed JSON at column 14", '{"headline": '), Reject(5, "no text — none", "{}")]
    assert write_rejects(first, path) == 2
    assert write_rejects([], path) == 0
    assert write_rejects(iter([Reject(9, "bad", "a\nb")]), path) == 1
    assert read_rejects(path) == [*first, Reject(9, "bad", "a\nb")]
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[1]) == {
        "line": 5,
        "reason": "no text — none",
        "record": "{}",
        "code": "invalid",
        "field": None,
    }
    handle = io.StringIO()
    write_rejects(first, handle)
    assert handle.getvalue().count("\n") == 2


def test_stream_rejects_written_batch_by_batch(tmp_path):
    path = write(tmp_path, "feed.jsonl", JSONL)
    out = tmp_path / "rejects.jsonl"
    for batch in iter_event_batches(path, batch_size=2):
        write_rejects(batch.rejects, out)
    assert read_rejects(out) == read_events(path)[1]


def test_read_rejects_names_the_bad_line(tmp_path):
    path = write(tmp_path, "rejects.jsonl", '{"line": 1, "reason": "x", "record": ""}\n\n{"line": "two"}\n')
    with pytest.raises(EventError, match=r"rejects\.jsonl line 3: not a reject record"):
        read_rejects(path)


def test_memory_stays_bounded_by_the_batch(tmp_path):
    body = " ".join(f"word{i % 97}" for i in range(300))  # about 2 KB, like a news article
    path = tmp_path / "large.jsonl"
    with open(path, "w") as handle:
        for i in range(24_000):
            handle.write(json.dumps({"headline": f"Event {i}", "body": body, "market_impact": 0.5}) + "\n")
    size = path.stat().st_size
    assert size > 48e6
    started = time.perf_counter()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        count = 0
        for batch in iter_event_batches(path, batch_size=1_000):
            count += len(batch.events)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 24_000
    assert peak < 15e6, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"
    assert time.perf_counter() - started < 30
