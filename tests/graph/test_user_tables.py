"""User exposure tables and edge history: formats, overrides, and every bad row of the issue."""

import shutil
import warnings

import numpy as np
import pytest

import exposure as ex
from exposure.graph import UserTableWarning
from tests.conftest import MINI_GRAPH

HEADER = "ticker,theme,weight,source,as_of,valid_from,valid_to,note"


def _load(*paths, expect_rejects=True):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = ex.KnowledgeGraph.load(MINI_GRAPH, *paths, include_default=False)
    kinds = {type(w.message) for w in caught}
    assert (UserTableWarning in kinds) == expect_rejects
    return graph


def _table(tmp_path, *lines, name="vendor.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _explicit(graph, company, theme):
    rows = graph.exposures
    row = rows[(rows["company"] == company) & (rows["theme"] == theme)]
    return row.iloc[0] if len(row) else None


def test_good_rows_become_explicit_company_exposures(tmp_path):
    path = _table(tmp_path,
                  "DRO,theme:defense-spending,0.8,Vendor RBICS 2025,2025-03-31,,,",
                  "sky,airlines,0.95,Vendor RBICS 2025,2025-03-31,,,carrier")
    graph = _load(path, expect_rejects=False)
    assert graph.rejects == ()
    row = _explicit(graph, "company:droneco", "theme:defense-spending")
    assert row["weight"] == 0.8 and row["basis"] == "explicit" and row["source"] == "Vendor RBICS 2025"
    assert graph.security_exposures(["theme:airlines"]).loc["SKY", "theme:airlines"] == 0.95


def test_minimal_header_loads_without_dates(tmp_path):
    path = _table(tmp_path, "BIG,counter-drone,0.1,my desk", header="ticker,theme,weight,source")
    graph = _load(path, expect_rejects=False)
    edge = graph.edges[(graph.edges["from_id"] == "company:bigprime") & (graph.edges["to_id"] == "theme:counter-drone")]
    assert edge["as_of"].tolist() == [""]


def test_user_figure_overrides_the_earlier_explicit_one_and_says_so(tmp_path):
    path = _table(tmp_path, "KOG.OL,defense-spending,0.65,Vendor 2025,2025-06-30,,,")
    with pytest.warns(ex.graph.GraphOverrideWarning):
        graph = ex.KnowledgeGraph.load(MINI_GRAPH, path, include_default=False)
    assert _explicit(graph, "company:kongsberg", "theme:defense-spending")["weight"] == 0.65
    assert any("company:kongsberg exposed_to theme:defense-spending" in o and "vendor.csv:2" in o
               for o in graph.overrides)


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ("NOPE,defense-spending,0.5,v,2025-01-01,,,", "ticker", "unknown ticker 'NOPE'"),
        ("DRO,defence-spending,0.5,v,2025-01-01,,,", "theme", "did you mean theme:defense-spending?"),
        ("DRO,no-such-theme,0.5,v,2025-01-01,,,", "theme", "unknown theme 'no-such-theme'"),
        ("DRO,defense-spending,1.5,v,2025-01-01,,,", "weight", "1.5 is outside [0, 1]"),
        ("DRO,defense-spending,35,v,2025-01-01,,,", "weight", "a percentage? divide by 100"),
        ("DRO,defense-spending,-0.1,v,2025-01-01,,,", "weight", "-0.1 is outside [0, 1]"),
        ("DRO,defense-spending,high,v,2025-01-01,,,", "weight", "'high' is not a number"),
        ("DRO,defense-spending,nan,v,2025-01-01,,,", "weight", "outside [0, 1]"),
        ("DRO,defense-spending,0.5,,2025-01-01,,,", "source", "source: empty"),
        ("DRO,defense-spending,0.5,v,31/03/2025,,,", "as_of", "YYYY-MM-DD"),
        ("DRO,defense-spending,0.5,v,2025-01-01,2024-01-01,2023-01-01,", "valid_to", "is before valid_from"),
        (",defense-spending,0.5,v,2025-01-01,,,", "ticker", "ticker: empty"),
    ],
)
def test_bad_row_is_rejected_with_file_row_and_fix_and_the_rest_loads(tmp_path, line, field, expected):
    path = _table(tmp_path, "SKY,airlines,0.9,v,2025-01-01,,,", line, "BIG,counter-drone,0.2,v,2025-01-01,,,")
    graph = _load(path)
    assert len(graph.rejects) == 1
    reject = graph.rejects[0]
    assert reject.line == 3
    assert reason_ok(reject.reason, path, 3, field, expected)
    assert "Fix:" in reject.reason
    assert _explicit(graph, "company:skyair", "theme:airlines")["weight"] == 0.9
    assert _explicit(graph, "company:bigprime", "theme:counter-drone")["weight"] == 0.2


