import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import INVASION

import exposure as ex
from exposure.errors import DataError
from exposure.studies import (
    Calibration,
    CalibrationWarning,
    calibrate,
    event_study,
    mapped_vs_unmapped,
    sensitivity_bps,
)

INVASION_EVENT = ex.Event(
    id="invasion",
    headline="Russia invades Ukraine; NATO allies pledge more defence spending",
    body="Russian forces launched a full-scale invasion of Ukraine. Airlines cancelled flights as airspace closed.",
    published_at=INVASION.to_pydatetime(),
    tags=["Geopolitics & War"],
)


def test_mapped_names_beat_the_rest_on_the_invasion(graph, us_returns):
    comparison = mapped_vs_unmapped(INVASION_EVENT, us_returns, graph, top=10, market="SPY", window=(0, 5),
                                    estimation=250, gap=10)
    s = comparison.stats
    assert s["n_mapped"] == 10 and s["n_unmapped"] > 20
    assert s["mean_mapped"] > s["mean_unmapped"]
    assert np.isfinite(s["t_welch"]) and np.isfinite(s["p_ranksum"])
    assert "SPY" not in set(comparison.mapped["ticker"]) | set(comparison.unmapped["ticker"])
    assert "Welch" in comparison.summary()
    assert comparison.to_dict()["mapped"][0]["ticker"] in comparison.mapped["ticker"].tolist()


def test_the_mapping_is_point_in_time_unless_asked(graph, us_returns):
    settings = dict(top=10, market="SPY", window=(0, 5), estimation=250, gap=10)
    strict = mapped_vs_unmapped(INVASION_EVENT, us_returns, graph, **settings)
    today = mapped_vs_unmapped(INVASION_EVENT, us_returns, graph, point_in_time="current", **settings)
    day = ex.studies.graph_of_day(graph, INVASION_EVENT)
    assert day.dated == "2022-02-24" and day.look_ahead_count == 0
    expected = ex.map_events(INVASION_EVENT, day).matrix.loc["invasion"]
    assert np.allclose(strict.mapped["score"], expected[strict.mapped["ticker"]])
    assert not strict.mapped["score"].equals(today.mapped["score"])   # 2024 figures change the scores


def _study_frame(cars):
    return type("S", (), {"results": pd.DataFrame(cars, columns=["event_id", "ticker", "car"])})()


def test_calibration_recovers_a_known_slope():
    rng = np.random.default_rng(0)
    rows, scores = [], {}
    for e in range(12):
        score = {f"T{i}": rng.uniform(-1, 1) for i in range(30)}
        scores[f"e{e}"] = score
        rows += [(f"e{e}", t, 0.015 * s + rng.normal(0, 0.003)) for t, s in score.items()]
    result = calibrate(_study_frame(rows), pd.DataFrame(scores).T)
    assert result.cov_type == "cluster" and result.n_events == 12 and result.nobs == 360
    assert result.bps_per_unit == pytest.approx(150, abs=10)
    assert result.ci[0] < 150 < result.ci[1]
    assert result.to_bps(0.5) == pytest.approx(result.bps_per_unit / 2)
    assert "bp per unit score" in result.summary()


def test_calibration_with_one_event_falls_back_to_hc1(graph, us_returns):
    impacts = ex.map_events(INVASION_EVENT, graph)
    study = event_study(us_returns, [INVASION_EVENT], market="SPY", window=(0, 5))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = calibrate(study, impacts)
    assert result.cov_type == "hc1"
    assert any(issubclass(w.category, CalibrationWarning) for w in caught)
    assert result.bps_per_unit > 0  # mapped names rose more than the rest on the invasion


def test_calibration_needs_variation():
    with pytest.raises(DataError, match="distinct scores"):
        calibrate(_study_frame([("e", "A", 0.01), ("e", "B", 0.02), ("e", "C", 0.0)]), pd.DataFrame())


def test_sensitivity_in_basis_points():
    cal = Calibration(200.0, 50.0, 4.0, 0.001, (100.0, 300.0), 0.0, 40, 5, 0.3, "cluster")
    table = sensitivity_bps(pd.Series({"a": 0.1, "b": -0.2}), cal)
    assert table["bps"].tolist() == pytest.approx([20.0, -40.0])
    assert (table["bps_low"] < table["bps"]).all() and (table["bps_high"] > table["bps"]).all()
