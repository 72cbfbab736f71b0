"""The architecture of DESIGN.md, enforced: imports point down the layers, never up."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "exposure"

ALLOWED = {
    "errors": set(),
    "io": {"errors"},
    "events": {"errors", "io"},
    "graph": {"errors", "io"},
    "portfolio": {"errors", "io"},
    "tagging": {"errors", "io", "events", "graph"},
    "impact": {"errors", "io", "events", "graph", "tagging"},
    "analytics": {"errors", "io", "events", "graph", "tagging", "impact", "portfolio"},
    "datasets": {"errors", "io", "events", "portfolio"},
    "market": {"errors", "io"},
    "studies": {"errors", "io", "events", "graph", "tagging", "impact", "portfolio", "analytics", "market"},
    "streams": {"errors", "io", "events", "graph", "tagging", "impact", "portfolio", "analytics"},
    "estimate": {"errors", "io", "graph", "datasets", "studies"},
    "evaluation": {
        "errors", "io", "events", "graph", "tagging", "impact", "portfolio", "analytics", "market", "studies",
        "datasets", "estimate",
    },
    "cli": {
        "errors", "io", "events", "graph", "tagging", "impact", "portfolio", "analytics", "datasets", "market",
        "studies", "streams", "evaluation", "estimate",
    },
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exposure"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("exposure"))
    return {name.split(".")[1] for name in found if name.count(".") >= 1}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_lower_layers(layer):
    root = PACKAGE / layer if (PACKAGE / layer).is_dir() else PACKAGE / f"{layer}.py"
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    for file in files:
        bad = _imports(file) - ALLOWED[layer] - {layer}
        assert not bad, f"{file.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_import_exposure_stays_light():
    code = (
        "import sys, exposure; "
        "print(sorted(m for m in ('yfinance', 'matplotlib', 'exposure.cli') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