def reason_ok(reason, path, row, field, expected):
    return reason.startswith(f"{path} row {row}: ") and field in reason and expected in reason


def test_duplicate_pair_is_rejected_first_row_kept(tmp_path):
    path = _table(tmp_path, "DRO,counter-drone,0.7,v,2025-01-01,,,", "dro,theme:counter-drone,0.6,v,2025-01-01,,,")
    graph = _load(path)
    (reject,) = graph.rejects
    assert reject.line == 3 and "duplicate row" in reject.reason and "vendor.csv:2" in reject.reason
    assert _explicit(graph, "company:droneco", "theme:counter-drone")["weight"] == 0.7


def test_two_listings_of_one_company_for_one_theme_are_a_duplicate(tmp_path):
    path = _table(tmp_path, "BIG,counter-drone,0.3,v,2025-01-01,,,", "BIG.L,counter-drone,0.4,v,2025-01-01,,,")
    (reject,) = _load(path).rejects
    assert "company:bigprime" in reject.reason


def test_overlapping_validity_is_rejected_disjoint_rows_are_history(tmp_path):
    path = _table(
        tmp_path,
        "DRO,counter-drone,0.2,v,2021-12-31,2020-01-01,2021-12-31,",
        "DRO,counter-drone,0.9,v,2024-12-31,2022-01-01,,",
        "DRO,counter-drone,0.5,v,2022-06-30,2021-12-31,2022-06-30,overlaps both",
    )
    graph = _load(path)
    (reject,) = graph.rejects
    assert reject.line == 4 and "overlaps 2020-01-01..2021-12-31" in reject.reason
    history = graph.edge_history
    pair = history[(history["from_id"] == "company:droneco") & (history["to_id"] == "theme:counter-drone")]
    assert pair["weight"].tolist() == [0.2, 0.9]
    assert _explicit(graph.as_of("2021-06-01"), "company:droneco", "theme:counter-drone")["weight"] == 0.2
    assert _explicit(graph.as_of("2023-06-01"), "company:droneco", "theme:counter-drone")["weight"] == 0.9
    assert _explicit(graph, "company:droneco", "theme:counter-drone")["weight"] == 0.9


def test_missing_required_column_is_a_file_error(tmp_path):
    path = _table(tmp_path, "DRO,counter-drone,0.5", header="ticker,theme,weight")
    with pytest.raises(ex.GraphError, match="missing column"):
        ex.KnowledgeGraph.load(MINI_GRAPH, path, include_default=False)


def test_rejects_survive_as_of(tmp_path):
    path = _table(tmp_path, "NOPE,airlines,0.5,v,2025-01-01,,,")
    graph = _load(path)
    assert graph.as_of("2024-01-01").rejects == graph.rejects


def test_exposure_table_over_the_default_graph(tmp_path):
    path = _table(tmp_path, "LMT,defense-spending,0.77,Vendor 2025,2025-03-31,,,", "ZZZZ9,airlines,0.5,v,,,,")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = ex.KnowledgeGraph.load(path)
    assert graph.security_exposures(["theme:defense-spending"]).loc["LMT"].item() == 0.77
    assert [r.line for r in graph.rejects] == [3]


# --- edge history in graph files -------------------------------------------------------------

def _mini_with(tmp_path, *lines):
    folder = tmp_path / "graph"
    shutil.copytree(MINI_GRAPH, folder)
    with open(folder / "edges.csv", "a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")
    return folder


HISTORY = (
    "company:skyair,exposed_to,theme:defense-spending,0.1,test,2021-12-31,2019-01-01,2021-12-31,",
    "company:skyair,exposed_to,theme:defense-spending,0.4,test,2023-12-31,2022-01-01,,",
)


def test_disjoint_history_rows_load_and_as_of_picks_one(tmp_path):
    graph = ex.KnowledgeGraph.load(_mini_with(tmp_path, *HISTORY), include_default=False)
    history = graph.edge_history
    key = (history["from_id"] == "company:skyair") & (history["to_id"] == "theme:defense-spending")
    assert history[key]["weight"].tolist() == [0.1, 0.4]
    assert len(graph.edges) == len(graph.edge_history) - 1
    assert _explicit(graph.as_of("2020-06-30"), "company:skyair", "theme:defense-spending")["weight"] == 0.1
    assert _explicit(graph.as_of("2022-06-30"), "company:skyair", "theme:defense-spending")["weight"] == 0.4
    assert _explicit(graph.as_of("2018-06-30"), "company:skyair", "theme:defense-spending") is None


