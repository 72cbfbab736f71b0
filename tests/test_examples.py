"""The example script and the notebook run on bundled data, as a user would run them."""

import runpy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_example_script_runs(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["map_and_score.py"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(ROOT / "examples" / "map_and_score.py"), run_name="__main__")
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "Poland shoots down Russian drones" in out
    assert "event sensitivity" in out


def test_blend_example_runs(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["blend_exposures.py"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(ROOT / "examples" / "blend_exposures.py"), run_name="__main__")
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "ZION / theme:banks" in out and "distinct scores among those names" in out


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    namespace: dict = {"__name__": "__notebook__"}
    for number, cell in enumerate(cells):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{notebook.name}[cell {number}]", "exec"), namespace)
