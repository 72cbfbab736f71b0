"""The example script and the notebook run on bundled data, as a user would run them."""

import runpy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("script", "expected"), [
    ("map_and_score.py", ["Poland shoots down Russian drones", "event sensitivity"]),
    ("blend_exposures.py", ["ZION / theme:banks", "distinct scores among those names"]),
])
def test_example_script_runs(script, expected, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", [script])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(ROOT / "examples" / script), run_name="__main__")
    assert done.value.code == 0
    out = capsys.readouterr().out
    for text in expected:
        assert text in out


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    namespace: dict = {"__name__": "__notebook__"}
    for number, cell in enumerate(cells):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{notebook.name}[cell {number}]", "exec"), namespace)
