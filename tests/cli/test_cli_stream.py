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


def test_stream_resume_and_series_of_an_incomplete_output(tmp_path, capsys, monkeypatch):
    from exposure.streams import _run

    feed, out = _feed(tmp_path), tmp_path / "out"
    original, calls = _run.map_event_batch, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("stopped")
        return original(*args, **kwargs)

    monkeypatch.setattr(_run, "map_event_batch", failing)
    assert main(["stream", str(feed), str(out), "--batch-size", "2", "--no-progress"]) == 3  # an internal error
    monkeypatch.undo()
    capsys.readouterr()
    assert main(["series", str(out)]) == 1
    assert "incomplete" in capsys.readouterr().err
    assert main(["series", str(out), "--allow-incomplete"]) == 0
    assert len(capsys.readouterr().out.splitlines()) > 1
    assert main(["stream", str(feed), str(out), "--batch-size", "2", "--no-progress"]) == 2  # usage: OUT is taken
    assert "--resume" in capsys.readouterr().err
    assert main(["stream", str(feed), str(out), "--batch-size", "2", "--no-progress", "--resume"]) == 0
    assert json.loads(capsys.readouterr().out)["n_events"] == 6
    assert main(["stream", str(feed), str(out), "--no-progress"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["series", str(out)]) == 0
