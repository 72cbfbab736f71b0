"""exposed_to_blend edges: used in place of the prior only when asked, rolled up, checked, stamped."""

import pandas as pd
import pytest

from exposure.errors import ArgumentError


def _blend(graph, rows):
    return graph.with_blended_exposures(pd.DataFrame(rows, columns=["from_id", "to_id", "weight", "source"]))


def test_blend_rows_replace_explicit_and_default_figures_only_when_asked(mini_graph):
    graph = _blend(mini_graph, [
        ("company:kongsberg", "theme:air-missile-defense", 0.6, "returns-blend: test"),   # over an explicit 0.3
        ("company:skyair", "theme:airlines", 0.7, "returns-blend: test"),                 # over a default 0.9
    ])
    assert graph.has_blend and not mini_graph.has_blend
    assert graph.version != mini_graph.version
    pd.testing.assert_frame_equal(graph.exposures, mini_graph.exposures)      # the prior is untouched
    table = graph.blended_exposures.set_index(["company", "theme"])
    row = table.loc[("company:kongsberg", "theme:air-missile-defense")]
    assert row["weight"] == 0.6 and row["basis"] == "returns-blend" and row["source"] == "returns-blend: test"
    assert table.loc[("company:skyair", "theme:airlines"), "weight"] == 0.7
    # roll-up rules unchanged: the parent's own explicit figure still beats any sub-theme
    assert table.loc[("company:kongsberg", "theme:defense-spending"), "weight"] == 0.5
    prior = graph.security_exposures(["theme:airlines"])
    blend = graph.security_exposures(["theme:airlines"], exposures="blend")
    changed = (prior != blend).any(axis=1)
    assert set(graph.securities.loc[changed[changed].index, "company_id"]) == {"company:skyair"}


def test_compiled_blend_operators_are_stamped_apart(mini_graph):
    graph = _blend(mini_graph, [("company:skyair", "theme:airlines", 0.7, "returns-blend: test")])
    assert graph.compile().version == graph.version
    assert graph.compile(exposures="blend").version == f"{graph.version}+blend"


def test_blend_needs_blend_edges_and_a_known_mode(mini_graph):
    with pytest.raises(ArgumentError, match="no blended exposures") as err:
        mini_graph.compile(exposures="blend")
    assert err.value.field == "exposures" and "to_graph" in err.value.fix
    with pytest.raises(ArgumentError, match="exposures='raw'"):
        mini_graph.security_exposures(exposures="raw")


@pytest.mark.parametrize("row", [
    ("company:nobody", "theme:airlines", 0.5, "returns-blend: test"),
    ("company:skyair", "theme:airlines", 1.5, "returns-blend: test"),
    ("company:skyair", "theme:airlines", 0.5, ""),
    ("gics:20302010", "theme:airlines", 0.5, "returns-blend: test"),
])
def test_bad_blend_rows_are_refused_with_the_fix(mini_graph, row):
    with pytest.raises(ArgumentError) as err:
        _blend(mini_graph, [row])
    assert err.value.field == "rows" and err.value.fix
