import json
from pathlib import Path

import pytest

from exposure.cli import main

PRICES = str(Path(__file__).parents[2] / "exposure" / "datasets" / "data" / "prices" / "us_close_2019_2026.csv.gz")
EVENTS = "\n".join(json.dumps(e) for e in [
    {"id": "invasion", "headline": "Russia invades Ukraine; NATO allies pledge more defence spending",
     "published_at": "2022-02-24T03:00:00+00:00", "tags": ["Geopolitics & War"]},
    {"id": "poland", "headline": "Poland shoots down Russian drones that violated its airspace",
     "published_at": "2025-09-10T08:00:00+00:00", "tags": ["Geopolitics & War"]},
    {"id": "undated", "headline": "Defence budgets rise", "tags": ["Geopolitics & War"]},
]) + "\n"


@pytest.fixture
def events_file(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(EVENTS)
    return str(path)


def test_study_json(events_file, capsys):
    code = main(["study", "--events", events_file, "--prices", PRICES, "--window", "0", "5",
                 "--tickers", "LMT", "NOC", "DAL", "UAL", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["model"] == "market" and out["window"] == [0, 5]
    assert {r["event_id"] for r in out["results"]} == {"invasion", "poland"}
    assert {"event_id", "ticker", "car"} <= set(out["results"][0])
    assert {"caar", "n", "t_cs", "t_bmp"} <= set(out["aggregate"])
    assert any(d["event_id"] == "undated" and "published_at" in d["reason"] for d in out["dropped"])
    assert out["by_event"]["invasion"]["n"] == 4


def test_study_top_table_and_csv(events_file, capsys):
    assert main(["study", "--events", events_file, "--prices", PRICES, "--top", "5"]) == 0
    text = capsys.readouterr().out
    assert "mapped n=5" in text and "Welch" in text
    assert main(["study", "--events", events_file, "--prices", PRICES, "--model", "constant_mean",
                 "--tickers", "LMT", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("event_id,ticker,event_day") and len(lines) == 3


def test_study_usage_errors(events_file, capsys):
    assert main(["study", "--events", events_file, "--prices", PRICES, "--market", "NOPE"]) == 2
    assert "--market NOPE" in capsys.readouterr().err
    assert main(["study", "--events", events_file, "--prices", "missing.csv"]) == 2
    assert main(["study", "--events", events_file, "--prices", PRICES, "--window", "3", "1"]) == 2


def test_study_yahoo_source_fetches_the_tickers_and_the_market(events_file, capsys, monkeypatch):
    from exposure.cli import _cmd_study
    from exposure.market import LocalSource

    local = LocalSource(PRICES)
    asked = {}

    class Recorded:
        def prices(self, symbols, start, end, allow_partial=False):
            asked.update(symbols=list(symbols), start=str(start), end=str(end))
            return local.prices(list(symbols), start, end, allow_partial=allow_partial)

    monkeypatch.setattr(_cmd_study, "yahoo_source", Recorded)
    assert main(["study", "--events", events_file, "--source", "yahoo", "--tickers", "LMT", "NOC"]) == 0
    assert asked["symbols"] == ["LMT", "NOC", "SPY"]
    assert asked["start"] < asked["end"]
    assert "LMT" in capsys.readouterr().out
    assert main(["study", "--events", events_file, "--source", "yahoo"]) == 2
    assert "--tickers" in capsys.readouterr().err
