"""Malformed, hostile or mis-encoded event files: a reject per bad record or one clear refusal, never a traceback."""

import gzip
import json

import pandas as pd
import pytest

from exposure.errors import EventError, InputFormatError
from exposure.events import iter_event_batches, read_events

GOOD = json.dumps({"headline": "Oil jumps"})
LATER = json.dumps({"headline": "Gold slips"})


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _stream(path):
    events, rejects = [], []
    for batch in iter_event_batches(path):
        events += batch.events
        rejects += batch.rejects
    return events, rejects


def both(path):
    return _stream(path), read_events(path)


@pytest.mark.parametrize(
    ("bad", "code", "field"),
    [
        ("[" * 100_000 + "]" * 100_000, "too_large", None),
        ('{"headline": ' + "[" * 5_000 + "]" * 5_000 + "}", "too_large", None),
        ('{"headline": "x", "market_impact": ' + "9" * 5_000 + "}", "too_large", "market_impact"),
        ('{"headline": "' + "x" * (1 << 20) + '"}', "too_large", None),
        ('{"headline": "x", "published_at": 20250729}', "invalid", "published_at"),
        ('{"headline": "x", "published_at": "03/01/2022"}', "invalid", "published_at"),
        ('{"headline": "x", "published_at": 1753776000}', "invalid", "published_at"),
        ('{"headline": "x"', "malformed", None),
    ],
    ids=["deep-array", "deep-field", "huge-int", "huge-line", "8-digits", "day-month", "epoch", "syntax"],
)
def test_one_bad_json_line_is_a_reject_and_the_run_goes_on(tmp_path, bad, code, field):
    path = write(tmp_path, "feed.jsonl", "\n".join([GOOD, bad, LATER]) + "\n")
    for events, rejects in both(path):
        assert [event.headline for event in events] == ["Oil jumps", "Gold slips"]
        assert [(r.line, r.code, r.field) for r in rejects] == [(2, code, field)]
        assert len(rejects[0].record) <= 200


def test_deep_nesting_and_huge_integers_in_a_json_document(tmp_path):
    deep = write(tmp_path, "deep.json", "[" * 50_000 + "]" * 50_000)
    assert read_events(deep)[1][0].code == "too_large"
    huge = write(tmp_path, "huge.json", json.dumps([{"headline": "a"}]).replace("}", ', "market_impact": '
                                                                                  + "1" * 5000 + "}"))
    events, rejects = read_events(huge)
    assert events == [] and (rejects[0].code, rejects[0].field) == ("too_large", "market_impact")


def test_unterminated_quote_is_a_reject_at_its_line_and_later_rows_are_read(tmp_path):
    text = 'headline,body\nOil jumps,fine\nGold,"never closed\nCopper,ok\nTin,ok\n'
    path = write(tmp_path, "feed.csv", text)
    events, rejects = read_events(path)
    assert [event.headline for event in events] == ["Oil jumps", "Copper", "Tin"]
    assert [(r.line, r.code) for r in rejects] == [(3, "malformed")]
    assert "never closed" in rejects[0].reason
    streamed, stream_rejects = both(path)[0]
    assert streamed == events and [r.line for r in stream_rejects] == [3]


def test_quoted_line_breaks_still_work(tmp_path):
    path = write(tmp_path, "feed.csv", 'headline,body\n"Oil jumps","two\nlines"\nGold,ok\n')
    events, rejects = read_events(path)
    assert [event.body for event in events] == ["two\nlines", "ok"] and rejects == []


def test_repeated_column_is_an_error_naming_it(tmp_path):
    path = write(tmp_path, "feed.csv", "headline,tags,tags\nOil,Energy,Metals\n")
    for read in (read_events, lambda p: list(iter_event_batches(p))):
        with pytest.raises(EventError, match="'tags' appears more than once") as caught:
            read(path)
        assert caught.value.field == "tags"


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "json"])
def test_read_events_reads_gzip(tmp_path, suffix):
    content = {"jsonl": GOOD + "\n" + LATER + "\n", "csv": "headline\nOil jumps\nGold slips\n",
               "json": "[" + GOOD + "," + LATER + "]"}[suffix]
    path = write(tmp_path, f"feed.{suffix}.gz", gzip.compress(content.encode()))
    events, rejects = read_events(path)
    assert [event.headline for event in events] == ["Oil jumps", "Gold slips"] and rejects == []