def test_full_graph_computes_with_the_latest_row_not_both(tmp_path):
    graph = ex.KnowledgeGraph.load(_mini_with(tmp_path, *HISTORY), include_default=False)
    only_latest = ex.KnowledgeGraph.load(_mini_with(tmp_path / "b", HISTORY[1]), include_default=False)
    compiled, expected = graph.compile(), only_latest.compile()
    np.testing.assert_array_equal(compiled.impact.toarray(), expected.impact.toarray())
    assert graph.version != only_latest.version
    dated = graph.as_of("2020-06-30").compile()
    row = dated.concept_positions(["theme:defense-spending"])[0]
    column = dated.securities.get_loc("security:SKY")
    assert dated.impact[[row], :].toarray()[0, column] == pytest.approx(0.5 * 0.1)


def test_graph_export_and_stats_work_with_history(tmp_path):
    graph = ex.KnowledgeGraph.load(_mini_with(tmp_path, *HISTORY), include_default=False)
    assert graph.stats()["edges"]["exposed_to"] == 6  # 5 in the mini graph + 1 edge (2 rows)
    assert '"weight": 0.4' in graph.export()


def test_overlapping_history_rows_in_a_graph_file_are_an_error(tmp_path):
    overlapping = HISTORY[1].replace("2022-01-01", "2021-12-31")
    folder = _mini_with(tmp_path, HISTORY[0], overlapping)
    with pytest.raises(ex.GraphError) as info:
        ex.KnowledgeGraph.load(folder, include_default=False)
    assert "duplicate edge company:skyair exposed_to theme:defense-spending" in str(info.value)
    assert "overlaps 2019-01-01..2021-12-31" in str(info.value)


def test_later_source_replaces_every_history_row(tmp_path):
    folder = _mini_with(tmp_path, *HISTORY)
    path = _table(tmp_path, "SKY,defense-spending,0.0,vendor says none,2025-01-01,,,")
    with pytest.warns(ex.graph.GraphOverrideWarning):
        graph = ex.KnowledgeGraph.load(folder, path, include_default=False)
    history = graph.edge_history
    rows = history[(history["from_id"] == "company:skyair") & (history["to_id"] == "theme:defense-spending")]
    assert rows["weight"].tolist() == [0.0]


def test_exposure_table_inside_the_curated_default_stays_strict(tmp_path, monkeypatch):
    folder = _mini_with(tmp_path)
    _table(folder, "NOPE,airlines,0.5,v,2025-01-01,,,", name="exposures.csv")
    monkeypatch.setattr(ex.graph._io, "default_graph_dir", lambda: folder)
    with pytest.raises(ex.GraphError, match="unknown ticker 'NOPE'"):
        ex.KnowledgeGraph.load()


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("20250101", "write 2025-01-01"), ("03/01/2025", "ambiguous"), ("2025-02-30", "not a valid date")],
)
def test_bad_dates_are_rejects_naming_the_field(tmp_path, as_of, expected):
    path = _table(tmp_path, f"DRO,defense-spending,0.5,v,{as_of},,,")
    (reject,) = _load(path).rejects
    assert reject.field == "as_of" and expected in reject.reason and reject.code == "invalid"


def test_repeated_column_and_extra_cells_are_errors_naming_file_and_row(tmp_path):
    path = _table(tmp_path, "DRO,defense-spending,0.5,v,2025-01-01", header="ticker,theme,weight,source,weight")
    with pytest.raises(ex.errors.GraphError, match="'weight' appears more than once"):
        _load(path, expect_rejects=False)
    path = _table(tmp_path, "SKY,airlines,0.9,v,2025-01-01,,,", "DRO,defense-spending,0.5,v,2025-01-01,,,,extra")
    with pytest.raises(ex.errors.GraphError, match=r"vendor\.csv row 3: row has 9 cells but the header has 8"):
        _load(path, expect_rejects=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ((HEADER + "\nDRO,defense-spending,0.5,Händler,2025-01-01,,,\n").encode("latin-1"), "Latin-1/cp1252"),
        ((HEADER + "\nDRO,defense-spending,0.5,v,2025-01-01,,,\n").encode("utf-16-le"), "UTF-16-LE"),
    ],
)
def test_undecodable_tables_are_refused(tmp_path, content, message):
    path = tmp_path / "vendor.csv"
    path.write_bytes(content)
    with pytest.raises(ex.errors.InputFormatError, match=message) as caught:
        _load(path, expect_rejects=False)
    assert str(path) in str(caught.value)


def test_utf16_table_with_bom_loads(tmp_path):
    path = tmp_path / "vendor.csv"
    path.write_bytes((HEADER + "\nSKY,airlines,0.9,v,2025-01-01,,,\n").encode("utf-16"))
    graph = _load(path, expect_rejects=False)
    assert _explicit(graph, "company:skyair", "theme:airlines")["weight"] == 0.9
