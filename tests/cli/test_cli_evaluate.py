"""``exposure evaluate`` through main(): a few real events against the bundled returns."""

import json

from exposure.cli import main
from exposure.datasets import sample_path

EVENTS = sample_path("dev_events.jsonl")
RETURNS = str(sample_path("dev_returns.parquet"))


def _few(tmp_path, ids):
    lines = [line for line in EVENTS.read_text().splitlines() if json.loads(line)["id"] in ids]
    path = tmp_path / "few.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_json_reports_overall_per_event_and_holdout(tmp_path, capsys):
    path = _few(tmp_path, {"opec-vienna-cut-2016-11-30", "saudi-voluntary-cut-2023-06-04",
                           "opec-plus-two-million-cut-2022-10-05"})
    code = main(["evaluate", path, "--prices", RETURNS, "--permutations", "5", "--format", "json",
                 "--exclude", "QQQ", "DIA"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(data) == {"all", "development", "holdout", "rejects"}
    assert len(data["all"]["per_event"]) == 3 and len(data["holdout"]["per_event"]) == 1
    assert data["all"]["settings"]["window"] == [0, 5] and data["all"]["settings"]["market"] == "SPY"


def test_table_and_usage_errors(tmp_path, capsys):
    path = _few(tmp_path, {"opec-vienna-cut-2016-11-30"})
    assert main(["evaluate", path, "--prices", RETURNS, "--permutations", "3", "--events-table", "--by-category"]) == 0
    out = capsys.readouterr().out
    assert "exposure evaluate: all: 1 events evaluated" in out and "long_short_bp" in out
    assert "oil_supply_cut" in out and "hit10_model" in out
    assert main(["evaluate", path]) == 2
    assert "--dev" in capsys.readouterr().err
    assert main(["evaluate", path, "--prices", RETURNS, "--window", "5", "0"]) == 2
