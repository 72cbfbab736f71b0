import json

import numpy as np
import pandas as pd
import pytest

import exposure as ex
from exposure.analytics import PortfolioSet
from exposure.errors import ArgumentError, InputFormatError
from exposure.events import events_to_frame
from exposure.streams import (
    MappedEvents,
    UndatedEventsWarning,
    event_exposure_series,
    exposure_series,
    map_event_batch,
    map_event_frame,
    map_stream,
    read_mapped,
    theme_intensity,
)

from tests.streams._feeds import feed_records


@pytest.fixture(scope="module")
def events():
    sample, _ = ex.datasets.load_sample_events()
    return sample


@pytest.fixture(scope="module")
def book(graph):
    return PortfolioSet.from_portfolios(
        {"sample": ex.datasets.load_sample_portfolio(), "benchmark": ex.datasets.load_sample_benchmark()},
        graph.compile())


def _write_jsonl(path, records, bad_at=()):
    lines = [json.dumps(r) for r in records]
    for position, text in sorted(bad_at):
        lines.insert(position - 1, text)
    path.write_text("\n".join(lines) + "\n")


def _assert_tables_equal(left: MappedEvents, right: MappedEvents):
    for name, table in left.tables().items():
        other = getattr(right, name)
        pd.testing.assert_frame_equal(table.reset_index(drop=True), other.reset_index(drop=True),
                                      check_exact=False, rtol=0, atol=1e-12)


def test_batch_mapping_equals_map_events(graph, events, book):
    mapped = map_event_batch(events, graph, top=15, portfolios=book)
    impacts = ex.map_events(events, graph)
    for event in events:
        mine = mapped.impacts[mapped.impacts["event_id"] == event.id]
        reference = impacts.top(event.id, 15)
        assert mine["ticker"].tolist() == reference["ticker"].tolist()
        np.testing.assert_allclose(mine["score"], reference["score"], rtol=0, atol=1e-12)
        themes = mapped.themes[mapped.themes["event_id"] == event.id].set_index("theme")["score"]
        reference_themes = impacts.theme_matrix.loc[event.id]
        np.testing.assert_allclose(themes, reference_themes[themes.index], rtol=0, atol=1e-12)
        assert (reference_themes.drop(themes.index) == 0).all()
    assert set(mapped.events["graph_version"]) == {graph.version}
    sensitivity = ex.analytics.event_sensitivity(ex.datasets.load_sample_portfolio(), impacts.matrix)
    mine = mapped.exposures[mapped.exposures["portfolio"] == "sample"].set_index("event_id")["exposure"]
    np.testing.assert_allclose(mine[sensitivity.index], sensitivity, rtol=0, atol=1e-12)


