"""Point in time: known_from on exposure figures, as_of look-ahead and strict, and results that say so."""

import warnings

import numpy as np
import pandas as pd
import pytest

import exposure as ex
from exposure.errors import ArgumentError
from exposure.graph import PointInTime, UserTableWarning, strict_policy
from tests.conftest import MINI_GRAPH

DATES = ["2016-06-30", "2021-06-30", "2023-03-10", "2025-06-30"]
# industry defaults: 242 sub-industry ones, theme:foreign-sales on the 11 sectors and 3 domestic sub-industries,
# theme:china-sales on the 2 chip sub-industries, property-casualty insurance on 3 insurance sub-industries,
# steel, aluminium and copper on their 3 sub-industries, the auto aftermarket on automotive retail, imported goods
# on 18 consumer sub-industries
INDUSTRY_DEFAULTS = 242 + 11 + 3 + 2 + 3 + 3 + 1 + 18


@pytest.mark.parametrize("day", DATES)
def test_as_of_reports_its_look_ahead_and_strict_has_none(graph, day):
    ahead = graph.as_of(day)
    strict = graph.as_of(day, strict=True)
    assert ahead.look_ahead_count > 0
    assert strict.look_ahead_count == 0 and strict.look_ahead.empty
    assert len(ahead.look_ahead) == ahead.look_ahead_count
    assert (ahead.look_ahead["known_from"] > day).all() and (ahead.look_ahead["days_ahead"] > 0).all()
    assert ahead.point_in_time == PointInTime(day, False, ahead.point_in_time.figures_kept, ahead.look_ahead_count,
                                              0, INDUSTRY_DEFAULTS)
    assert strict.point_in_time.dropped == ahead.look_ahead_count
    assert strict.point_in_time.figures_kept == ahead.point_in_time.figures_kept
    assert len(strict.edges) == len(ahead.edges) - ahead.look_ahead_count
    assert not (strict.edges["known_from"] > day).any()
    assert f"look_ahead={ahead.look_ahead_count}" in repr(ahead) and "strict, look_ahead=0" in repr(strict)
    assert strict.stats()["point_in_time"]["dropped"] == ahead.look_ahead_count


def test_the_graph_itself_ignores_known_from(graph):
    assert graph.look_ahead_count is None and graph.point_in_time is None and graph.look_ahead.empty
    assert graph.stats()["point_in_time"] is None and "look_ahead" not in repr(graph)
    later = graph.as_of("2100-01-01", strict=True)
    assert later.look_ahead_count == 0 and later.point_in_time.dropped == 0
    pd.testing.assert_frame_equal(later.security_exposures(), graph.security_exposures())


def test_every_company_exposure_row_is_dated_and_defaults_are_undated_priors(graph):
    exposed = graph.edge_history[graph.edge_history["relation"] == "exposed_to"]
    company = exposed["from_id"].str.startswith("company:")
    assert (exposed.loc[company, "known_from"] >= exposed.loc[company, "as_of"]).all()
    assert (exposed.loc[~company, "known_from"] == "").all() and (~company).sum() == INDUSTRY_DEFAULTS
    lockheed = exposed[(exposed["from_id"] == "company:lockheed-martin") & exposed["source"].str.contains("10-K")]
    # fiscal 2016 and 2024 10-Ks of a large accelerated filer: +60 days
    assert set(lockheed["known_from"]) == {"2017-03-01", "2025-03-01"}


def test_company_falls_back_to_its_industry_default_before_its_filing(graph):
    def defense(day):
        table = graph.as_of(day, strict=True).exposures
        return table[(table["company"] == "company:lockheed-martin")
                     & (table["theme"] == "theme:defense-spending")].iloc[0]

    before, after = defense("2017-02-28"), defense("2017-03-01")
    assert before["basis"] != "explicit" and before["weight"] >= 0.5 and before["weight"] != 0.95
    assert after["basis"] == "explicit" and after["weight"] == 0.95
    looked = graph.as_of("2017-02-28").exposures
    row = looked[(looked["company"] == "company:lockheed-martin") & (looked["theme"] == "theme:defense-spending")]
    assert row["weight"].tolist() == [0.95]


