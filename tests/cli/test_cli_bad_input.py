"""The bad-input matrix: every command crossed with every kind of broken file, path or option.

Each case runs ``exposure.cli.main(argv)`` in-process and asserts the CLI contract of
``exposure.cli._main``: no traceback, never the internal-error exit 3, exit 0 / 1 / 2 as
documented, and on a failure a message on stderr that names the file (or the option) and says
how to fix it. A few cases also run as real subprocesses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from exposure.cli import main
from exposure.datasets import sample_path

US_PRICES = sample_path("prices/us_close_2019_2026.csv.gz")

GOOD_EVENT = {"id": "e1", "headline": "Russia invades Ukraine; NATO allies pledge more defence spending",
              "published_at": "2022-02-24T03:00:00+00:00", "tags": ["Geopolitics & War"], "market_impact": 0.5}
GOOD_EVENTS = json.dumps(GOOD_EVENT) + "\n"
GOOD_HOLDINGS = "ticker,weight\nLMT,0.5\nRTX,0.5\n"
LATIN1_EVENT = '{"id": "e1", "headline": "Société Générale: défense européenne", "published_at": "2022-02-24"}\n'


def _events(kind: str) -> tuple[str, bytes] | None:
    """(suffix, bytes) of an events file of a bad kind."""
    line = GOOD_EVENTS
    contents = {
        "empty": (".jsonl", b""),
        "binary": (".jsonl", bytes(range(256)) * 8),
        "latin1": (".jsonl", LATIN1_EVENT.encode("latin-1")),
        "utf16_bom": (".jsonl", line.encode("utf-16")),
        "utf16_nobom": (".jsonl", line.encode("utf-16-le")),
        "truncated_json": (".json", b'{"id": "e1", "headline": "NATO boosts air def'),
        "deep_json_file": (".json", b"[" * 100_000),
        "deep_json_record": (".jsonl", (line + "[" * 100_000 + "\n").encode()),
        "huge_int": (".jsonl", (line + '{"id": "e2", "headline": "Drones", "market_impact": 1'
                                + "0" * 5000 + "}\n").encode()),
        "repeated_column": (".csv", b"id,headline,headline,published_at\ne1,NATO boosts air defence,x,2022-02-24\n"),
        "unterminated_quote": (".csv", b'id,headline,published_at\ne1,"NATO boosts air defence,2022-02-24\n'
                                       b"e2,Airlines cut flights,2022-02-25\n"),
        "date_dmy": (".jsonl", json.dumps({**GOOD_EVENT, "published_at": "03/01/2022"}).encode() + b"\n"),
        "date_8digit": (".jsonl", json.dumps({**GOOD_EVENT, "published_at": 20250729}).encode() + b"\n"),
    }
    return contents.get(kind)


def _table(header: str, row: str, latin_row: str, date_rows: tuple[str, str] | None = None):
    def build(kind: str) -> tuple[str, bytes] | None:
        good = f"{header}\n{row}\n"
        first, _, rest = header.partition(",")
        contents = {
            "empty": b"",
            "binary": bytes(range(256)) * 8,
            "latin1": f"{header}\n{latin_row}\n".encode("latin-1"),
            "utf16_bom": good.encode("utf-16"),
            "utf16_nobom": good.encode("utf-16-le"),
            "huge_int": f"{header}\n{row.rsplit(',', 1)[0]},1{'0' * 5000}\n".encode(),
            "repeated_column": f"{first},{header}\n{row.split(',')[0]},{row}\n".encode(),
            "unterminated_quote": f'{header}\n"{row}\n{row}\n'.encode(),
        }
        if date_rows:
            contents["date_dmy"] = f"{header}\n{date_rows[0]}\n".encode()
            contents["date_8digit"] = f"{header}\n{date_rows[1]}\n".encode()
        return (".csv", contents[kind]) if kind in contents else None

    return build


FAMILIES = {
    "events": _events,
    "holdings": _table("ticker,weight", "LMT,0.5", "SOCIÉTÉ,0.5"),
    "graph": _table("ticker,theme,weight,source,as_of", "LMT,theme:counter-drone,0.5,test,2024-01-01",
                    "LMT,theme:counter-drone,0.5,Société,2024-01-01",
                    ("LMT,theme:counter-drone,0.5,test,03/01/2022", "LMT,theme:counter-drone,0.5,test,20250729")),
    "etf": _table("etf,date,holding,weight_pct", "ITA,2024-01-02,LMT,5.0", "ITA,2024-01-02,SOCIÉTÉ,5.0",
                  ("ITA,03/01/2022,LMT,5.0", "ITA,20250729,LMT,5.0")),
    "prices": _table("date,LMT,SPY", "2022-02-24,400,420", "2022-02-24,400,420\n2022-02-25,401,SOCIÉTÉ",
                     ("03/01/2022,400,420", "20250729,400,420")),
}
KINDS = ["missing", "folder", "empty", "binary", "latin1", "utf16_bom", "utf16_nobom", "truncated_json",
         "deep_json_file", "deep_json_record", "huge_int", "repeated_column", "unterminated_quote", "date_dmy",
         "date_8digit"]

# (name, argv with {bad} for the broken path, family of the broken file); loading a user graph takes
# a second, so stats and export get the kinds the file check refuses up front, validate gets them all
QUICK_KINDS = ["missing", "empty", "binary", "latin1", "utf16_nobom", "repeated_column", "unterminated_quote"]
SLOTS = [
    ("map", ["map", "{bad}"], "events"),
    ("map-json", ["map", "{bad}", "--format", "json"], "events"),
    ("portfolio", ["portfolio", "{bad}"], "holdings"),
    ("portfolio-benchmark", ["portfolio", "{holdings}", "--benchmark", "{bad}"], "holdings"),
    ("portfolio-events", ["portfolio", "{holdings}", "--events", "{bad}"], "events"),
    ("graph-validate", ["--graph", "{bad}", "graph", "validate"], "graph"),
    ("graph-stats", ["--graph", "{bad}", "graph", "stats"], "graph", QUICK_KINDS),
    ("graph-export", ["--graph", "{bad}", "graph", "export"], "graph", QUICK_KINDS),
    ("graph-report", ["graph", "report", "--holdings", "{bad}"], "etf"),
    ("stream", ["stream", "{bad}", "{out}"], "events"),
    ("stream-portfolio", ["stream", "{events}", "{out}", "--portfolio", "{bad}"], "holdings"),
    ("prices", ["prices", "--source", "local", "{bad}"], "prices"),
    ("study-events", ["study", "--events", "{bad}", "--prices", "{prices}"], "events"),
    ("study-prices", ["study", "--events", "{events}", "--prices", "{bad}"], "prices"),
]


@dataclass
class Case:
    id: str
    argv: list[str]
    kind: str = ""
    family: str = ""
    codes: frozenset[int] = frozenset({0, 1, 2})
    env: dict[str, str] = field(default_factory=dict)
    names: str = "{bad}"  # what the message must name


def _file_cases() -> list[Case]:
    cases = []
    for slot, argv, family, *kinds in SLOTS:
        for kind in kinds[0] if kinds else KINDS:
            if kind == "folder" and family == "graph":  # --graph takes files or folders
                cases.append(Case(f"{slot}-{kind}", argv, kind, family))
            elif kind in ("missing", "folder"):
                cases.append(Case(f"{slot}-{kind}", argv, kind, family, frozenset({2})))
            elif FAMILIES[family](kind) is not None:
                cases.append(Case(f"{slot}-{kind}", argv, kind, family))
    return cases


def _series_cases() -> list[Case]:
    return [Case(f"series-{kind}", ["series", "{bad}"], kind, "series", frozenset({2}) if kind != "corrupt" else
                 frozenset({1, 2}))
            for kind in ("missing", "file", "empty_folder", "corrupt")]


def _option_cases() -> list[Case]:
    bad = {
        "map": (["map", "{events}"], {"--top": ["0", "-1", "x"], "--paths": ["0", "-3"]}),
        "portfolio": (["portfolio", "{holdings}"], {"--top": ["0", "-1"]}),
        "stream": (["stream", "{events}", "{out}"], {"--top": ["0", "-1"], "--batch-size": ["0", "-5"]}),
        "study": (["study", "--events", "{events}", "--prices", "{prices}"],
                  {"--top": ["0", "-2"], "--estimation": ["2", "-1", "abc"], "--gap": ["-1"]}),
    }
    cases = []
    for command, (argv, options) in bad.items():
        for option, values in options.items():
            for value in values:
                cases.append(Case(f"{command}{option}={value}", [*argv, option, value], codes=frozenset({2}),
                                  names=option))
    cases += [
        Case("study--window-reversed", ["study", "--events", "{events}", "--prices", "{prices}", "--window", "5",
                                        "-1"], codes=frozenset({2}), names="--window"),
        Case("study--window-one", ["study", "--events", "{events}", "--prices", "{prices}", "--window", "1"],
             codes=frozenset({2}), names="--window"),
        Case("study-short-prices", ["study", "--events", "{events}", "--prices", "{short_prices}"],
             codes=frozenset({1}), names="{short_prices}"),
        Case("study-short-prices-json", ["study", "--events", "{events}", "--prices", "{short_prices}",
                                         "--format", "json"], codes=frozenset({1}), names="{short_prices}"),
        Case("study-short-prices-csv", ["study", "--events", "{events}", "--prices", "{short_prices}",
                                        "--format", "csv", "--estimation", "100"], codes=frozenset({1}),
             names="{short_prices}"),
        Case("study-prices-as-returns", ["study", "--events", "{events}", "--prices", "{prices}",
                                         "--market", "NOPE"], codes=frozenset({2}), names="--market"),
        Case("portfolio-fx-bad", ["portfolio", "{holdings}", "--fx", "EUR"], codes=frozenset({2}), names="--fx"),
        Case("portfolio-mixed-currency", ["portfolio", "{mixed}"], codes=frozenset({1}), names="{mixed}"),
        Case("prices-yahoo-no-start", ["prices", "LMT"], codes=frozenset({2}), names="--start"),
        Case("graph-export-graphml-no-output", ["graph", "export", "--format", "graphml"], codes=frozenset({2}),
             names="--output"),
        Case("graph-report-threshold", ["graph", "report", "--threshold", "2"], codes=frozenset({2}),
             names="--threshold"),
        Case("series-bad-freq", ["series", "{stream_out}", "--freq", "NOPE"], codes=frozenset({1, 2}),
             names="NOPE"),
        Case("series-bad-columns", ["series", "{stream_out}", "--columns", "theme:nope"], codes=frozenset({2}),
             names="theme:nope"),
    ]
    return cases


def _output_cases() -> list[Case]:
    return [
        Case("graph-export-under-a-file", ["graph", "export", "-o", "{under_file}/graph.json"], codes=frozenset({2}),
             names="{under_file}"),
        Case("graph-export-to-a-folder", ["graph", "export", "-o", "{folder}"], codes=frozenset({2}),
             names="{folder}"),
        Case("graph-export-graphml-under-a-file", ["graph", "export", "--format", "graphml", "-o",
                                                   "{under_file}/g.graphml"], codes=frozenset({2}),
             names="{under_file}"),
        Case("stream-out-is-a-file", ["stream", "{events}", "{under_file}"], codes=frozenset({1, 2}),
             names="{under_file}"),
        Case("stream-out-under-a-file", ["stream", "{events}", "{under_file}/out"], codes=frozenset({1, 2}),
             names="{under_file}"),
        Case("stream-out-existing-folder", ["stream", "{events}", "{nonempty}"], codes=frozenset({1, 2}),
             names="{nonempty}"),
    ]


def _cache_cases() -> list[Case]:
    commands = {
        "demo": ["demo"],
        "map": ["map", "{events}"],
        "portfolio": ["portfolio", "{holdings}"],
        "study": ["study", "--events", "{events}", "--prices", "{prices}", "--tickers", "LMT"],
        "prices": ["prices", "LMT", "--source", "local", "{prices}"],
        "graph-stats": ["graph", "stats"],
    }
    cases = []
    for name, argv in commands.items():
        for where in ("file", "under_file"):
            env = {"EXPOSURE_CACHE_DIR": "{under_file}" if where == "file" else "{under_file}/cache"}
            cases.append(Case(f"cache-dir-{where}-{name}", argv, codes=frozenset({0}), env=env, names=""))
    return cases


CASES = _file_cases() + _series_cases() + _option_cases() + _output_cases() + _cache_cases()


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """Shared good inputs, and the paths the placeholders stand for."""
    root = tmp_path_factory.mktemp("matrix")
    (root / "events.jsonl").write_text(GOOD_EVENTS)
    (root / "holdings.csv").write_text(GOOD_HOLDINGS)
    (root / "mixed.csv").write_text("ticker,market_value,currency\nLMT,100,USD\nRHM.DE,100,EUR\n")
    import pandas as pd

    prices = pd.read_csv(US_PRICES, index_col=0, parse_dates=True)[["LMT", "NOC", "SPY"]]
    prices.loc["2021-01-01":"2022-06-30"].to_csv(root / "prices.csv")
    prices.loc["2022-01-03":"2022-03-31"].to_csv(root / "short_prices.csv")
    (root / "a_file.txt").write_text("not a folder\n")
    (root / "a_folder").mkdir()
    (root / "nonempty").mkdir()
    (root / "nonempty" / "mine.txt").write_text("keep me\n")
    stream_out = root / "stream_out"
    assert main(["stream", str(root / "events.jsonl"), str(stream_out)]) == 0
    return {"root": root, "events": str(root / "events.jsonl"), "holdings": str(root / "holdings.csv"),
            "mixed": str(root / "mixed.csv"), "prices": str(root / "prices.csv"),
            "short_prices": str(root / "short_prices.csv"), "under_file": str(root / "a_file.txt"),
            "folder": str(root / "a_folder"), "nonempty": str(root / "nonempty"), "stream_out": str(stream_out)}


def _bad_path(case: Case, root: Path) -> str:
    folder = root / "bad" / case.id
    folder.mkdir(parents=True, exist_ok=True)
    if case.kind == "missing":
        return str(folder / "missing.csv")
    if case.kind == "folder":
        return str(folder)
    if case.family == "series":
        if case.kind == "file":
            path = folder / "summary.json"
            path.write_text("{}")
            return str(path)
        if case.kind == "corrupt":
            (folder / "summary.json").write_bytes(b'{"n_events": 3, "files": {')
            (folder / "themes.parquet").write_bytes(b"PAR1 not really parquet")
        return str(folder)
    suffix, content = FAMILIES[case.family](case.kind)
    path = folder / f"bad{suffix}"
    path.write_bytes(content)
    return str(path)


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def run_case(case: Case, place: dict, tmp_path: Path, monkeypatch, capsys) -> tuple[int, str, str, str]:
    values = {k: v for k, v in place.items() if k != "root"}
    values["out"] = str(tmp_path / "out")
    if "{bad}" in " ".join(case.argv):
        values["bad"] = _bad_path(case, place["root"])
    monkeypatch.setenv("EXPOSURE_CACHE_DIR", str(tmp_path / "cache"))
    for key, value in case.env.items():
        monkeypatch.setenv(key, _fill(value, values))
    argv = [_fill(a, values) for a in case.argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err, _fill(case.names, values)


class SilentMisread(AssertionError):
    """A bad file read with exit 0 and no word about it."""


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_input_ends_cleanly(case, place, tmp_path, monkeypatch, capsys):
    import exposure.cli._main as cli_main

    netted = []  # the net under the readers (input_failure) must not be what answers: our own errors do
    monkeypatch.setattr(cli_main, "input_failure", lambda exc, args: netted.append(repr(exc)))
    code, out, err, named = run_case(case, place, tmp_path, monkeypatch, capsys)
    assert not netted, f"answered by the CLI's net, not by an ExposureError: {netted}"
    # `exposure stream` points at its rejects file, which gives the input's line numbers
    also = [str(tmp_path / "out" / "rejects.jsonl")] if case.argv[0] == "stream" else []
    assert "Traceback" not in err and "Traceback" not in out
    assert code != 3, f"internal error: {err}"
    assert code in case.codes, f"exit {code}, expected {sorted(case.codes)}: {err}"
    if code != 0:
        assert err.strip(), "no message on stderr"
        assert any(name in err for name in (named, *also)), f"the message does not name {named!r}: {err}"
        assert any(hint in err for hint in ("Fix:", "fix:", "usage:")), f"no fix in: {err}"
    elif case.kind and case.kind not in ("folder", "utf16_bom"):  # a BOM'd UTF-16 file is read as it should be
        said = [line for line in err.splitlines() if any(name in line for name in (named, *also))]
        if not said:
            raise SilentMisread(f"exit 0 on a {case.kind} file without a word about {named}: {err!r}")


def test_matrix_is_large():
    assert len(CASES) >= 200


def test_exit_3_for_a_bug_prints_one_line_without_a_traceback(monkeypatch, capsys):
    import exposure.cli._main as cli_main

    def broken(args):
        raise KeyError("boom")

    monkeypatch.setitem(cli_main._COMMANDS, "demo", broken)
    assert main(["demo"]) == 3
    err = capsys.readouterr().err
    assert "internal error: KeyError" in err and "please report" in err and "Traceback" not in err
    monkeypatch.setenv("EXPOSURE_DEBUG", "1")
    assert main(["demo"]) == 3
    assert "Traceback" in capsys.readouterr().err


SUBPROCESS_CASES = ["map-binary", "map--top=-1"]


def test_real_processes(place, tmp_path):
    """A few cases as real ``python -c 'main()'`` processes, run side by side."""
    env = {**os.environ, "EXPOSURE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("EXPOSURE_DEBUG", None)
    running = []
    for number, case_id in enumerate(SUBPROCESS_CASES):
        case = next(c for c in CASES if c.id == case_id)
        values = {k: v for k, v in place.items() if k != "root"} | {"out": str(tmp_path / f"out{number}")}
        if "{bad}" in " ".join(case.argv):
            values["bad"] = _bad_path(case, place["root"])
        argv = [_fill(a, values) for a in case.argv]
        process = subprocess.Popen([sys.executable, "-c", "import sys; from exposure.cli import main; "
                                    "sys.exit(main())", *argv], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, env=env)
        running.append((case, _fill(case.names, values), process))
    for case, named, process in running:
        _, err = process.communicate(timeout=300)
        assert "Traceback" not in err, case.id
        assert process.returncode in case.codes and process.returncode != 3, (case.id, err)
        if process.returncode:
            assert named in err, (case.id, err)
