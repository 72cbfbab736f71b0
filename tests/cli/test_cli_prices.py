"""``exposure prices`` through main(): bundled local file, and Yahoo over the replayed transport."""

import importlib.util
import json
from pathlib import Path

import pytest

import exposure.market
from exposure.cli import main
from exposure.datasets import sample_path

_spec = importlib.util.spec_from_file_location(  # the fake Yahoo transport of tests/market
    "yahoo_replay", Path(__file__).resolve().parents[1] / "market" / "yahoo_replay.py")
_replay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_replay)
YahooReplay = _replay.YahooReplay

US = str(sample_path("prices/us_close_2019_2026.csv.gz"))


def test_local_table_lists_usable_and_missing(capsys):
    code = main(["prices", "LMT", "RTX", "NOPE", "--start", "2022-02-01", "--end", "2022-02-28",
                 "--source", "local", US])
    out, err = capsys.readouterr()
    assert code == 0
    assert "2 usable, 1 missing" in out and "NOPE" in out
    assert "NOPE: missing: not in" in err


def test_local_json_has_prices_and_missing(capsys):
    code = main(["prices", "LMT", "ZZZZ", "--start", "2022-02-23", "--end", "2022-02-25", "--source", US,
                 "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["prices"]["dates"] == ["2022-02-23", "2022-02-24", "2022-02-25"]
    assert data["prices"]["values"]["LMT"][1] == pytest.approx(351.19, abs=0.01)
    assert data["missing"] == [{"symbol": "ZZZZ", "reason": f"not in {US}"}]


def test_local_csv_is_the_price_table(capsys):
    assert main(["prices", "SPY", "ITA", "--start", "2022-02-24", "--end", "2022-02-25", "--source", "local", US,
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "date,SPY,ITA" and lines[1].startswith("2022-02-24,")


def test_nothing_usable_exits_1(capsys):
    assert main(["prices", "ZZZZ", "--source", "local", US, "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["symbols"] == [] and "no usable symbol" in err


def test_usage_errors_exit_2(capsys, tmp_path):
    assert main(["prices", "LMT", "--source", "local", str(tmp_path / "none.csv")]) == 2
    assert main(["prices", "LMT", "--source", "yahoo"]) == 2  # no --start
    assert main(["prices", "LMT", "--start", "2022-01-01", "--source", "local", "a", "b"]) == 2
    assert "exposure: error:" in capsys.readouterr().err


def test_bad_file_content_exits_1(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,LMT\n2022-02-24,-3\nnope,4\n")
    assert main(["prices", "LMT", "--source", "local", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2: rejected: field 'adjclose' is -3" in err and f"{path}:3: rejected: field 'date'" in err


@pytest.fixture
def replayed_yahoo(monkeypatch, tmp_path):
    import requests

    replay = YahooReplay()
    session = requests.Session()
    session.mount("https://", replay)
    original = exposure.market.YahooSource

    class Replayed(original):
        def __init__(self, **kwargs):
            super().__init__(session=session, sleep=lambda s: None, **kwargs)

    monkeypatch.setattr(exposure.market, "YahooSource", Replayed)
    monkeypatch.setenv("EXPOSURE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("EXPOSURE_OFFLINE", raising=False)
    return replay


def test_yahoo_fills_the_cache_and_reports_missing(replayed_yahoo, capsys, tmp_path, monkeypatch):
    code = main(["prices", "LMT", "BA.L", "NOPE", "--start", "2022-02-01", "--end", "2022-02-28",
                 "--format", "json"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 0
    assert data["symbols"] == ["LMT", "BA.L"] and data["missing"][0]["symbol"] == "NOPE"
    assert "NOPE: missing:" in captured.err
    assert (tmp_path / "cache" / "prices" / "LMT" / "adjclose.parquet").is_file()
    calls = len(replayed_yahoo.calls)
    monkeypatch.setenv("EXPOSURE_OFFLINE", "1")
    assert main(["prices", "LMT", "--start", "2022-02-01", "--end", "2022-02-28", "--field", "close"]) == 0
    assert "yahoo (cache only)" in capsys.readouterr().out
    assert len(replayed_yahoo.calls) == calls