def test_read_events_reads_parquet(tmp_path):
    path = tmp_path / "feed.parquet"
    pd.DataFrame({"headline": ["Oil jumps", None]}).to_parquet(path)
    events, rejects = read_events(path)
    assert [event.headline for event in events] == ["Oil jumps"] and [r.line for r in rejects] == [2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("headline\nÖl steigt\n".encode("utf-16-le"), "UTF-16-LE without a byte-order mark"),
        ("headline\nCafé\n".encode("latin-1"), r"byte 0xe9 at offset 12 \(line 2\).*Latin-1/cp1252"),
        (b"PK\x03\x04" + bytes(100), "zip archive"),
        (b"PAR1" + bytes(100), "Parquet"),
        (bytes(range(256)) * 4, "NUL bytes"),
    ],
    ids=["utf16-no-bom", "latin1", "xlsx", "parquet-named-txt", "binary"],
)
def test_undecodable_or_binary_files_are_refused(tmp_path, content, message):
    path = write(tmp_path, "feed.txt", content)
    with pytest.raises(InputFormatError, match=message) as caught:
        read_events(path)
    assert str(path) in str(caught.value) and "Fix:" in str(caught.value)
    jsonl = write(tmp_path, "feed.jsonl", content)
    with pytest.raises(InputFormatError, match=message):
        iter_event_batches(jsonl)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_text_with_a_bom_is_read(tmp_path, encoding):
    path = write(tmp_path, "feed.csv", "headline,body\nÖl steigt,ok\n".encode(encoding))
    assert [event.headline for event in read_events(path)[0]] == ["Öl steigt"]
    assert [event.headline for batch in iter_event_batches(path) for event in batch.events] == ["Öl steigt"]


def test_a_bad_byte_deep_in_a_stream_is_a_reject_of_its_line(tmp_path):
    lines = [json.dumps({"headline": f"Event {i}"}) for i in range(5000)]
    content = ("\n".join(lines) + "\n").encode() + b'{"headline": "caf\xe9"}\n' + GOOD.encode() + b"\n"
    path = write(tmp_path, "feed.jsonl", content)
    with pytest.raises(InputFormatError, match="line 5001"):
        read_events(path)  # the whole file in memory: refused whole
    events, rejects = _stream(path)
    assert len(events) == 5001 and [(r.line, r.code) for r in rejects] == [(5001, "encoding")]
    assert "Latin-1/cp1252" in rejects[0].reason


def test_folders_and_missing_files_are_named(tmp_path):
    with pytest.raises(InputFormatError, match="is a folder"):
        read_events(tmp_path)
    with pytest.raises(InputFormatError, match=r"nowhere\.jsonl: no such file"):
        read_events(tmp_path / "nowhere.jsonl")


def test_gzip_bomb_stops_at_the_bound(tmp_path, monkeypatch):
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        chunk = b" " * (1 << 20)
        for _ in range(64):
            handle.write(chunk)
    assert path.stat().st_size < 100_000
    with pytest.raises(InputFormatError, match="decompresses to over .* ratio"):
        read_events(path)
    monkeypatch.setenv("EXPOSURE_MAX_DECOMPRESSED_BYTES", str(1 << 20))
    with pytest.raises(InputFormatError, match="decompresses to more than 1,048,576 bytes"):
        list(iter_event_batches(path))
    with pytest.raises(InputFormatError, match="more than 1,024 bytes"):
        list(iter_event_batches(path, max_bytes=1024))


def test_corrupt_gzip_is_refused(tmp_path):
    packed = gzip.compress(((GOOD + "\n") * 1000).encode())
    path = write(tmp_path, "feed.jsonl.gz", packed[: len(packed) // 2])
    with pytest.raises(InputFormatError, match="corrupt or truncated gzip"):
        list(iter_event_batches(path))


def test_rejects_are_capped_per_run(tmp_path):
    path = write(tmp_path, "bad.jsonl.gz", gzip.compress(b"{\n" * 30_000))
    assert path.stat().st_size < 2_000
    batches = list(iter_event_batches(path, max_rejects=100))
    kept = [reject for batch in batches for reject in batch.rejects]
    assert len(kept) == 101 and kept[-1].code == "too_large" and "counted, not recorded" in kept[-1].reason
    assert len(kept) - 1 + sum(batch.rejects_omitted for batch in batches) == 30_000
    events, rejects = read_events(path)
    assert len(rejects) == 10_001


def test_read_events_caps_rejects_of_plain_files_too(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPOSURE_MAX_REJECTS", "5")
    path = write(tmp_path, "bad.jsonl", "{\n" * 50 + GOOD + "\n")
    events, rejects = read_events(path)
    assert len(events) == 1 and len(rejects) == 6
    assert rejects[-1].code == "too_large" and "45 more rejects" in rejects[-1].reason