def test_a_figure_holds_until_the_next_filing_replaces_it(graph):
    def defense(day, company):
        table = graph.as_of(day, strict=True).exposures
        return table[(table["company"] == company) & (table["theme"] == "theme:defense-spending")].iloc[0]["weight"]

    # United Technologies' fiscal 2016 share until the first Raytheon Technologies 10-K, then that one
    assert defense("2019-06-30", "company:rtx") == 0.15
    assert defense("2022-06-30", "company:rtx") == 0.5 and defense("2025-06-30", "company:rtx") == 0.45
    # a police-equipment maker is not a defence prime in any year, though GICS files it under A&D
    assert defense("2020-06-30", "company:axon-enterprise") == 0.05
    table = graph.as_of("2019-03-13", strict=True).exposures
    civil = table[table["theme"] == "theme:commercial-aerospace"].set_index("company")["weight"]
    assert civil["company:boeing"] == 0.7 and civil["company:axon-enterprise"] == 0


def test_dated_graphs_change_only_on_change_dates(graph):
    assert "2025-03-01" in graph.change_dates
    a, b = graph.as_of("2025-03-01", strict=True), graph.as_of("2025-03-02", strict=True)
    if not any("2025-03-01" < d <= "2025-03-02" for d in graph.change_dates):
        assert a.version == b.version


def test_policy_and_date_arguments_are_checked(graph):
    assert strict_policy("strict") and not strict_policy("look-ahead")
    with pytest.raises(ArgumentError) as info:
        strict_policy("yes")
    assert info.value.field == "point_in_time" and "strict" in info.value.fix
    with pytest.raises(ArgumentError):
        graph.as_of("2021-06-30", strict="yes")


