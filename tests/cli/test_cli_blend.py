"""``exposure blend`` and ``exposure evaluate --exposures blend`` through main()."""

import json

from exposure.cli import main
from exposure.datasets import sample_path


def test_explain_summary_and_json(capsys):
    assert main(["blend", "--as-of", "2023-03-01", "--explain", "ZION", "theme:banks"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ZION / theme:banks, as of 2023-03-01") and "k = tau2" in out
    assert main(["blend", "--as-of", "2023-03-01", "--theme", "theme:airlines"]) == 0
    assert "blended exposures as of 2023-03-01" in capsys.readouterr().out
    assert main(["blend", "--as-of", "2023-03-01", "--theme", "theme:banks", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2023-03-01" and data["rows"]
    assert {"prior", "beta", "se", "k", "blend"} <= set(data["rows"][0])


def test_validation_json(capsys):
    assert main(["blend", "--validate", "--years", "2020", "2020", "--theme", "theme:banks", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["theme_years"] == 1 and {"r2_blend", "rho_prior"} <= set(data["overall"])


def test_usage_errors(capsys):
    assert main(["blend"]) == 2
    assert "--as-of" in capsys.readouterr().err


def test_evaluate_with_blended_exposures(tmp_path, capsys):
    line = next(x for x in sample_path("dev_events.jsonl").read_text().splitlines()
                if json.loads(x)["id"] == "opec-vienna-cut-2016-11-30")
    path = tmp_path / "one.jsonl"
    path.write_text(line + "\n")
    code = main(["evaluate", str(path), "--prices", str(sample_path("dev_returns.parquet")), "--permutations", "3",
                 "--exposures", "blend", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    settings = data["all"]["settings"]
    assert settings["exposures"] == "blend" and settings["point_in_time"] == "strict"
    assert settings["look_ahead_count"] == 0 and len(data["all"]["per_event"]) == 1
