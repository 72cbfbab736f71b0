"""``exposure graph report``: directly through run_report and through the command line."""

import argparse
import json

import pytest

from exposure.cli import main
from exposure.cli._graph_report import add_report_arguments, run_report
from exposure.cli._common import UsageError
from tests.conftest import MINI_GRAPH


def _args(*argv, graph=()):
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", default="table")
    add_report_arguments(parser)
    args = parser.parse_args(list(argv))
    args.graph = list(graph)
    return args


def test_wired_as_exposure_graph_report(capsys):
    assert main(["graph", "report", "--format", "json"]) == 0
    assert "agreement" in json.loads(capsys.readouterr().out)


def test_table_output_names_the_threshold_and_the_etfs(capsys):
    assert run_report(_args()) == 0
    out = capsys.readouterr().out
    assert "coverage" in out and "exposure >= 0.2" in out and "weight >= 0.5%" in out
    assert "theme:defense-spending vs XAR 2022-02-04" in out


def test_json_output_with_parameters(capsys):
    assert run_report(_args("--format", "json", "--threshold", "0.5", "--min-weight", "1")) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["threshold"] == 0.5 and data["min_weight_pct"] == 1.0
    assert {row["etf"] for row in data["agreement"]} >= {"XAR", "PPA", "ITA", "JETS", "UFO", "ARKX"}


@pytest.mark.filterwarnings("ignore::exposure.graph.GraphOverrideWarning")
def test_user_holdings_and_graph(tmp_path, capsys):
    holdings = tmp_path / "h.csv"
    holdings.write_text("etf,date,holding,weight_pct\nXAR,2022-02-01,BIG,60\nXAR,2022-02-01,DRO,40\n")
    # the mini graph's made-up airline uses SKY, which the default graph lists for Skyline Champion
    mini = tmp_path / "mini"
    mini.mkdir()
    for file in MINI_GRAPH.glob("*.csv"):
        lines = file.read_text().splitlines(keepends=True)
        (mini / file.name).write_text("".join(line for line in lines if "SKY" not in line and "skyair" not in line))
    assert run_report(_args("--format", "json", "--holdings", str(holdings), graph=[str(mini)])) == 0
    data = json.loads(capsys.readouterr().out)
    xar = next(row for row in data["agreement"] if row["etf"] == "XAR")
    assert xar["holdings"] == 2 and xar["shared"] == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [(("--format", "graphml"), "use table or json"), (("--threshold", "2"), "--threshold 2.0"),
     (("--holdings", "no-such.csv"), "no such file")],
)
def test_usage_errors(argv, message):
    with pytest.raises(UsageError, match=message):
        run_report(_args(*argv))