def _folder_with(tmp_path, name, text):
    import shutil

    folder = tmp_path / "graph"
    shutil.copytree(MINI_GRAPH, folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_graph_files_validate_known_from(tmp_path):
    header = "from_id,relation,to_id,weight,source,as_of,known_from,valid_from,valid_to,note\n"
    good = _folder_with(tmp_path / "good", "dated.csv",
                        header + "company:droneco,exposed_to,theme:airlines,0.2,10-K,2024-12-31,2025-03-01,,,\n")
    graph = ex.KnowledgeGraph.load(good, include_default=False)
    row = graph.edges[(graph.edges["from_id"] == "company:droneco") & (graph.edges["to_id"] == "theme:airlines")]
    assert row["known_from"].tolist() == ["2025-03-01"]
    assert graph.as_of("2025-01-15").look_ahead_count == 1
    assert graph.as_of("2025-03-01").look_ahead_count == 0
    bad = _folder_with(tmp_path / "bad", "dated.csv",
                       header + "company:droneco,exposed_to,theme:airlines,0.2,10-K,2024-12-31,2025/03/01,,,\n")
    with pytest.raises(ex.GraphError) as info:
        ex.KnowledgeGraph.load(bad, include_default=False)
    message = str(info.value)
    assert "dated.csv row 2" in message and "known_from" in message and "Fix:" in message


def test_user_tables_take_known_from_else_as_of_else_undated(tmp_path):
    path = tmp_path / "vendor.csv"
    path.write_text("ticker,theme,weight,source,as_of,known_from\n"
                    "DRO,airlines,0.2,Vendor 2024,2024-12-31,2025-02-15\n"
                    "SKY,defense-spending,0.1,Vendor 2024,2024-12-31,\n"
                    "DRO,counter-drone,0.7,Vendor,,\n"
                    "SKY,airlines,0.9,Vendor,,2025-13-01\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = ex.KnowledgeGraph.load(MINI_GRAPH, path, include_default=False)
    assert any(isinstance(w.message, UserTableWarning) for w in caught)
    assert [r.field for r in graph.rejects] == ["known_from"] and "vendor.csv row 5" in graph.rejects[0].reason
    edges = graph.edges.set_index(["from_id", "to_id"])
    assert edges.loc[("company:droneco", "theme:airlines"), "known_from"] == "2025-02-15"
    assert edges.loc[("company:skyair", "theme:defense-spending"), "known_from"] == "2024-12-31"
    assert edges.loc[("company:droneco", "theme:counter-drone"), "known_from"] == ""
    dated = graph.as_of("2025-01-31")
    undated_in_files = int(((graph.edges["relation"] == "exposed_to") & (graph.edges["known_from"] == "")).sum())
    assert dated.point_in_time.undated_priors == undated_in_files >= 1
    assert dated.look_ahead_count == 1 and dated.look_ahead["to_id"].tolist() == ["theme:airlines"]
    no_column = tmp_path / "plain.csv"
    no_column.write_text("ticker,theme,weight,source,as_of\nDRO,airlines,0.2,Vendor 2024,2024-12-31\n",
                         encoding="utf-8")
    plain = ex.KnowledgeGraph.load(MINI_GRAPH, no_column, include_default=False)
    row = plain.edges[(plain.edges["from_id"] == "company:droneco") & (plain.edges["to_id"] == "theme:airlines")]
    assert row["known_from"].tolist() == ["2024-12-31"]


def test_results_carry_the_look_ahead_count(graph, seed_event):
    dated = graph.as_of("2021-06-30")
    impacts = ex.map_events(seed_event, dated)
    assert impacts.look_ahead_count == dated.look_ahead_count > 0
    assert impacts.to_dict(top=1)["look_ahead_count"] == dated.look_ahead_count
    assert f"look_ahead_count={dated.look_ahead_count}" in repr(impacts)
    now = ex.map_events(seed_event, graph)
    assert now.look_ahead_count is None and now.to_dict(top=1)["look_ahead_count"] is None
    report = ex.portfolio_report(ex.datasets.load_sample_portfolio(), graph.as_of("2021-06-30", strict=True))
    assert report.look_ahead_count == 0 and report.to_dict()["look_ahead_count"] == 0
    assert "0 figures looked ahead" in report.render()


def test_evaluate_scores_each_event_with_its_strict_as_of_graph(graph):
    from exposure.evaluation import evaluate

    rng = np.random.default_rng(1)
    days = pd.bdate_range("2023-01-02", periods=300)
    returns = pd.DataFrame(rng.normal(0, 0.01, (300, 4)), index=days, columns=["SPY", "XOM", "CVX", "LMT"])
    events = [ex.Event(id=f"e{i}", headline="OPEC agrees deep oil output cut", tags=["Energy & Commodities"],
                       published_at=days[i].tz_localize("UTC") + pd.Timedelta(hours=13)) for i in (280, 290)]
    strict = evaluate(events, returns, estimation=200, permutations=5)
    assert strict.settings["point_in_time"] == "strict" and strict.settings["look_ahead_count"] == 0
    assert strict.per_event["look_ahead_count"].tolist() == [0, 0]
    assert "strict, 0 figures looked ahead" in strict.summary()
    ahead = evaluate(events, returns, estimation=200, permutations=5, point_in_time="look-ahead")
    assert ahead.settings["look_ahead_count"] == graph.as_of(ahead.per_event["event_day"].iloc[-1]).look_ahead_count
    current = evaluate(events, returns, estimation=200, permutations=5, point_in_time="current")
    assert current.settings["look_ahead_count"] is None and current.per_event["look_ahead_count"].isna().all()
    with pytest.raises(ArgumentError):
        evaluate(events, returns, estimation=200, permutations=5, point_in_time="never")
