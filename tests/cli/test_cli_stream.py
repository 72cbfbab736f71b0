import json

import pandas as pd

from exposure.cli import main
from exposure.datasets import sample_path


def _feed(tmp_path):
    lines = sample_path("sample_events.jsonl").read_text().splitlines()
    lines.insert(2, "{broken")
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_stream_then_series(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["stream", str(_feed(tmp_path)), str(out), "--top", "5", "--batch-size", "2",
                 "--portfolio", str(sample_path("sample_portfolio.csv")), "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0
    summary = json.loads(captured.out)
    assert summary["n_events"] == 6 and summary["n_rejects"] == 1
    assert "1 record(s) rejected" in captured.err
    assert "portfolio sample_portfolio: 2 holding(s) not in the graph" in captured.err
    assert len(pd.read_parquet(out / "impacts.parquet")) == 30
    assert main(["series", str(out), "--of", "portfolios", "--freq", "ME"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out), index_col=0)
    assert list(table.columns) == ["sample_portfolio"]
    assert main(["series", str(out), "--columns", "theme:counter-drone", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["values"]) == ["theme:counter-drone"] and max(data["values"]["theme:counter-drone"]) > 0


def test_stream_usage_errors(tmp_path, capsys):
    assert main(["stream", str(tmp_path / "missing.jsonl"), str(tmp_path / "out")]) == 2
    assert main(["series", str(tmp_path)]) == 2
    (tmp_path / "bad.jsonl").write_text("{broken\n")
    assert main(["stream", str(tmp_path / "bad.jsonl"), str(tmp_path / "out2"), "--no-progress"]) == 1
    capsys.readouterr()
