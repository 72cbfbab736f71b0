import io
import json

from pathlib import Path

import pytest

from exposure import datasets
from exposure.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seed_path():
    return str(datasets.sample_path("lithuania_drones_article.txt"))


def test_map_article_json(capsys, seed_path):
    code, out, _ = run(capsys, "map", seed_path, "--top", "12", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["graph_version"].startswith("kg-")
    assert data["rejects"] == []
    (event,) = data["events"]
    assert {"id", "headline", "themes", "impacts"} <= set(event)
    assert len(event["impacts"]) == 12
    first = event["impacts"][0]
    assert {"ticker", "company", "sector", "score", "paths"} <= set(first)
    scores = [abs(i["score"]) for i in event["impacts"]]
    assert scores == sorted(scores, reverse=True)


def test_map_table_and_csv(capsys, seed_path):
    code, out, _ = run(capsys, "map", seed_path, "--top", "5")
    assert code == 0 and "Lithuania asks NATO" in out and "why (largest walks)" in out
    code, out, _ = run(capsys, "map", seed_path, "--top", "5", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("event_id,rank,ticker,company,sector")
    assert len(out.strip().splitlines()) == 6


def test_map_jsonl_with_a_bad_line_reports_it_and_continues(capsys, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"headline": "NATO boosts air defence on the eastern flank", "market_impact": 0.3}\n'
        '{"headline": broken\n'
        '{"headline": "Airspace closure hits airlines", "market_impact": -1}\n'
    )
    code, out, err = run(capsys, "map", str(path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data["events"]) == 1
    assert [r["line"] for r in data["rejects"]] == [2, 3]
    assert "market_impact" in data["rejects"][1]["reason"]
    assert f"{path}:2: rejected" in err


def test_map_stdin(capsys, monkeypatch, seed_path):
    raw = Path(seed_path).read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    code, out, _ = run(capsys, "map", "-", "--format", "json", "--top", "3")
    assert code == 0
    assert json.loads(out)["events"][0]["headline"].startswith("Lithuania asks NATO")


def test_exit_codes(capsys, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert run(capsys, "map", str(empty))[0] == 1
    code, _, err = run(capsys, "map", str(tmp_path / "missing.json"))
    assert code == 2 and "no such file" in err
    with pytest.raises(SystemExit) as usage:
        main(["map"])
    assert usage.value.code == 2


def test_portfolio_json(capsys):
    code, out, _ = run(
        capsys, "portfolio", str(datasets.sample_path("sample_portfolio.csv")),
        "--benchmark", str(datasets.sample_path("sample_benchmark.csv")),
        "--events", str(datasets.sample_path("sample_events.jsonl")), "--format", "json",
    )
    assert code == 0
    data = json.loads(out)
    assert {"graph_version", "coverage", "themes", "sectors", "countries", "events"} <= set(data)
    assert {u["ticker"] for u in data["coverage"]["unmapped"]} >= {"ITA", "JETS"}
    for theme in data["themes"]:
        total = sum(c["contribution"] for c in theme["contributions"])
        assert total == pytest.approx(theme["exposure"], abs=1e-12)
        assert theme["active"] is not None
    assert len(data["events"]) == 6 and all("sensitivity" in e for e in data["events"])


def test_portfolio_bad_holdings_exit_1(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("ticker,weight\nLMT,abc\n")
    code, _, err = run(capsys, "portfolio", str(path))
    assert code == 1 and "row 2" in err and "weight" in err


def test_graph_commands(capsys, tmp_path):
    code, out, _ = run(capsys, "graph", "validate")
    assert code == 0 and out.startswith("ok: KnowledgeGraph")
    code, out, _ = run(capsys, "graph", "stats")
    assert code == 0 and json.loads(out)["edges_with_source"] == 1.0
    target = tmp_path / "graph.graphml"
    assert run(capsys, "graph", "export", "--format", "graphml", "-o", str(target))[0] == 0
    assert target.stat().st_size > 0


def test_graph_validate_reports_bad_user_file(capsys, tmp_path):
    bad = tmp_path / "edges.csv"
    bad.write_text("from_id,relation,to_id,weight,source,as_of\n"
                   "company:rheinmetall,exposed_to,theme:nowhere,0.5,x,2025-01-01\n")
    code, _, err = run(capsys, "--graph", str(bad), "graph", "validate")
    assert code == 1 and "edges.csv row 2" in err and "theme:nowhere" in err


def test_demo(capsys):
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "Lithuania asks NATO" in out and "theme exposure" in out and "event sensitivity" in out
