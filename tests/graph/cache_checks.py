"""Helpers shared by the compiled-cache tests: bit-identity, planted pickles, manifest rewrites."""

import json
import pickle
from pathlib import Path

import pandas as pd

from exposure.graph._cache import MANIFEST
from exposure.io._files import sha256_bytes

MATRICES = ("step_operator", "listing", "theme_activation", "exposure", "impact")


def assert_bit_identical(a, b):
    """Every field of two CompiledGraphs equal, arrays to the bit and of the same dtype."""
    assert (a.version, a.decay, a.max_hops, a.has_impact) == (b.version, b.decay, b.max_hops, b.has_impact)
    for name in ("concepts", "securities", "themes"):
        pd.testing.assert_index_equal(getattr(a, name), getattr(b, name), exact=True)
    pd.testing.assert_frame_equal(a.steps, b.steps, check_exact=True)
    pd.testing.assert_frame_equal(a.listings, b.listings, check_exact=True)
    for name in MATRICES if a.has_impact else MATRICES[:-1]:
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape, name
        for part in ("data", "indices", "indptr"):
            left, right = getattr(x, part), getattr(y, part)
            assert left.dtype == right.dtype and left.tobytes() == right.tobytes(), (name, part)


def refresh_checksums(entry: Path) -> None:
    """Rewrite an entry's manifest so every size and sha256 matches the files as they are now."""
    manifest = json.loads((entry / MANIFEST).read_text())
    for name in manifest["files"]:
        data = (entry / name).read_bytes()
        manifest["files"][name] = {"bytes": len(data), "sha256": sha256_bytes(data)}
    (entry / MANIFEST).write_text(json.dumps(manifest))


class Planted:
    """Unpickling this creates the marker file: proof that a planted pickle ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))


def planted_pickle(marker) -> bytes:
    return pickle.dumps(Planted(marker), protocol=pickle.HIGHEST_PROTOCOL)