def test_stream_with_malformed_lines_writes_rejects_beside_the_output_and_goes_on(tmp_path, graph, events):
    records = feed_records(events, 20)
    bad = [(5, "{not json"), (40, json.dumps({"headline": "x", "market_impact": -1})), (77, '{"colour": "red"}')]
    source = tmp_path / "feed.jsonl"
    _write_jsonl(source, records, bad)
    summary = map_stream(source, tmp_path / "out", graph=graph, batch_size=16, top=10, show_progress=False)
    assert summary.n_events == len(records)
    assert summary.n_rejects == 3
    assert summary.n_batches == -(-(len(records) + 3) // 16)
    rejects = ex.events.read_rejects(summary.files["rejects"])
    assert [r.line for r in rejects] == [5, 40, 77]
    assert "market_impact" in rejects[1].reason
    written = read_mapped(tmp_path / "out")
    expected = map_event_batch(ex.read_events(tmp_path / "feed.jsonl")[0], graph, top=10)
    _assert_tables_equal(MappedEvents(written.events, written.impacts, written.themes, written.exposures,
                                      expected.rejects), expected)
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert saved["graph_versions"] == [graph.version] and saved["n_rejects"] == 3


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_csv_and_parquet_sources_map_like_jsonl(tmp_path, graph, events, suffix):
    records = feed_records(events, 3)
    frame = events_to_frame(ex.read_events(pd.DataFrame(records))[0])
    path = tmp_path / f"feed.{suffix}"
    if suffix == "csv":
        for column in ("tags", "vendor_tickers", "entities", "themes"):
            frame[column] = frame[column].map(";".join)
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    summary = map_stream(path, tmp_path / "out", graph=graph, batch_size=5, show_progress=False)
    assert summary.n_events == len(records) and summary.n_rejects == 0
    expected = map_event_batch(ex.read_events(pd.DataFrame(records))[0], graph)
    _assert_tables_equal(read_mapped(tmp_path / "out"), expected)


def test_empty_inputs_give_empty_tables_with_their_columns(tmp_path, graph):
    (tmp_path / "empty.jsonl").write_text("")
    summary = map_stream(tmp_path / "empty.jsonl", tmp_path / "out", graph=graph, show_progress=False)
    assert (summary.n_events, summary.n_rejects, summary.n_batches) == (0, 0, 0)
    written = read_mapped(tmp_path / "out")
    assert list(written.impacts.columns) == ["event_id", "published_at", "ticker", "score", "rank"]
    empty = map_event_frame(pd.DataFrame({"headline": []}), graph)
    assert all(len(t) == 0 for t in empty.tables().values())
    assert str(empty.themes["published_at"].dtype) == "datetime64[us, UTC]"


def test_output_folder_is_not_overwritten_by_accident(tmp_path, graph, seed_event):
    map_stream([seed_event], tmp_path / "out", graph=graph, show_progress=False)
    with pytest.raises(ArgumentError, match="overwrite=True"):
        map_stream([seed_event], tmp_path / "out", graph=graph, show_progress=False)
    map_stream([seed_event], tmp_path / "out", graph=graph, overwrite=True, show_progress=False)
    with pytest.raises(InputFormatError, match="no such file"):
        map_stream(tmp_path / "missing.jsonl", tmp_path / "other", graph=graph, show_progress=False)


def test_frame_rejects_report_lines_from_the_frame_start(graph):
    frame = pd.DataFrame({"headline": ["NATO air defence", None, "Oil supply cut"], "market_impact": [0.2, 0.1, 0.3]})
    mapped = map_event_frame(frame, graph, first_line=101)
    assert mapped.rejects["line"].tolist() == [102]
    assert len(mapped.events) == 2


def test_theme_intensity_is_the_daily_sum_of_market_impact_times_activation(tmp_path, graph, events):
    records = feed_records(events, 10)
    mapped = map_event_batch(ex.read_events(pd.DataFrame(records))[0], graph, top=0)
    daily = theme_intensity(mapped, freq="D")
    themes = mapped.themes.assign(day=mapped.themes["published_at"].dt.floor("D"))
    expected = themes.groupby(["day", "theme"])["score"].sum().unstack(fill_value=0.0)
    np.testing.assert_allclose(daily.loc[expected.index, expected.columns], expected, rtol=0, atol=1e-12)
    assert (daily.drop(index=expected.index, errors="ignore") == 0).all().all()
    assert daily.index.to_series().diff().dropna().eq(pd.Timedelta(days=1)).all()
    source = tmp_path / "feed.jsonl"
    _write_jsonl(source, records)
    map_stream(source, tmp_path / "out", graph=graph, top=0, batch_size=7, show_progress=False)
    from_disk = theme_intensity(tmp_path / "out", freq="D", batch_rows=50)
    pd.testing.assert_frame_equal(from_disk, daily, check_exact=False, rtol=0, atol=1e-12, check_freq=False)
    for freq in ("2D", "5h"):
        pd.testing.assert_frame_equal(theme_intensity(tmp_path / "out", freq=freq, batch_rows=13),
                                      theme_intensity(mapped, freq=freq), check_exact=False, rtol=0, atol=1e-12)
    weekly = theme_intensity(mapped, freq="W")
    np.testing.assert_allclose(weekly.sum(), daily.sum(), rtol=0, atol=1e-9)


def test_undated_events_are_left_out_of_series_with_a_warning(graph, seed_event):
    mapped = map_event_batch([seed_event], graph, top=0)
    with pytest.warns(UndatedEventsWarning, match="no published_at"):
        series = theme_intensity(mapped)
    assert series.empty


def test_portfolio_exposure_series_uses_the_graph_of_each_day(graph, book):
    dated = [
        ex.Event(id="old", headline="Aerojet Rocketdyne wins rocket motor contract", market_impact=0.5,
                 published_at="2022-03-01T12:00:00+00:00"),
        ex.Event(id="new", headline="Aerojet Rocketdyne wins rocket motor contract", market_impact=0.5,
                 published_at="2025-03-01T12:00:00+00:00"),
    ]
    mapped = map_event_batch(dated, graph, as_of=True, portfolios=book)
    versions = mapped.events.set_index("event_id")["graph_version"]
    assert versions["old"] == graph.as_of("2022-03-01", strict=True).version
    assert versions["new"] == graph.as_of("2025-03-01", strict=True).version != versions["old"]
    assert mapped.events["look_ahead_count"].tolist() == [0, 0]
    old_tickers = set(mapped.impacts.loc[mapped.impacts["event_id"] == "old", "ticker"])
    new_tickers = set(mapped.impacts.loc[mapped.impacts["event_id"] == "new", "ticker"])
    assert "AJRD" in old_tickers and "AJRD" not in new_tickers
    direct = map_event_batch(dated[:1], graph.as_of("2022-03-01", strict=True), portfolios=book)
    mine = mapped.impacts[mapped.impacts["event_id"] == "old"].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, direct.impacts, check_exact=False, rtol=0, atol=1e-12)
    series = event_exposure_series(dated, book, graph, freq="D")
    assert series.shape[1] == 2 and len(series) == (pd.Timestamp("2025-03-01") - pd.Timestamp("2022-03-01")).days + 1
    expected = mapped.exposures.groupby(mapped.exposures["published_at"].dt.floor("D"))["exposure"].sum()
    np.testing.assert_allclose(series.sum(axis=1)[expected.index], expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(exposure_series(mapped).to_numpy(), series.to_numpy(), rtol=0, atol=1e-12)


def test_dated_graphs_compile_once_per_span_without_changes(graph):
    from exposure.streams import dated_graphs

    spans = dated_graphs(graph)
    assert spans.on("2025-03-01") is spans.on("2025-03-02")
    assert spans.on("2022-03-01") is not spans.on("2025-03-01")
